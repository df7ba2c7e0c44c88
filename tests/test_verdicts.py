"""The verdict rule, case by case: every verdict value and the boundaries between them.

Each case builds a real database from one claim and a few links, with the real builder, and reads
the verdict from the claim_verdicts and treatment_summary views, where the rule lives.
"""

import pytest
from conftest import build_tiny_db as build
from conftest import link

CLAIM_CASES = [
    ("no study", [], "no evidence"),
    ("background links never count", [link("background", "direct", 1, "a")], "no evidence"),
    ("only indirect", [link("supports", "indirect-population", 1, "a"), link("contradicts", "indirect-outcome", 1, "b")], "indirect only"),
    ("one direct study is enough to leave 'indirect only'", [link("supports", "indirect-population", 1, "a"), link("mixed", "direct", 3, "b")], "weak"),
    ("direct support at level 1", [link("supports", "direct", 1, "a")], "supported"),
    ("direct support at level 2 (boundary)", [link("supports", "direct", 2, "a")], "supported"),
    ("direct support at level 3 (boundary)", [link("supports", "direct", 3, "a")], "weak"),
    ("direct support not levelled", [link("supports", "direct", None, "a")], "weak"),
    ("direct evidence only mixed, even at level 1", [link("mixed", "direct", 1, "a")], "weak"),
    ("direct contradiction at level 2", [link("contradicts", "direct", 2, "a")], "contradicted"),
    ("direct contradiction at level 3 (boundary)", [link("contradicts", "direct", 3, "a")], "weak"),
    ("direct support and contradiction at level 1-2", [link("supports", "direct", 1, "a"), link("contradicts", "direct", 2, "b")], "conflicting"),
    ("a weaker contradiction does not outweigh", [link("supports", "direct", 1, "a"), link("contradicts", "direct", 3, "b")], "supported"),
    ("a weaker support does not outweigh", [link("supports", "direct", 4, "a"), link("contradicts", "direct", 1, "b")], "contradicted"),
    ("indirect contradiction does not count against direct support", [link("supports", "direct", 2, "a"), link("contradicts", "indirect-population", 1, "b")], "supported"),
]


@pytest.mark.parametrize("links, verdict", [case[1:] for case in CLAIM_CASES], ids=[case[0] for case in CLAIM_CASES])
def test_claim_verdict(tmp_path, links, verdict):
    db = build(tmp_path, [("claim", "for", links)])
    assert [row["verdict"] for row in db.query("select verdict from claim_verdicts")] == [verdict]


def test_every_claim_has_exactly_one_verdict_row(tmp_path):
    db = build(tmp_path, [("one", "for", []), ("two", "for", [link("supports", "direct", 1, "a"), link("mixed", "direct", 1, "b")])])
    assert list(db.query("select claim_id, verdict from claim_verdicts order by claim_id")) == [
        {"claim_id": "one", "verdict": "no evidence"}, {"claim_id": "two", "verdict": "supported"},
    ]


SUPPORTED = [link("supports", "direct", 1, "s")]
CONTRADICTED = [link("contradicts", "direct", 1, "c")]
WEAK = [link("mixed", "direct", 1, "w")]
INDIRECT = [link("supports", "indirect-population", 1, "i")]

TREATMENT_CASES = [
    ("no claim has evidence", [("c1", "for", [])], "no evidence"),
    ("only indirect", [("c1", "for", INDIRECT), ("c2", "for", [])], "indirect only"),
    ("weak beats indirect only", [("c1", "for", WEAK), ("c2", "for", INDIRECT)], "weak"),
    ("a supported claim", [("c1", "for", SUPPORTED), ("c2", "for", WEAK)], "supported"),
    ("a contradicted claim", [("c1", "for", CONTRADICTED), ("c2", "for", INDIRECT)], "contradicted"),
    ("supported and contradicted claims", [("c1", "for", SUPPORTED), ("c2", "for", CONTRADICTED)], "conflicting"),
    ("a conflicting claim", [("c1", "for", SUPPORTED + CONTRADICTED)], "conflicting"),
    ("a supported claim against the treatment counts as contradicted", [("c1", "against", SUPPORTED)], "contradicted"),
    ("a contradicted claim against the treatment counts as supported", [("c1", "against", CONTRADICTED)], "supported"),
]


@pytest.mark.parametrize("claims, verdict", [case[1:] for case in TREATMENT_CASES], ids=[case[0] for case in TREATMENT_CASES])
def test_treatment_verdict(tmp_path, claims, verdict):
    db = build(tmp_path, claims)
    assert [row["verdict"] for row in db.query("select verdict from treatment_summary")] == [verdict]
