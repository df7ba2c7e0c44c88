"""The fast LaTeX decoder gives exactly what the full decoder (pylatexenc) gives, on real and generated text."""

import logging
from pathlib import Path

import bibtexparser
import pytest
from bibtexparser.middlewares import NormalizeFieldKeys, SeparateCoAuthors, SplitNameParts
from conftest import BIBTEX_FIXTURES as FIXTURES
from conftest import UTF8_BIBTEX_EXPORTS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pylatexenc.latex2text import LatexNodes2Text

from ingest.read.bibtex import TEXT_FIELDS
from ingest.read.latex import _decode_common, decode_latex

FULL = LatexNodes2Text()


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


@pytest.mark.parametrize("name", UTF8_BIBTEX_EXPORTS)
def test_fast_decoding_matches_the_full_decoder(name):
    values = field_values(FIXTURES / name)
    mismatches = [(value, FULL.latex_to_text(value).strip(), decode_latex(value)) for value in values
                  if decode_latex(value) != FULL.latex_to_text(value).strip()]
    assert mismatches == []


@pytest.mark.corpus
def test_the_fast_path_does_the_work_on_the_large_export():
    values = field_values(FIXTURES / "bbt-import_1436-3_LARGE-7166-entries.bib")
    left_to_pylatexenc = [value for value in values if _decode_common(value) is None]
    assert len(left_to_pylatexenc) / len(values) < 0.001


# Pieces of LaTeX that steer the decoder: accents, escapes, symbol commands and commands with an
# argument, math, groups, dashes and quotes, and the white space commands swallow (or not).
LATEX_PIECES = st.sampled_from(
    list("ab12() -{}~'`\"$\\&%#_^.,[]\n\t\r")
    + [r"\'", r"\"", r"\"{o}", r"\v", r"\v c", r"\c", r"\c{c}", r"\u", r"\H", r"\i", r"\j", r"\ss", r"\ss{}", r"\o",
       r"\&", r"\{", r"\}", "\\\\", r"\,", r"\-", r"\textdegree", r"\textbackslash", r"\textendash", r"\LaTeX",
       r"\relax", r"\kern", r"\today", r"\url", r"\emph", r"\emph{x}", r"\textbf", r"\vphantom", r"\hphantom",
       r"\overline", r"\langle", r"\alpha", r"\alpha{}", r"$\alpha$", r"$\slash$", r"$\alpha b$", "--", "``", "''", "\n\n", "\r\n"])


@settings(max_examples=3000, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(LATEX_PIECES, max_size=16).map("".join))
def test_fast_decoding_matches_the_full_decoder_on_generated_latex(latex):
    try:
        expected = FULL.latex_to_text(latex).strip()
    except Exception:  # pylatexenc gives up on some broken input; nothing to compare with
        return
    assert decode_latex(latex) == expected


@pytest.mark.parametrize("latex, text", [
    (r"\'{e}t\'e {\"o} \c{c} \v{C} {\i} \ss{} \o{}re \& 50\%", "été ö ç Č ı ß øre & 50%"),
    ("x -- y --- z ``q''", "x – y — z “q”"),
    ("a-{-}b a-\\relax-b", "a--b a--b"),  # a group's or a command's edge keeps two hyphens from making a dash
    (r"Cu$_2$O \emph{w} 800\textdegree{}C, 1.55{$\mu$}m", "Cu_2O w 800°C, 1.55μm"),  # commands by pylatexenc's tables
    (r"Thin \{\vphantom\}{{GaN}}\vphantom\{\} Layers", "Thin {GaN} Layers"),  # \vphantom drops its argument
    (r"G\i\^rgel", "Gır̂gel"),  # decoding \^r does not make "\ir" a command
    (r"Cu$_2\alpha$O", "Cu_2αO"),  # more than a command in math: the full decoder
    ("Taylor & Francis", "Taylor     Francis"),  # a bare & is LaTeX's alignment: as pylatexenc reads it
])
def test_examples(latex, text):
    assert decode_latex(latex) == text
