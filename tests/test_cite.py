"""Cite packs: the references behind a claim or treatment, as Markdown, BibTeX and CSL-JSON."""

import json
import sqlite3
import urllib.parse

import bibtexparser
import pybtex.database
import pytest
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from click.testing import CliRunner
from markdown_it import MarkdownIt

from ingest.cli import cli
from ingest.export import cite

PRP_MARKDOWN = """\
1. Bennell KL, Paterson KL, Metcalf BR, et al. Effect of Intra-articular Platelet-Rich Plasma vs Placebo Injection on Pain and Medial Tibial Cartilage Volume in Patients With Knee Osteoarthritis: The RESTORE Randomized Clinical Trial. JAMA. 2021;326(20):2021-2030. doi:[10.1001/jama.2021.19415](https://doi.org/10.1001/jama.2021.19415)
2. Yıldırım Uslu E. Is Dextrose Prolotherapy More Effective Than Steroids in the Treatment of Distal Semimembranous Tendinopathy? Cureus. 2024;16(10):e70663. doi:[10.7759/cureus.70663](https://doi.org/10.7759/cureus.70663)
3. Chalidis B, Pitsilos C, Davitis V. The Role of Platelet-Rich Plasma (PRP) in the Treatment of Patellofemoral Arthritis and Anterior Knee Pain: A Systematic Review. International Journal of Molecular Sciences. 2025;26(18):9006. doi:[10.3390/ijms26189006](https://doi.org/10.3390/ijms26189006)
4. Katz NB, Tsitsilianos N, Nowak AS, Douglas SR, Tenforde AS, Borg-Stein J. Advanced Non-Operative Interventions for Anterior Knee Pain. Current Reviews in Musculoskeletal Medicine. 2024;17(12):589-615. doi:[10.1007/s12178-024-09930-x](https://doi.org/10.1007/s12178-024-09930-x)
"""
PRP_KEYS = ["bennell2021effect", "uslu2024dextrose", "chalidis2025role", "katz2024advanced"]


def run_cite(fixture_db, *args):
    return CliRunner().invoke(cli, ["cite", *args, "--db", str(fixture_db)])


def test_prp_cite_pack_as_markdown(fixture_db):
    result = run_cite(fixture_db, "prp")
    assert result.exit_code == 0
    assert result.output == PRP_MARKDOWN


def test_prp_cite_pack_as_bibtex_reads_back(fixture_db):
    result = run_cite(fixture_db, "prp", "--format", "bibtex")
    library = bibtexparser.parse_string(result.output)
    assert library.failed_blocks == []
    assert [entry.key for entry in library.entries] == PRP_KEYS
    assert library.entries[1]["doi"] == "10.7759/cureus.70663"


def test_prp_cite_pack_as_csl_json_is_accepted_by_a_csl_processor(fixture_db):
    items = json.loads(run_cite(fixture_db, "prp", "--format", "csl").output)
    assert [item["id"] for item in items] == PRP_KEYS
    assert items[1] == {
        "id": "uslu2024dextrose", "type": "article-journal",
        "title": "Is Dextrose Prolotherapy More Effective Than Steroids in the Treatment of Distal Semimembranous Tendinopathy?",
        "author": [{"family": "Yıldırım Uslu", "given": "E."}], "issued": {"date-parts": [[2024]]},
        "container-title": "Cureus", "volume": "16", "issue": "10", "page": "e70663", "DOI": "10.7759/cureus.70663",
        "PMID": "39493165", "PMCID": "PMC11528132", "URL": "https://doi.org/10.7759/cureus.70663",
    }
    # citeproc-py with its own bundled style (not ours), so the JSON is judged independently
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = CitationStylesBibliography(style, CiteProcJSON(items), formatter.plain)
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    rendered = [str(entry) for entry in bibliography.bibliography()]
    assert len(rendered) == 4
    assert "Yıldırım Uslu, E. (2024)" in "\n".join(rendered)


def test_cite_pack_for_a_claim(fixture_db):
    result = run_cite(fixture_db, "ortho-regenerative-relieves-pfps", "--format", "bibtex")
    assert [entry.key for entry in bibtexparser.parse_string(result.output).entries] == ["uslu2024dextrose"]


@pytest.mark.parametrize("target, keys", [
    ("prp", ["bennell2021effect", "uslu2024dextrose", "chalidis2025role", "katz2024advanced"]),  # a treatment
    ("ortho-prp-chondromalacia", ["bennell2021effect", "katz2024advanced"]),  # a claim
    ("bennell2021effect", ["bennell2021effect"]),  # a study a claim links
    ("hossain2011foot", []),  # a study no claim links
])
def test_the_studies_of_each_kind_of_target_are_found_by_index(fixture_db, target, keys):
    """Each kind of target has its own branch, read by index: no cite pack reads every link. (Which
    way studies are read depends on how many there are: the bench times it at 100,000.)"""
    db = sqlite3.connect(fixture_db)
    assert [row[0] for row in db.execute(cite.STUDIES_FOR_TARGET, {"target": target})] == keys
    plan = [step[3] for step in db.execute(f"explain query plan {cite.STUDIES_FOR_TARGET}", {"target": target})]
    assert [step.split(" USING")[0] for step in plan if "claim_evidence" in step or "claim_treatments" in step] == [
        "SEARCH claim_evidence", "SEARCH claim_treatments", "SEARCH claim_evidence", "SEARCH claim_evidence"]


