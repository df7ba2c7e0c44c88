"""The differential oracle: the project's reading of real BibTeX exports compared with pybtex's.

pybtex is a second BibTeX implementation, written apart from bibtexparser and pylatexenc (whose
faults the project's equivalence tests inherit). Each corpus file is read by both: the project with
ingest.read.bibtex.parse_bibtex, pybtex with pybtex.database.parse_string (format "bibtex"), its
fields turned into text by pybtex's own route, Text.from_latex(...).render(plain text backend) (what
pybtex's styles do: latexcodec's "ulatex" codec, then braces as groups), its names by pybtex's
Person. Per entry it compares title, journal, year, date, volume, number, pages, doi and the
authors' (family, given) list, and sorts every disagreement into a kind (bench/differential_kinds.py).
tests/test_differential.py holds the outcome to a checked-in expectations file;
`.venv/bin/python -m bench.differential_report` prints the counts, and with --write rewrites that file.

Normalisations, each a matter of representation, not of content:
- Unicode NFC on both sides: accents come out composed or not depending on the decoder.
- U+00B5 MICRO SIGN is read as U+03BC GREEK SMALL LETTER MU: pybtex writes $\\mu$ as the first,
  the project as the second; Unicode's compatibility mapping makes them the same letter.
- An empty value is no value: pybtex keeps `title = {}`, the project drops it.
- The same text in white space runs of another length, or ends, is its own kind ("whitespace"),
  never mixed with a change of content: pybtex folds white space when it reads a value.
- journaltitle counts as journal and issue as number (the first in the entry wins), as the project
  stores them (ingest.read.bibtex.BIBLATEX_ALIASES): pybtex keeps both names.
- A Jr part is written after the given names and a comma ("Frank G., Jr."), as the project stores
  it; pybtex keeps it apart (lineage_names). "von" parts go with the family name in both.
- "and others" at the end of an author list is the person "others" for pybtex; the project drops
  it and sets more_authors: it is compared as a last person ("others", "").
- Identifiers (year, date, doi) are compared as written, as both keep them; text fields decoded.
- A field the entry lacks is its crossref parent's (or the parent's parent's), authors too: BibTeX's
  rule, as pybtex's Entry._find_field applies it for pybtex's BibTeX interpreter.
- A file the project refuses for its control characters is compared on a copy in which each is a
  space (both readers read the copy), and the refusal is recorded.
"""

import logging
import tempfile
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import bibtexparser
import pybtex.database
import pybtex.errors
from pybtex.database.input.bibtex import UndefinedMacro
from pybtex.exceptions import PybtexError
from pybtex.plugin import find_plugin
from pybtex.richtext import Text
from pybtex.scanner import PrematureEOF, TokenRequired

from bench.differential_kinds import BY_HAND, KINDS, Case, classify, normal, only_ours_kind, only_pybtex_kind, people_text
from ingest.problems import InputError
from ingest.read.bibtex import BIBLATEX_ALIASES, NO_CITEKEY, parse_bibtex
from ingest.read.text import CONTROL_CHARACTER

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "tests" / "fixtures" / "bibtex"
EXPECTED = CORPUS / "differential_expected.json"
TEXT_FIELDS = ("title", "journal", "volume", "number", "pages")  # decoded from LaTeX by both
IDENTIFIER_FIELDS = ("year", "date", "doi")  # kept as written by both
COMPARED = (*TEXT_FIELDS, *IDENTIFIER_FIELDS, "author")
PLAIN_TEXT = find_plugin("pybtex.backends", "text")()  # render_as("text") looks the plugin up on every call: once here


@dataclass(frozen=True)
class Disagreement:
    key: str
    field: str  # one of COMPARED, or "entry" when only one reader has the entry
    ours: str
    pybtex: str
    kind: str


@dataclass
class FileComparison:
    name: str
    entries: int = 0  # entries both read, compared field by field
    fields: int = 0  # (entry, field) pairs compared: either reader has a value
    refused: str = ""  # why the project refuses the file as it is (then a copy without the refused characters is compared)
    disagreements: list[Disagreement] = field(default_factory=list)


