"""Reading entries whole: % comments between fields, missing commas, entries without a key or an
opening brace, crossref and xdata inheritance, and what a built database stores from them."""

import dataclasses
import re
from pathlib import Path

import pytest
import sqlite_utils
from conftest import BIBTEX_FIXTURES, one_source_inputs

from ingest.load.build import build_database
from ingest.read.bibtex import parse_bibtex
from ingest.read.names import Name


def write_bib(tmp_path, text: str) -> Path:
    path = tmp_path / "references.bib"
    path.write_text(text, encoding="utf-8")
    return path


def read_one(tmp_path, text: str):
    [reference], problems, _ = parse_bibtex(write_bib(tmp_path, text))
    assert problems == []
    return reference


@pytest.mark.parametrize("comment", [
    "% approx",
    "% approx, roughly",  # a comma, which the splitter took for the end of a field
    "% see {Smith} = \"x\" }",  # braces, a quote, an equals sign and a closing brace
])
def test_a_comment_after_a_field_is_ignored_and_the_next_field_kept(tmp_path, comment):
    text = f"@article{{k,\n  title = {{T}},\n  month = jan, {comment}\n  year = 2001,\n}}\n"
    reference = read_one(tmp_path, text)
    assert reference.year == 2001
    assert reference.fields == {"title": "T", "year": "2001"}
    assert reference.bibtex == text.rstrip("\n")  # stored as written, comment included


def test_comments_around_fields_and_inside_values(tmp_path):
    reference = read_one(tmp_path, (
        "@article{k, % the key's line\n"
        "  % a whole line\n"
        "  title = {Pain fell by 30% at 6 weeks, 95% CI},\n"
        "  url = {http://example.org/a%20b},\n"
        "  year = 2001 % after the last value\n"
        "}\n"
    ))
    assert reference.fields == {"title": "Pain fell by 30% at 6 weeks, 95% CI", "url": "http://example.org/a%20b", "year": "2001"}


def test_a_comment_between_a_value_and_its_comma(tmp_path):
    reference = read_one(tmp_path, "@article{k,\n  title = {A} % {a note in braces}\n  , year = 2001}\n")
    assert reference.fields == {"title": "A", "year": "2001"}


def test_an_entry_commented_out_is_not_read(tmp_path):
    path = write_bib(tmp_path, "%@article{k,\n%  title = {Old},\n%}\n@article{k,\n  title = {New}, year = 2003}\n")
    references, problems, _ = parse_bibtex(path)
    assert problems == []
    assert [(r.key, r.line, r.fields["title"]) for r in references] == [("k", 4, "New")]


@pytest.mark.parametrize("fields, line, message", [
    ("  pages = {1--9}\n  publisher = {X},\n  year = 2001\n", 3, "entry 'k': no comma between pages and publisher: add a comma after the value of pages"),
    ('  pages = "1--9"\n  publisher = {X},\n  year = 2001\n', 3, "entry 'k': no comma between pages and publisher: add a comma after the value of pages"),
    ("  year = 2001\n  pages = {1--9}, publisher = {X}\n", 3, "entry 'k': no comma between year and pages: add a comma after the value of year"),
    ("  abstract = {Two\n    lines}\n  pages = {1--9}, publisher = {X}, year = 2001\n", 4,
     "entry 'k': no comma between abstract and pages: add a comma after the value of abstract"),
])
def test_a_missing_comma_between_fields_is_a_problem_and_both_fields_are_read(tmp_path, fields, line, message):
    path = write_bib(tmp_path, f"@article{{k,\n  title = {{T}},\n{fields}}}\n")
    [reference], problems, failed_keys = parse_bibtex(path)
    assert [str(p) for p in problems] == [f"{path}:{line}: {message}"]
    assert reference.year == 2001
    assert {name: reference.fields.get(name) for name in ("pages", "publisher")} == {"pages": "1–9", "publisher": "X"}