def test_unknown_target(fixture_db):
    result = run_cite(fixture_db, "platelets")
    assert result.exit_code == 1
    assert result.output == "Error: no claim, treatment or study has the id 'platelets': use an id from the claims or treatments table, or a study's key\n"


def test_markdown_escapes_what_the_data_says():
    items = [{"id": "x", "type": "article-journal", "title": "A *bold* claim [with] <tags> and under_scores",
              "issued": {"date-parts": [[2020]]}, "DOI": "10.1000/a_b(1)"}]
    assert cite.render_markdown(items) == (
        "1. A \\*bold\\* claim \\[with\\] \\<tags\\> and under\\_scores. Published online 2020. "
        "doi:[10.1000/a\\_b(1)](https://doi.org/10.1000/a_b%281%29)\n"
    )


# Real DOIs from the SICI era (Crossref serves them as they are), and DOIs made to break out of a link.
HOSTILE_DOIS = [
    "10.1002/(SICI)1097-4636(199706)35:4<513::AID-JBM11>3.0.CO;2-M",
    "10.1002/(SICI)1097-0258(19980430)17:8<857::AID-SIM777>3.0.CO;2-E",
    '10.1000/x)<img src=x onerror=alert(1)>',
    '10.1000/x) [click](javascript:alert(1)) "<script>alert(1)</script>',
]


@pytest.mark.parametrize("doi", HOSTILE_DOIS)
def test_markdown_renders_a_doi_as_one_link_to_doi_org_and_the_rest_as_text(doi):
    """Rendered by a CommonMark renderer (markdown-it-py, not ours): one link, to doi.org, and no HTML from the data."""
    title = "Knee <script>alert(1)</script> pain\n\n# Heading\n<img src=x onerror=alert(2)>"
    items = [{"id": "x", "type": "article-journal", "title": title, "issued": {"date-parts": [[1997]]}, "DOI": doi}]
    tokens = MarkdownIt("commonmark").parseInline(cite.render_markdown(items).split(". ", 1)[1])[0].children
    links = [token.attrs["href"] for token in tokens if token.type == "link_open"]
    assert links == [cite.doi_url(doi)]
    assert urllib.parse.unquote(links[0]) == "https://doi.org/" + doi  # the resolver gets the DOI back whole
    assert [token.type for token in tokens if token.type.startswith("html")] == []
    assert doi in "".join(token.content for token in tokens if token.type == "text")
    html = MarkdownIt("commonmark").render(cite.render_markdown(items))
    assert "<script" not in html and "<img" not in html and "<h1" not in html


@pytest.mark.asyncio
async def test_the_plugin_offers_the_query_on_the_knowledge_base_only(datasette):
    queries = await datasette.get_canned_queries("evidence", None)
    assert queries["cite_pack"]["sql"] == cite.STUDIES_FOR_TARGET.strip()
    datasette.add_memory_database("other")
    assert "cite_pack" not in await datasette.get_canned_queries("other", None)


@pytest.mark.asyncio
@pytest.mark.parametrize("extension, content_type", [
    ("md", "text/markdown; charset=utf-8"),
    ("bibtex", "application/x-bibtex; charset=utf-8"),
    ("csl", "application/vnd.citationstyles.csl+json; charset=utf-8"),
])
async def test_cite_pack_in_datasette(datasette, fixture_db, extension, content_type):
    response = await datasette.client.get(f"/evidence/cite_pack.{extension}?target=prp")
    assert response.status_code == 200
    assert response.headers["content-type"] == content_type
    format_name = {"md": "md", "bibtex": "bibtex", "csl": "csl"}[extension]
    assert response.text == run_cite(fixture_db, "prp", "--format", format_name).output


@pytest.mark.asyncio
async def test_verdict_pages_link_to_cite_packs(datasette):
    page = await datasette.client.get("/evidence/treatment_summary?treatment_id=prp")
    assert '<a href="/evidence/cite_pack.md?target=prp">Markdown</a>' in page.text
    assert '<a href="/evidence/cite_pack.bibtex?target=prp">BibTeX</a>' in page.text
    page = await datasette.client.get("/evidence/claim_verdicts?claim_id=ortho-prp-safe-akp")
    assert '<a href="/evidence/cite_pack.csl?target=ortho-prp-safe-akp">CSL-JSON</a>' in page.text


@pytest.mark.asyncio
async def test_any_query_of_studies_offers_the_formats(datasette):
    response = await datasette.client.get("/evidence/studies.bibtex?key=smith2015knee")
    assert [entry.key for entry in bibtexparser.parse_string(response.text).entries] == ["smith2015knee"]
    claims = await datasette.client.get("/evidence/claims.bibtex")
    assert claims.status_code != 200  # rows that are not studies have no cite pack


