"""LaTeX in field values: the hard cases read as their writers meant them (hand-checked), the fast
path giving what the full path gives (on real and generated text), nothing dropped silently, and a
warning for what is kept as written."""

import dataclasses
import gc
import inspect
import logging
import re
import unicodedata
from collections import Counter
from pathlib import Path

import bibtexparser
import pytest
import sqlite_utils
from bibtexparser.middlewares import NormalizeFieldKeys, SeparateCoAuthors, SplitNameParts
from conftest import BIBTEX_FIXTURES as FIXTURES
from conftest import UTF8_BIBTEX_EXPORTS, one_source_inputs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.check.models import Study
from ingest.load.build import build_database
from ingest.read import latex as decoder
from ingest.read.ads_journals import ADS_ALIASES, ADS_JOURNALS
from ingest.read.bibtex import TEXT_FIELDS, parse_bibtex
from ingest.read.latex import _decode_common, decode_field, decode_full, decode_latex, folded_space, readable


def field_values(path: Path) -> list[str]:
    """Every text field and every name part of every entry, as the parser hands them to decoding."""
    logging.getLogger("bibtexparser").setLevel(logging.ERROR)
    library = bibtexparser.parse_string(path.read_text(encoding="utf-8"),
                                        append_middleware=[NormalizeFieldKeys(), SeparateCoAuthors(), SplitNameParts()])
    values = []
    for entry in library.entries:
        for name, field in entry.fields_dict.items():
            if name in TEXT_FIELDS and isinstance(field.value, str):
                values.append(field.value)
            elif name in ("author", "editor") and isinstance(field.value, list):
                values += [part for parts in field.value if hasattr(parts, "last")
                           for part in (" ".join(parts.von + parts.last), " ".join(parts.first))]
    return values