@cache
def corpus_comparison(name: str) -> FileComparison:
    """compare_file on a corpus file, once per process (tests reuse it)."""
    return compare_file(CORPUS / name)


def compare_file(path: Path) -> FileComparison:
    """Both readers on one file, entry by entry and field by field."""
    comparison = FileComparison(path.name)
    read = _read_ours(path, comparison)
    if read is None:
        return comparison
    (references, problems, failed_keys), text = read
    with pybtex.errors.capture() as errors:
        data = pybtex.database.parse_string(text, "bibtex")
    lost_from = min((_error_line(error, text) for error in errors if isinstance(error, PrematureEOF)), default=None)
    undefined = frozenset(error.args[0].lower() for error in errors if isinstance(error, UndefinedMacro))
    keyless = _keyless(errors, text, {problem.line for problem in problems if problem.message == NO_CITEKEY})
    ours = {}
    for reference in references:
        ours.setdefault(reference.key, reference)
    for key, reference in ours.items():
        entry = data.entries.get(key)
        if entry is None or entry.key != key:
            kind = only_ours_kind(reference, entry, lost_from)
            comparison.disagreements.append(Disagreement(key, "entry", "read", "missing" if entry is None else f"read as {entry.key}", kind))
            continue
        comparison.entries += 1
        lost = "pybtex-loses-rest-of-file" if lost_from is not None and reference.line >= lost_from else (
            "pybtex-empty-entry" if not entry.fields and not entry.persons else None)
        comparison.disagreements += _compare_entry(reference, entry, data, comparison, lost, undefined)
    for key, entry in data.entries.items():
        if key not in ours:
            comparison.disagreements.append(Disagreement(key, "entry", "missing", "read", only_pybtex_kind(key, entry, failed_keys, keyless)))
    return comparison


def _keyless(errors: list, text: str, refused_lines: set[int]) -> set[str]:
    """pybtex's names for the entries it read no key for (the N-th "entry key expected" is unnamed-N)
    whose line is one where the project reported an entry without a key."""
    lines = [_error_line(error, text) for error in errors if isinstance(error, TokenRequired) and error.args[0] == "entry key expected"]
    return {f"unnamed-{number}" for number, line in enumerate(lines, 1) if line in refused_lines}


