"""Parsing references.bib: LaTeX to Unicode, names split, messy real-world exports, failed blocks."""

import logging
from pathlib import Path

import bibtexparser
import pytest
from bibtexparser.library import Library
from bibtexparser.middlewares import RemoveEnclosingMiddleware, ResolveStringReferencesMiddleware
from bibtexparser.model import Entry, Field, String
from conftest import BIBTEX_FIXTURES as FIXTURES
from conftest import UTF8_BIBTEX_EXPORTS
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.problems import InputError
from ingest.read.bibtex import parse_bibtex, plain_value, string_macros
from ingest.read.latex import decode_latex
from ingest.read.names import Name
from ingest.read.values import MONTHS


@pytest.mark.parametrize("latex, text", [
    ("Plain title", "Plain title"),
    (r"Syst\`emes Compl\`etement Int\'egrables", "Systèmes Complètement Intégrables"),
    (r"Y{\i}ld{\i}r{\i}m", "Yıldırım"),
    (r"The Role of Platelet-Rich Plasma ({PRP})", "The Role of Platelet-Rich Plasma (PRP)"),
    (r"Journal of Orthopaedic \& Sports Physical Therapy", "Journal of Orthopaedic & Sports Physical Therapy"),
    ("589--615", "589–615"),
    (r"{\v R}eh{\r u}{\v r}ek", "Řehůřek"),
    (r"V{\~u} Ng{\d o}c", "Vũ Ngọc"),
])
def test_decode_latex(latex, text):
    assert decode_latex(latex) == text


def write_bib(tmp_path, text: str) -> Path:
    path = tmp_path / "references.bib"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("author, names", [
    ("Katz, Nicole B. and Borg-Stein, Joanne", [Name("Katz", "Nicole B."), Name("Borg-Stein", "Joanne")]),
    ("van der Heijden, R. A.", [Name("van der Heijden", "R. A.")]),
    ("Jean de la Fontaine", [Name("de la Fontaine", "Jean")]),
    ("{World Health Organization}", [Name("World Health Organization")]),
    ("Bennett, Jr., Frank G.", [Name("Bennett", "Frank G., Jr.")]),
    (r"Y{\i}ld{\i}r{\i}m Uslu, E.", [Name("Yıldırım Uslu", "E.")]),
])
def test_author_names_are_split_and_decoded(tmp_path, author, names):
    [reference], problems, _ = parse_bibtex(write_bib(tmp_path, f"@article{{k, author = {{{author}}}, title = {{T}}, year = 2020}}"))
    assert problems == []
    assert reference.authors == names
    assert reference.more_authors is False


@pytest.mark.parametrize("author, names, more_authors", [
    (r"Anna Smith and \'{O}scar Ruiz", [Name("Smith", "Anna"), Name("Ruiz", "Óscar")], False),
    (r"Mu\~noz, Carlos and Ana Ib\'a\~nez", [Name("Muñoz", "Carlos"), Name("Ibáñez", "Ana")], False),
    ("Smith,\n             John   Paul and\n   {World\n   Health Organization}", [Name("Smith", "John Paul"), Name("World Health Organization")], False),
    ("family=Berg, given=Anna and given=Simon, prefix=de, family=Beumont", [Name("Berg", "Anna"), Name("de Beumont", "Simon")], False),
    ("Smith, Anna and et al.", [Name("Smith", "Anna")], True),
    ("Smith, Anna and others", [Name("Smith", "Anna")], True),
])
def test_hard_author_lists(tmp_path, author, names, more_authors):
    [reference], problems, _ = parse_bibtex(write_bib(tmp_path, f"@article{{k, author = {{{author}}}, title = {{T}}, year = 2020}}"))
    assert problems == [] and reference.faults == []
    assert (reference.authors, reference.more_authors) == (names, more_authors)


