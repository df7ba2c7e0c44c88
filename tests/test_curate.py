"""new-claim, new-source and new-study: the entries they start, what they refuse, and the check
that refuses an entry still marked TODO until the curator finishes it.

Each test works on a copy of the fixture knowledge base (the `kb` fixture, as working directory)
through the real command line, and compares whole files and whole messages."""

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from ingest.cli import cli
from ingest.curate.sentences import Sentence, matching, normalised, sentences
from ingest.curate.writing import yaml_string
from ingest.read.yamlfile import read_yaml_list

REPO = Path(__file__).resolve().parent.parent
LOMBARD = "data/claims/lombard-pfps-runners.yml"
ORTHO = "data/claims/orthoregen-runners-knee.yml"
CLAIM_TYPES = "treatment-benefit, harm, prevention, prognosis, aetiology, mechanism, diagnosis, epidemiology, symptom"
EVIDENCE_COMMENT = (
    "  # One link per study that bears on the claim: '- study: <key in studies.yml>' with relation, directness,\n"
    "  # finding (and tested, comparator, result when it names treatments): see data/README.md, claims.\n"
    "  # If no study answers it, keep evidence empty and add evidence_gap: what kind of study would answer it.\n"
    "  evidence: []\n"
)


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(path.relative_to(root)): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


def read(path: str) -> str:
    return Path(path).read_text(encoding="utf-8")


def skeleton(identity: str, source: str, quote: str, condition: str, treatments: str = "[]", stance: bool = False) -> str:
    return (
        f"- id: {identity}\n"
        f"  source: {source}\n"
        f'  quote: "{quote}"\n'
        "  text: TODO  # the claim as one plain, normalised statement, in your words\n"
        f"  claim_type: TODO  # one of: {CLAIM_TYPES}\n"
        f"  condition: {condition}\n"
        f"  treatments: {treatments}\n"
        + ("  # add 'stance: against' if the claim says these treatments do not help, or help only for a while\n" if stance else "")
        + "  tags: []\n" + EVIDENCE_COMMENT
    )


# --- new-claim ---


def test_one_matching_sentence_is_appended_as_a_claim_skeleton(kb):
    before = read(LOMBARD)
    result = run("new-claim", "lombard-pfps-runners", "WEAKNESS   here")
    assert result.exit_code == 0, result.output
    quote = "Weakness here allows the thigh to rotate inward, misaligning the kneecap."
    assert read(LOMBARD) == before + "\n" + skeleton(
        "lombard-weakness-allows-thigh", "lombard-pfps-runners", quote,
        "pfps  # this source's usual condition, not named in the quote: check it")
    assert result.stdout == (
        "data/claims/lombard-pfps-runners.yml:28: claim 'lombard-weakness-allows-thigh' added, quoting data/sources/lombard-pfps-runners.txt:18:\n"
        f"  {quote}\n"
        "  condition: pfps (this source's usual condition, not named in the quote: check it); treatments: none named\n"
        "Next: write its text and claim_type (they say TODO), add evidence links or an evidence_gap, then run make check.\n"
    )
    assert read(LOMBARD).splitlines()[27] == "- id: lombard-weakness-allows-thigh"  # the line it printed


def test_a_straight_apostrophe_finds_a_curly_one_and_names_condition_and_treatments(kb):
    before = read(ORTHO)
    result = run("new-claim", "orthoregen-runners-knee", "both prp and prolotherapy are promising")
    assert result.exit_code == 0, result.output
    quote = "Both PRP and Prolotherapy are promising non-surgical treatments for chondromalacia patella and other knee conditions."
    added = skeleton("ortho-prp-prolotherapy-promising", "orthoregen-runners-knee", quote,
                     "pfps  # this source's usual condition, not named in the quote: check it",
                     "[prp, prolotherapy]  # named in the quote: keep those the claim is about", stance=True)
    assert read(ORTHO) == before + "\n" + added
    assert result.stdout == (
        "data/claims/orthoregen-runners-knee.yml:97: claim 'ortho-prp-prolotherapy-promising' added, quoting data/sources/orthoregen-runners-knee.txt:6:\n"
        f"  {quote}\n"
        "  condition: pfps (this source's usual condition, not named in the quote: check it); treatments: prp, prolotherapy\n"
        "  already quoted, in part or whole, by: ortho-prp-chondromalacia: check the claim is a new one\n"
        "Next: write its text and claim_type (they say TODO), add evidence links or an evidence_gap, then run make check.\n"
    )

    result = run("new-claim", "orthoregen-runners-knee", "runner's knee may be due")
    assert result.exit_code == 0, result.output
    quote = ("Runner’s Knee may be due to prolonged repetitive activities such as running or jumping, "
             "which put excessive shearing forces on the patellofemoral joint.")
    assert read(ORTHO) == before + "\n" + added + "\n" + skeleton(
        "ortho-runner-knee-due", "orthoregen-runners-knee", quote, "pfps  # named in the quote")


