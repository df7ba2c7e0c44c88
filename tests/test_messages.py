"""Curators' mistakes said in their words: the id they meant, evidence fields written flush with the
claim's, and where a quote parts from its article. Each message is asserted whole. (YAML layout
mistakes are in test_yamlfile.py; the cases run as a curator runs them are in tests/bad_inputs/.)"""

from pathlib import Path

import pytest
from click.testing import CliRunner

from ingest.check.suggest import LIST_ALL_UP_TO, KnownIds
from ingest.cli import cli

TREATMENTS = KnownIds({
    "activity-modification": ["Activity modification (relative rest)", "load modification"],
    "prp": ["Platelet-rich plasma (PRP) injection", "platelet-rich plasma"],
    "prolotherapy": ["Dextrose prolotherapy", "prolotherapy injection"],
    "ten-percent-rule": ["The 10% rule"],
    "knee-brace": ["Knee brace"],
    "cryotherapy": ["Ice (cryotherapy)"],
})
CONDITIONS = KnownIds({"pfps": ["Patellofemoral pain syndrome", "runner's knee", "PFP"], "knee-osteoarthritis": ["Knee osteoarthritis"]})


@pytest.mark.parametrize("known, value, meant", [
    (TREATMENTS, "relative-rest", ["activity-modification"]),  # words of its name
    (TREATMENTS, "rest", ["activity-modification"]),
    (TREATMENTS, "load-modification", ["activity-modification"]),  # a synonym written as an id
    (TREATMENTS, "PRP", ["prp"]),
    (TREATMENTS, "prp-injection", ["prp"]),
    (TREATMENTS, "prolotheraphy", ["prolotherapy"]),  # one typo away; cryotherapy is three
    (TREATMENTS, "ten-percent", ["ten-percent-rule"]),
    (TREATMENTS, "massage", []),
    (CONDITIONS, "pfp", ["pfps"]),
    (CONDITIONS, "runners-knee", ["pfps"]),  # an alias, misspelt
    (CONDITIONS, "knee", ["pfps", "knee-osteoarthritis"]),  # the closer name first
])
def test_the_ids_meant(known, value, meant):
    assert known.suggestions(value) == meant


def test_did_you_mean_names_what_each_id_is():
    assert TREATMENTS.did_you_mean("relative-rest") == "did you mean 'activity-modification' (Activity modification (relative rest))? If not, "
    assert CONDITIONS.did_you_mean("knee") == "did you mean 'pfps' (Patellofemoral pain syndrome) or 'knee-osteoarthritis'? If not, "
    assert TREATMENTS.did_you_mean("massage") == ""


def test_a_short_list_of_ids_is_given_whole():
    assert KnownIds({f"id-{n}": [] for n in range(LIST_ALL_UP_TO)}).listing() == ", ".join(f"id-{n}" for n in range(LIST_ALL_UP_TO))
    assert KnownIds({f"id-{n}": [] for n in range(LIST_ALL_UP_TO + 1)}).listing() == ""


def test_suggestions_stop_when_they_would_cost_minutes(monkeypatch):
    """A references.bib cut short makes every later citekey unknown: past a budget of comparisons
    the rest get the plain message rather than seconds of matching each."""
    monkeypatch.setattr("ingest.check.suggest.MOST_COMPARED", 2 * len(TREATMENTS.names))
    known = KnownIds(dict(TREATMENTS.names))
    assert [known.suggestions(value) for value in ("ten-percent", "PRP", "prolotheraphy", "ten-percent")] == [
        ["ten-percent-rule"], ["prp"], [], ["ten-percent-rule"],  # a value already looked up costs nothing
    ]


def edit(path: str, old: str, new: str) -> None:
    file = Path(path)
    text = file.read_text(encoding="utf-8")
    assert old in text, f"fixture no longer contains {old!r}"
    file.write_text(text.replace(old, new, 1), encoding="utf-8")


def problems() -> list[str]:
    """What `check` says, without its closing count."""
    result = CliRunner().invoke(cli, ["check"])
    assert result.exit_code == 1, result.output
    return result.output.splitlines()[:-1]


LINK = """    - study: buist2008no
      relation: no-difference-vs-active
      directness: indirect-population
      finding: A graded programme built on the 10% rule did not lower injury rates in novice runners.
      tested: [ten-percent-rule]
      comparator: active-treatment
      result: no-difference-vs-active
      outcome: injury
"""


