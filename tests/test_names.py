"""Names: hand-checked expectations for the hard cases, and the fast paths always give what the full reading gives.

The expected names below are written from what each name means (who the person is), not from
running the code or another library; pybtex is compared on real exports in tests/test_differential.py.
"""

import logging
from pathlib import Path

import bibtexparser
import pytest
from conftest import BIBTEX_FIXTURES as FIXTURES
from conftest import UTF8_BIBTEX_EXPORTS
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.read.names import _AND, Name, NameFault, _common_parts, _split_outside_braces, full_parts, person, read_people, split_people

# the characters that steer the readings, and ordinary letters of both cases and none
NAME_TEXT = st.lists(st.sampled_from(list(" \t\n~,.-'{}\\=aAnNdDvxXéÉ\u00a0\u4e2d") + ["and", " and ", "von ", "Jr", "family=", "\\'", "\\~"]),
                     max_size=30).map("".join)


def author_fields(path: Path) -> list[str]:
    """Every author and editor field of a BibTeX file."""
    logging.getLogger("bibtexparser").setLevel(logging.ERROR)
    library = bibtexparser.parse_string(path.read_text(encoding="utf-8-sig"))
    return [field.value for entry in library.entries for field in entry.fields
            if field.key.lower() in ("author", "editor") and isinstance(field.value, str)]


def people_of(path: Path) -> list[str]:
    """Every person of every author and editor field of a BibTeX file."""
    return [person for field in author_fields(path) for person in split_people(field)]


