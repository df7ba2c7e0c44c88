"""Finding the way: the indexes, the study page and its links out, the 404 page, titles, the
language, ids typed into canned queries, and the mends to Datasette's own templates."""

import re
import sqlite3
from pathlib import Path

import datasette
import pytest
from conftest import hostile_database
from datasette.app import Datasette
from test_pages import page, visible

from ingest.web import TEMPLATE_MENDS, pages
from ingest.web.pages import links_out


def content(html: str) -> str:
    """What a reader sees of the page's own content (Datasette's header and footer left out)."""
    return visible(html[html.index('<section class="content" role="main">'):html.index("</section>\n</div>\n<footer")])


def items(html: str, list_class: str) -> list[str]:
    found = "".join(re.findall(rf'<ul class="{list_class}">(.*?)</ul>', html, re.S))
    return [visible(item) for item in re.findall(r"<li>(.*?)</li>", found, re.S)]


@pytest.mark.asyncio
async def test_study_page(datasette):
    html = await page(datasette, "/study/bennell2021effect")
    assert content(html) == (
        "Effect of Intra-articular Platelet-Rich Plasma vs Placebo Injection on Pain and Medial Tibial Cartilage Volume in "
        "Patients With Knee Osteoarthritis: The RESTORE Randomized Clinical Trial "
        "Bennell, Kim L.; Paterson, Kade L.; Metcalf, Ben R.; Duong, Vicky; Eyles, Jillian; Kasza, Jessica; Wang, Yuanyuan; "
        "Cicuttini, Flavia; Buchbinder, Rachelle; Forbes, Andrew; Harris, Anthony; Yu, Shirley P.; Connell, David; Linklater, "
        "James; Wang, Bing Hui; Oo, Win Min; Hunter, David J. JAMA . 2021;326(20):2021–2030. "
        "Read it: DOI · PubMed · PMC "
        "What kind of study Design rct (Randomised controlled trial (including cluster-randomised).) "
        "Evidence level level 2 (OCEBM-2011, for its design; each link below is levelled for the question it answers) "
        "Participants 288 Population 288 adults with knee osteoarthritis. Condition Knee osteoarthritis "
        "PEDro score not rated by PEDro, or not recorded Tested Platelet-rich plasma (PRP) injection "
        "Bibliographic record verified. Study record References to paste: Markdown · BibTeX · CSL-JSON "
        "Claims it bears on (1) Claim Relation Tested, against Outcome, when Result Finding "
        "PRP is a promising treatment for chondromalacia patellae. weak from Runner’s Knee Pain · level 2 for treatment-benefits "
        "· indirect-population contradicts Platelet-rich plasma (PRP) injection vs placebo-sham pain medium-term no-benefit "
        "PRP was no better than saline injection in knee osteoarthritis. MD, pain 0-10 -0.1 (95% CI -0.8 to 0.6); "
        "288 participants · source Knee osteoarthritis, not chondromalacia.")
    for link in ['<a href="https://doi.org/10.1001/jama.2021.19415" rel="noopener">DOI</a>',
                 '<a href="https://pubmed.ncbi.nlm.nih.gov/34812863/" rel="noopener">PubMed</a>',
                 '<a href="https://pmc.ncbi.nlm.nih.gov/articles/PMC8611484/" rel="noopener">PMC</a>',
                 '<a href="/claim/ortho-prp-chondromalacia">', '<a href="/treatment/prp">Platelet-rich plasma (PRP) injection</a>',
                 '<a href="/evidence/cite_pack.bibtex?target=bennell2021effect">BibTeX</a>',
                 '<a href="/evidence/studies/bennell2021effect">Study record</a>']:
        assert link in html
    assert "<title>Bennell et al. 2021: Effect of Intra-articular Platelet-Rich Plasma" in html


@pytest.mark.asyncio
async def test_a_study_no_claim_links_to(datasette):
    text = content(await page(datasette, "/study/hossain2011foot"))
    assert "Design not appraised" in text and "Evidence level not levelled" in text
    assert "Tested none of the treatments named by the articles" in text
    assert text.endswith("Claims it bears on (0) No claim is linked to this study.")


