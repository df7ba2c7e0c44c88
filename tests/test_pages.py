"""The evidence pages through Datasette's test client: content, links, the map, and escaping."""

import re

import pytest
from datasette.app import Datasette

from ingest.check.inputs import Inputs
from ingest.check.models import Claim, Condition, EvidenceLink, Source, Study, Treatment
from ingest.load.build import build_database
from ingest.read.bibtex import Reference
from ingest.web.evidence_map import render_map
from ingest.web.pages import quote_in_context


async def page(datasette, path: str) -> str:
    response = await datasette.client.get(path)
    assert response.status_code == 200, response.text
    return response.text


def visible(html: str) -> str:
    """Roughly what a reader sees: tags dropped, white space folded (entities left as they are)."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


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
    assert '<a href="/evidence/studies/chalidis2025role">Chalidis et al. 2025</a>' in html
    assert '<a href="/evidence/cite_pack.md?target=prp">Markdown</a>' in html
    assert "cited by the article" in text


@pytest.mark.asyncio
async def test_claim_page(datasette):
    html = await page(datasette, "/claim/ortho-prp-chondromalacia")
    text = visible(html)
    assert "Verdict: weak" in text
    assert "<mark>Both PRP and Prolotherapy are promising non-surgical treatments for chondromalacia patella and other knee conditions.</mark>" in html
    assert "Chondromalacia patella can be a cause of patellofemoral pain syndrome." in text  # the sentence before the quote
    assert "Conflict of interest: Sells the injections it recommends." in text
    assert "Evidence against (1)" in text and "Mixed evidence (1)" in text
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
    assert html.count("<title>Smith et al. 2015: contradicts (direct, level 1)</title>") == 1
    assert '<a href="/treatment/prp">' in html


@pytest.mark.asyncio
async def test_home_page(datasette):
    text = visible(await page(datasette, "/"))
    assert "7 claims, 4 treatments, 6 appraised studies, 6 evidence links." in text
    assert "Conflict of interest: Sells the injections it recommends." in text
    assert "How verdicts are decided" in text
    assert "Audit: claims with no evidence" in text


def test_map_blocks_count_each_study_for_and_against():
    treatments = [{"treatment_id": "t", "treatment": "T", "verdict": "conflicting"}]
    links = [
        {"treatment_id": "t", "study": "A 2020", "relation": "supports", "directness": "direct", "evidence_level": 1},
        {"treatment_id": "t", "study": "B 2021", "relation": "supports", "directness": "indirect-population", "evidence_level": 2},
        {"treatment_id": "t", "study": "C 2022", "relation": "contradicts", "directness": "direct", "evidence_level": None},
        {"treatment_id": "t", "study": "D 2023", "relation": "mixed", "directness": "direct", "evidence_level": 1},
    ]
    svg = render_map(treatments, links, lambda treatment_id: f"/treatment/{treatment_id}")
    assert re.findall(r"<title>([^<]+)</title></g>|<title>([^<]+)</title><rect", svg) == [
        ("", "A 2020: supports (direct, level 1)"), ("", "B 2021: supports (indirect-population, level 2)"),
        ("", "C 2022: contradicts (direct, not levelled)"),
    ]
    assert svg.count('fill="url(#indirect)"') == 2  # B's block, and the legend's


@pytest.mark.parametrize("text, quote, expected", [
    ("One. Two three.  Four.", "Two  three.", {"before": "One. ", "quote": "Two three.", "after": " Four."}),
    ("abc", "missing", None),
])
def test_quote_in_context(text, quote, expected):
    assert quote_in_context(text, quote) == expected


HOSTILE = {
    "source_title": '<b>Bold</b> & "quoted"',
    "claim_text": '<script>alert("claim")</script>',
    "quote": "<img src=x onerror=alert(1)>",
    "treatment": "<i>Treatment</i>",
    "study_title": "<svg onload=alert(2)>",
    "finding": "javascript:alert(3) =HYPERLINK(\"http://x\")",
}


def hostile_database(path) -> None:
    """A knowledge base whose every shown field is markup-like text."""
    inputs = Inputs(
        references=[Reference(key="s1", entry_type="article", line=1,
                              fields={"title": HOSTILE["study_title"], "year": "2020"}, year=2020)],
        sources=[Source(id="src", title=HOSTILE["source_title"], kind="blog", conflict_of_interest="<u>sells it</u>")],
        conditions=[Condition(id="pfps", name="PFPS")],
        treatments=[Treatment(id="tx", name=HOSTILE["treatment"], category="other")],
        studies=[Study(key="s1", design="rct", evidence_level=2, metadata_status="verified")],
        claims=[Claim(id="c1", source="src", quote=HOSTILE["quote"], text=HOSTILE["claim_text"], claim_type="treatment-benefit",
                      condition="pfps", treatments=["tx"],
                      evidence=[EvidenceLink(study="s1", relation="supports", directness="direct", finding=HOSTILE["finding"])])],
        source_texts={"src": f"Before. {HOSTILE['quote']} After."},
    )
    build_database(inputs, path)


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
