"""Property-based fuzzing: whatever the inputs, the outcome is a result or a clean InputError.

Inputs are generated from scratch (BibTeX and YAML alphabets) and by mutating the fixture files:
deleting, duplicating and inserting characters, which is how real files get broken.
"""

import shutil
from pathlib import Path

from conftest import FIXTURE_KB
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.check.inputs import read_inputs
from ingest.load.build import build_database
from ingest.problems import InputError
from ingest.read.bibtex import parse_bibtex
from ingest.read.yamlfile import read_yaml_list

FUZZ = settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
BIB_TEXT = (FIXTURE_KB / "references.bib").read_text(encoding="utf-8")
CLAIMS_FILE = "data/claims/orthoregen-runners-knee.yml"
CLAIMS_TEXT = (FIXTURE_KB / CLAIMS_FILE).read_text(encoding="utf-8")
BIBTEX_TOKENS = st.sampled_from(list("@{}=,\"#%()\\ \n\tabcz09-:é") + ["@article{", "author", " and ", "title = {", "year", "@string{", "}\n"])
YAML_TOKENS = st.sampled_from(list("-:{}[],&*!|>'\"#? \n\tabz09.") + ["- id: ", "  text: ", "!!python/object", "&a ", "*a", "<<: ", "\n  - "])


def mutated(text: str):
    """The text with a few characters deleted, duplicated or inserted at random places."""
    edits = st.lists(st.tuples(st.integers(0, len(text)), st.sampled_from(["delete", "duplicate", "insert"]),
                               st.sampled_from(list("{}\"=,:-\n\t#&*!%\\@é\x00") + ["  ", "- "])), min_size=1, max_size=4)

    def apply(changes):
        result = text
        for position, kind, insert in sorted(changes, reverse=True):
            position = min(position, len(result))
            if kind == "delete":
                result = result[:position] + result[position + 3:]
            elif kind == "duplicate":
                result = result[:position] + result[position:position + 20] * 2 + result[position + 20:]
            else:
                result = result[:position] + insert + result[position:]
        return result

    return edits.map(apply)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    return path


@settings(FUZZ, max_examples=1500)
@given(text=st.one_of(st.lists(BIBTEX_TOKENS, max_size=80).map("".join), mutated(BIB_TEXT)))
def test_bibtex_parser_gives_references_or_problems(tmp_path, text):
    try:
        references, problems, failed_keys = parse_bibtex(write(tmp_path, "references.bib", text))
    except InputError as error:
        assert error.problems and all(problem.message for problem in error.problems)
        return
    assert all(problem.line is None or problem.line >= 1 for problem in problems)
    assert all(isinstance(reference.key, str) for reference in references)


@settings(FUZZ, max_examples=1500)
@given(text=st.one_of(st.lists(YAML_TOKENS, max_size=80).map("".join), mutated(CLAIMS_TEXT)))
def test_yaml_reader_gives_entries_or_problems(tmp_path, text):
    try:
        entries = read_yaml_list(write(tmp_path, "claims.yml", text))
    except InputError as error:
        assert error.problems and all(str(problem).startswith(str(tmp_path)) for problem in error.problems)
        return
    assert isinstance(entries, list)


@settings(FUZZ, max_examples=300)
@given(bib=st.one_of(st.just(BIB_TEXT), mutated(BIB_TEXT)), claims=st.one_of(st.just(CLAIMS_TEXT), mutated(CLAIMS_TEXT)))
def test_validation_and_build_give_a_database_or_a_clean_error(tmp_path_factory, bib, claims):
    root = tmp_path_factory.mktemp("kb")
    shutil.copytree(FIXTURE_KB, root, dirs_exist_ok=True)
    write(root, "references.bib", bib)
    write(root, CLAIMS_FILE, claims)
    try:
        inputs = read_inputs(root / "references.bib", root / "data")
    except InputError as error:
        # each problem names an input file and a line inside it, so a curator can find it
        lines = {path: (root / path).read_text(encoding="utf-8", errors="replace").count("\n") + 1
                 for path in ("references.bib", CLAIMS_FILE)}
        for problem in error.problems:
            assert problem.message
            where = Path(problem.path).resolve().relative_to(root.resolve()).as_posix()
            assert problem.line is None or 1 <= problem.line <= lines.get(where, problem.line)
        return
    counts = build_database(inputs, root / "evidence.db")
    assert counts["claims"] == len(inputs.claims)
