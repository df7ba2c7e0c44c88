"""The verdict and certainty rules, case by case: every value and the boundaries between them.

Each case builds a real database from a claim or two and a few links, with the real builder, and
reads the result from the claim_verdicts, treatment_summary and summary_of_findings tables.
"""

import pytest
from conftest import build_tiny_db as build
from conftest import link

from ingest.check.models import Certainty, Rating

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
    ("an inconclusive review is not a contradiction", [link("inconclusive", "direct", 1, "a")], "weak"),
    ("no better than another active treatment is not a contradiction", [link("no-difference-vs-active", "direct", 2, "a")], "weak"),
    ("an inconclusive review does not outweigh a trial's support", [link("supports", "direct", 2, "a"), link("inconclusive", "direct", 1, "b")], "supported"),
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


def link_tested(result: str, level: int | None = 2, key: str = "s", directness: str = "direct", **fields) -> dict:
    """A link whose study tested "treatment" against placebo for pain, with the given result."""
    relation = {"benefit": "supports", "no-benefit": "contradicts", "harm": "contradicts"}.get(result, "mixed")
    return link(relation, directness, level, key, **{"tested": ["treatment"], "comparator": "placebo-sham", "result": result,
                                                      "outcome": "pain", **fields})


TREATMENT_CASES = [
    ("no claim has evidence", [("c1", "for", [])], "no evidence"),
    ("a study that tested none of the claim's treatments", [("c1", "for", [link("supports", "direct", 1, "s", tested=[])])], "no evidence"),
    ("only indirect", [("c1", "for", [link_tested("benefit", 1, directness="indirect-population")])], "indirect only"),
    ("a direct benefit at level 2", [("c1", "for", [link_tested("benefit", 2)])], "supported"),
    ("a direct benefit at level 3 (boundary)", [("c1", "for", [link_tested("benefit", 3)])], "weak"),
    ("no benefit over placebo at level 1", [("c1", "for", [link_tested("no-benefit", 1)])], "contradicted"),
    ("harm at level 2", [("c1", "for", [link_tested("harm", 2)])], "contradicted"),
    ("an inconclusive review is not a contradiction", [("c1", "for", [link_tested("inconclusive", 1)])], "weak"),
    ("a trial against another active treatment is not evidence of no effect",
     [("c1", "for", [link_tested("no-difference-vs-active", 2, comparator="active-treatment")])], "weak"),
    ("benefit in the short term and none after a year is not conflicting",
     [("c1", "for", [link_tested("benefit", 2, "a", horizon="short-term"), link_tested("no-benefit", 2, "b", horizon="long-term")])], "supported"),
    ("benefit and no benefit for the same outcome and time is conflicting",
     [("c1", "for", [link_tested("benefit", 2, "a", horizon="short-term"), link_tested("no-benefit", 1, "b", horizon="short-term")])], "conflicting"),
    ("a weaker finding does not outweigh a stronger one",
     [("c1", "for", [link_tested("benefit", 2, "a"), link_tested("no-benefit", 4, "b")])], "supported"),
    ("the claim's stance does not turn a benefit into harm", [("c1", "against", [link_tested("benefit", 1)])], "supported"),
]


@pytest.mark.parametrize("claims, verdict", [case[1:] for case in TREATMENT_CASES], ids=[case[0] for case in TREATMENT_CASES])
def test_treatment_verdict(tmp_path, claims, verdict):
    db = build(tmp_path, claims)
    assert [row["verdict"] for row in db.query("select verdict from treatment_summary where treatment_id = 'treatment'")] == [verdict]


def test_a_treatment_the_study_did_not_test_gets_nothing(tmp_path):
    """One claim names two treatments; its review tested only one (the curator's complaint: a
    co-tagged treatment's best level rose from 2 to 1)."""
    db = build(tmp_path, [
        ("both", "for", [link("supports", "direct", 1, "review", tested=["other"], comparator="placebo-sham", result="benefit", outcome="pain")],
         ["treatment", "other"]),
        ("one", "for", [link_tested("benefit", 2, "trial")]),
    ])
    assert list(db.query("select treatment_id, supporting_studies, best_evidence_level, verdict from treatment_summary order by treatment_id")) == [
        {"treatment_id": "other", "supporting_studies": 1, "best_evidence_level": 1, "verdict": "supported"},
        {"treatment_id": "treatment", "supporting_studies": 1, "best_evidence_level": 2, "verdict": "supported"},
    ]


