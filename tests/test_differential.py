"""The differential oracle: every real export in tests/fixtures/bibtex read by the project and by
pybtex, a second BibTeX implementation, field by field, against the checked-in expectations.

bench/differential.py compares title, journal, year, date, volume, number, pages, doi and authors
(its docstring lists each normalisation and why it is one of representation, not content);
bench/differential_kinds.py sorts each disagreement into a kind: the project's faults, each with the
module whose fix should remove it, or deliberate decisions, pybtex's own faults among them.
tests/fixtures/bibtex/differential_expected.json lists, per file, per field, per kind, the entries
that disagree. A test fails on a disagreement it does not list (new, or unexplained) and on one it
lists that no longer occurs (a fix): then run `.venv/bin/python -m bench.differential_report --write`
and read the diff. The large exports (LARGE in the name) run with `make test-corpus`.
"""

import json

import pybtex.database
import pytest
from pybtex.exceptions import PybtexError

from bench.differential import CORPUS, EXPECTED, corpus_comparison, corpus_files, grouped, pybtex_text
from bench.differential_kinds import BY_HAND, KINDS, UNEXPLAINED

EXPECTATIONS = json.loads(EXPECTED.read_text(encoding="utf-8"))
FILES = [pytest.param(name, marks=pytest.mark.corpus) if "LARGE" in name else name for name in corpus_files()]


def listed(outcome: dict) -> set[tuple[str, str, str]]:
    """(field, kind, key) of every disagreement in a file's outcome."""
    return {(field, kind, key) for field, kinds in outcome["disagreements"].items() for kind, keys in kinds.items() for key in keys}


def test_the_corpus_has_at_least_30_files_outside_the_large_ones():
    assert len([name for name in corpus_files() if "LARGE" not in name]) >= 30
    assert sorted(EXPECTATIONS["files"]) == corpus_files()


def test_every_kind_expected_has_its_reason_here():
    """No kind is "unexplained", and the expectations give each kind the owner and reason of KINDS."""
    assert UNEXPLAINED not in EXPECTATIONS["kinds"]
    assert {kind: (each["owner"], each["why"]) for kind, each in EXPECTATIONS["kinds"].items()} == {
        kind: (KINDS[kind].owner, KINDS[kind].why) for kind in EXPECTATIONS["kinds"]}


@pytest.mark.parametrize("name", FILES)
def test_the_disagreements_with_pybtex_are_the_expected_ones(name):
    comparison = corpus_comparison(name)
    outcome, expected = grouped(comparison), EXPECTATIONS["files"][name]
    found, listed_before = listed(outcome), listed(expected)
    new = [each for each in comparison.disagreements if (each.field, each.kind, each.key) not in listed_before]
    gone = sorted(listed_before - found)
    message = "\n".join([f"new (not in {EXPECTED.name}): {each.key} {each.field} [{each.kind}]\n  ours:   {each.ours!r}\n  pybtex: {each.pybtex!r}"
                         for each in new] + [f"gone (fixed? rewrite {EXPECTED.name}): {key} {field} [{kind}]" for field, kind, key in gone])
    assert not new and not gone, message
    assert (outcome["entries"], outcome["fields"], outcome.get("refused")) == (expected["entries"], expected["fields"], expected.get("refused"))
    for (file, key, field), kind in BY_HAND.items():
        if file == name:
            assert (field, kind, key) in found, f"sorted by hand but no longer disagrees: {key} {field}"