def test_and_others_is_not_an_author():
    [reference], _, _ = parse_bibtex(FIXTURES / "bbt-import_92_and-others.bib")
    assert reference.authors == [Name("Madelung", "O.")]
    assert reference.more_authors is True
    assert reference.fields["booktitle"] == "Landolt-Börnstein"
    assert reference.fields["doi"] == "10.1007/10681727_56"


def test_identifiers_are_kept_exactly():
    """A '%' in a URL is not a LaTeX comment: identifiers are not decoded."""
    [reference], _, _ = parse_bibtex(FIXTURES / "bbt-export_1966_percent-encoded-url.bib")
    assert reference.fields["url"] == "http://courses.media.mit.edu/2004spring/mas966/Ogden%20Richards%201923.pdf"


def test_accents_in_real_exports():
    [vietnamese], _, _ = parse_bibtex(FIXTURES / "bbt-export_977_vietnamese-latex-accents.bib")
    assert vietnamese.authors == [Name("Vũ Ngọc", "San")]
    assert vietnamese.fields["title"].startswith("Formes Normales Semi-Classiques Des Systèmes Complètement Intégrables")
    [rehurek], _, _ = parse_bibtex(FIXTURES / "bbt-import_1115_ring-above-accent.bib")
    assert rehurek.authors == [Name("Řehůřek", "Radim"), Name("Sojka", "Petr")]
    assert rehurek.fields["title"] == "Software Framework for Topic Modelling with Large Corpora"
    assert rehurek.year == 2010


def test_cyrillic_and_name_parts():
    references, problems, _ = parse_bibtex(FIXTURES / "pybtex_cyrillic.bib")
    assert problems == []
    by_key = {r.key: r for r in references}
    assert by_key["viktorov-metodoj"].authors == [Name("Викторов", "Михаил Маркович")]
    assert by_key["test-inbook"].authors == [Name("Jackson", "Péter")]
    assert by_key["test-inbook"].fields["url"] == "https://example.com/Peter%20Jackson.html"


def test_biblatex_export_fields():
    """Better BibTeX's BibLaTeX flavour: date instead of year, corporate authors, particles."""
    references, problems, _ = parse_bibtex(FIXTURES / "bbt-export_313_particles-corporate-biblatex.bib")
    assert problems == []
    assert len(references) == 53
    census = next(r for r in references if r.authors == [Name("U.S. Bureau of the Census")])
    assert census.key
    bennett = next(r for r in references if r.authors and r.authors[0].family == "Bennett")
    assert bennett.authors == [Name("Bennett", "Frank G., Jr.")]


def test_pubmed_export_keeps_ids():
    references, problems, _ = parse_bibtex(FIXTURES / "bbt-export_1112_pubmed-medical.bib")
    assert problems == []
    assert all("pmid" in r.fields and "doi" in r.fields for r in references)


def test_bom_is_accepted():
    references, problems, _ = parse_bibtex(FIXTURES / "bibtexparser-v1_article_start_with_bom.bib")
    assert problems == [] and len(references) == 1


@pytest.mark.parametrize("text, year", [("2019", 2019), ("January 1978", 1978), ("2013-05-01", 2013), ("n.d.", None), ("2019/2020", None)])
def test_year_field(tmp_path, text, year):
    """`year` is free text (biblatex reads it as written): its one four-digit number."""
    [reference], _, _ = parse_bibtex(write_bib(tmp_path, f"@misc{{k, title = {{T}}, year = {{{text}}}}}"))
    assert reference.year == year