def test_studies_are_counted_once_however_often_they_are_linked(tmp_path):
    db = build(tmp_path, [
        ("c1", "for", [link_tested("benefit", 2, "trial", horizon="short-term"), link_tested("no-benefit", 2, "trial", horizon="long-term")]),
        ("c2", "for", [link_tested("benefit", 2, "trial", horizon="short-term"), link("supports", "direct", 2, "trial", outcome="function")]),
    ])
    assert list(db.query("select supporting_studies, contradicting_studies, direct_studies, studies from treatment_summary where treatment_id = 'treatment'")) == [
        {"supporting_studies": 1, "contradicting_studies": 1, "direct_studies": 1, "studies": 1},
    ]
    assert list(db.query("select claim_id, direct_supporting, studies from claim_verdicts order by claim_id")) == [
        {"claim_id": "c1", "direct_supporting": 1, "studies": 1}, {"claim_id": "c2", "direct_supporting": 1, "studies": 1},
    ]
    assert list(db.query("select horizon, studies from summary_of_findings order by horizon")) == [
        {"horizon": "long-term", "studies": 1}, {"horizon": "short-term", "studies": 1},
    ]


def judged(horizon: str | None = "short-term", **domains) -> Certainty:
    """A curator's certainty judgement for "treatment" and pain: domain=(levels down, reason)."""
    return Certainty(treatment="treatment", outcome="pain", horizon=horizon,
                     **{domain: Rating(rate_down=down, reason=reason) for domain, (down, reason) in domains.items()})


BIG_TRIAL = link_tested("benefit", 2, "big", horizon="short-term", participants=500)
CERTAINTY_CASES = [
    ("a large trial, risk of bias not yet judged: one level below high", [BIG_TRIAL], None,
     "moderate", "A treatment likely improves pain in the short term."),
    ("judged free of serious risk of bias: high", [BIG_TRIAL], [judged(risk_of_bias=(0, "Low risk."))],
     "high", "A treatment improves pain in the short term."),
    ("a judgement for any time applies to every horizon", [BIG_TRIAL], [judged(None, risk_of_bias=(0, "Low risk."))],
     "high", "A treatment improves pain in the short term."),
    ("a small trial is imprecise", [link_tested("benefit", 2, horizon="short-term", participants=399)], None,
     "low", "A treatment may improve pain in the short term."),
    ("unknown participants count as imprecise", [link_tested("benefit", 2, horizon="short-term")], None,
     "low", "A treatment may improve pain in the short term."),
    ("observational evidence starts low", [link_tested("benefit", 3, horizon="short-term", participants=500)], None,
     "very low", "The evidence is very uncertain about the effect of A treatment on pain in the short term."),
    ("indirect evidence is rated down", [link_tested("benefit", 2, directness="indirect-population", horizon="short-term", participants=500)], None,
     "low", "A treatment may improve pain in the short term."),
    ("two levels down for very serious risk of bias", [BIG_TRIAL], [judged(risk_of_bias=(2, "Unblinded, a third lost."))],
     "low", "A treatment may improve pain in the short term."),
    ("no benefit", [link_tested("no-benefit", 2, horizon="long-term", participants=500)], None,
     "moderate", "A treatment likely results in little or no difference in pain after more than a year."),
    ("trials that disagree are inconsistent",
     [link_tested("benefit", 2, "a", horizon="short-term", participants=500), link_tested("no-benefit", 2, "b", horizon="short-term", participants=500)], None,
     "low", "Studies of A treatment disagree about pain in the short term: some found a benefit, others none."),
    ("an inconclusive review", [link_tested("inconclusive", 1, horizon="medium-term", participants=500)], None,
     "moderate", "It is not known whether A treatment improves pain at 3 to 12 months: the studies could not tell."),
    ("no time point reported", [link_tested("benefit", 2, participants=500)], None,
     "moderate", "A treatment likely improves pain."),
]


