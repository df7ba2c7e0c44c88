"""The evidence pages through Datasette's test client: content, links, the map, and escaping."""

import re
import shutil
import sqlite3

import pytest
from conftest import FIXTURE_KB, REPO, hostile_database
from datasette.app import Datasette
from datasette.database import QueryInterrupted

from ingest.check.inputs import read_inputs
from ingest.check.vocabulary import CLAIM_VERDICTS, TREATMENT_VERDICTS
from ingest.load.build import build_database
from ingest.web import pages
from ingest.web.pages import quote_in_context


async def page(datasette, path: str) -> str:
    response = await datasette.client.get(path)
    assert response.status_code == 200, response.text
    return response.text


def visible(html: str) -> str:
    """Roughly what a reader sees: tags dropped, white space folded (entities left as they are)."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def table_rows(html: str, table_class: str) -> list[str]:
    """The visible text of each body row of the first table of that class."""
    table = html[html.index(f'<table class="{table_class}">'):]
    body = table[table.index("<tbody>"):table.index("</tbody>")]
    return [visible(row) for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)]


@pytest.mark.asyncio
async def test_treatment_page(datasette):
    html = await page(datasette, "/treatment/prp")
    text = visible(html)
    assert "Platelet-rich plasma (PRP) injection" in text
    assert "Verdict: weak" in text
    for claim in ["PRP is a promising treatment for chondromalacia patellae.", "PRP is safe and may help anterior knee pain.",
                  "PRP and prolotherapy relieve the pain of runner&#39;s knee."]:
        assert claim in text
    assert '<a href="/claim/ortho-prp-safe-akp">' in html
    assert '<a href="/evidence/claims/ortho-prp-safe-akp">claim record</a>' in html
    assert '<a href="/study/chalidis2025role">Chalidis et al. 2025</a>' in html
    assert '<a href="https://doi.org/10.1001/jama.2021.19415" rel="noopener">DOI</a>' in html  # Bennell 2021
    assert '<a href="/evidence/cite_pack.md?target=prp">Markdown</a>' in html
    assert "cited by the article" in text
    assert "Of the 3 studies that tested it, 1 found a benefit, 1 no benefit or harm, 1 could not tell" in text
    rows = table_rows(html, "studies findings cards")
    assert [(row.split(" why ")[0], row.split(" publication bias: Not suspected: no judgement recorded. ")[1]) for row in rows] == [
        ("pain short-term 1 146 very low",  # Chalidis 2025: level 4, 146 participants
         "The evidence is very uncertain about the effect of Platelet-rich plasma (PRP) injection on pain in the short term."),
        ("pain medium-term 1 288 Bennell et al. 2021: MD, pain 0-10 -0.1 (95% CI -0.8 to 0.6) very low",
         "The evidence is very uncertain about the effect of Platelet-rich plasma (PRP) injection on pain at 3 to 12 months."),
        ("pain not recorded 1 not recorded very low",  # Katz 2024: not levelled, no horizon
         "It is not known whether Platelet-rich plasma (PRP) injection improves pain: the studies could not tell."),
    ]
    assert "indirectness (−1): Every study is indirect evidence (another population, intervention or outcome)." in rows[1]
    # Uslu 2024 tested prolotherapy, not PRP: on PRP's page its row says so, and it counts for nothing here
    assert ("Linked to this claim, but did not test Platelet-rich plasma (PRP) injection, so not counted in its verdict: "
            "Yıldırım Uslu 2024 (supports; tested Dextrose prolotherapy) .") in visible(html[html.index('id="ortho-regenerative-relieves-pfps"'):])


@pytest.mark.asyncio
async def test_claim_page(datasette):
    html = await page(datasette, "/claim/ortho-prp-chondromalacia")
    text = visible(html)
    assert "Verdict: weak" in text
    assert "<mark>Both PRP and Prolotherapy are promising non-surgical treatments for chondromalacia patella and other knee conditions.</mark>" in html
    assert "Chondromalacia patella can be a cause of patellofemoral pain syndrome." in text  # the sentence before the quote
    assert "Conflict of interest: Sells the injections it recommends." in text
    assert "Evidence against (1 study)" in text and "Mixed evidence (1 study)" in text
    rows = table_rows(html, "studies cards")
    assert rows[0].startswith("Bennell et al. 2021 Effect of Intra-articular Platelet-Rich Plasma")
    assert rows[0].split("Clinical Trial ")[1] == (
        "rct · indirect-population · DOI · PubMed · PMC level 2 treatment-benefits contradicts Platelet-rich plasma (PRP) injection vs placebo-sham "
        "pain medium-term no-benefit PRP was no better than saline injection in knee osteoarthritis. "
        "MD, pain 0-10 -0.1 (95% CI -0.8 to 0.6); 288 participants · source Knee osteoarthritis, not chondromalacia.")
    assert '<a href="/evidence/claims/ortho-prp-chondromalacia">claim record</a>' in html


@pytest.mark.asyncio
async def test_unknown_treatment_and_claim(datasette):
    assert (await datasette.client.get("/treatment/nope")).status_code == 404
    assert (await datasette.client.get("/claim/nope")).status_code == 404


@pytest.mark.asyncio
async def test_evidence_map_page(datasette):
    html = await page(datasette, "/evidence-map")
    rows = re.findall(r'<g class="row" data-treatment="([^"]+)">', html)
    assert rows == ["knee-brace", "prp", "prolotherapy", "ten-percent-rule"]  # by verdict, then name
    assert html.count("<title>Chalidis et al. 2025: benefit for pain short-term (direct, level 4)</title>") == 1
    assert html.count("<title>Bennell et al. 2021: no benefit for pain medium-term (indirect-population, level 2)</title>") == 1
    assert "Smith et al. 2015" not in html  # it could not tell: no block on either side
    assert '<a href="/treatment/prp" aria-label="Platelet-rich plasma (PRP) injection: weak">' in html


@pytest.mark.asyncio
@pytest.mark.parametrize("query, rows, shown", [
    ("", ["knee-brace", "prp"], "Treatments 1-2 of 4."),
    ("?page=2", ["prolotherapy", "ten-percent-rule"], "Treatments 3-4 of 4."),
    ("?page=99", ["prolotherapy", "ten-percent-rule"], "Treatments 3-4 of 4."),  # past the end: the last page
    ("?page=-3", ["knee-brace", "prp"], "Treatments 1-2 of 4."),
    ("?page=%3Cscript%3E", ["knee-brace", "prp"], "Treatments 1-2 of 4."),
])
async def test_evidence_map_draws_a_page_of_treatments_at_a_time(datasette, monkeypatch, query, rows, shown):
    monkeypatch.setattr(pages, "MAP_PAGE_SIZE", 2)
    html = await page(datasette, "/evidence-map" + query)
    assert re.findall(r'<g class="row" data-treatment="([^"]+)">', html) == rows
    assert shown in visible(html)


@pytest.mark.asyncio
async def test_home_page(datasette):
    text = visible(await page(datasette, "/"))
    assert "7 claims, 4 treatments, 6 appraised studies, 6 evidence links." in text
    assert "Conflict of interest: Sells the injections it recommends." in text
    assert "How verdicts are decided" in text
    assert "Audit: claims with no evidence" in text
    # the rules are the vocabulary table's own words, read from the database
    for verdict, rule in {**CLAIM_VERDICTS, **TREATMENT_VERDICTS}.items():
        assert f"{verdict} {rule}" in text


@pytest.mark.asyncio
async def test_the_home_page_lists_a_dozen_sources_and_links_to_the_rest(metadata, tmp_path):
    """However many articles the knowledge base holds, the home page lists 12 and links to all."""
    kb = tmp_path / "kb"
    shutil.copytree(FIXTURE_KB, kb)
    with open(kb / "data" / "sources.yml", "a", encoding="utf-8") as sources:
        for number in range(11):
            sources.write(f"\n- id: blog-{number:02}\n  title: Blog post {number:02}\n  kind: blog\n")
    build_database(read_inputs(kb / "references.bib", kb / "data"), tmp_path / "evidence.db")
    html = await page(Datasette([str(tmp_path / "evidence.db")], metadata=metadata), "/")
    assert html.count("(blog)</li>") + html.count("(clinic)</li>") == 12  # of 13 sources
    assert '<p>and 1 more: <a href="/evidence/sources">all 13 sources</a>.</p>' in html


@pytest.mark.asyncio
async def test_a_claim_page_shows_its_evidence_gap(metadata, tmp_path):
    kb = tmp_path / "kb"
    shutil.copytree(FIXTURE_KB, kb)
    claims = kb / "data" / "claims" / "lombard-pfps-runners.yml"
    text = claims.read_text(encoding="utf-8")
    claims.write_text(text.replace("  claim_type: symptom\n", "  claim_type: symptom\n  evidence_gap: A cohort <b>of runners</b> would tell.\n"), encoding="utf-8")
    build_database(read_inputs(kb / "references.bib", kb / "data"), tmp_path / "evidence.db")
    html = await page(Datasette([str(tmp_path / "evidence.db")], metadata=metadata), "/claim/lombard-stairs-pain")
    assert ('<h2>Evidence gap</h2>\n<p class="gap">No study in the knowledge base answers this claim. '
            'A cohort &lt;b&gt;of runners&lt;/b&gt; would tell.</p>') in html
    assert "it is untested here" not in html


@pytest.mark.asyncio
async def test_pages_work_whatever_the_database_is_called(fixture_db, metadata, tmp_path):
    renamed = tmp_path / "runners knee 2026.db"
    shutil.copy(fixture_db, renamed)
    datasette = Datasette([str(renamed)], metadata=metadata)
    assert "How verdicts are decided" in visible(await page(datasette, "/"))
    treatment = await page(datasette, "/treatment/prp")
    assert '<a href="/runners+knee+2026/treatments/prp">' in treatment
    assert "/evidence/" not in treatment
    assert (await page(datasette, "/runners+knee+2026/cite_pack.md?target=prp")).startswith("1. Bennell KL, Paterson KL")
    assert "/evidence/" not in await page(datasette, "/claim/ortho-prp-chondromalacia")
    assert '<a href="/treatment/prp">' in await page(datasette, "/evidence-map")


@pytest.mark.parametrize("text, quote, expected", [
    ("One. Two three.  Four.", "Two  three.", {"before": "One. ", "quote": "Two three.", "after": " Four."}),
    ("abc", "missing", None),
])
def test_quote_in_context(text, quote, expected):
    assert quote_in_context(text, quote) == expected


@pytest.mark.asyncio
@pytest.mark.parametrize("path, shown", [
    ("/treatment/tx", "&lt;i&gt;Treatment&lt;/i&gt;"),
    ("/claim/c1", "&lt;img src=x onerror=alert(1)&gt;"),
    ("/evidence-map", "&lt;i&gt;Treatment&lt;/i&gt;"),
    ("/", "&lt;b&gt;Bold&lt;/b&gt; &amp; &#34;quoted&#34;"),
])
async def test_pages_escape_markup_from_the_data(tmp_path, metadata, path, shown):
    hostile_database(tmp_path / "evidence.db")
    datasette = Datasette([str(tmp_path / "evidence.db")], metadata=metadata)
    html = await page(datasette, path)
    for raw in ["<script>alert", "<img src=x", "<svg onload", "<b>Bold</b>", "<i>Treatment</i>", "<u>sells"]:
        assert raw not in html
    assert shown in html


@pytest.mark.asyncio
@pytest.mark.parametrize("path", ["/treatment/prp", "/claim/ortho-prp-chondromalacia", "/evidence-map"])
async def test_a_page_out_of_time_says_so_without_its_sql(fixture_db, metadata, path):
    """Every SQL query of the page runs out of time, as on an overloaded server."""
    datasette = Datasette([str(fixture_db)], metadata=metadata)

    async def interrupted(*args, **kwargs):
        raise QueryInterrupted(sqlite3.OperationalError("interrupted"), "select secret_sql_text", {})

    datasette.get_database("evidence").execute = interrupted
    response = await datasette.client.get(path)
    assert response.status_code == 503
    assert "This page could not be made just now" in response.text
    assert "secret_sql_text" not in response.text and "Traceback" not in response.text


@pytest.mark.asyncio
async def test_the_home_page_lists_what_a_visitor_may_see(fixture_db, metadata):
    def listed(html: str) -> list[str]:
        return re.findall(r'<a href="/evidence/([a-z_]+)">\1</a>', html.split("<h2>All the data</h2>")[1])

    everything = listed(await page(Datasette([str(fixture_db)], metadata=metadata), "/"))
    assert {"claims", "studies", "summary_of_findings", "evidence_table"} <= set(everything)
    assert "claims_fts" not in everything  # hidden tables, as Datasette hides them
    hiding = {**metadata, "databases": {"evidence": {**metadata["databases"]["evidence"], "tables": {
        **metadata["databases"]["evidence"]["tables"], "studies": {"allow": {"id": "root"}}}}}}
    shown = listed(await page(Datasette([str(fixture_db)], metadata=hiding), "/"))
    assert shown == [name for name in everything if name != "studies"]


@pytest.mark.asyncio
async def test_the_treatments_index_groups_them_by_kind(datasette):
    html = await page(datasette, "/treatments")
    groups = re.findall(r'<h2 id="([a-z-]+)">', html)
    assert groups == ["education-and-load", "injection", "orthosis"]
    lists = "".join(re.findall(r'<ul class="treatments">(.*?)</ul>', html, re.S))
    items = [visible(item) for item in re.findall(r"<li>(.*?)</li>", lists, re.S)]
    assert items == [
        "The 10% rule indirect only 1 study tested it; 1 finding, best certainty low; 1 claim",
        "Platelet-rich plasma (PRP) injection weak 3 studies tested it; 3 findings, best certainty very low; 3 claims",
        "Dextrose prolotherapy indirect only 1 study tested it; 1 finding, best certainty very low; 2 claims",
        "Knee brace weak 1 study tested it; 1 finding, best certainty low; 1 claim",
    ]
    assert '<a href="/treatment/prp">Platelet-rich plasma (PRP) injection</a>' in html
    for path, index in [("/treatment", "/treatments"), ("/treatment/", "/treatments"), ("/claim/", "/claims"), ("/study", "/studies")]:
        response = await datasette.client.get(path)
        assert (response.status_code, response.headers["location"]) == (302, index)


@pytest.mark.asyncio
async def test_ids_in_datasette_tables_link_to_reader_pages(datasette):
    summary = await page(datasette, "/evidence/treatment_summary?treatment_id=prp")
    assert '<a href="/treatment/prp">prp</a>' in summary
    verdicts = await page(datasette, "/evidence/claim_verdicts?claim_id=ortho-prp-safe-akp")
    assert '<a href="/claim/ortho-prp-safe-akp">ortho-prp-safe-akp</a>' in verdicts
    claims = await page(datasette, "/evidence/claims/ortho-prp-safe-akp")
    assert '<a href="/claim/ortho-prp-safe-akp">ortho-prp-safe-akp</a>' in claims
    evidence = await page(datasette, "/evidence/evidence_table?study_key=bennell2021effect")
    assert '<a href="/study/bennell2021effect">bennell2021effect</a>' in evidence
    study = await page(datasette, "/evidence/studies/bennell2021effect")
    assert '<a href="/study/bennell2021effect">bennell2021effect</a>' in study


def contrast(foreground: str, background: str) -> float:
    """WCAG 2's contrast ratio of two #rrggbb colours."""
    def luminance(colour: str) -> float:
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b
    lighter, darker = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_contrast_formula_matches_published_ratios():
    # WebAIM's contrast checker: #767676 on white is 4.54:1, #777777 4.48:1, black on white 21:1
    assert [round(contrast(c, "#ffffff"), 2) for c in ("#767676", "#777777", "#000000")] == [4.54, 4.48, 21.0]