def test_words_across_a_sentence_end_quote_both_sentences(kb):
    result = run("new-claim", "lombard-pfps-runners", "the first step. this might")
    assert result.exit_code == 0, result.output
    assert ('  quote: "Reducing activity that causes pain is the first step. This might mean cutting back on running or '
            'switching to low-impact exercises like swimming or cycling temporarily."\n') in read(LOMBARD)


def test_several_matching_sentences_are_listed_and_nothing_is_written(kb):
    before = snapshot(kb)
    result = run("new-claim", "lombard-pfps-runners", "weak")
    assert result.exit_code == 1
    assert result.stderr == (
        '"weak" is in 5 sentences of data/sources/lombard-pfps-runners.txt; nothing was written. Type more of the words of the one you mean:\n'
        "data/sources/lombard-pfps-runners.txt:16: Muscle Weakness and Imbalance\n"
        "data/sources/lombard-pfps-runners.txt:17: Weakness in certain muscles often contributes to PFPS.\n"
        "data/sources/lombard-pfps-runners.txt:18: Weakness here allows the thigh to rotate inward, misaligning the kneecap.\n"
        "data/sources/lombard-pfps-runners.txt:19: If it is weak compared to other quadriceps parts, tracking problems can occur.\n"
        "data/sources/lombard-pfps-runners.txt:57: Biomechanical factors, muscle weakness, and training errors all play a role in pain under the kneecap.\n"
    )
    assert snapshot(kb) == before


def test_no_matching_sentence_shows_the_closest_and_writes_nothing(kb):
    before = snapshot(kb)
    result = run("new-claim", "lombard-pfps-runners", "weak hip")
    assert result.exit_code == 1
    assert result.stderr == (
        '"weak hip" is in no sentence of data/sources/lombard-pfps-runners.txt (case, spaces and quote marks aside); nothing was written.\n'
        "The closest sentence:\n"
        "data/sources/lombard-pfps-runners.txt:17: Weakness in certain muscles often contributes to PFPS.\n"
    )
    assert snapshot(kb) == before


def test_the_id_is_unique_across_every_claims_file(kb):
    for _ in range(3):
        assert run("new-claim", "lombard-pfps-runners", "weakness here").exit_code == 0
    ids = [entry["id"] for entry in read_yaml_list(Path(LOMBARD))]
    assert ids[2:] == ["lombard-weakness-allows-thigh", "lombard-weakness-allows-thigh-rotate", "lombard-weakness-allows-thigh-rotate-inward"]
    # an id taken in another source's file counts too
    text = read(ORTHO).replace("id: ortho-prp-chondromalacia", "id: lombard-stairs-run-many")
    Path(ORTHO).write_text(text, encoding="utf-8")
    Path(LOMBARD).write_text(read(LOMBARD).replace("id: lombard-stairs-pain", "id: lombard-stairs"), encoding="utf-8")
    assert run("new-claim", "lombard-pfps-runners", "stairs after a run").exit_code == 0
    assert read_yaml_list(Path(LOMBARD))[-1]["id"] == "lombard-stairs-run-many-runners"


@pytest.mark.parametrize(("source", "message"), [
    ("lombard-pfps", "data/sources.yml: no source 'lombard-pfps': did you mean 'lombard-pfps-runners'? (python -m ingest new-source adds one)"),
    ("../sources", "data/sources.yml: '../sources' is not a source id: use the id of a source in sources.yml"),
])
def test_an_unknown_source_is_refused(kb, source, message):
    result = run("new-claim", source, "weak")
    assert result.exit_code == 1
    assert result.stderr == f"{message}\n1 problem found; nothing was written.\n"


def test_a_text_file_outside_data_sources_is_refused(kb):
    Path("data/sources.yml").write_text(read("data/sources.yml").replace("sources/lombard-pfps-runners.txt", "../references.bib"), encoding="utf-8")
    result = run("new-claim", "lombard-pfps-runners", "weak")
    assert result.exit_code == 1
    assert result.stderr == ("data/sources.yml:14: source 'lombard-pfps-runners': text_file ../references.bib is not in data/sources/: "
                             "put the article's copy there\n1 problem found; nothing was written.\n")


