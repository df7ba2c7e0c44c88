"""The evidence map: its picture (one block per study and side) with links that assistive technology
can reach, and the map in words beneath it (every study drawn, without hovering), from the same rows."""

import re

import pytest
from conftest import hostile_database
from datasette.app import Datasette
from test_pages import page, visible

from ingest.web.evidence_map import map_rows, render_map


def link(study, relation, result, directness, level, outcome=None, horizon=None, treatment="t"):
    """One row of treatment_evidence, as the map reads it."""
    return {"treatment_id": treatment, "study_key": study.lower().replace(" ", ""), "study": study, "relation": relation,
            "result": result, "directness": directness, "evidence_level": level, "outcome": outcome, "horizon": horizon}


TREATMENTS = [{"treatment_id": "u", "treatment": "U", "verdict": "no evidence"},  # drawn after t, whatever the row order
              {"treatment_id": "t", "treatment": "T", "verdict": "conflicting"}]
LINKS = [
    link("A 2020", "supports", "benefit", "direct", 1, "pain", "short-term"),
    link("A 2020", "supports", "benefit", "direct", 1, "function", "short-term"),  # same study, second outcome
    link("A 2020", "contradicts", "no-benefit", "direct", 1, "pain", "long-term"),  # and none at a year
    link("B 2021", "supports", "benefit", "indirect-population", 2),
    link("B 2021", "supports", "benefit", "indirect-population", 2),  # cited by two claims
    link("C 2022", "contradicts", "harm", "direct", None, "adverse-events"),
    link("D 2023", "inconclusive", "inconclusive", "direct", 1, "pain"),
]


def url(treatment_id: str) -> str:
    return f"/treatment/{treatment_id}"


def block_titles(svg: str) -> list[str]:
    return re.findall(r"<title>([^<]+)</title><rect", svg)


def test_map_draws_one_block_per_study_and_side():
    svg = render_map(map_rows(TREATMENTS[1:], LINKS), url)
    assert block_titles(svg) == [
        "A 2020: benefit for pain short-term, function short-term (direct, level 1)",
        "B 2021: benefit (indirect-population, level 2)",
        "A 2020: no benefit for pain long-term (direct, level 1)",
        "C 2022: harm for adverse-events (direct, not levelled)",
    ]
    assert svg.count('fill="url(#indirect)"') == 2  # B's block, and the legend's


def in_words(rows: list[dict]) -> list[dict]:
    """What the list beneath the map says of each treatment: per side, each study with its findings."""
    return [{"treatment": row["treatment_id"], "verdict": row["verdict"],
             **{side: [(study["study_key"], [(f["text"], f["directness"], f["level"]) for f in study["findings"]])
                       for study in row[side]] for side in ("supports", "contradicts")}}
            for row in rows]


def test_map_rows_hold_every_study_drawn_with_its_findings():
    assert in_words(map_rows(TREATMENTS, LINKS)) == [
        {"treatment": "t", "verdict": "conflicting",
         "supports": [("a2020", [("benefit for pain short-term, function short-term", "direct", "level 1")]),
                      ("b2021", [("benefit", "indirect-population", "level 2")])],
         "contradicts": [("a2020", [("no benefit for pain long-term", "direct", "level 1")]),
                         ("c2022", [("harm for adverse-events", "direct", "not levelled")])]},
        {"treatment": "u", "verdict": "no evidence", "supports": [], "contradicts": []},
    ]


def test_a_study_whose_findings_differ_in_kind_says_each():
    """Its block is drawn as its strongest link (direct: not hatched); its words give every finding."""
    links = [link("E 2024", "supports", "benefit", "indirect-population", 2, "function"),
             link("E 2024", "supports", "benefit", "direct", 2, "pain"),
             link("F 2019", "contradicts", "harm", "direct", 1, "adverse-events"),
             link("F 2019", "contradicts", "no-benefit", "direct", 1, "pain")]
    svg = render_map(map_rows(TREATMENTS[1:], links), url)
    assert block_titles(svg) == [
        "E 2024: benefit for pain (direct, level 2); benefit for function (indirect-population, level 2)",
        "F 2019: harm for adverse-events (direct, level 1); no benefit for pain (direct, level 1)",
    ]
    assert svg.count('fill="url(#indirect)"') == 1  # the legend's only
    assert in_words(map_rows(TREATMENTS[1:], links))[0]["supports"] == [
        ("e2024", [("benefit for pain", "direct", "level 2"), ("benefit for function", "indirect-population", "level 2")])]