@pytest.mark.asyncio
async def test_a_study_cite_pack_holds_that_study(datasette):
    response = await datasette.client.get("/evidence/cite_pack.bibtex?target=bennell2021effect")
    assert response.status_code == 200
    assert re.findall(r"@(\w+)\{(\w+),", response.text) == [("article", "bennell2021effect")]


@pytest.mark.parametrize("study, expected", [
    ({"doi": "10.1002/(SICI)1097-4636(199706)35:4<513::AID-JBM11>3.0.CO;2-M", "pmid": "9189830", "pmcid": "PMC1",
      "pedro_url": "https://search.pedro.org.au/search-results/record-detail/41004", "url": "https://example.org/a"},
     [("DOI", "https://doi.org/10.1002/%28SICI%291097-4636%28199706%2935:4%3C513::AID-JBM11%3E3.0.CO;2-M"),
      ("PubMed", "https://pubmed.ncbi.nlm.nih.gov/9189830/"), ("PMC", "https://pmc.ncbi.nlm.nih.gov/articles/PMC1/"),
      ("PEDro", "https://search.pedro.org.au/search-results/record-detail/41004"), ("Publisher", "https://example.org/a")]),
    # an address that is the DOI's is not offered twice
    ({"doi": "10.1/x", "url": "https://doi.org/10.1/x"}, [("DOI", "https://doi.org/10.1/x")]),
    # identifiers of the wrong shape, and addresses that are not web addresses, give no link at all
    ({"pmid": "123 onmouseover=alert(1)", "pmcid": "PMC1\" x=\"", "pedro_url": "javascript:alert(1)",
      "url": "data:text/html,<script>alert(1)</script>"}, []),
    ({"pmid": "", "pmcid": None, "url": "https://"}, []),
])
def test_links_out(study, expected):
    assert links_out(study) == expected


@pytest.mark.asyncio
async def test_a_study_page_links_only_to_web_addresses(tmp_path, metadata):
    hostile_database(tmp_path / "evidence.db")
    with sqlite3.connect(tmp_path / "evidence.db") as conn:
        conn.execute("""update studies set pmid = '1"><script>alert(1)</script>', url = 'javascript:alert(2)',
                        verified_at = '["javascript:alert(3)", "https://pubmed.ncbi.nlm.nih.gov/1/"]'""")
        conn.execute("update sources set url = 'javascript:alert(4)'")
    served = Datasette([str(tmp_path / "evidence.db")], metadata=metadata)
    html = await page(served, "/study/s1")
    assert 'href="javascript:' not in html and "<script>alert" not in html
    assert '<a href="https://pubmed.ncbi.nlm.nih.gov/1/" rel="noopener">https://pubmed.ncbi.nlm.nih.gov/1/</a>' in html
    assert "No DOI, PubMed, PMC or other address is recorded for this study." in html
    assert 'href="javascript:' not in await page(served, "/claim/c1")


@pytest.mark.asyncio
async def test_the_claims_index(datasette):
    html = await page(datasette, "/claims")
    assert re.findall(r"<h2>(.*?) <span", html) == [
        "Understanding and Overcoming Patellofemoral Pain Syndrome in Runners: Causes and Remedies", "Runner’s Knee Pain"]
    assert items(html, "index") == [
        "Increasing running volume by no more than 10% a week prevents injury. indirect only prevention · 1 study",
        "Pain from runner&#39;s knee worsens on stairs. no evidence symptom · 0 studies",
        "PRP is a promising treatment for chondromalacia patellae. weak treatment-benefit · 2 studies",
        "PRP and prolotherapy relieve the pain of runner&#39;s knee. indirect only treatment-benefit · 1 study",
        "PRP is safe and may help anterior knee pain. weak treatment-benefit · 1 study",
        "Knee braces help runner&#39;s knee only temporarily. supported treatment-benefit · 1 study · argues against the treatments it names",
        "Prolotherapy is an effective treatment for runner&#39;s knee. no evidence treatment-benefit · 0 studies",
    ]
    assert '<a href="/claim/ortho-prp-chondromalacia">PRP is a promising treatment for chondromalacia patellae.</a>' in html


