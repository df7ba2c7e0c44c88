"""The evidence pages through Datasette's test client: content, links, the map, and escaping."""

import re
import shutil

import pytest
from conftest import hostile_database
from datasette.app import Datasette

from ingest.check.vocabulary import CLAIM_VERDICTS, TREATMENT_VERDICTS
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
    # the rules are the vocabulary table's own words, read from the database
    for verdict, rule in {**CLAIM_VERDICTS, **TREATMENT_VERDICTS}.items():
        assert f"{verdict} {rule}" in text


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