def fold(parts: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(" ".join(part.split()) for part in parts)


def fast_path_mismatch(text: str):
    """None when the fast path declines the text or gives what the full reading gives; else both."""
    fast = _common_parts(text)
    if fast is None:
        return None
    try:
        full = full_parts(text)
    except NameFault as fault:
        return text, fast, str(fault)
    return None if fold(fast) == fold(full) else (text, fast, full)


def split_mismatch(text: str):
    """None when split_people (a regular expression, when the braces pair up) gives what following
    the braces one by one gives."""
    stripped = text.strip(" \t\r\n")
    plain, scanned = split_people(text), _split_outside_braces(stripped, _AND) if stripped else []
    return None if plain == scanned else (text, plain, scanned)


@pytest.mark.parametrize("name", UTF8_BIBTEX_EXPORTS)
def test_the_fast_paths_give_the_full_reading_on_real_exports(name):
    fields = author_fields(FIXTURES / name)
    assert [mismatch for mismatch in map(split_mismatch, fields) if mismatch] == []
    people = [person for field in fields for person in split_people(field)]
    assert [mismatch for mismatch in map(fast_path_mismatch, people) if mismatch] == []


@pytest.mark.corpus
def test_the_fast_path_does_the_work_on_the_large_export():
    people = set(people_of(FIXTURES / "bbt-import_1436-3_LARGE-7166-entries.bib"))
    assert sum(_common_parts(person) is not None for person in people) / len(people) > 0.9


@settings(max_examples=1500, derandomize=True, deadline=None)
@given(NAME_TEXT)
def test_the_fast_path_gives_the_full_reading_on_any_text(text):
    assert fast_path_mismatch(text) is None


@settings(max_examples=1500, derandomize=True, deadline=None)
@given(NAME_TEXT)
def test_people_split_by_the_fast_path_as_by_the_scan(text):
    assert split_mismatch(text) is None


@pytest.mark.parametrize("text", [
    "{a} and {b}", "{Simon and Schuster} and X", "a }{ b and c", "{{x and y}} and z", "{{{{deep}}}} and z", "{{{{deep and}}}} and z",
    "\\{ and \\}", "{\\} and }", "x and {y", "x} and y",
])
def test_people_split_edge_cases(text):
    assert split_mismatch(text) is None


@pytest.mark.parametrize("text", [
    "\u4e2d Wang, Li", "van der Heijden, R. A.", "d'Alembert Rond, Jean", "1st Author, A.", "Smith, John\u00a0Paul",
    "Smith ,John", "~Smith~, ~John~", "family=Berg, given=Anna", "Smith,", "A, B=C",
])
def test_edge_cases_of_the_fast_path(text):
    assert fast_path_mismatch(text) is None


@pytest.mark.parametrize("text, expected", [
    # accents: at the start of a name, in braces or not, and a tilde that is an accent, not a space
    (r"\'{O}scar Ruiz", Name("Ruiz", "Óscar")),
    (r"{\'O}scar Ruiz", Name("Ruiz", "Óscar")),
    (r"\'Oscar Ruiz", Name("Ruiz", "Óscar")),
    (r"Mu\~noz, Carlos", Name("Muñoz", "Carlos")),
    (r"Mu\~{n}oz, Carlos", Name("Muñoz", "Carlos")),
    (r"Ana Ib\'a\~nez", Name("Ibáñez", "Ana")),
    (r"\"{U}nal, Ali", Name("Ünal", "Ali")),
    (r"Ali \"Unal", Name("Ünal", "Ali")),
    (r"Jos\'e Mar\'{\i}a Garc\'{\i}a", Name("García", "José María")),
    (r"{\O}stergaard, Lars", Name("Østergaard", "Lars")),
    (r"Lars {\O}stergaard", Name("Østergaard", "Lars")),
    (r"\AA{}ngstr\"om, Anders", Name("Ångström", "Anders")),
    (r"M{\"u}ller, J{\"o}rg", Name("Müller", "Jörg")),
    # as real exports write them (bbt-import_1436-3, a JabRef library): an export escaped the tie
    # between two initials as \~, which no name means as a tilde on P
    (r"Maruska, H.\~P.", Name("Maruska", "H. P.")),
    (r"Pe\~na-Sierra, R.", Name("Peña-Sierra", "R.")),
    (r"Brise\~no-Garc\'ia, M.", Name("Briseño-García", "M.")),
    # ties and white space: a name broken across lines, runs of spaces
    ("Brinch~Hansen, Per", Name("Brinch Hansen", "Per")),
    ("Smith,\n        John    Paul", Name("Smith", "John Paul")),
    ("John\n   Paul   Smith", Name("Smith", "John Paul")),
    ("{World   Health\n  Organization}", Name("World Health Organization")),
    # particles ("von" parts) stay with the family name; a Jr part follows the given names
    ("Katz, Nicole B.", Name("Katz", "Nicole B.")),
    ("Nicole Katz", Name("Katz", "Nicole")),
    ("van der Heijden, R. A.", Name("van der Heijden", "R. A.")),
    ("Jean de la Fontaine", Name("de la Fontaine", "Jean")),
    ("Ludwig van Beethoven", Name("van Beethoven", "Ludwig")),
    ("{Van Dyke}, Dick", Name("Van Dyke", "Dick")),
    ("Bennett, Jr., Frank G.", Name("Bennett", "Frank G., Jr.")),
    ("Doe, III, John", Name("Doe", "John, III")),
    ("Smith,", Name("Smith")),
    ("Plato", Name("Plato")),
    # biblatex's extended name format
    ("family=Berg, given=Anna", Name("Berg", "Anna")),
    ("given=Anna, family=Berg", Name("Berg", "Anna")),
    ("given=Simon, prefix=de, family=Beumont, useprefix=true", Name("de Beumont", "Simon")),
    ("family=Doe, given=John, suffix=Jr.", Name("Doe", "John, Jr.")),
    ("given={Jean Pierre}, given-i=JP, family=Rousse, prefix=de la, prefix-i=d", Name("de la Rousse", "Jean Pierre")),
    ('"family={Robert and Sons, Inc.}"', Name("Robert and Sons, Inc.")),
    (r"family=M{\"u}ller, given=J{\"o}rg", Name("Müller", "Jörg")),
    ("others", Name("others")),
])
def test_person(text, expected):
    assert person(text) == expected


@pytest.mark.parametrize("author, names, more", [
    (r"Anna Smith and \'{O}scar Ruiz", [Name("Smith", "Anna"), Name("Ruiz", "Óscar")], False),
    (r"Mu\~noz, Carlos and Ana Ib\'a\~nez", [Name("Muñoz", "Carlos"), Name("Ibáñez", "Ana")], False),
    ("Katz, N. AND Borg-Stein, J.\n        and  {Simon and Schuster}", [Name("Katz", "N."), Name("Borg-Stein", "J."), Name("Simon and Schuster")], False),
    ("Andersen, A. and Sandberg, B.", [Name("Andersen", "A."), Name("Sandberg", "B.")], False),
    ("Smith, J. and others", [Name("Smith", "J.")], True),
    ("Smith, J. and et al.", [Name("Smith", "J.")], True),
    ("Smith, J. and Et Al", [Name("Smith", "J.")], True),
    ("family=Berg, given=Anna and Smith, J.", [Name("Berg", "Anna"), Name("Smith", "J.")], False),
    ("Hans Harman and given=Simon, prefix=de, family=Beumont", [Name("Harman", "Hans"), Name("de Beumont", "Simon")], False),
    ("nosortothers=true and Hans Harman", [Name("Harman", "Hans")], False),  # a per-namelist option, not a person
    ("  ", [], False),
])
def test_read_people(author, names, more):
    assert read_people(author) == (names, more, [])


@pytest.mark.parametrize("author, name, fault", [
    ("Smith, John, Jr, extra, more", Name("Smith, John, Jr, extra, more"),
     "the name 'Smith, John, Jr, extra, more' has 4 commas, but at most two (Family, Jr, Given): separate people with \" and \""),
    (", John", Name(", John"), "the name ', John' has no family name: write it as Family, Given"),
    ("given=Anna", Name("given=Anna"), "the name 'given=Anna' has no family name: write it as Family, Given"),
    ("family=Berg, Anna", Name("family=Berg, Anna"),
     "the name 'family=Berg, Anna' mixes biblatex's extended format with a plain part ('Anna'): write each part as part=value (family=..., given=...)"),
    ('"Smith {John"', Name('"Smith John"'), "the name '\"Smith {John\"' has unbalanced braces: close each { with }"),
    ("xdata=someauthors-author-2", Name("xdata=someauthors-author-2"),
     "the name 'xdata=someauthors-author-2' refers to another entry's name, which is not followed: write the name here"),
])
def test_names_that_cannot_be_split_are_kept_whole_with_a_fault(author, name, fault):
    assert read_people(author) == ([name], False, [fault])