def test_and_others_becomes_et_al(fixture_db):
    """BibTeX's "and others" must not silently shorten the author list."""
    result = run_cite(fixture_db, "knee-brace")
    assert result.output.startswith("1. Smith TO, et al. Knee orthoses for treating patellofemoral pain syndrome.")
    [item] = json.loads(run_cite(fixture_db, "knee-brace", "--format", "csl").output)
    assert item["author"] == [{"family": "Smith", "given": "Toby O."}, {"literal": "et al."}]


def test_the_command_offers_every_format():
    option = next(param for param in cli.commands["cite"].params if param.name == "format_")
    assert sorted(option.type.choices) == sorted(cite.RENDERERS)


@pytest.mark.asyncio
@pytest.mark.parametrize("url, message", [
    ("/evidence.md?sql=select+'k'+as+key,+'t'+as+title,+'b'+as+bibtex",
     "A .md cite pack needs the columns key, entry_type, title, year of the studies table; "
     "this query has no entry_type, year: select studies.* or add them"),
    ("/evidence.csl?sql=select+'k'+as+key,+'t'+as+title,+'b'+as+bibtex",
     "A .csl cite pack needs the columns key, entry_type, title, year of the studies table; "
     "this query has no entry_type, year: select studies.* or add them"),
    ("/evidence.bibtex?sql=select+'k'+as+key,+'t'+as+title,+null+as+bibtex", "Row 1 is not a study: bibtex must be text"),
    ("/evidence.md?sql=select+'k'+as+key,+null+as+title,+'b'+as+bibtex,+'article'+as+entry_type,+2020+as+year",
     "Row 1 is not a study: title must be text"),
    ("/evidence.csl?sql=select+key,+title,+bibtex,+entry_type,+'soon'+as+year+from+studies",
     "Row 1 is not a study: year must be a number"),
])
async def test_a_query_that_is_not_studies_gets_a_clear_400(datasette, url, message):
    response = await datasette.client.get(url)
    assert (response.status_code, response.text) == (400, message + "\n")


@pytest.mark.asyncio
async def test_a_cite_pack_is_capped(datasette, monkeypatch):
    monkeypatch.setattr("ingest.web.MAX_STUDIES", 3)
    response = await datasette.client.get("/evidence/cite_pack.md?target=prp")
    assert (response.status_code, response.text) == (400, "A cite pack holds at most 3 studies; this query has 4: narrow it\n")


def read_by_both(bibtex: str) -> tuple[dict, dict]:
    """Keys and fields (people aside: pybtex splits them) as bibtexparser and as pybtex read them."""
    ours = {entry.key: {field.key.lower(): field.value for field in entry.fields if field.key.lower() not in ("author", "editor")}
            for entry in bibtexparser.parse_string(bibtex).entries}
    theirs = {key: {name.lower(): value for name, value in entry.fields.items()}
              for key, entry in pybtex.database.parse_string(bibtex, "bibtex").entries.items()}
    return ours, theirs


# Titles whose braces bibtexparser and BibTeX count differently: a brace after a backslash.
TRICKY_TITLES = [
    r"x {\}} y @misc{evil, title = {injected}}",
    r"Sets \{a, b\} and {\}}",
    r"A line\\} @misc{evil2, title = {x}}",
    r"Plain {Title} with {\textbf{bold}} and 50\% and \& and caf{\'e}",
]


@pytest.mark.parametrize("title", TRICKY_TITLES)
def test_exported_bibtex_reads_the_same_in_two_independent_readers(title):
    raw = f"@article{{trap,\n  title = {{{title}}},\n  year = {{2020}}\n}}"
    assert [entry.key for entry in bibtexparser.parse_string(raw).entries] == ["trap"]  # what references.bib gave the build
    exported = cite.render_bibtex([{"bibtex": raw}])
    ours, theirs = read_by_both(exported)
    assert list(ours) == list(theirs) == ["trap"]
    assert ours == theirs


def test_the_fixture_cite_pack_reads_the_same_in_two_independent_readers(fixture_db):
    ours, theirs = read_by_both(run_cite(fixture_db, "prp", "--format", "bibtex").output)
    assert list(ours) == PRP_KEYS and ours == theirs


@pytest.mark.asyncio
@pytest.mark.parametrize("extension", ["md", "bibtex", "csl"])
async def test_a_cite_pack_is_named_after_its_target_and_an_unknown_one_is_404(datasette, extension):
    found = await datasette.client.get(f"/evidence/cite_pack.{extension}?target=prp")
    assert found.headers["content-disposition"] == f'inline; filename="cite-pack-prp.{extension}"'
    odd = await datasette.client.get(f"/evidence/cite_pack.{extension}?target=" + urllib.parse.quote('a"b/../c'))
    assert odd.status_code == 404
    assert odd.text == "No claim, treatment or study has the id 'a\"b/../c': use an id from the claims or treatments table, or a study's key\n"
    claim = await datasette.client.get(f"/evidence/cite_pack.{extension}?target=lombard-stairs-pain")  # exists, no study
    assert claim.status_code == 200
    assert claim.headers["content-disposition"] == f'inline; filename="cite-pack-lombard-stairs-pain.{extension}"'