# Written by hand from what each text means, not from running the decoder.
@pytest.mark.parametrize("latex, text", [
    # % is a percent sign in a field value, never a comment; \% too
    ("Pain fell by 30% at 6 weeks", "Pain fell by 30% at 6 weeks"),
    (r"Pain fell by 30\% (95% CI 20--40%)", "Pain fell by 30% (95% CI 20–40%)"),
    ("a\\\\% b", "a % b"),  # \\ (a line break), then a bare %
    # a bare & is an ampersand. Until issue 18 this example read "Taylor     Francis": pylatexenc takes
    # & as table alignment, and the decoder was checked against pylatexenc, so it inherited that.
    ("Taylor & Francis", "Taylor & Francis"),
    (r"Taylor \& Francis", "Taylor & Francis"),
    # macros with a meaning (LaTeX joins a control word to the word after it: Knuth's book is "The TeXbook")
    (r"The \TeX book", "The TeXbook"),
    (r"\LaTeX{} for authors", "LaTeX for authors"),
    (r"The \BibTeX\ format", "The BibTeX format"),
    (r"\LaTeXe", "LaTeX2ε"),
    (r"A{$\slash$}B", "A/B"),
    (r"x\hyphen y", "x-y"),
    (r"\mbox{Ca}\texttt{Mg} and \textsf{Zn}", "CaMg and Zn"),
    (r"Cu\textsubscript{2}O", "Cu2O"),
    (r"\S~2 and \copyright~2020", "§\xa02 and ©\xa02020"),
    (r"\textless 5 mm", "<5 mm"),
    (r"\href{https://example.org}{the site}", "the site <https://example.org>"),
    # a macro that cannot be read is kept as written, with its braced arguments (their text read)
    (r"The \foo{bar} effect", r"The \foo{bar} effect"),
    (r'\mkbibquote{Intentionalit{\"a}t} und', r"\mkbibquote{Intentionalität} und"),  # its argument read, in its braces
    (r"As \cite{smith2020} found", r"As \cite{smith2020} found"),
    (r"Updated \today", r"Updated \today"),
    (r"Ends in \verb", r"Ends in \verb"),  # markup pylatexenc gives up on: the value as written
    # white space: one space for any run, a blank line included; none at the ends
    ("Patellofemoral pain:\n    a systematic review", "Patellofemoral pain: a systematic review"),
    ("Background. Pain.\n\n  Methods. Trials.", "Background. Pain. Methods. Trials."),
    ("\t Padded\ttitle  ", "Padded title"),
    # what the decoder always read right
    (r"\'{e}t\'e {\"o} \c{c} \v{C} {\i} \ss{} \o{}re \& 50\%", "été ö ç Č ı ß øre & 50%"),
    ("x -- y --- z ``q''", "x – y — z “q”"),
    ("a-{-}b a-\\relax-b", "a--b a--b"),  # a group's or a command's edge keeps two hyphens from making a dash
    (r"Cu$_2$O \emph{w} 800\textdegree{}C, 1.55{$\mu$}m", "Cu_2O w 800°C, 1.55μm"),
    (r"Thin \{\vphantom\}{{GaN}}\vphantom\{\} Layers", "Thin {GaN} Layers"),  # \vphantom drops its argument
    (r"G\i\^rgel", "Gır̂gel"),  # decoding \^r does not make "\ir" a command
    (r"Cu$_2\alpha$O", "Cu_2αO"),  # more than a command in math: the full path
    # a math accent with nothing to accent marks the character before it, as Better BibTeX writes a
    # combining character it has no command for (issue 18, the large export: o + U+0338 as o{$\not$})
    (r"Upadhyay, Shivendra and So{$\not$}rensen, Claus B.", "Upadhyay, Shivendra and So\u0338rensen, Claus B."),
    (r"Pakul{$\not$}a, K. and L{$\not$}ucznik, B.", "Pakul\u0338a, K. and L\u0338ucznik, B."),
    (r"Nitrogen-Polar (0001{$\overline$}) {{GaN}}", "Nitrogen-Polar (0001\u0305) GaN"),
    (r"Structured {$<$}001{$\overline{}>$} {{InAs}}", "Structured <001\u0305> InAs"),
    (r"a{$\acute$} x\(\not\)", "\u00e1 x\u0338"),  # composed where Unicode has the letter; \( \) is math too
    (r"{$\not$}x and y {$\overline$}", r"\not x and y \overline"),  # nothing before it: kept as written
    (r"x$\overline{\not}$", "x\u0338\u0305"),  # both marks on the x (in Unicode's order)
    # \overline and \underline put their marks on their argument (pylatexenc read (1\overline{1}0) as "(110)")
    (r"(1$\overline{1}$0) $\underline{ab}$ $\bar x$", "(11\u03050) a\u0332b\u0332 x\u0305"),
    # symbols as the TU encoding prints them (base/ltoutenc.dtx), where pylatexenc's table has another character
    (r"Multiband K\textperiodcentered{} p Method", "Multiband K\u00b7 p Method"),
    (r"\textasciicircum{} \texttildelow{} \textbraceleft x\textbraceright{} \textminus 1", "^ \u02f7 {x} \u22121"),
    (r"A{$\diamond$}B", "A\u22c4B"),  # unicode-math's \smwhtdiamond, not the card suit U+2662
    # a macro kept as written is set apart from a letter after it, which would make another macro's name
    (r"Personal \TeX, Inc.\Dash\TeX\ for the PC", r"Personal TeX, Inc.\Dash TeX for the PC"),
    (r"\TeX\ and databases\Dash\TeX DBI", r"TeX and databases\Dash TeXDBI"),  # \TeX DBI: TeX's own reading
    (r"{\Dash}TeX, \Dash{}TeX, \Dash\'etude, \Dash\relax 1, \Dash--x, a\+b", r"\Dash TeX, \Dash{}TeX, \Dash étude, \Dash1, \Dash–x, a\+b"),
])
def test_examples(latex, text):
    assert decode_latex(latex) == text


@pytest.mark.parametrize("latex, kept", [
    (r"The \foo{bar} effect", [r"\foo"]),
    (r"\apj", [r"\apj"]),  # an ADS macro is a journal's name only as a whole journal (decode_field)
    (r"\cite{a} and \cite{b} \vphantom{x}", [r"\cite", r"\cite"]),
    (r"\TeX, 50% \& \emph{more}", []),
    (r"Ends in \verb", [r"\verb"]),
    (r"Personal \TeX, Inc.\Dash\TeX", [r"\Dash"]),
    (r"So{$\not$}rensen, (0001{$\overline$})", []),
    (r"{$\not$}x and y {$\overline$}", [r"\not", r"\overline"]),
])
def test_what_is_kept_as_written_is_reported(latex, kept):
    reported = []
    decode_latex(latex, reported)
    assert reported == kept


@pytest.mark.parametrize("journal, name", [
    (r"\apj", "Astrophysical Journal"),
    (r"{\mnras}", "Monthly Notices of the RAS"),
    (r"\aap", "Astronomy and Astrophysics"),
    (r"\astap", "Astronomy and Astrophysics"),  # aas_macros.sty: \let\astap=\aap
    (r"\apjl{}", "Astrophysical Journal, Letters"),
])
def test_ads_journal_macros_are_journal_names(journal, name):
    warnings = []
    assert decode_field("journal", journal, warnings) == name
    assert warnings == []


def test_the_ads_list_is_whole():
    assert len(ADS_JOURNALS) == 61 and all(target in ADS_JOURNALS for target in ADS_ALIASES.values())