# Disagreements checked by hand where the project keeps its reading: (file, key, field, kind, what pybtex
# gives, the right value, which the project gives, and why).
DELIBERATE = [
    ("bibtexparser-v1_biber-examples.bib", "knuth:ct:a", "title", "pybtex-keeps-commands", "The \\TeX book", "The TeXbook",
     "\\TeX writes the letters TeX and takes the space after it: Knuth's book is The TeXbook"),
    ("jabref_complex.bib", "deBraga2001", "title", "pybtex-keeps-commands",
     "The postcranial anatomy of \\textit Procolophon (Parareptilia: Procolophonidae) and its implications for the origin of turtles",
     "The postcranial anatomy of Procolophon (Parareptilia: Procolophonidae) and its implications for the origin of turtles",
     "\\textit{...} is italics: its text, without the command"),
    ("pybtex_xampl.bib", "article-full", "journal", "pybtex-keeps-commands", "\\mbox G-Animal's Journal", "G-Animal's Journal",
     "\\mbox{...} only keeps its text on one line"),
    ("bbt-export_384_name-particles.bib", "dupuydeclinchamps", "author", "pybtex-keeps-commands", "du Puy de Clinchamps, \\relax Philippe",
     "du Puy de Clinchamps, Philippe", "{\\relax Ph}ilippe: \\relax writes nothing (the braces make Ph one letter for BibTeX's initials)"),
    ("jabref_testjabref-wos-export.bib", "Lu2020", "title", "pybtex-keeps-math", "Horndeski Gravity as $D\\rightarrow 4$ Limit of Gauss-Bonnet",
     "Horndeski Gravity as D→4 Limit of Gauss-Bonnet", "$D\\rightarrow4$ is D, a right arrow (U+2192) and 4"),
    ("bbt-export_977_vietnamese-latex-accents.bib", "vu_ngoc_formes_2000", "author", "pybtex-accents", "Vũ Ng\\d oc, San", "Vũ Ngọc, San",
     "Ng{\\d o}c: \\d is a dot below, ọ (U+1ECD), which latexcodec does not decode"),
    ("pybtex_xampl.bib", "unpublished-full", "author", "pybtex-accents", "Ünderwood, Ulrich; Ñet, Ned; \\=Pot, Paul",
     "Ünderwood, Ulrich; Ñet, Ned; P̄ot, Paul", "{\\={P}}ot: a macron on P, which has no precomposed letter: P and U+0304"),
    ("bibtexparser-v1_biber-examples.bib", "t1", "title", "percent-cut-by-pybtex", "10% of [100] and 90",
     "10% of [100] and 90% of Normal_2 | & # things ^3", "a % in a BibTeX value is a percent sign; latexcodec drops the rest as a comment"),
    ("bbt-import_mendeley-export.bib", "Deller2011", "title", "pybtex-whitespace", "Twittering on: Audience research and participation using Twitter",
     "Twittering on: Audience research and\xa0participation using Twitter", "the file has a no-break space (U+00A0) there: kept as written"),
    ("bbt-import_873_legacy-parens-crossref-dupkeys.bib", "Wellman:WALRAS", "entry", "pybtex-loses-rest-of-file", "missing", "read",
     "the entry is at line 6534; pybtex lost everything after Thiebaux:93's author = {Sylvie Thi\\{'ebaux ...}"),
    ("bbt-import_873_legacy-parens-crossref-dupkeys.bib", "Thiebaux:93", "title", "pybtex-loses-rest-of-file", "",
     "A Stochastic Model of Actions and Plans for Anytime Planning Under Uncertainty", "as written, on two lines"),
    ("bbt-import_2660_plus-in-field-name.bib", "10.1:18", "title", "pybtex-empty-entry", "",
     "From this article, it sounds like men are figuring something out that women have known forever. I know of many",
     "the real entry at line 820; pybtex keeps the copy commented out with % at line 809, whose fields it cannot read"),
    ("bbt-import_endnote-export.bib", "author", "entry", "pybtex-empty-entry", "read", "missing",
     "'@article{' with no key: there is no entry 'author' (the project reports the missing key at line 2)"),
    ("bbt-import_873_legacy-parens-crossref-dupkeys.bib", "Searle:80", "journal", "undefined-macro", "", "COGSCI",
     "JOURNAL = COGSCI, a macro the file never defines: its name is all there is"),
    ("bbt-import_873_legacy-parens-crossref-dupkeys.bib", "McDermott:72", "author", "undefined-macro", "and Gerald J. Sussman",
     "MCDERMOTT; Sussman, Gerald J.", "author = MCDERMOTT # { and Gerald J. Sussman}, a macro this file never defines (another file, "
     "bbt-import_871, defines it as McDermott, Drew V.): pybtex reads it as empty and makes one person of ' and Gerald J. Sussman'"),
    ("bbt-import_mendeley-export.bib", "unnamed-1", "entry", "keyless-entry", "read", "missing",
     "'@article{,' at line 114 (Reviewers as Readers with Power): no key; the project reports it at that line and leaves it out"),
    ("bibtexparser-v1_biber-examples.bib", "nussbaum", "title", "unknown-command-kept", "Aristotle's \\mkbibquote De Motu Animalium",
     "Aristotle's \\mkbibquote{De Motu Animalium}", "kept as written, with a warning (biblatex's \\mkbibquote puts its argument in quotes)"),
    ("bbt-import_873_legacy-parens-crossref-dupkeys.bib", "miller85", "author", "name-with-too-many-commas", "Miller, Firby J., D.; Dean, T.",
     "Miller, D., Firby, J.; Dean, T.", "'Miller, D., Firby, J. and Dean, T.': three people (Miller D., Firby J., Dean T.) that no reader can "
     "split; the project keeps the first two as one name and reports it as a fault"),
    pytest.param("bbt-import_1436-3_LARGE-7166-entries.bib", "woo_2006", "title", "pybtex-escapes",
                 "Electronic and Magnetic Properties of the Fe\\$_3\\$Si(001) Surface", "Electronic and Magnetic Properties of the Fe$_3$Si(001) Surface",
                 "Fe\\$\\_3\\$Si: escaped, so LaTeX prints $_3$ as written", marks=pytest.mark.corpus),
    pytest.param("bbt-import_1436-3_LARGE-7166-entries.bib", "Chen_2017", "entry", "keys-differing-in-case", "read as chen_2017", "read",
                 "two works: chen_2017 (Chen, Baile: Optical Gain Analysis ...) and Chen_2017 (Chen, Linghua and others: Highly Linearly "
                 "Polarized White Light Emission ...)", marks=pytest.mark.corpus),
]