def test_fields_missing_two_commas_in_a_row(tmp_path):
    path = write_bib(tmp_path, "@article{k,\n  title = {T}\n  year = 2001\n  publisher = \"X\"\n}\n")
    [reference], problems, _ = parse_bibtex(path)
    assert [str(p) for p in problems] == [
        f"{path}:2: entry 'k': no comma between title and year: add a comma after the value of title",
        f"{path}:3: entry 'k': no comma between year and publisher: add a comma after the value of year",
    ]
    assert reference.fields == {"title": "T", "year": "2001", "publisher": "X"}


def test_an_equals_sign_in_a_value_is_text(tmp_path):
    reference = read_one(tmp_path, "@article{k, title = {n = 30 runners}, url = {http://x.org/?a=b}, note = {A} # { = B}, year = 2001}\n")
    assert reference.fields == {"title": "n = 30 runners", "url": "http://x.org/?a=b", "year": "2001"}


def test_each_entry_without_a_key_is_reported_once_and_left_out(tmp_path):
    path = write_bib(tmp_path, "@article{, title = {A}}\n@article{, title = {B}}\n@article{ok, title = {C}}\n@article{, title = {D}}\n")
    references, problems, failed_keys = parse_bibtex(path)
    assert sorted(str(p) for p in problems) == [f"{path}:{line}: an entry has no citekey: add one after the opening brace" for line in (1, 2, 4)]
    assert ([r.key for r in references], failed_keys) == (["ok"], set())  # the first one too: none is kept as key ''


# The 37 entries of a real Mendeley export written with no key (@article{, @web_page{, ...), by line.
MENDELEY_KEYLESS = [114, 525, 536, 560, 774, 1023, 1054, 1167, 1430, 1588, 1906, 2200, 2221, 2684, 2694, 3150, 3311, 3505, 3580, 3738,
                    3755, 3876, 3913, 4054, 4100, 4411, 4429, 4468, 4545, 4557, 5042, 5205, 5257, 5273, 5302, 5416, 5460]


def test_a_real_export_with_keyless_entries_reports_each_at_its_line_and_drops_none_silently():
    """pybtex keeps them as empty entries unnamed-1 ... (the differential test's "keyless-entry"); the
    project refuses each with an error at its line, for the curator to give it a key."""
    path = BIBTEX_FIXTURES / "bbt-import_mendeley-export.bib"
    references, problems, _ = parse_bibtex(path)
    assert sorted(p.line for p in problems if p.message == "an entry has no citekey: add one after the opening brace") == MENDELEY_KEYLESS
    assert all(r.key.strip() for r in references)
    text = path.read_text(encoding="utf-8-sig")
    entry_lines = {text.count("\n", 0, match.start()) + 1 for match in re.finditer(r"(?m)^@\w+\s*[{(]", text)}
    assert len(entry_lines) == 512 and entry_lines == {r.line for r in references} | {p.line for p in problems}  # each read or reported
    assert (len(references), len(problems)) == (450, 62)  # the other 25 problems: repeated keys


STRINGS = """@string{CoOl = "Cool"}
@string{stuff = {Stuff}}
@string{myTitle = cool # " " # stuff}
@string{again = MYTITLE}
@string{ks = {Knee Society}}
@article{joined,
  author = "Anna " # {Berg} # { and Ruiz, } # "{\\'O}scar",
  title = again # { of the } # ks # ": C# and {F#} at " # 10 # "~" # Jan,
  journal = "Proc. " # ks # { } # JGR,
  pages = 10 # "--" # 20,
  volume = {3#},
  number = "{"}4{"}" # {a},
  year = 2001,
}
"""


def test_values_joined_with_hash_from_strings_numbers_and_macros(tmp_path):
    reference = read_one(tmp_path, STRINGS)
    assert reference.authors == [Name("Berg", "Anna"), Name("Ruiz", "Óscar")]
    assert reference.fields == {
        "title": "Cool Stuff of the Knee Society: C# and F# at 10\xa0January",  # a macro of macros; # inside braces and quotes is text
        "journal": "Proc. Knee Society JGR",  # JGR is defined nowhere: kept as written, with a warning
        "pages": "10–20", "volume": "3#", "number": '"4"a', "year": "2001",
    }
    assert reference.warnings == ["journal names the @string macro JGR, which the file does not define: kept as written; "
                                  "define it (@string{JGR = {...}}) or write the text itself in braces"]