def test_a_claims_file_that_is_not_a_list_of_entries_is_not_changed(kb):
    Path(LOMBARD).write_text("# nothing yet\n[]\n", encoding="utf-8")
    result = run("new-claim", "lombard-pfps-runners", "weakness here")
    assert result.exit_code == 1
    assert result.stderr == ("data/claims/lombard-pfps-runners.yml: cannot add an entry at its end: it is not a YAML list of '- ' entries there; "
                             "fix it, or add the entry by hand\n1 problem found; nothing was written.\n")
    assert read(LOMBARD) == "# nothing yet\n[]\n"


# --- the TODO check ---

TEXT_TODO = ("data/claims/lombard-pfps-runners.yml:31: claim 'lombard-weakness-allows-thigh': text is still TODO: "
             "write the claim as one plain statement, then run make check again")
TYPE_TODO = (f"data/claims/lombard-pfps-runners.yml:32: claim 'lombard-weakness-allows-thigh': claim_type is still TODO: choose one of {CLAIM_TYPES}, "
             "then run make check again")


def test_check_refuses_the_skeleton_once_per_todo_field(kb):
    assert run("new-claim", "lombard-pfps-runners", "weakness here").exit_code == 0
    result = run("check")
    assert result.exit_code == 1
    assert result.stderr == f"{TEXT_TODO}\n{TYPE_TODO}\n2 problems found; nothing was written.\n"


def test_check_refuses_a_todo_text_beside_a_finished_claim_type(kb):
    assert run("new-claim", "lombard-pfps-runners", "weakness here").exit_code == 0
    Path(LOMBARD).write_text(read(LOMBARD).replace(f"claim_type: TODO  # one of: {CLAIM_TYPES}", "claim_type: mechanism"), encoding="utf-8")
    result = run("check")
    assert result.exit_code == 1
    assert result.stderr == f"{TEXT_TODO}\n1 problem found; nothing was written.\n"


def test_check_accepts_the_claim_once_finished(kb):
    assert run("new-claim", "lombard-pfps-runners", "weakness here").exit_code == 0
    text = read(LOMBARD)
    text = text.replace("text: TODO  # the claim as one plain, normalised statement, in your words", "text: Weak hip muscles let the thigh turn inward.")
    text = text.replace(f"claim_type: TODO  # one of: {CLAIM_TYPES}", "claim_type: mechanism")
    text = text.replace("  evidence: []\n", "  evidence: []\n  evidence_gap: A prospective cohort measuring hip strength and thigh rotation in runners.\n")
    Path(LOMBARD).write_text(text, encoding="utf-8")
    result = run("check")
    assert result.exit_code == 0, result.output
    assert result.stdout == "references.bib and data/ are valid: 7 references, 6 appraised studies, 8 claims, 6 evidence links, 4 treatments\n"


# --- new-source ---


def test_new_source_writes_its_entry_text_and_claims_file(kb, tmp_path):
    article = tmp_path / "article.txt"
    article.write_bytes("Knee pain in runners\nHip strengthening helps runner’s knee. Ice can ease it!\n".encode())
    before = read("data/sources.yml")
    result = run("new-source", "smith-knee-blog", "--title", "Knee pain: what helps", "--kind", "blog", "--author", "Jo Smith",
                 "--published", "2024-05-01", "--url", "https://example.org/knee", "--text", str(article))
    assert result.exit_code == 0, result.output
    assert read("data/sources.yml") == before + (
        "\n"
        "- id: smith-knee-blog\n"
        '  title: "Knee pain: what helps"\n'
        "  author: Jo Smith\n"
        "  url: https://example.org/knee\n"
        '  published: "2024-05-01"\n'
        "  kind: blog\n"
        "  text_file: sources/smith-knee-blog.txt\n"
    )
    assert Path("data/sources/smith-knee-blog.txt").read_bytes() == article.read_bytes()
    assert read("data/claims/smith-knee-blog.yml") == (
        "# Claims made by the source 'smith-knee-blog' (sources.yml), each quoted verbatim, with links to the studies that bear on it.\n\n")
    assert result.stdout == (
        "data/sources.yml:16: source 'smith-knee-blog' added\n"
        f"data/sources/smith-knee-blog.txt: the article's text, copied from {article}\n"
        "data/claims/smith-knee-blog.yml: its claims, none yet\n"
        'Next: python -m ingest new-claim smith-knee-blog "a few words of a sentence", for each claim the article makes.\n'
    )
    assert run("check").exit_code == 0
    # its first claim: the prefix is the id's first word; the quote names no condition and the source has
    # no claims yet to take one from, so the condition is left TODO too
    assert run("new-claim", "smith-knee-blog", "ice can").exit_code == 0
    assert run("new-claim", "smith-knee-blog", "hip strengthening").exit_code == 0
    assert read("data/claims/smith-knee-blog.yml") == (
        "# Claims made by the source 'smith-knee-blog' (sources.yml), each quoted verbatim, with links to the studies that bear on it.\n\n"
        + skeleton("smith-ice-ease", "smith-knee-blog", "Ice can ease it!", "TODO  # an id from conditions.yml") + "\n"
        + skeleton("smith-hip-strengthening-helps", "smith-knee-blog", "Hip strengthening helps runner’s knee.", "pfps  # named in the quote"))
    result = run("check")
    assert result.exit_code == 1
    assert result.stderr == (
        "data/claims/smith-knee-blog.yml:6: claim 'smith-ice-ease': text is still TODO: write the claim as one plain statement, then run make check again\n"
        f"data/claims/smith-knee-blog.yml:7: claim 'smith-ice-ease': claim_type is still TODO: choose one of {CLAIM_TYPES}, then run make check again\n"
        "data/claims/smith-knee-blog.yml:8: claim 'smith-ice-ease': condition is still TODO: use an id from conditions.yml, then run make check again\n"
        "data/claims/smith-knee-blog.yml:19: claim 'smith-hip-strengthening-helps': text is still TODO: write the claim as one plain statement, "
        "then run make check again\n"
        "data/claims/smith-knee-blog.yml:20: claim 'smith-hip-strengthening-helps': claim_type is still TODO: "
        f"choose one of {CLAIM_TYPES}, then run make check again\n"
        "5 problems found; nothing was written.\n"
    )