@pytest.mark.asyncio
async def test_the_studies_index(datasette):
    html = await page(datasette, "/studies")
    assert [item.split(" : ")[0] for item in items(html, "index")] == [
        "Smith et al. 2015", "Bennell et al. 2021", "Buist et al. 2008", "Yıldırım Uslu 2024", "Chalidis et al. 2025",
        "Katz et al. 2024", "Hossain et al. 2011"]
    assert items(html, "index")[1] == (
        "Bennell et al. 2021 : Effect of Intra-articular Platelet-Rich Plasma vs Placebo Injection on Pain and Medial Tibial "
        "Cartilage Volume in Patients With Knee Osteoarthritis: The RESTORE Randomized Clinical Trial "
        "rct · level 2 · 288 participants · 1 claim · DOI · PubMed · PMC")
    assert '<a href="/study/bennell2021effect">Bennell et al. 2021</a>' in html


@pytest.mark.asyncio
@pytest.mark.parametrize("asked, shown, pager", [
    (None, ["Smith et al. 2015", "Bennell et al. 2021", "Buist et al. 2008"], "Studies 1-3 of 7. next"),
    ("3", ["Hossain et al. 2011"], "Studies 7-7 of 7. previous"),
    ("99", ["Hossain et al. 2011"], "Studies 7-7 of 7. previous"),
    ("-1", ["Smith et al. 2015", "Bennell et al. 2021", "Buist et al. 2008"], "Studies 1-3 of 7. next"),
    ("two", ["Smith et al. 2015", "Bennell et al. 2021", "Buist et al. 2008"], "Studies 1-3 of 7. next"),
])
async def test_an_index_is_shown_a_page_at_a_time(datasette, monkeypatch, asked, shown, pager):
    monkeypatch.setattr(pages, "INDEX_PAGE_SIZE", 3)
    html = await page(datasette, "/studies" + (f"?page={asked}" if asked else ""))
    assert [item.split(" : ")[0] for item in items(html, "index")] == shown
    assert [visible(p) for p in re.findall(r'<p class="pages">(.*?)</p>', html, re.S)] == [pager, pager]


@pytest.mark.asyncio
@pytest.mark.parametrize("path, message", [
    ("/study/nope", "No study has the key &#39;nope&#39;"),
    ("/claim/nope", "No claim has the id &#39;nope&#39;"),
    ("/no-such-page", "Database not found"),
    ("/evidence/no_such_table", "Table not found"),
])
async def test_not_found_offers_the_way_back(datasette, path, message):
    response = await datasette.client.get(path)
    assert response.status_code == 404
    assert content(response.text) == (
        f"Not found {message} The page may have moved, or the address may be mistyped. From here you can: "
        "browse the treatments , the claims or the studies ; see every treatment at a glance on the evidence map ; "
        "go back to the home page , or search: Search treatments, claims and studies")
    for link in ['href="/treatments"', 'href="/claims"', 'href="/studies"', 'href="/evidence-map"', 'action="/search"',
                 'href="/-/static-plugins/runners-knee-evidence/evidence.css"']:
        assert link in response.text


@pytest.mark.asyncio
@pytest.mark.parametrize("path, title", [
    ("/evidence/search?q=prp", "Search claims and studies (evidence)"),
    ("/evidence/claims_from_source?source=lombard-pfps-runners", "Claims from a source (evidence)"),
    ("/evidence/cite_pack?target=prp", "Cite pack for a claim, a treatment or a study (evidence)"),
    ("/evidence?sql=select+key+from+studies", "SQL query (evidence)"),
])
async def test_query_pages_are_titled_by_what_they_answer_not_their_sql(datasette, path, title):
    html = await page(datasette, path)
    assert re.search(r"<title>(.*?)</title>", html, re.S).group(1) == title


@pytest.mark.asyncio
@pytest.mark.parametrize("path", ["/", "/treatments", "/treatment/prp", "/claims", "/claim/ortho-prp-safe-akp", "/studies",
                                  "/study/bennell2021effect", "/evidence-map", "/evidence", "/evidence/studies",
                                  "/evidence/studies/bennell2021effect", "/evidence/cite_pack?target=prp"])
async def test_every_page_says_its_language(datasette, path):
    assert (await page(datasette, path)).startswith('<!DOCTYPE html>\n<html lang="en">\n')