@pytest.mark.parametrize("text, year", [
    ("2001", 2001), ("2001-05", 2001), ("2001-05-01", 2001), ("2004-04-05T14:34:00", 2004), ("2004-04-05T14:34:00+02:00", 2004),
    # ranges: the start's year; an open end, or an open start (no year)
    ("2001-05-01/2001-05-03", 2001), ("2001/2003", 2001), ("2002-01/2002-02", 2002), ("2001/", 2001), ("1997/..", 1997),
    ("/1997", None), ("../1997", None),
    # year divisions (seasons, quarters, ...), uncertain and approximate dates
    ("2004-22", 2004), ("2004-41", 2004), ("1723?", 1723), ("1723~", 1723), ("1723%", 1723), ("2001-05~/2001-07?", 2001),
    # unspecified digits: a month or a day is unknown, the year is known; a decade or a century is no year
    ("1999-XX", 1999), ("1999-01-XX", 1999), ("1999-XX-XX", 1999), ("199X", None), ("19XX", None),
    ("-0876", -876), ("0000", 0),
    # not ISO 8601-2 (an export's free text, ADS's 1993-00-00): the one four-digit number, as for `year`
    ("May 2001", 2001), ("1993-00-00", 1993), ("2001-05-01 to 2001-05-03", None),
])
def test_date_field(tmp_path, text, year):
    [reference], _, _ = parse_bibtex(write_bib(tmp_path, f"@misc{{k, title = {{T}}, date = {{{text}}}}}"))
    assert reference.year == year


@pytest.mark.parametrize("fields, year", [
    ("date = {2001-05-01/2001-05-03}, year = {1999}", 2001),  # biblatex: the date, when there is one
    ("date = {/2001}, year = {2001}", 2001),  # the date gives no year: the year field does
    ("date = {May 2001}, year = {2002}", 2002),
])
def test_date_and_year_field(tmp_path, fields, year):
    [reference], _, _ = parse_bibtex(write_bib(tmp_path, f"@misc{{k, title = {{T}}, {fields}}}"))
    assert reference.year == year


def test_failed_blocks_are_problems_with_lines(tmp_path):
    path = write_bib(tmp_path, (
        "@article{good, title = {A}, year = 2020}\n"
        "\n"
        "@article{broken\n"
        "  title = {B}}\n"
        "@article{good, title = {Again}, year = 2021}\n"
        "@article{twice, title = {C}, title = {D}, year = 2020}\n"
        "@article{names, author = {Smith, John, Jr, extra, more}, title = {E}, year = 2020}\n"
    ))
    references, problems, failed_keys = parse_bibtex(path)
    assert [r.key for r in references] == ["good", "names"]
    assert [str(p) for p in problems] == [
        f"{path}:3: BibTeX syntax error (Expected comma after entry key, but found =): fix this entry, e.g. a missing comma, brace or quote",
        f"{path}:5: duplicate citekey 'good' (first used at line 1): give each entry its own key, or delete the duplicate",
        f"{path}:6: entry 'twice' sets title more than once: keep one of each",
    ]
    assert failed_keys == {"broken", "good", "twice"}
    # a name that cannot be split is kept whole, with a fault: an error only if a study uses the entry
    assert references[1].authors == [Name("Smith, John, Jr, extra, more")]
    assert references[1].faults == ["the name 'Smith, John, Jr, extra, more' has 4 commas, but at most two (Family, Jr, Given): separate people with \" and \""]


def test_real_export_with_syntax_error():
    _, problems, _ = parse_bibtex(FIXTURES / "bbt-import_endnote-export.bib")
    assert [(p.line, p.message) for p in problems] == [
        (2, "BibTeX syntax error (Expected comma after entry key, but found =): fix this entry, e.g. a missing comma, brace or quote"),
    ]


def test_real_export_with_duplicate_key():
    _, problems, _ = parse_bibtex(FIXTURES / "bbt-import_1350_german-duplicate-key.bib")
    assert [p.message for p in problems] == [
        "duplicate citekey 'schiffer2005a' (first used at line 1): give each entry its own key, or delete the duplicate",
    ]


def test_file_in_another_encoding_is_refused():
    with pytest.raises(InputError) as error:
        parse_bibtex(FIXTURES / "bibtexparser_gbk-encoded.bib")
    assert [(p.line, p.message) for p in error.value.problems] == [
        (1, "is not UTF-8 (byte 0xbf cannot be decoded): save the file as UTF-8"),
    ]