def test_new_source_refuses_every_problem_at_once_and_writes_nothing(kb, tmp_path):
    (tmp_path / "latin1.txt").write_bytes("caf\xe9\n".encode("latin-1"))
    before = snapshot(kb)
    result = run("new-source", "lombard-pfps-runners", "--title", " ", "--kind", "vlog", "--published", "2024-13-01", "--text", "missing.txt")
    assert result.exit_code == 1
    assert result.stderr == (
        "data/sources.yml: source 'lombard-pfps-runners' already exists: choose another id\n"
        "data/sources.yml: the title is empty: give the article's title with --title\n"
        "data/sources.yml: kind 'vlog' is not allowed: use one of clinic, blog, guideline, news, journal, other\n"
        "data/sources.yml: published '2024-13-01' is not a date: write YYYY-MM-DD, or YYYY-MM or YYYY when that is all the article gives\n"
        "missing.txt: file not found: create it, or point the command at the right file\n"
        "5 problems found; nothing was written.\n"
    )
    result = run("new-source", "Smith/../x", "--title", "T", "--kind", "blog", "--text", str(tmp_path / "latin1.txt"))
    assert result.exit_code == 1
    assert result.stderr == (
        f"{tmp_path / 'latin1.txt'}:1: is not UTF-8 (byte 0xe9 cannot be decoded): save the file as UTF-8\n"
        "data/sources.yml: 'Smith/../x' is not a valid id: use lowercase letters, digits and hyphens, e.g. 'smith-knee-blog'\n"
        "2 problems found; nothing was written.\n"
    )
    assert snapshot(kb) == before


def test_new_source_refuses_to_overwrite_a_text_file(kb, tmp_path):
    (tmp_path / "a.txt").write_text("Text.\n", encoding="utf-8")
    Path("data/sources/smith.txt").write_text("Someone else's copy.\n", encoding="utf-8")
    result = run("new-source", "smith", "--title", "T", "--kind", "blog", "--text", str(tmp_path / "a.txt"))
    assert result.exit_code == 1
    assert result.stderr == ("data/sources/smith.txt: already exists and would be overwritten: choose another id, or move the file away\n"
                             "1 problem found; nothing was written.\n")
    assert read("data/sources/smith.txt") == "Someone else's copy.\n"
    assert not Path("data/claims/smith.yml").exists()


# --- new-study ---

STUDY_SKELETON = """
- key: hossain2011foot
  # Foot orthoses for patellofemoral pain in adults. Hossain et al., 2011 (article)
  # Designs (usual OCEBM 2011 level): systematic-review (1), rct (2), non-randomised-trial (3),
  # cohort (3), case-control (4), cross-sectional (4), case-series (4), lab-study (5),
  # narrative-review (not levelled), consensus-statement (not levelled), guideline (not levelled),
  # expert-opinion (not levelled). Its title suggests systematic-review: check it in the study.
  design: TODO  # one of the designs above
  # evidence_level: the design's usual level above, lower for serious risk of bias; leave it out if not levelled
  population: TODO  # who was studied, in a sentence
  metadata_status: TODO  # one of: verified, as-cited, enriched
  verified_at: []
"""