def test_evidence_fields_flush_under_evidence_are_one_mistake(kb):
    flush = "".join(f"  {line.strip().removeprefix('- ')}\n" for line in LINK.splitlines())
    edit("data/claims/lombard-pfps-runners.yml", LINK, flush)
    assert problems() == [
        "data/claims/lombard-pfps-runners.yml:12: claim 'lombard-ten-percent': 'study', 'relation', 'directness', 'finding', "
        "'tested', 'comparator', 'result' and 'outcome' belong to an evidence link: write them as an item of evidence: "
        "'- study: ...' indented under 'evidence:', the other fields lined up with 'study'",
    ]


def test_a_field_flush_with_the_claims_leaves_other_mistakes_reported(kb):
    """Only what follows from the misplaced field is left out: a field the link truly lacks, and a
    misspelt field of the claim, are still reported."""
    finding = "      finding: A graded programme built on the 10% rule did not lower injury rates in novice runners.\n"
    last_flush = LINK.replace(finding, "").replace("      directness: indirect-population\n", "") + finding[4:]
    edit("data/claims/lombard-pfps-runners.yml", LINK, last_flush)
    edit("data/claims/lombard-pfps-runners.yml", "  tags: [training-load]", "  tag: [training-load]")
    assert problems() == [
        "data/claims/lombard-pfps-runners.yml:10: claim 'lombard-ten-percent': unknown field 'tag': remove it or fix its spelling "
        "(fields: id, source, quote, text, claim_type, condition, stance, treatments, tags, evidence, evidence_gap)",
        "data/claims/lombard-pfps-runners.yml:12: claim 'lombard-ten-percent': missing required field 'evidence[0].directness': add it",
        "data/claims/lombard-pfps-runners.yml:18: claim 'lombard-ten-percent': 'finding' belongs to an evidence link: "
        "indent it under its '- study:' line (line 12), 4 more spaces than the claim's fields",
    ]


def test_a_tested_treatment_offers_the_claims_treatment_meant(kb):
    edit("data/claims/orthoregen-runners-knee.yml", "      tested: [prolotherapy]", "      tested: [dextrose-prolotherapy]")
    assert problems() == [
        "data/claims/orthoregen-runners-knee.yml:46: claim 'ortho-regenerative-relieves-pfps': evidence[0] (uslu2024dextrose): "
        "tested treatment 'dextrose-prolotherapy' is not one the claim names: did you mean 'prolotherapy' (Dextrose prolotherapy)? "
        "If not, use one of prp, prolotherapy",
    ]


def test_certainty_offers_the_treatment_and_study_meant(kb):
    Path("data/certainty.yml").write_text(
        "- treatment: brace\n  outcome: pain\n  source: smith2015\n", encoding="utf-8")
    assert problems() == [
        "data/certainty.yml:1: certainty for brace/pain/any time: unknown treatment 'brace': did you mean 'knee-brace'? "
        "If not, add it to treatments.yml, or use one of its ids: prp, prolotherapy, ten-percent-rule, knee-brace",
        "data/certainty.yml:3: certainty for brace/pain/any time: unknown study 'smith2015': did you mean 'smith2015knee' "
        "(Knee orthoses for treating patellofemoral pain ...)? If not, use the key of the review the judgement comes from: "
        "one of katz2024advanced, uslu2024dextrose, chalidis2025role, buist2008no, bennell2021effect, smith2015knee",
    ]


@pytest.mark.parametrize("old, new, expected", [
    ("Runner’s Knee.", "Runner's Knee.",  # a straight apostrophe for the article's curly one
     "data/claims/orthoregen-runners-knee.yml:35: claim 'ortho-regenerative-relieves-pfps': quote differs from the article at character 162: "
     "the article has \"... tracking in Runner’s Knee. The treatment ...\" where the quote has \"... tracking in Runner's Knee.\": copy it exactly"),
    ('"Both PRP and Prolotherapy', '"both PRP and Prolotherapy',  # the first character
     "data/claims/orthoregen-runners-knee.yml:5: claim 'ortho-prp-chondromalacia': quote differs from the article at character 1: "
     "the article has \"... these conditions. Both PRP and Prolotherapy ...\" where the quote has \"both PRP and Prolotherapy ...\": copy it exactly"),
    ("knee conditions.\"", "knee conditions, and more.\"",  # words the article does not have at the end
     "data/claims/orthoregen-runners-knee.yml:5: claim 'ortho-prp-chondromalacia': quote differs from the article at character 117: "
     "the article has \"... knee conditions. (1) There are ...\" where the quote has \"... knee conditions, and more.\": copy it exactly"),
])
def test_a_misquote_shows_where_it_parts_from_the_article(kb, old, new, expected):
    edit("data/claims/orthoregen-runners-knee.yml", old, new)
    assert problems() == [expected]
