"""The fast LaTeX decoder gives exactly what the full decoder (pylatexenc) gives, on real data."""

import logging
from pathlib import Path

import bibtexparser
import pytest
from bibtexparser.middlewares import NormalizeFieldKeys, SeparateCoAuthors, SplitNameParts
from pylatexenc.latex2text import LatexNodes2Text

from ingest.bibtex import TEXT_FIELDS
from ingest.latex import _decode_common, decode_latex

FIXTURES = Path(__file__).parent / "fixtures" / "bibtex"
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


@pytest.mark.parametrize("name", sorted(path.name for path in FIXTURES.glob("*.bib") if path.name != "bibtexparser_gbk-encoded.bib"))
def test_fast_decoding_matches_the_full_decoder(name):
    values = field_values(FIXTURES / name)
    mismatches = [(value, FULL.latex_to_text(value).strip(), decode_latex(value)) for value in values
                  if decode_latex(value) != FULL.latex_to_text(value).strip()]
    assert mismatches == []


def test_the_fast_path_does_the_work_on_the_large_export():
    values = field_values(FIXTURES / "bbt-import_1436-3_LARGE-7166-entries.bib")
    by_table = sum(_decode_common(value) is not None for value in values)
    assert by_table / len(values) > 0.95


@pytest.mark.parametrize("latex, text", [
    (r"\'{e}t\'e {\"o} \c{c} \v{C} {\i} \ss{} \o{}re \& 50\%", "été ö ç Č ı ß øre & 50%"),
    ("x -- y --- z ``q''", "x – y — z “q”"),
    (r"Cu$_2$O \emph{w}", "Cu_2O w"),  # math and other macros: the full decoder
    ("Taylor & Francis", "Taylor     Francis"),  # a bare & is LaTeX's alignment: as pylatexenc reads it
])
def test_examples(latex, text):
    assert decode_latex(latex) == text