def test_new_study_appends_an_appraisal_skeleton_that_check_refuses_until_finished(kb):
    before = read("data/studies.yml")
    result = run("new-study", "hossain2011foot")
    assert result.exit_code == 0, result.output
    assert read("data/studies.yml") == before + STUDY_SKELETON
    assert result.stdout == (
        "data/studies.yml:51: study 'hossain2011foot' added: Foot orthoses for patellofemoral pain in adults. Hossain et al., 2011 (article)\n"
        "Next: write its design (the title suggests systematic-review), evidence_level, population and metadata_status (they say TODO), "
        "then run make check.\n"
    )
    result = run("check")
    assert result.exit_code == 1
    assert result.stderr == (
        "data/studies.yml:57: study 'hossain2011foot': design is still TODO: choose one of systematic-review, rct, non-randomised-trial, cohort, "
        "case-control, cross-sectional, case-series, lab-study, narrative-review, consensus-statement, guideline, expert-opinion, then run make check again\n"
        "data/studies.yml:59: study 'hossain2011foot': population is still TODO: say who was studied, in a sentence, then run make check again\n"
        "data/studies.yml:60: study 'hossain2011foot': metadata_status is still TODO: choose one of verified, as-cited, enriched, then run make check again\n"
        "3 problems found; nothing was written.\n"
    )
    text = read("data/studies.yml").replace("design: TODO  # one of the designs above", "design: systematic-review\n  evidence_level: 1")
    text = text.replace("population: TODO  # who was studied, in a sentence", "population: Adults with patellofemoral pain.")
    text = text.replace("metadata_status: TODO  # one of: verified, as-cited, enriched", "metadata_status: verified")
    Path("data/studies.yml").write_text(text, encoding="utf-8")
    result = run("check")
    assert result.exit_code == 0, result.output
    assert result.stdout == "references.bib and data/ are valid: 7 references, 7 appraised studies, 7 claims, 6 evidence links, 4 treatments\n"


@pytest.mark.parametrize(("key", "message"), [
    ("hossain2011", "references.bib: no entry 'hossain2011': did you mean 'hossain2011foot'?"),
    ("nobody1999", "references.bib: no entry 'nobody1999': add the reference there first"),
    ("buist2008no", "data/studies.yml:25: study 'buist2008no' is already appraised here: edit this entry"),
])
def test_new_study_refuses_an_unknown_or_appraised_key(kb, key, message):
    before = snapshot(kb)
    result = run("new-study", key)
    assert result.exit_code == 1
    assert result.stderr == f"{message}\n1 problem found; nothing was written.\n"
    assert snapshot(kb) == before


# --- the pieces ---


@pytest.mark.parametrize(("text", "expected"), [
    ("One. Two! Three? Four", ["One.", "Two!", "Three?", "Four"]),
    ("Heading\n- item one\n\nNext paragraph.", ["Heading", "- item one", "Next paragraph."]),
    ("He said “stop.” Then left.", ["He said “stop.”", "Then left."]),
    ("Katz, Nicole B., et al. “Advanced.” Journal 17.12 (2024).", ["Katz, Nicole B., et al. “Advanced.”", "Journal 17.12 (2024)."]),
    ("Use e.g. ice. Dr. Who rests. J. Smith agrees.", ["Use e.g. ice.", "Dr. Who rests.", "J. Smith agrees."]),
    ("3.5 km a day.  Then rest.", ["3.5 km a day.", "Then rest."]),
])
def test_sentences(text, expected):
    assert [sentence.text for sentence in sentences(text)] == expected


@pytest.mark.parametrize("source", ["lombard-pfps-runners", "orthoregen-runners-knee"])
def test_every_real_quote_is_found_in_one_passage_of_its_article(source):
    """The real articles: a curator typing any claim's quote gets one passage, the shortest holding it."""
    article = sentences((REPO / "data" / "sources" / f"{source}.txt").read_text(encoding="utf-8"))
    quotes = [claim["quote"] for claim in read_yaml_list(REPO / "data" / "claims" / f"{source}.yml")]
    assert len(quotes) > 30
    for quote in quotes:
        [passage] = matching(article, quote)
        assert normalised(quote) in normalised(passage.text)
        assert isinstance(passage, Sentence) and passage.line > 0


@pytest.mark.parametrize("value", ["plain words", "yes", "2024-05-01", "a: b", "x # y", "'quoted'", '"d"', "back\\slash", " padded ", "Runner’s", "- dash", "[1]"])
def test_yaml_string_reads_back_as_written(value):
    assert yaml.safe_load(f"x: {yaml_string(value)}") == {"x": value}