@pytest.mark.parametrize("name, key, field, value", [
    ("pybtex_xampl.bib", "whole-proceedings", "title", "Proc. Fifteenth Annual Symposium on the Theory of Computing"),
    ("pybtex_xampl.bib", "proceedings-full", "title", "Proc. Fifteenth Annual Symposium on the Theory of Computing"),
    ("pybtex_xampl.bib", "inproceedings-full", "booktitle", "Proc. Fifteenth Annual ACM Symposium on the Theory of Computing"),
    ("bibtexparser-v1_features2-string-concat.bib", "mykey", "author", [Name("Doe", "John")]),
    ("bibtexparser-v1_features2-string-concat.bib", "mykey", "title", "Cool Stuff"),
    ("bibtexparser-v1_features2-string-concat.bib", "mykey", "booktitle", "My International Conference"),
    ("bibtexparser-v1_features2-string-concat.bib", "mykey", "pages", "1–10"),  # pages = pages, bar = foo, foo = "1--10"
    ("bbt-import_871_round-parentheses-entry.bib", "McDermott:72", "author", [Name("McDermott", "Drew V."), Name("Sussman", "Gerald J.")]),
    ("bbt-import_1081_string-concat-spaces.bib", "key", "journal", "a space between this and this"),
])
def test_real_exports_with_values_joined_with_hash(name, key, field, value):
    references, problems, _ = parse_bibtex(BIBTEX_FIXTURES / name)
    [reference] = [r for r in references if r.key == key]
    assert (reference.authors if field == "author" else reference.fields[field]) == value
    assert reference.warnings == []


def test_macros_joining_macros_cannot_grow_without_bound(tmp_path):
    """Ten macros each joining the one before ten times would be 10^10 characters: refused as too long."""
    strings = "@string{m0 = {xxxxxxxxxx}}\n" + "".join(f"@string{{m{n} = {' # '.join([f'm{n - 1}'] * 10)}}}\n" for n in range(1, 10))
    path = write_bib(tmp_path, strings + "@article{k, title = m9 # m9, year = 2001}\n")
    _, problems, _ = parse_bibtex(path)
    assert [str(p) for p in problems] == [f"{path}:11: entry 'k': title is more than 100,000 characters long: at most 100,000; shorten it"]


def test_an_entry_without_an_opening_brace_is_reported_at_its_line(tmp_path):
    path = write_bib(tmp_path, "@article{a, title = {A}}\n\n@article buist2008,\n  author = {X},\n  year = 2001,\n}\n")
    _, problems, _ = parse_bibtex(path)
    assert [str(p) for p in problems] == [f"{path}:3: @article buist2008 has no opening brace: write @article{{buist2008,"]


CROSSREF = """
@inproceedings{paper,
  author = {Ruiz, Óscar}, title = {A Paper}, crossref = {proc}, pages = {1--9}, doi = {10.1/paper},
}
@inproceedings{bare, title = {Another Paper}, crossref = {PROC}}
@proceedings{proc,
  editor = {Smith, Anna}, title = {Proceedings of the Meeting}, publisher = {P}, date = {2001-05-01/2001-05-03},
  doi = {10.1/proceedings}, url = {https://example.org/proceedings}, abstract = {About the meeting.},
}
@book{book, author = {Berg, Anna}, title = {The Book}, year = 1999, publisher = {B}}
@inbook{chapter, title = {A Chapter}, crossref = {book}}
@periodical{journal, title = {Journal of Knees}, issn = {1234-5678}, year = 2010}
@article{article, author = {Doe, J.}, title = {On Knees}, crossref = {journal}, volume = {3}}
@misc{note, crossref = {misc-parent}}
@misc{misc-parent, title = {Parent Title}, year = 2005}
@article{orphan, title = {O}, year = 2000, crossref = {missing}}
"""


