"""The fast name splitting gives exactly what bibtexparser's own functions give, on real and generated names."""

import logging
from pathlib import Path

import bibtexparser
import pytest
from bibtexparser.middlewares.names import split_multiple_persons_names
from conftest import BIBTEX_FIXTURES as FIXTURES
from conftest import UTF8_BIBTEX_EXPORTS
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.read.names import Name, _common_parts, parts_by_bibtexparser, person, split_people

# the characters that steer bibtexparser's scanners, and ordinary letters of both cases and none
NAME_TEXT = st.lists(st.sampled_from(list(" \t\n~,.-'{}\\aAnNdDvxXéÉ\u00a0\u4e2d") + ["and", " and ", "von ", "Jr"]),
                     max_size=30).map("".join)


def author_fields(path: Path) -> list[str]:
    logging.getLogger("bibtexparser").setLevel(logging.ERROR)
    library = bibtexparser.parse_string(path.read_text(encoding="utf-8"))
    return [field.value for entry in library.entries for field in entry.fields
            if field.key.lower() in ("author", "editor") and isinstance(field.value, str)]


def fast_parts_mismatch(text: str):
    """None when the fast path declines the text or agrees with bibtexparser; else both results."""
    fast = _common_parts(text)
    if fast is None or fast == parts_by_bibtexparser(text):
        return None
    return text, fast, parts_by_bibtexparser(text)


@pytest.mark.parametrize("name", UTF8_BIBTEX_EXPORTS)
def test_people_and_name_parts_match_bibtexparser_on_real_exports(name):
    fields = author_fields(FIXTURES / name)
    assert [split_people(field) for field in fields] == [split_multiple_persons_names(field) for field in fields]
    people = [person for field in fields for person in split_multiple_persons_names(field)]
    assert [mismatch for mismatch in map(fast_parts_mismatch, people) if mismatch] == []


@pytest.mark.corpus
def test_the_fast_path_does_the_work_on_the_large_export():
    fields = author_fields(FIXTURES / "bbt-import_1436-3_LARGE-7166-entries.bib")
    people = {person for field in fields for person in split_people(field)}
    assert sum(_common_parts(person) is not None for person in people) / len(people) > 0.9


@settings(max_examples=1500, derandomize=True, deadline=None)
@given(NAME_TEXT)
def test_people_match_bibtexparser_on_any_text(text):
    assert split_people(text) == split_multiple_persons_names(text)


@settings(max_examples=1500, derandomize=True, deadline=None)
@given(NAME_TEXT)
def test_name_parts_match_bibtexparser_on_any_text(text):
    assert fast_parts_mismatch(text) is None


@pytest.mark.parametrize("text", [
    "\u4e2d Wang, Li", "van der Heijden, R. A.",  # a von part: family names all the same
    "d'Alembert Rond, Jean", "1st Author, A.", "Smith,", ", John", "Smith, Jr, John, X", "A B C",
    "Smith ,John", "~Smith~, ~John~", "Smith, John\u00a0Paul",
])
def test_edge_cases_match_bibtexparser(text):
    assert fast_parts_mismatch(text) is None


@pytest.mark.parametrize("text, expected", [
    ("Katz, Nicole B.", Name("Katz", "Nicole B.")),
    ("Nicole Katz", Name("Katz", "Nicole")),
    ("van der Heijden, R. A.", Name("van der Heijden", "R. A.")),  # a von part: bibtexparser's rule
    ("Bennett, Jr., Frank G.", Name("Bennett", "Frank G., Jr.")),
    (r"M{\"u}ller, J{\"o}rg", Name("Müller", "Jörg")),
    ("Brinch~Hansen, Per", Name("Brinch Hansen", "Per")),
    ("others", Name("others")),
])
def test_person(text, expected):
    assert person(text) == expected


def test_people_are_split_on_and_in_any_case_but_not_inside_braces():
    assert split_people("Katz, N. AND Borg-Stein, J.\nand  {Simon and Schuster}") == ["Katz, N.", "Borg-Stein, J.", "{Simon and Schuster}"]
    assert split_people("Andersen, A. and Sandberg, B.") == ["Andersen, A.", "Sandberg, B."]
    assert split_people("  ") == []