@pytest.mark.parametrize("name, key, field, kind, pybtex, right, why", DELIBERATE)
def test_where_the_project_keeps_its_reading_it_gives_the_right_value(name, key, field, kind, pybtex, right, why):
    [disagreement] = [each for each in corpus_comparison(name).disagreements if (each.key, each.field) == (key, field)]
    assert (disagreement.kind, disagreement.pybtex, disagreement.ours) == (kind, pybtex, right)


def test_every_deliberate_kind_met_outside_the_large_exports_has_a_hand_checked_example():
    met = {kind for name, file in EXPECTATIONS["files"].items() if "LARGE" not in name
           for kinds in file["disagreements"].values() for kind in kinds}
    examples = {row.values[3] if hasattr(row, "values") else row[3] for row in DELIBERATE}
    assert {kind for kind in met if not KINDS[kind].owner} - examples == set()


@pytest.mark.parametrize("latex, text", [
    ("The \\TeX book", "The \\TeX book"),  # what pybtex's own route gives, as the kinds above describe it
    ("Ng{\\d o}c", "Ng\\d oc"),
    ("30% at 6 weeks", "30"),
    ("{\\'O}scar Mu\\~noz", "Óscar Muñoz"),  # accents it has precomposed letters for: right
    ("a -- b", "a – b"),
])
def test_pybtex_text_is_pybtexs_own_reading(latex, text):
    assert pybtex_text(latex) == text


def test_a_file_in_another_encoding_is_refused_by_both():
    """The project reads UTF-8 only and says so (tests/test_bibtex.py); pybtex cannot read the GBK
    file as UTF-8 either, so neither compares it."""
    assert EXPECTATIONS["files"]["bibtexparser_gbk-encoded.bib"]["refused"].startswith("line 1: is not UTF-8")
    with pytest.raises(PybtexError, match="'utf-8' codec can't decode byte 0xbf"):
        pybtex.database.parse_file(str(CORPUS / "bibtexparser_gbk-encoded.bib"), "bibtex", encoding="utf-8")