def test_the_map_hides_no_links_from_assistive_technology():
    svg = render_map(map_rows(TREATMENTS, LINKS), url)
    assert 'role="img"' not in svg  # it made the links presentational
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" role="group" ')
    assert 'aria-labelledby="map-title"' in svg.split(">")[0]
    # every link, and nothing else, named by its treatment and verdict; none taken out of the tab order
    assert re.findall(r"<a [^>]*>", svg) == ['<a href="/treatment/t" aria-label="T: conflicting">',
                                             '<a href="/treatment/u" aria-label="U: no evidence">']
    assert "tabindex" not in svg
    # the blocks are for the eye (their hover titles stay); the list beneath says it in words
    assert svg.count('<g aria-hidden="true"><title>') == len(block_titles(svg)) == 4


def test_the_map_escapes_markup_in_names():
    hostile = '<i>"T"</i> & <script>'
    treatments = [{"treatment_id": 'x"><script>', "treatment": hostile, "verdict": "weak"}]
    links = [link('<svg onload="alert(1)">', "supports", "benefit", "direct", 2, "<b>pain</b>", treatment='x"><script>')]
    svg = render_map(map_rows(treatments, links), url)
    for raw in ["<i>", "<script>", "<svg onload", "<b>pain"]:
        assert raw not in svg
    assert '<a href="/treatment/x&quot;&gt;&lt;script&gt;" aria-label="&lt;i&gt;&quot;T&quot;&lt;/i&gt; &amp; &lt;script&gt;: weak">' in svg
    assert block_titles(svg) == ["&lt;svg onload=&quot;alert(1)&quot;&gt;: benefit for &lt;b&gt;pain&lt;/b&gt; (direct, level 2)"]


def entries(html: str) -> dict[str, str]:
    """The visible text of each treatment in the map in words, by treatment id."""
    return {treatment: " ".join(re.sub(r"\s+([:;])", r"\1", visible(body)).split())
            for treatment, body in re.findall(r'<div class="map-entry" data-treatment="([^"]+)">(.*?)</div>', html, re.S)}


@pytest.mark.asyncio
async def test_the_map_page_says_the_map_in_words(datasette):
    html = await page(datasette, "/evidence-map")
    rows = re.findall(r'<g class="row" data-treatment="([^"]+)">', html)
    assert list(entries(html)) == rows == ["knee-brace", "prp", "prolotherapy", "ten-percent-rule"]  # the map's order
    assert entries(html)["prp"] == (
        "Platelet-rich plasma (PRP) injection weak "
        "For: 1 study Chalidis et al. 2025: benefit for pain short-term (direct, level 4) "
        "Against: 1 study Bennell et al. 2021: no benefit for pain medium-term (indirect-population, level 2)")
    assert entries(html)["knee-brace"] == "Knee brace weak For: 0 studies Against: 0 studies"  # its study could not tell
    # every block's hover title is a study in the list, word for word
    listed = re.findall(r"<li>(.*?)</li>", html[html.index('class="map-list"'):], re.S)
    assert sorted(" ".join(re.sub(r"\s+([:;])", r"\1", visible(item)).split()) for item in listed) == sorted(block_titles(html))
    assert '<h3><a href="/treatment/prp">Platelet-rich plasma (PRP) injection</a> <span class="verdict verdict-weak">weak</span></h3>' in html
    assert '<a href="/study/chalidis2025role">Chalidis et al. 2025</a>' in html
    assert '<a href="/treatment/prp" aria-label="Platelet-rich plasma (PRP) injection: weak">' in html


@pytest.mark.asyncio
async def test_the_map_in_words_escapes_markup_from_the_data(tmp_path, metadata):
    hostile_database(tmp_path / "evidence.db")
    html = await page(Datasette([str(tmp_path / "evidence.db")], metadata=metadata), "/evidence-map")
    assert "<i>Treatment</i>" not in html
    assert '<a href="/treatment/tx" aria-label="&lt;i&gt;Treatment&lt;/i&gt;: ' in html
    assert '<h3><a href="/treatment/tx">&lt;i&gt;Treatment&lt;/i&gt;</a>' in html