def test_every_mend_still_finds_what_it_mends():
    """A Datasette upgrade that changes one of these templates fails here, not silently on the site."""
    templates = Path(datasette.__file__).parent / "templates"
    for name, mends in TEMPLATE_MENDS.items():
        source = (templates / name).read_text(encoding="utf-8")
        for before, _ in mends:
            assert before in source, f"{name} no longer holds {before!r}"


@pytest.mark.asyncio
async def test_table_filters_and_the_sql_editor_are_labelled(datasette):
    table = await page(datasette, "/evidence/studies")
    for label in ['<select name="_filter_column" aria-label="Column to filter on">', '<select name="_filter_op" aria-label="How to compare">',
                  'class="filter-value" aria-label="Value to compare with">', 'id="sort_by" aria-label="Sort by">']:
        assert label in table
    assert 'screenReaderLabel: "SQL query",' in await page(datasette, "/evidence")


@pytest.mark.asyncio
async def test_an_id_that_is_no_id_is_met_with_the_ids_it_may_mean(datasette):
    html = await page(datasette, "/evidence/claims_from_source?source=lombard")
    hint = re.search(r'<div class="message-warning id-hint">(.*?)</div>', html, re.S).group(1)
    assert visible(hint) == (
        "No source has the id “lombard”. Did you mean: lombard-pfps-runners : Understanding and Overcoming Patellofemoral "
        "Pain Syndrome in Runners: Causes and Remedies every source is in the sources table.")
    assert '<a href="?source=lombard-pfps-runners">lombard-pfps-runners</a>' in hint
    # a cite pack's target is a claim, a treatment or a study: the names match too, and only tables that match are offered
    hint = re.search(r'<div class="message-warning id-hint">(.*?)</div>', await page(datasette, "/evidence/cite_pack?target=platelet"),
                     re.S).group(1)
    assert visible(hint) == (
        "No claim, treatment or study has the id “platelet”. Did you mean: prp : Platelet-rich plasma (PRP) injection "
        "every treatment is in the treatments table. Did you mean: bennell2021effect : Effect of Intra-articular "
        "Platelet-Rich Plasma vs Placebo Injection on Pain and Medial Tibial Cartilage Volume in... chalidis2025role : "
        "The Role of Platelet-Rich Plasma (PRP) in the Treatment of Patellofemoral Arthritis and Anterior Knee Pain: A... "
        "every study is in the studies table.")


@pytest.mark.asyncio
@pytest.mark.parametrize("path", [
    "/evidence/claims_from_source?source=lombard-pfps-runners",  # an id
    "/evidence/claims_from_source",  # nothing entered yet
    "/evidence/evidence_for_treatment?treatment=brace",  # no id, but the query finds the treatment by name
])
async def test_no_hint_when_the_value_is_an_id_or_finds_rows(datasette, path):
    assert "id-hint" not in await page(datasette, path)


@pytest.mark.asyncio
async def test_a_value_with_like_wildcards_is_matched_as_typed(datasette):
    html = await page(datasette, "/evidence/studies_for_claim?claim=%25_%25")
    hint = visible(re.search(r'<div class="message-warning id-hint">(.*?)</div>', html, re.S).group(1))
    assert hint.startswith("No claim has the id “%_%”. Some claim ids: ")  # no id holds "%_%", so none is "meant"


@pytest.mark.asyncio
@pytest.mark.parametrize("asked, groups, shown", [
    (None, ["Education and load", "Injection"], ["The 10% rule", "Platelet-rich plasma (PRP) injection"]),
    ("2", ["Injection", "Orthosis"], ["Dextrose prolotherapy", "Knee brace"]),
])
async def test_the_treatments_index_is_shown_a_page_at_a_time(datasette, monkeypatch, asked, groups, shown):
    monkeypatch.setattr(pages, "INDEX_PAGE_SIZE", 2)
    html = await page(datasette, "/treatments" + (f"?page={asked}" if asked else ""))
    assert re.findall(r'<h2 id="[a-z-]+">(.*?)</h2>', html) == groups
    assert re.findall(r'<li><a href="/treatment/[^"]+">(.*?)</a>', html) == shown
    assert [visible(p) for p in re.findall(r'<p class="pages">(.*?)</p>', html, re.S)] == [
        f"Treatments {'1-2' if asked is None else '3-4'} of 4. {'next' if asked is None else 'previous'}"] * 2