def joined_outside_groups(value: str) -> bool:
    """Whether a # stands outside braces and quotes (a brace or quote after a backslash is text, as the splitter reads it)."""
    depth, quoted, previous = 0, False, ""
    for character in value:
        if previous != "\\":
            if character == "{":
                depth += 1
            elif character == "}":
                depth = max(depth - 1, 0)
            elif character == '"' and depth == 0:
                quoted = not quoted
            elif character == "#" and depth == 0 and not quoted:
                return True
        previous = character
    return False


@pytest.mark.parametrize("name", UTF8_BIBTEX_EXPORTS)
def test_plain_values_match_the_default_middlewares_on_real_exports(name):
    """The build parses with the splitter alone and unwraps values itself: every field of every entry
    not joined with # gets the value bibtexparser's default parse (macros resolved, enclosing removed)
    gives it, with the same macros (bibtexparser reads no #, in a field or in a macro's definition)."""
    logging.getLogger("bibtexparser").setLevel(logging.ERROR)
    split_only = bibtexparser.parse_string((FIXTURES / name).read_text(encoding="utf-8"), parse_stack=[])
    macros = string_macros(split_only)
    fields = [[(f.key, f.value) for f in entry.fields if not joined_outside_groups(f.value)] for entry in split_only.entries]
    ours = [[(key, plain_value(value, macros)) for key, value in each] for each in fields]
    library = Library([*(String(key, "{" + text + "}") for key, text in macros.items()),
                       *(Entry("article", f"k{number}", [Field(key, value) for key, value in each]) for number, each in enumerate(fields))])
    for middleware in (ResolveStringReferencesMiddleware(True), RemoveEnclosingMiddleware(True)):
        library = middleware.transform(library)
    assert ours == [[(f.key, f.value) for f in entry.fields] for entry in library.entries]


def default_middlewares_value(value: str, macros: dict[str, str]) -> str:
    """What bibtexparser's default parse stack makes of one field value."""
    entry = Entry("article", "k", [Field("f", value)])
    library = Library([*(String(key, text) for key, text in macros.items()), entry])
    for middleware in (ResolveStringReferencesMiddleware(True), RemoveEnclosingMiddleware(True)):
        library = middleware.transform(library)
    return library.entries[0].fields[0].value


# The marks that decide what encloses a value: braces, quotes, escapes, concatenation, space, and
# a macro name (jan, defined or not, in either case).
VALUE_TEXT = st.lists(st.sampled_from(list('{}"\\# a1') + ["jan", "JAN", "feb", "{x}", '"x"']), max_size=14).map("".join)


@settings(max_examples=3000, derandomize=True, deadline=None)
@given(VALUE_TEXT)
def test_plain_values_match_the_default_middlewares_on_any_text(value):
    """Where no # joins parts outside braces and quotes (bibtexparser reads no #)."""
    if not joined_outside_groups(value):
        assert plain_value(value, {"jan": "January", "feb": "February"}) == default_middlewares_value(value, {"jan": "{January}", "feb": '"February"'})


# Parts of a value joined with #, (as written, as read): groups and strings (with a group inside,
# holding # or a quote), numbers, and macros in any case, with MACROS.
MACROS = {**MONTHS, "stoc": " Symposium on the Theory of Computing", "empty": ""}
TEXT = st.text(st.characters(exclude_characters='{}"\\', codec="utf-8"), max_size=6)
PART = st.one_of(
    TEXT.map(lambda text: ("{" + text + "}", text)),
    TEXT.map(lambda text: ('"' + text + '"', text)),
    st.tuples(TEXT, st.text('ab"# ', max_size=4)).map(lambda pair: ("{" + pair[0] + "{" + pair[1] + "}}", pair[0] + "{" + pair[1] + "}")),
    st.tuples(TEXT, st.text('ab"# ', max_size=4)).map(lambda pair: ('"' + pair[0] + "{" + pair[1] + '}"', pair[0] + "{" + pair[1] + "}")),
    st.integers(0, 9999).map(lambda number: (str(number), str(number))),
    st.sampled_from(sorted(MACROS)).flatmap(lambda name: st.sampled_from([name, name.upper(), name.title()]).map(lambda written: (written, MACROS[name]))),
)