@pytest.mark.parametrize("links, judgements, certainty, statement", [case[1:] for case in CERTAINTY_CASES], ids=[case[0] for case in CERTAINTY_CASES])
def test_certainty_and_statement(tmp_path, links, judgements, certainty, statement):
    db = build(tmp_path, [("c1", "for", links)], certainty=judgements)
    assert list(db.query("select certainty, statement from summary_of_findings")) == [{"certainty": certainty, "statement": statement}]


def test_each_level_lost_says_why(tmp_path):
    """A review and the trial it pools: participants are the most any one reports, not their sum."""
    db = build(tmp_path, [("c1", "for", [
        link_tested("benefit", 1, "review", horizon="short-term", participants=300),
        link_tested("benefit", 2, "trial", directness="indirect-population", horizon="short-term", participants=120),
    ])], certainty=[judged(publication_bias=(1, "Small trials only, all positive."))])
    assert list(db.query("select * from summary_of_findings")) == [{
        "treatment_id": "treatment", "treatment": "A treatment", "outcome": "pain", "horizon": "short-term",
        "studies": 2, "participants": 300, "effect": None, "certainty": "very low",
        "statement": "The evidence is very uncertain about the effect of A treatment on pain in the short term.",
        "direction": "benefit", "direct_studies": 1, "benefit_studies": 2, "against_studies": 0, "inconclusive_studies": 0,
        "vs_active_studies": 0, "strong_benefit": 1, "strong_against": 0, "best_evidence_level": 1,
        "starting_certainty": "high: randomised evidence (level 1-2)",
        "risk_of_bias_down": 1,
        "risk_of_bias_reason": "Not yet judged for this outcome: rated down one level until a curator records a judgement in data/certainty.yml.",
        "inconsistency_down": 0, "inconsistency_reason": "The studies agree.",
        "indirectness_down": 0, "indirectness_reason": "1 of 2 studies are direct evidence.",
        "imprecision_down": 1, "imprecision_reason": "At most 300 participants, fewer than 400.",
        "publication_bias_down": 1, "publication_bias_reason": "Small trials only, all positive.",
    }]


def test_the_effect_comes_from_the_strongest_study_that_reports_one(tmp_path):
    effect = {"measure": "MD, pain 0-10", "estimate": -1.5, "ci_low": -2.3, "ci_high": -0.8, "participants": 64, "quote": "q", "verified_at": "https://example.org/record"}
    db = build(tmp_path, [("c1", "for", [
        link_tested("benefit", 2, "trial", horizon="short-term", effect=effect),
        link_tested("benefit", 1, "review", horizon="short-term", effect={**effect, "measure": "SMD", "estimate": -0.5, "ci_low": -0.9, "ci_high": -0.1}),
        link_tested("benefit", 1, "other", horizon="short-term"),
    ])])
    assert list(db.query("select effect, participants from summary_of_findings")) == [
        {"effect": "review 2020: SMD -0.5 (95% CI -0.9 to -0.1)", "participants": 64},
    ]


@pytest.mark.parametrize("numbers, shown", [
    ({"estimate": 2.52}, "trial 2020: OR 2.52"),  # a record that gives no interval: none is shown, not 0 to 0
    ({}, "trial 2020: OR"),
    ({"estimate": 0, "ci_low": -0.4, "ci_high": 0.4}, "trial 2020: OR 0 (95% CI -0.4 to 0.4)"),
])
def test_an_effect_shows_only_the_numbers_its_record_gives(tmp_path, numbers, shown):
    effect = {"measure": "OR", "quote": "q", "verified_at": "https://example.org/record", **numbers}
    db = build(tmp_path, [("c1", "for", [link_tested("benefit", 2, "trial", horizon="short-term", effect=effect)])])
    assert [row["effect"] for row in db.query("select effect from summary_of_findings")] == [shown]