def test_warnings_for_what_is_kept_as_written(tmp_path):
    path = tmp_path / "references.bib"
    path.write_text(
        "@article{ads, title = {Jets}, journal = {\\apj}, year = 2001}\n"
        "@article{unknown, title = {The \\foo{bar} effect in \\TeX}, journal = {\\jcompphys}, year = 2002,\n"
        "  abstract = {As \\cite{a} and \\cite{b} found, \\today.}}\n",
        encoding="utf-8")
    references, problems, _ = parse_bibtex(path)
    assert problems == []
    assert [(r.key, r.fields["journal"], r.warnings) for r in references] == [
        ("ads", "Astrophysical Journal", []),
        ("unknown", r"\jcompphys", [
            r"title holds \foo, which could not be read as text: kept as written; write the text it stands for",
            r"journal holds \jcompphys, which could not be read as text: kept as written; write the journal's name",
            r"abstract holds \cite and \today, which could not be read as text: kept as written; write the text they stand for",
        ]),
    ]


ISSUE_EXAMPLES = r"""
@article{percent, title = {Pain fell by 30% at 6 weeks}, journal = {Taylor & Francis}, year = 2020,
  abstract = {Pain fell by 30% (95% CI 20--40%) at
    6 weeks.

    Function improved.}}
@article{spaces, title = {Exercise therapy for
        patellofemoral pain:   a   review}, year = 2020}
@book{texbook, title = {The \TeX book}, publisher = {\LaTeX{} and \BibTeX\ users}, year = 1984}
@article{macros, title = {A{$\slash$}B and x\hyphen y}, journal = {\mnras}, year = 2020}
"""


def test_the_issue_examples_in_the_built_database(tmp_path):
    """The database step adds the journal (or booktitle) choice to what parse_bibtex reads: checked there."""
    path = tmp_path / "references.bib"
    path.write_text(ISSUE_EXAMPLES, encoding="utf-8")
    references, problems, _ = parse_bibtex(path)
    assert problems == [] and all(r.warnings == [] for r in references)
    studies = [Study(key=r.key, design="rct", evidence_level=2, metadata_status="verified") for r in references]
    build_database(dataclasses.replace(one_source_inputs(studies, []), references=references), tmp_path / "evidence.db")
    rows = sqlite_utils.Database(tmp_path / "evidence.db").query("select key, title, journal, abstract from studies order by key")
    assert list(rows) == [
        {"key": "macros", "title": "A/B and x-y", "journal": "Monthly Notices of the RAS", "abstract": None},
        {"key": "percent", "title": "Pain fell by 30% at 6 weeks", "journal": "Taylor & Francis",
         "abstract": "Pain fell by 30% (95% CI 20–40%) at 6 weeks. Function improved."},
        {"key": "spaces", "title": "Exercise therapy for patellofemoral pain: a review", "journal": None, "abstract": None},
        {"key": "texbook", "title": "The TeXbook", "journal": None, "abstract": None},
    ]
    assert references[2].fields["publisher"] == "LaTeX and BibTeX users"


@pytest.mark.parametrize("latex, text", [
    (r"{\Dash}TeX", r"\Dash TeX"),
    (r"\Dash\relax x", r"\Dash x"),
    (r"\Dash\'etude \Dash\o", r"\Dash étude \Dash ø"),
    (r"\Dash{}TeX \Dash{x}y \Dash\{x \Dash x", r"\Dash{}TeX \Dash{x}y \Dash{x \Dash x"),  # nothing glued: as written
])
def test_a_kept_macro_is_set_apart_from_a_letter_on_both_paths(latex, text):
    fast, full = both_paths(latex)
    assert fast == full == (text, [r"\Dash"] * latex.count(r"\Dash"))


@pytest.mark.parametrize("name", UTF8_BIBTEX_EXPORTS)
def test_fast_path_matches_the_full_path(name):
    """The fast path is an optimisation of the full path, not a second behaviour."""
    mismatches = []
    for value in field_values(FIXTURES / name):
        if (fast := both_paths(value)) is not None and fast[0] != fast[1]:
            mismatches.append((value, *fast))
    assert mismatches == []


def both_paths(latex: str) -> tuple[tuple, tuple] | None:
    """(text, macros kept as written) by the fast path and by the full path; None if the fast path leaves it."""
    fast_kept, full_kept = [], []
    fast = _decode_common(latex, fast_kept)
    if fast is None:
        return None
    return (folded_space(fast), fast_kept), (folded_space(decode_full(latex, full_kept)), full_kept)


# Letters, digits, % and &, outside commands, accents apart (NFKD, so 𝐱 and ² count as x and 2)
_COMMAND = re.compile(r"\\(?:[A-Za-z]+|.)", re.S)
_COUNTED = re.compile(r"[^\W_]|[%&]")