def test_verdict_badges_meet_wcag_aa():
    css = (REPO / "ingest" / "web" / "static" / "evidence.css").read_text(encoding="utf-8")
    badges = dict(re.findall(r"^\.(verdict(?:-[a-z-]+)?) \{[^}]*background: (#[0-9a-f]{6})", css, re.M))
    assert len(badges) == 7  # the default and the six verdicts
    assert {name: round(contrast("#ffffff", colour), 1) for name, colour in badges.items() if contrast("#ffffff", colour) < 4.5} == {}


@pytest.mark.parametrize("query, index", [
    (pages.STUDIES_BY_LEVEL, "idx_studies_by_level"),
    (pages.TREATMENTS_BY_CATEGORY, "idx_treatment_summary_by_category"),
    (pages.MAP_TREATMENTS, "idx_treatment_summary_by_verdict"),
])
def test_the_lists_of_whole_tables_read_a_page_off_their_index(fixture_db, query, index):
    """Sorting the whole table on every visit would grow with the library (ingest/load/orders.py)."""
    plan = [step[3] for step in sqlite3.connect(fixture_db).execute(f"explain query plan {query}", {"limit": 500, "offset": 0})]
    table = "st" if index == "idx_studies_by_level" else "treatment_summary"
    assert f"SCAN {table} USING INDEX {index}" in plan