def test_a_crossref_child_inherits_what_it_lacks(tmp_path):
    references, problems, _ = parse_bibtex(write_bib(tmp_path, CROSSREF))
    assert problems == []
    by_key = {r.key: r for r in references}
    # from proceedings to a paper: title as booktitle, the year of the date range; not the proceedings' doi, url or abstract
    assert (by_key["paper"].fields, by_key["paper"].year, by_key["paper"].authors) == ({
        "title": "A Paper", "crossref": "proc", "pages": "1–9", "doi": "10.1/paper",
        "booktitle": "Proceedings of the Meeting", "publisher": "P", "date": "2001-05-01/2001-05-03"}, 2001, [Name("Ruiz", "Óscar")])
    assert (by_key["bare"].fields["booktitle"], by_key["bare"].year) == ("Proceedings of the Meeting", 2001)  # a key in another case
    # from a book to its chapter: the author too
    assert (by_key["chapter"].fields, by_key["chapter"].authors, by_key["chapter"].year) == (
        {"title": "A Chapter", "crossref": "book", "booktitle": "The Book", "year": "1999", "publisher": "B"}, [Name("Berg", "Anna")], 1999)
    # from a periodical to an article: title as journal
    assert by_key["article"].fields == {"title": "On Knees", "crossref": "journal", "volume": "3", "journal": "Journal of Knees",
                                        "issn": "1234-5678", "year": "2010"}
    # no rule for the pair: every field under its own name
    assert (by_key["note"].fields["title"], by_key["note"].year) == ("Parent Title", 2005)
    assert by_key["orphan"].warnings == ["crossref 'missing' is not an entry of the file: nothing is inherited from it"]


def test_xdata_is_followed(tmp_path):
    references, problems, _ = parse_bibtex(write_bib(tmp_path, """
@xdata{hup, publisher = {Harvard University Press}}
@xdata{year, year = 1995, xdata = {hup}}
@book{b, author = {Berg, Anna}, title = {T}, xdata = {year, nowhere}}
@book{c, title = {U}, publisher = {Own}, xdata = {hup}}
"""))
    assert problems == []
    assert [r.key for r in references] == ["b", "c"]  # @xdata entries hold data; they are not references
    b, c = references
    assert (b.fields["publisher"], b.year, b.warnings) == ("Harvard University Press", 1995, ["xdata 'nowhere' is not an entry of the file: nothing is inherited from it"])
    assert c.fields["publisher"] == "Own"


def test_inheritance_goes_up_the_chain_and_stops_at_a_loop(tmp_path):
    references, _, _ = parse_bibtex(write_bib(tmp_path, """
@inproceedings{a, title = {A}, crossref = {b}}
@proceedings{b, title = {B}, crossref = {c}}
@mvproceedings{c, title = {C}, publisher = {P}, year = 2001}
@misc{x, crossref = {y}}
@misc{y, crossref = {x}, year = 2002}
"""))
    by_key = {r.key: r for r in references}
    assert (by_key["a"].fields.get("booktitle"), by_key["a"].fields.get("publisher"), by_key["a"].year) == ("B", "P", 2001)
    assert by_key["b"].fields["title"] == "B"  # an mvproceedings' title is a maintitle: not kept
    assert (by_key["x"].year, by_key["y"].year) == (2002, 2002)


def test_the_database_stores_accented_names_and_the_year_of_a_date_range(tmp_path):
    references, problems, _ = parse_bibtex(write_bib(tmp_path, (
        "@article{ruiz2001,\n"
        "  author = {Anna Smith and \\'{O}scar Ruiz and Mu\\~noz, Carlos},\n"
        "  title = {Knees},\n"
        "  date = {2001-05-01/2001-05-03},\n"
        "}\n"
    )))
    assert problems == []
    inputs = dataclasses.replace(one_source_inputs([], []), references=references)
    build_database(inputs, tmp_path / "evidence.db")
    db = sqlite_utils.Database(tmp_path / "evidence.db")
    assert list(db.query("select name, family, given from authors order by id")) == [
        {"name": "Smith, Anna", "family": "Smith", "given": "Anna"},
        {"name": "Ruiz, Óscar", "family": "Ruiz", "given": "Óscar"},
        {"name": "Muñoz, Carlos", "family": "Muñoz", "given": "Carlos"},
    ]
    assert list(db.query("select key, year, short_citation, authors from studies")) == [
        {"key": "ruiz2001", "year": 2001, "short_citation": "Smith et al. 2001", "authors": "Smith, Anna; Ruiz, Óscar; Muñoz, Carlos"},
    ]