def _read_ours(path: Path, comparison: FileComparison):
    """(parse_bibtex's result, the text both readers read); a file with control characters, which the
    project refuses, is read from a copy with each one made a space; None when the file is not UTF-8."""
    try:
        return parse_bibtex(path), path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
    except InputError as error:
        comparison.refused = "; ".join(f"line {problem.line}: {problem.message}" for problem in error.problems)
        if not all("control character" in problem.message for problem in error.problems):
            return None
    text = CONTROL_CHARACTER.sub(" ", path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n"))
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / path.name
        copy.write_text(text, encoding="utf-8")
        return parse_bibtex(copy), text


def _error_line(error, text: str) -> int:
    """The line where the block pybtex was reading when it failed starts."""
    start = error.error_context_info[0] or 0
    return text.count("\n", 0, start) + 1


def pybtex_text(latex: str) -> str:
    """A field's text as pybtex's styles make it: Text.from_latex, rendered as plain text."""
    try:
        return Text.from_latex(latex).render(PLAIN_TEXT)
    except PybtexError as error:
        return f"<pybtex cannot read it: {error}>"


def _pybtex_value(entry, name: str, data, seen: tuple = ()) -> tuple[str, bool]:
    """(the field's value as pybtex read it, whether the entry has it itself): the first non-empty
    one of the name and its aliases, else its crossref parent's."""
    for key, value in entry.fields.items():
        if BIBLATEX_ALIASES.get(key.lower(), key.lower()) == name and value.strip():
            return value, True
    parent = _parent(entry, data, seen)
    return (_pybtex_value(parent, name, data, (*seen, entry.key))[0], False) if parent is not None else ("", True)


def _pybtex_people(entry, data, seen: tuple = ()) -> tuple[list, bool]:
    people = entry.persons.get("author")
    if people is None and (parent := _parent(entry, data, seen)) is not None:
        return _pybtex_people(parent, data, (*seen, entry.key))[0], False
    return [_pybtex_name(person) for person in people or []], True


def _parent(entry, data, seen: tuple):
    parent = data.entries.get(entry.fields.get("crossref", "").strip())
    return None if parent is None or parent.key in seen or parent is entry else parent


def _pybtex_name(person) -> tuple[str, str]:
    """(family, given) from pybtex's Person: von and last names, then first and middle names, with
    any Jr part after a comma as the project writes it."""
    family = pybtex_text(" ".join(person.prelast_names + person.last_names))
    given = pybtex_text(" ".join(person.first_names + person.middle_names))
    lineage = pybtex_text(" ".join(person.lineage_names))
    if lineage:
        given = f"{given}, {lineage}" if given else lineage
    return family, given


def _compare_entry(reference, entry, data, comparison: FileComparison, lost: str | None, undefined: frozenset[str]) -> list[Disagreement]:
    """The fields that differ; `lost` is the kind of them all when pybtex lost the entry's text."""
    found, written = [], None
    for name in COMPARED:
        if name == "author":
            ours = [(normal(person.family), normal(person.given)) for person in reference.authors]
            ours += [("others", "")] if reference.more_authors else []
            theirs, own = _pybtex_people(entry, data)
            theirs = [(normal(family), normal(given)) for family, given in theirs]
            expanded = " and ".join(str(person) for person in entry.persons.get("author", []))
        else:
            expanded, own = _pybtex_value(entry, name, data)
            ours = normal(reference.fields.get(name, "").strip())
            theirs = normal((pybtex_text(expanded) if name in TEXT_FIELDS else expanded).strip())
        if not ours and not theirs:
            continue
        comparison.fields += 1
        if ours != theirs:
            written = _written_values(reference) if written is None else written
            case = Case(name, ours, theirs, written.get(name, ""), expanded, own, undefined)
            shown = (people_text(ours), people_text(theirs)) if name == "author" else (ours, theirs)
            kind = BY_HAND.get((comparison.name, reference.key, name)) or lost or classify(case)
            found.append(Disagreement(reference.key, name, *shown, kind))
    return found


def _written_values(reference) -> dict[str, str]:
    """The entry's fields as written in the file (braces, quotes, # and macro names kept)."""
    logging.getLogger("bibtexparser").setLevel(logging.ERROR)  # a failed block is the project's problem, reported elsewhere
    library = bibtexparser.parse_string(reference.bibtex, parse_stack=[])
    values = {}
    for entry in library.entries[:1]:
        for each in entry.fields:
            values.setdefault(BIBLATEX_ALIASES.get(each.key.lower(), each.key.lower()), each.value)
    return values


def corpus_files() -> list[str]:
    return sorted(path.name for path in CORPUS.glob("*.bib"))


def grouped(comparison: FileComparison) -> dict:
    """A file's outcome as the expectations file holds it: counts, and per field, per kind, the keys."""
    disagreements: dict = {}
    for each in comparison.disagreements:
        disagreements.setdefault(each.field, {}).setdefault(each.kind, []).append(each.key)
    for kinds in disagreements.values():
        for keys in kinds.values():
            keys.sort()
    outcome = {"entries": comparison.entries, "fields": comparison.fields}
    if comparison.refused:
        outcome["refused"] = comparison.refused
    outcome["disagreements"] = {field: dict(sorted(kinds.items())) for field, kinds in sorted(disagreements.items())}
    return outcome


def expectations(comparisons: list[FileComparison]) -> dict:
    """The whole expectations file: each kind met with its owner and reason, then each file's outcome."""
    used = sorted({each.kind for comparison in comparisons for each in comparison.disagreements})
    return {
        "about": "Written by python -m bench.differential_report --write; checked by tests/test_differential.py. Per file: entries "
                 "and fields compared, and per field, per kind of disagreement, the keys of the entries. Kinds with an owner "
                 "are the project's faults, to be fixed there; the others are deliberate (bench/differential_kinds.py).",
        "kinds": {kind: {"owner": KINDS[kind].owner, "why": KINDS[kind].why} if kind in KINDS else {"owner": "?", "why": "?"}
                  for kind in used},
        "files": {comparison.name: grouped(comparison) for comparison in comparisons},
    }