def counted(text: str) -> Counter:
    return Counter(_COUNTED.findall(unicodedata.normalize("NFKD", text)))


# Macros whose argument is no text: an invisible box, a length.
WRITE_NOTHING = (*decoder.INVISIBLE, "hspace", "vspace")


@pytest.mark.parametrize("name", UTF8_BIBTEX_EXPORTS)
def test_nothing_is_dropped_silently(name):
    """Every letter, digit, % and & written outside a command name is still in the decoded text
    (but in the argument of a macro that writes nothing, such as \\vphantom{x} or \\hspace{0pt}), and every macro that
    cannot be read is there as written."""
    invisible = re.compile(rf"\\(?:{'|'.join(WRITE_NOTHING)})\s*\*?(?:\[[^]]*\])?\s*\{{[^{{}}]*\}}")
    lost = []
    for value in field_values(FIXTURES / name):
        decoded = decode_latex(value)
        written = _COMMAND.sub(lambda match: match.group()[1:] if match.group() in (r"\%", r"\&") else "", invisible.sub("", value))
        missing = counted(written) - counted(decoded)
        unread = [macro for macro in _COMMAND.findall(value) if macro[1:].isalpha() and not readable(macro[1:]) and macro not in decoded]
        if missing or unread:
            lost.append((value, decoded, dict(missing), unread))
    assert lost == []


@pytest.mark.corpus
def test_the_fast_path_does_the_work_on_the_large_export():
    values = field_values(FIXTURES / "bbt-import_1436-3_LARGE-7166-entries.bib")
    left_to_the_full_path = [value for value in values if _decode_common(value) is None]
    assert len(left_to_the_full_path) / len(values) < 0.001


@pytest.mark.parametrize("name", [*decoder.WORDS, *decoder.DEFINED_AS, *decoder.LAYOUT, *decoder.TEXT_ARGUMENT, *decoder.INVISIBLE])
def test_each_added_macro_reads_the_same_on_both_paths(name):
    for latex in (f"a \\{name} b", f"a \\{name}{{}} b", f"a \\{name}{{x}} b", f"a{{\\{name}}}b"):
        fast = both_paths(latex)
        assert fast is None or fast[0] == fast[1], latex


# Pieces of LaTeX that steer the decoder: accents, escapes, symbol commands and commands with an
# argument, math, groups, dashes and quotes, the white space commands swallow (or not), % and &,
# macros pylatexenc does not know, and macros that nothing reads.
LATEX_PIECES = st.sampled_from(
    list("ab12() -{}~'`\"$\\&%#_^.,[]\n\t\r")
    + [r"\'", r"\"", r"\"{o}", r"\v", r"\v c", r"\c", r"\c{c}", r"\u", r"\H", r"\i", r"\j", r"\ss", r"\ss{}", r"\o",
       r"\&", r"\%", r"\{", r"\}", "\\\\", r"\,", r"\-", r"\textdegree", r"\textbackslash", r"\textendash", r"\LaTeX",
       r"\relax", r"\kern", r"\today", r"\url", r"\emph", r"\emph{x}", r"\textbf", r"\vphantom", r"\hphantom",
       r"\overline", r"\langle", r"\alpha", r"\alpha{}", r"$\alpha$", r"$\slash$", r"$\alpha b$", "--", "``", "''", "\n\n", "\r\n",
       r"\TeX", r"\TeX{}", r"\slash", r"\hyphen", r"\mbox{x}", r"\texttt", r"\S", r"\foo", r"\foo{x}", r"\apj", r"\cite{k}",
       r"\href{u}{t}", "\\\n", r"\foo{x}{y}", r"\Dash", r"\foo\{"])


@settings(max_examples=3000, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(LATEX_PIECES, max_size=16).map("".join))
def test_fast_path_matches_the_full_path_on_generated_latex(latex):
    fast = both_paths(latex)
    if fast is not None:
        assert fast[0] == fast[1]


def test_full_decoding_leaves_no_frames_for_the_garbage_collector():
    """pylatexenc ends its parse with an exception kept in a reference cycle through its traceback,
    which held every calling frame (parse_bibtex's, and the parsed file with it) until the cyclic
    collector ran; a build freezes what reading made instead of scanning it (paused_gc.py), so the
    cycle must not form."""
    def caller_holding(value):  # a calling frame with a large local, as parse_bibtex's holds the file
        return decode_full(r"\emph{Kn{\"e}e} pain \unknownmacro{x}", [])

    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        assert caller_holding(["a large parsed file"] * 1000) == "Knëe pain \\unknownmacro{x}"
        gc.collect()
        garbage = list(gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        if was_enabled:
            gc.enable()
    assert [o.f_code.co_name for o in garbage if inspect.isframe(o)] == []
    assert not any(isinstance(o, Exception) for o in garbage)