@settings(max_examples=2000, derandomize=True, deadline=None)
@given(st.lists(PART, min_size=2, max_size=5), st.lists(st.sampled_from(["", " ", "\n  "]), min_size=10, max_size=10))
def test_parts_joined_with_hash_are_read_part_by_part(parts, spaces):
    """Groups and strings give their inside, numbers themselves, macros (in any case) their value."""
    value = "".join(f"{spaces[2 * i]}#{spaces[2 * i + 1]}{written}" if i else written for i, (written, _) in enumerate(parts))
    undefined = []
    assert plain_value(value, MACROS, undefined) == "".join(read for _, read in parts)
    assert undefined == []


@pytest.mark.parametrize("value, plain, undefined", [
    ("{Plain title}", "Plain title", []),
    ('"Quoted {title}"', "Quoted {title}", []),
    ("  {Spaced} ", "Spaced", []),
    ("{{Nested}}", "{Nested}", []),
    ("{ends with an escaped brace\\}", "{ends with an escaped brace\\}", []),
    ("jan", "January", []),  # a macro, by its case-insensitive name
    ("JAN", "January", []),
    ("dec", "December", []),
    ("cogsci", "cogsci", ["cogsci"]),  # no such macro: kept as written, and listed
    ("2013", "2013", []),
    ("1--10", "1--10", []),  # neither a number nor a macro name (BibTeX fails on it): kept as written
    # parts joined with #
    ("{intro} # {outro}", "introoutro", []),
    ('"intro" # "outro"', "introoutro", []),
    ('"Proc. Fifteenth Annual" # STOC', "Proc. Fifteenth Annual Symposium on the Theory of Computing", []),
    ('"10~" # jan', "10~January", []),
    ('apr # "-" # May', "April-May", []),
    ("10 # {--} # 20", "10--20", []),  # numbers
    ("{a space at the end } #\n  \"and this\"", "a space at the end and this", []),  # spaces inside kept, around # not
    ('"A {"}quote{"}" # { and {B}}', 'A {"}quote{"} and {B}', []),  # a quote inside braces inside quotes
    ('{C# and F#} # " rules"', "C# and F# rules", []),  # a # inside braces is text
    ('"#1" # { in } # "#2"', "#1 in #2", []),  # and inside quotes
    ("MCDERMOTT # { and Gerald J. Sussman}", "MCDERMOTT and Gerald J. Sussman", ["MCDERMOTT"]),  # undefined: kept as written, listed
    ("{C# Programming}", "C# Programming", []),  # one group holding a #: no join
    ('"Why C#?"', "Why C#?", []),
    ("{A} #", "{A} #", []),  # not a value BibTeX can read: kept as written
    ("{A} # {B", "{A} # {B", []),
    ("10.1000/xyz#1", "10.1000/xyz#1", []),  # a part neither a number nor a macro name: no value BibTeX can read
    ("C\\# # {x}", "C\\# # {x}", []),  # \# is text, which no macro name holds
])
def test_plain_value(value, plain, undefined):
    listed = []
    assert plain_value(value, {**MONTHS, "stoc": " Symposium on the Theory of Computing"}, listed) == plain
    assert listed == undefined


def test_string_macros_are_read_in_file_order_each_with_the_macros_before_it():
    library = bibtexparser.parse_string(
        '@string{CoOl = "Cool"}\n@string{stuff = {Stuff}}\n@string{myTitle = cool # " " # stuff}\n@string{again = MYTITLE}\n'
        '@string{later = early # {!}}\n@string{early = {Early}}\n@string{when = "In " # jan}\n@string{n = 12}\n', parse_stack=[])
    assert string_macros(library) == {**MONTHS, "cool": "Cool", "stuff": "Stuff", "mytitle": "Cool Stuff", "again": "Cool Stuff",
                                      "later": "early!", "early": "Early", "when": "In January", "n": "12"}
