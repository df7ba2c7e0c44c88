"""Every kind of input problem gives its exact file:line message, exit status 1, and no writes.

Edits of the fixture knowledge base, checked in-process; the cases of tests/bad_inputs/ (run by
test_bad_inputs.py through real processes) are not repeated here."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from ingest.cli import cli

# The fixture's citekeys and conditions, in file order: few enough that messages list them all.
KEYS = "katz2024advanced, uslu2024dextrose, chalidis2025role, smith2015knee, buist2008no, bennell2021effect, hossain2011foot"
CONDITIONS = "pfps, chondromalacia-patellae, anterior-knee-pain, knee-osteoarthritis, distal-semimembranosus-tendinopathy, running-injuries"

def edit(path: str, old: str, new: str, count: int = 1) -> None:
    """Replace the first `count` occurrences of old in a file of the working copy (old must be there)."""
    file = Path(path)
    text = file.read_text(encoding="utf-8")
    assert old in text, f"fixture no longer contains {old!r}"
    file.write_text(text.replace(old, new, count), encoding="utf-8")


def check(*args: str):
    return CliRunner().invoke(cli, ["check", *args])


CASES = [
    (
        "an evidence gap beside a study that bears on the claim",
        [("data/claims/lombard-pfps-runners.yml", "  tags: [training-load]\n", "  tags: [training-load]\n  evidence_gap: No trial of the rule.\n")],
        ["data/claims/lombard-pfps-runners.yml:11: claim 'lombard-ten-percent': has evidence_gap but also studies that bear on it: "
         "remove evidence_gap, or make the links background"],
    ),
    (
        "unknown citekey in a claim",
        [("data/claims/lombard-pfps-runners.yml", "study: buist2008no", "study: buist2008")],
        ["data/claims/lombard-pfps-runners.yml:12: claim 'lombard-ten-percent': unknown citekey 'buist2008': did you mean 'buist2008no' "
         "(No effect of a graded training program on the ...)? If not, add the reference to references.bib, or use one of its keys: " + KEYS],
    ),
    (
        "unknown source",
        [("data/claims/lombard-pfps-runners.yml", "source: lombard-pfps-runners", "source: lombard")],
        ["data/claims/lombard-pfps-runners.yml:4: claim 'lombard-ten-percent': unknown source 'lombard': did you mean 'lombard-pfps-runners' "
         "(Understanding and Overcoming Patellofemoral Pain ...)? If not, add it to sources.yml, or use one of its ids: orthoregen-runners-knee, lombard-pfps-runners"],
    ),
    (
        "unknown treatment",
        [("data/claims/lombard-pfps-runners.yml", "treatments: [ten-percent-rule]", "treatments: [ten-percent]")],
        ["data/claims/lombard-pfps-runners.yml:9: claim 'lombard-ten-percent': unknown treatment 'ten-percent': did you mean 'ten-percent-rule' (The 10% rule)? "
         "If not, add it to treatments.yml, or use one of its ids: prp, prolotherapy, ten-percent-rule, knee-brace"],
    ),
    (
        "unknown condition in a claim",
        [("data/claims/orthoregen-runners-knee.yml", "condition: chondromalacia-patellae", "condition: chondromalacia")],
        ["data/claims/orthoregen-runners-knee.yml:8: claim 'ortho-prp-chondromalacia': unknown condition 'chondromalacia': did you mean 'chondromalacia-patellae'? "
         "If not, add it to conditions.yml, or use one of its ids: " + CONDITIONS],
    ),
    (
        "unknown condition in a study",
        [("data/studies.yml", "condition: running-injuries", "condition: running")],
        ["data/studies.yml:29: study 'buist2008no': unknown condition 'running': did you mean 'running-injuries' (Running-related injuries)? "
         "If not, add it to conditions.yml, or use one of its ids: " + CONDITIONS],
    ),
    (
        "duplicate claim id",
        [("data/claims/lombard-pfps-runners.yml", "id: lombard-stairs-pain", "id: lombard-ten-percent")],
        ["data/claims/lombard-pfps-runners.yml:21: claim 'lombard-ten-percent': duplicate id (first used at line 3): make each id unique"],
    ),
    (
        "missing required field",
        [("data/claims/lombard-pfps-runners.yml", "  text: Pain from runner's knee worsens on stairs.\n", "")],
        ["data/claims/lombard-pfps-runners.yml:21: claim 'lombard-stairs-pain': missing required field 'text': add it"],
    ),
    (
        "relation outside its set",
        [("data/claims/orthoregen-runners-knee.yml", "relation: contradicts", "relation: refutes")],
        ["data/claims/orthoregen-runners-knee.yml:22: claim 'ortho-prp-chondromalacia': evidence[1].relation 'refutes' is not allowed: use one of 'supports', 'contradicts', 'mixed', 'inconclusive', 'no-difference-vs-active' or 'background'"],
    ),
    (
        "directness outside its set",
        [("data/claims/orthoregen-runners-knee.yml", "directness: indirect-population", "directness: indirect")],
        ["data/claims/orthoregen-runners-knee.yml:23: claim 'ortho-prp-chondromalacia': evidence[1].directness 'indirect' is not allowed: use one of 'direct', 'indirect-population', 'indirect-intervention' or 'indirect-outcome'"],
    ),
    (
        "claim_type outside its set",
        [("data/claims/lombard-pfps-runners.yml", "claim_type: symptom", "claim_type: feeling")],
        ["data/claims/lombard-pfps-runners.yml:25: claim 'lombard-stairs-pain': claim_type 'feeling' is not allowed: use one of 'treatment-benefit', 'harm', 'prevention', 'prognosis', 'aetiology', 'mechanism', 'diagnosis', 'epidemiology' or 'symptom'"],
    ),
    (
        "design outside its set",
        [("data/studies.yml", "design: rct", "design: trial")],
        ["data/studies.yml:26: study 'buist2008no': design 'trial' is not allowed: use one of 'systematic-review', 'rct', 'non-randomised-trial', 'cohort', 'case-control', 'cross-sectional', 'case-series', 'lab-study', 'narrative-review', 'consensus-statement', 'guideline' or 'expert-opinion'"],
    ),
    (
        "evidence level outside 1-5",
        [("data/studies.yml", "evidence_level: 3", "evidence_level: 7")],
        ["data/studies.yml:11: study 'uslu2024dextrose': evidence_level is 7: it must be at most 5"],
    ),
    (
        "evidence level on a design that is not levelled",
        [("data/studies.yml", "design: narrative-review", "design: narrative-review\n  evidence_level: 5")],
        ["data/studies.yml:4: study 'katz2024advanced': a narrative-review is not given an evidence level: remove evidence_level"],
    ),
    (
        "levelled design without a level",
        [("data/studies.yml", "  evidence_level: 2\n  population: 532", "  population: 532")],
        ["data/studies.yml:25: study 'buist2008no': missing evidence_level for a rct: add it (usually 2 in OCEBM-2011)"],
    ),
    (
        "PEDro score without its source",
        [("data/studies.yml", "  n_participants: 532\n", "  n_participants: 532\n  pedro_score: 7\n")],
        ["data/studies.yml:31: study 'buist2008no': pedro_score needs a pedro_url: add the PEDro record it was read from"],
    ),
    (
        "wrong type",
        [("data/studies.yml", "n_participants: 25", "n_participants: twenty-five")],
        ["data/studies.yml:14: study 'uslu2024dextrose': n_participants must be a whole number, not 'twenty-five'"],
    ),
    (
        "unknown field",
        [("data/claims/lombard-pfps-runners.yml", "tags: [training-load]", "tag: [training-load]")],
        ["data/claims/lombard-pfps-runners.yml:10: claim 'lombard-ten-percent': unknown field 'tag': remove it or fix its spelling (fields: id, source, quote, text, claim_type, condition, stance, treatments, tags, evidence, evidence_gap)"],
    ),
    (
        "unknown field in an evidence link",
        [("data/claims/orthoregen-runners-knee.yml", "      relation: contradicts\n      directness: indirect-population\n      finding: PRP", "      relation: contradicts\n      directness: indirect-population\n      findings: PRP")],
        [
            "data/claims/orthoregen-runners-knee.yml:21: claim 'ortho-prp-chondromalacia': missing required field 'evidence[1].finding': add it",
            "data/claims/orthoregen-runners-knee.yml:24: claim 'ortho-prp-chondromalacia': unknown field 'evidence[1].findings': remove it or fix its spelling (fields: study, relation, directness, cited_by_source, finding, note, tested, comparator, result, outcome, horizon, level, effect)",
        ],
    ),
    (
        "linked study with no appraisal",
        [("data/studies.yml", "- key: buist2008no", "- key: buist2008no-unused")],
        [
            "data/claims/lombard-pfps-runners.yml:12: claim 'lombard-ten-percent': study 'buist2008no' has no appraisal: add an entry with key: buist2008no to studies.yml",
            "data/studies.yml:25: study 'buist2008no-unused' is not in references.bib: did you mean 'buist2008no' "
            "(No effect of a graded training program on the ...)? If not, add the reference there, or use one of its keys: " + KEYS,
        ],
    ),
    (
        "treatment listed twice",
        [("data/claims/lombard-pfps-runners.yml", "treatments: [ten-percent-rule]", "treatments: [ten-percent-rule, ten-percent-rule]")],
        ["data/claims/lombard-pfps-runners.yml:9: claim 'lombard-ten-percent': lists treatment 'ten-percent-rule' twice: remove one"],
    ),
    (
        "link on a claim with treatments that does not say what was tested",
        [("data/claims/orthoregen-runners-knee.yml", "      tested: [prp]\n      comparator: none\n      result: benefit\n", "")],
        ["data/claims/orthoregen-runners-knee.yml:60: claim 'ortho-prp-safe-akp': evidence[0] (chalidis2025role): say which of the claim's treatments the study tested, e.g. tested: [prp] (tested: [] if it tested none of them)"],
    ),
    (
        "tested treatment the claim does not name",
        [("data/claims/orthoregen-runners-knee.yml", "      tested: [prolotherapy]", "      tested: [knee-brace]")],
        ["data/claims/orthoregen-runners-knee.yml:46: claim 'ortho-regenerative-relieves-pfps': evidence[0] (uslu2024dextrose): tested treatment 'knee-brace' is not one the claim names: use one of prp, prolotherapy"],
    ),
    (
        "tested treatment without comparator and result",
        [("data/claims/orthoregen-runners-knee.yml", "      comparator: none\n      result: benefit\n", "")],
        [
            "data/claims/orthoregen-runners-knee.yml:60: claim 'ortho-prp-safe-akp': evidence[0] (chalidis2025role): missing comparator for a study that tested a treatment: add one of placebo-sham, no-treatment, usual-care, education, active-treatment, none",
            "data/claims/orthoregen-runners-knee.yml:60: claim 'ortho-prp-safe-akp': evidence[0] (chalidis2025role): missing result for a study that tested a treatment: add one of benefit, no-benefit, harm, inconclusive, no-difference-vs-active",
        ],
    ),
    (
        "no benefit against another active treatment",
        [("data/claims/orthoregen-runners-knee.yml", "      result: no-difference-vs-active\n      outcome: pain", "      result: no-benefit\n      outcome: pain")],
        ["data/claims/orthoregen-runners-knee.yml:48: claim 'ortho-regenerative-relieves-pfps': evidence[0] (uslu2024dextrose): a trial against another active treatment cannot show that the treatment does nothing: use result no-difference-vs-active"],
    ),
    (
        "contradicts on a trial against another active treatment",
        [("data/claims/orthoregen-runners-knee.yml", "    - study: uslu2024dextrose\n      relation: supports", "    - study: uslu2024dextrose\n      relation: contradicts")],
        ["data/claims/orthoregen-runners-knee.yml:42: claim 'ortho-regenerative-relieves-pfps': evidence[0] (uslu2024dextrose): doing no better than another active treatment does not contradict a claim that it helps: use relation no-difference-vs-active"],
    ),
    (
        "no difference from an active treatment, against a placebo",
        [("data/claims/orthoregen-runners-knee.yml", "      comparator: active-treatment\n      result: no-difference-vs-active\n      outcome: pain", "      comparator: placebo-sham\n      result: no-difference-vs-active\n      outcome: pain")],
        ["data/claims/orthoregen-runners-knee.yml:47: claim 'ortho-regenerative-relieves-pfps': evidence[0] (uslu2024dextrose): no-difference-vs-active needs an active comparator: use one of usual-care, education, active-treatment, or another result"],
    ),
    (
        "comparator on a link whose study tested nothing",
        [("data/claims/orthoregen-runners-knee.yml", "      tested: [prp]\n      comparator: none\n      result: inconclusive", "      tested: []\n      comparator: none\n      result: inconclusive")],
        [
            "data/claims/orthoregen-runners-knee.yml:18: claim 'ortho-prp-chondromalacia': evidence[0] (katz2024advanced): comparator is only for a study that tested a treatment: remove it, or fill tested",
            "data/claims/orthoregen-runners-knee.yml:19: claim 'ortho-prp-chondromalacia': evidence[0] (katz2024advanced): result is only for a study that tested a treatment: remove it, or fill tested",
        ],
    ),
    (
        "effect whose record is not a web address",
        [("data/claims/orthoregen-runners-knee.yml", 'verified_at: "https://example.org/fixture"', 'verified_at: "javascript:alert(1)"')],
        ["data/claims/orthoregen-runners-knee.yml:31: claim 'ortho-prp-chondromalacia': evidence[1].effect.verified_at 'javascript:alert(1)' is not a web address: "
         "give the https:// address of the record the numbers come from"],
    ),
    (
        "effect with half a confidence interval",
        [("data/claims/orthoregen-runners-knee.yml", "ci_low: -0.8, ci_high: 0.6,", "ci_low: -0.8,")],
        ["data/claims/orthoregen-runners-knee.yml:31: claim 'ortho-prp-chondromalacia': evidence[1] (bennell2021effect): a confidence interval needs both "
         "ci_low and ci_high: add the missing one from the record, or leave both out"],
    ),
    (
        "effect whose interval is upside down",
        [("data/claims/orthoregen-runners-knee.yml", "ci_low: -0.8, ci_high: 0.6,", "ci_low: 0.6, ci_high: -0.8,")],
        ["data/claims/orthoregen-runners-knee.yml:31: claim 'ortho-prp-chondromalacia': evidence[1] (bennell2021effect): ci_low 0.6 is above ci_high -0.8: check the record"],
    ),
    (
        "YAML syntax error",
        [("data/treatments.yml", "name: The 10% rule", "name: [The 10% rule")],
        ["data/treatments.yml:11: YAML syntax error: while parsing a flow sequence here, expected ',' or ']', but got ':' at line 12; fix the YAML"],
    ),
    (
        # files are read and checked one entry at a time: a file found broken at its end is reported
        # whole, and the claims read before the break are not counted (no duplicate id said here)
        "YAML syntax error at the end of a claims file read before another with one of its ids",
        [("data/claims/orthoregen-runners-knee.yml", "  treatments: [prolotherapy]\n",
          "  treatments: [prolotherapy]\n- id: broken\n  text: [unclosed\n"),
         ("data/claims/lombard-pfps-runners.yml", "- id: lombard-ten-percent", "- id: ortho-prp-chondromalacia")],
        ["data/claims/orthoregen-runners-knee.yml:97: YAML syntax error: while parsing a flow sequence here, expected ',' or ']', "
         "but got '<stream end>' at line 98; fix the YAML"],
    ),
]


@pytest.mark.parametrize("edits, expected", [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_each_problem_is_reported_with_its_line(kb, edits, expected):
    for path, old, new in edits:
        edit(path, old, new)
    result = check()
    assert result.exit_code == 1
    count = len(expected)
    assert result.output.splitlines() == expected + [f"{count} problem{'s' if count > 1 else ''} found; nothing was written."]


def test_file_that_is_not_utf8(kb):
    Path("data/conditions.yml").write_bytes("- id: pfps\n  name: Caf\xe9\n".encode("latin-1"))
    result = check()
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        "data/conditions.yml:2: is not UTF-8 (byte 0xe9 cannot be decoded): save the file as UTF-8"
    )


@pytest.mark.parametrize("missing", ["data/treatments.yml"])
def test_missing_input_file(kb, missing):
    Path(missing).unlink()
    result = check()
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"{missing}: file not found: create it, or point the command at the right file",
        "1 problem found; nothing was written.",
    ]


def test_entry_that_is_not_a_mapping(kb):
    Path("data/treatments.yml").write_text("- id: prp\n  name: PRP\n  category: injection\n\n- prolotherapy\n", encoding="utf-8")
    result = check()
    assert "data/treatments.yml:5: entry 2 is not a mapping: write it as 'field: value' lines" in result.output.splitlines()


def test_data_option_must_be_a_folder(kb):
    result = check("--data", "data/studies.yml")
    assert result.exit_code == 2
    assert "Directory 'data/studies.yml' is a file." in result.output


def test_all_problems_are_reported_in_one_run(kb):
    edit("data/claims/lombard-pfps-runners.yml", "study: buist2008no", "study: buist2008")
    edit("data/treatments.yml", "name: The 10% rule", "name: [The 10% rule")
    Path("data/conditions.yml").write_bytes(b"- id: pfps\n  name: Caf\xe9\n")
    result = check()
    assert result.exit_code == 1
    assert [line.split(":")[0] for line in result.output.splitlines()] == [
        "data/claims/lombard-pfps-runners.yml", "data/conditions.yml", "data/treatments.yml", "3 problems found; nothing was written."
    ]


def test_odd_but_valid_input_is_accepted(kb):
    """A BOM, Windows line endings and trailing spaces are what editors write: not errors."""
    for path in ["references.bib", "data/claims/orthoregen-runners-knee.yml", "data/claims/lombard-pfps-runners.yml"]:
        file = Path(path)
        text = file.read_text(encoding="utf-8").replace("\n", "  \r\n")
        file.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    result = check()
    assert result.exit_code == 0, result.output
    assert result.output == (
        "references.bib and data/ are valid: 7 references, 6 appraised studies, 7 claims, 6 evidence links, 4 treatments\n"
    )


def test_a_source_text_linked_to_a_file_outside_data_is_not_read(kb, tmp_path_factory):
    secret = tmp_path_factory.mktemp("elsewhere") / "secret.txt"
    secret.write_text("Gradually increase volume and intensity by no more than 10% per week.", encoding="utf-8")
    Path("data/sources/lombard-pfps-runners.txt").unlink()
    Path("data/sources/lombard-pfps-runners.txt").symlink_to(secret)
    result = check()
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        "data/sources.yml:14: source 'lombard-pfps-runners': text_file sources/lombard-pfps-runners.txt: "
        "is not in data/sources/: put the article's copy there")


def test_a_file_where_everything_is_wrong_lists_a_hundred_problems_and_a_total(kb):
    broken = "".join(f"@article{{broken{i},\n  title = {{Broken {i}\n  year = {{2020}},\n}}\n\n" for i in range(150))
    Path("references.bib").write_text(broken, encoding="utf-8")
    lines = check().output.splitlines()
    in_bib = [line for line in lines if line.startswith("references.bib")]
    assert len(in_bib) == 101 and all(line.startswith("references.bib:") for line in in_bib)
    assert in_bib[0].startswith("references.bib:1: BibTeX syntax error")
    assert in_bib[-1] == "references.bib: 50 more problems in this file, not listed: fix those above and run again to see them"
    others = len(lines) - len(in_bib) - 1  # the fixture's links to keys that are now missing
    assert lines[-1] == f"{150 + others} problems found; nothing was written."


def test_a_field_line_needed_later_is_read_again_from_the_file(tmp_path):
    """Checked records keep no YAML entry: the line of a field comes from reading the file again,
    and if the file changed meanwhile, from the entry's own line (never another entry's)."""
    from ingest.check.entries import check_entries, forget_files_read_again
    from ingest.read.yamlfile import stream_yaml_list

    path = tmp_path / "treatments.yml"
    path.write_text("- id: a\n  name: A\n  category: exercise\n\n- id: b\n  name: B\n  category: exercise\n", encoding="utf-8")
    problems = []
    checked = check_entries(path, stream_yaml_list(path), "Treatment", "id", problems)
    assert problems == [] and [(c.record.id, c.index, c.line) for c in checked] == [("a", 0, 1), ("b", 1, 5)]
    assert not hasattr(checked[1], "entry") and not hasattr(checked[1], "__dict__")
    assert checked[1].line_of(("category",)) == 7
    forget_files_read_again()
    path.write_text("- id: b\n  name: B\n  category: exercise\n", encoding="utf-8")
    assert checked[1].line_of(("category",)) == 5
    forget_files_read_again()


def test_records_are_compacted_with_every_field_and_property():
    from dataclasses import asdict, fields

    from ingest.check.models import Certainty, Claim, compact

    claim = Claim.model_validate({
        "id": "c", "source": "s", "quote": " q ", "text": "t", "claim_type": "symptom", "condition": "pfps", "tags": ["x"],
        "evidence": [{"study": "k", "relation": "supports", "directness": "direct", "finding": "f", "tested": ["tx"],
                      "effect": {"estimate": 2, "quote": "e", "verified_at": "https://example.org"}}]})
    small = compact(claim)
    assert [field.name for field in fields(small)] == list(Claim.model_fields)
    assert asdict(small) == {**claim.model_dump(), "treatments": (), "tags": ("x",), "evidence": (
        {**claim.evidence[0].model_dump(), "tested": ("tx",), "effect": claim.evidence[0].effect.model_dump()},)}
    assert (small.quote, small.evidence[0].effect.estimate) == ("q", 2.0)
    judgement = compact(Certainty.model_validate({"treatment": "t", "outcome": "pain"}))
    assert judgement.key == "t/pain/any time"
    with pytest.raises(AttributeError):
        small.text = "changed"
