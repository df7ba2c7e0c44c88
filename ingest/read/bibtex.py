"""Parse references.bib into plain reference records (bibtexparser 2 does the parsing)."""

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

import bibtexparser
from bibtexparser.middlewares.names import InvalidNameError
from bibtexparser.model import DuplicateBlockKeyBlock, DuplicateFieldKeyBlock, ImplicitComment

from ingest.problems import Problem
from ingest.read.latex import decode_latex
from ingest.read.names import Name, person, split_people
from ingest.read.text import MAX_VALUE_LENGTH, read_text

# Fields decoded from LaTeX to Unicode. Identifiers (doi, url, pmid, ...) are kept exactly as
# written: decoding would eat '%' in a URL as a LaTeX comment.
TEXT_FIELDS = ("title", "journal", "booktitle", "publisher", "volume", "number", "pages", "abstract")
IDENTIFIER_FIELDS = ("doi", "pmid", "pmcid", "url", "issn", "year", "date")
# BibLaTeX names (as Better BibTeX exports them) for fields that BibTeX names differently.
BIBLATEX_ALIASES = {"journaltitle": "journal", "issue": "number"}
DECODED_FIELDS, KEPT_FIELDS = frozenset(TEXT_FIELDS), frozenset(TEXT_FIELDS + IDENTIFIER_FIELDS)


@dataclass(slots=True)
class Reference:
    """One BibTeX entry with its text fields decoded to Unicode and its authors split."""

    key: str
    entry_type: str
    line: int
    fields: dict = field(default_factory=dict)
    year: int | None = None  # from `year`, or from a BibLaTeX `date` such as 2013-05-01
    authors: list = field(default_factory=list)
    more_authors: bool = False  # the author list ends with BibTeX's "and others"
    bibtex: str = ""
    # What reading kept but could not read as it should (e.g. a macro left as written): reported
    # as warnings at the entry's line, and the build goes on.
    warnings: list[str] = field(default_factory=list)


def parse_bibtex(path: Path) -> tuple[list[Reference], list[Problem], set[str]]:
    """Parse a BibTeX file into references, problems (failed blocks, unsplittable names, huge values,
    missing keys, stray fields) and the keys of the entries that failed. Raises InputError only
    when the file cannot be read at all."""
    library = _parse_library(read_text(path))
    problems = [_failed_block_problem(path, block) for block in library.failed_blocks]
    failed_keys = {_block_key(block) for block in library.failed_blocks} - {None}
    problems += _stray_field_problems(path, library)
    macros = string_macros(library)
    references = []
    for entry in library.entries:
        values = [(field.key, plain_value(field.value, macros)) for field in entry.fields]
        problems += _entry_problems(path, entry, values)
        try:
            references.append(_reference_from_entry(entry, values))
        except InvalidNameError as error:
            message = f"entry '{entry.key}': {error}: fix the names (separate people with \" and \")"
            problems.append(Problem(str(path), entry.start_line + 1, message))
            failed_keys.add(entry.key)
        entry.fields = []  # converted: let the parser's copy go, so both are never held whole at once
    return references, problems, failed_keys


def _entry_problems(path: Path, entry, values: list[tuple[str, str]]) -> list[Problem]:
    problems = [
        Problem(str(path), entry.start_line + 1,
                f"entry '{entry.key}': {key} is {len(value):,} characters long: at most {MAX_VALUE_LENGTH:,}; shorten it")
        for key, value in values if len(value) > MAX_VALUE_LENGTH
    ]
    if not entry.key.strip():
        problems.append(Problem(str(path), entry.start_line + 1, "an entry has no citekey: add one after the opening brace"))
    return problems


def is_pmid(text: str) -> bool:
    """A PubMed id is a number of at most 9 digits (it names a cache file, so nothing else passes)."""
    return text.isascii() and text.isdigit() and len(text) <= 9


def publication_year(fields: dict) -> int | None:
    """The year in `year`, or in a BibLaTeX `date` such as 2013-05-01; None unless exactly one is given."""
    text = fields.get("year") or fields.get("date") or ""
    years = re.findall(r"(?<!\d)\d{4}(?!\d)", text)
    return int(years[0]) if len(years) == 1 else None


def _parse_library(text: str):
    # bibtexparser logs each failed block as a warning; we report them ourselves, with fixes.
    logging.getLogger("bibtexparser").setLevel(logging.ERROR)
    # The splitter alone: its default middlewares (resolve @string macros, then unwrap values)
    # each go over every field of every entry again; plain_value does the same work in the one
    # pass that converts each entry.
    return bibtexparser.parse_string(text, parse_stack=[])


def string_macros(library) -> dict[str, str]:
    """The file's @string macros by name; names are case-insensitive and a later definition wins."""
    return {key.lower(): string.value for key, string in library.strings_dict.items()}


def plain_value(value: str, macros: dict[str, str]) -> str:
    """A field's value as bibtexparser's default middlewares give it: a bare @string name
    (month = jan) replaced by the macro's value, then the braces or quotes that enclose the whole
    value removed ({intro} # {outro} is not enclosed, so it is kept whole)."""
    if macros and not (value.startswith('"') and value.endswith('"') or value.startswith("{") and value.endswith("}")):
        value = macros.get(value.lower(), value)
    value = value.strip()
    if len(value) < 2:
        return value
    if value[0] == "{" and value[-1] == "}" and _braces_enclose(value):
        return value[1:-1]
    if value[0] == '"' and value[-1] == '"' and _quotes_enclose(value):
        return value[1:-1]
    return value


# The splitter's escaping: a brace or quote right after a backslash does not count.
_UNESCAPED_BRACE = re.compile(r"(?<!\\)[{}]")
_UNESCAPED_BRACE_OR_QUOTE = re.compile(r'(?<!\\)[{}"]')
# A group of text and groups nested up to three deep, as braced values are (Better BibTeX writes
# {Growth of {{GaN}} Films}), read in one match. A backslash takes the brace right after it as
# text, as the splitter does (after two backslashes too).
_TEXT = r"(?:[^{}\\]++|\\[{}]?+)"
_GROUP = rf"\{{{_TEXT}*+\}}"
for _ in range(2):
    _GROUP = rf"\{{(?:{_TEXT}|{_GROUP})*+\}}"
_NESTED_GROUP = re.compile(_GROUP)


def _braces_enclose(value: str) -> bool:
    """Whether the brace that opens the value is the one that closes it."""
    if _NESTED_GROUP.fullmatch(value):
        return True
    depth = 0  # deeper groups, or braces that are not one pair: brace by brace
    for match in _UNESCAPED_BRACE.finditer(value, 0, len(value) - 1):
        depth += 1 if match.group() == "{" else -1
        if depth == 0:  # the opening brace closed before the end
            return False
    return depth == 1 and value[-2] != "\\"


def _quotes_enclose(value: str) -> bool:
    """Whether the quote that opens the value is the one that closes it: no quote between them
    outside braces (a closing brace without its opening one is ignored)."""
    depth = 0
    for match in _UNESCAPED_BRACE_OR_QUOTE.finditer(value, 1, len(value) - 1):
        mark = match.group()
        if mark == "{":
            depth += 1
        elif mark == "}":
            depth = max(depth - 1, 0)
        elif depth == 0:
            return False
    return True


def _reference_from_entry(entry, values: list[tuple[str, str]]) -> Reference:
    fields, author = {}, None
    for key, value in values:  # in file order: the first value of a field (or of its alias) wins
        name = key.lower()
        name = BIBLATEX_ALIASES.get(name, name)
        if name == "author":
            author = value if author is None else author
        elif name in KEPT_FIELDS and name not in fields and (value := value.strip()):
            fields[name] = decode_latex(value) if name in DECODED_FIELDS else value
    authors = [person(name) for name in split_people(author)] if author is not None else []
    more_authors = bool(authors) and authors[-1] == Name("others")
    return Reference(
        key=entry.key,
        entry_type=entry.entry_type.lower(),
        line=entry.start_line + 1,
        fields=fields,
        year=publication_year(fields),
        authors=authors[:-1] if more_authors else authors,
        more_authors=more_authors,
        bibtex=entry.raw,
    )


# A line such as "year = {2008}," outside any entry: an entry above was closed early by a stray brace.
STRAY_FIELD = re.compile(r"^[ \t]*[A-Za-z][\w.:+-]*[ \t]*=[ \t]*[{\"0-9]", re.M)


def _stray_field_problems(path: Path, library) -> list[Problem]:
    """Fields outside any entry, unless the block before failed to parse: that failure says it already."""
    problems = []
    failed_ends = {block.start_line + block.raw.count("\n") for block in library.failed_blocks}
    for block in library.blocks:
        follows_failure = block.start_line in failed_ends or block.start_line - 1 in failed_ends  # ends on it or the line before
        match = STRAY_FIELD.search(block.comment) if isinstance(block, ImplicitComment) and not follows_failure else None
        if match:
            line = block.start_line + 1 + block.comment.count("\n", 0, match.start())
            field = match.group(0).strip().rstrip("{\"0123456789").strip()
            message = (f"'{field} ...' is outside any entry: a brace or quote in the entry above probably closes it "
                       "early; check that entry's braces")
            problems.append(Problem(str(path), line, message))
    return problems


def _block_key(block) -> str | None:
    """The citekey of a failed block: from the parsed entry if any, else read off its first line."""
    key = getattr(block, "key", None) or getattr(block.ignore_error_block, "key", None)
    if key is None and block.raw:
        match = re.match(r"\s*@\s*\w+\s*[{(]\s*([^,\s{}()=]+)", block.raw)
        key = match.group(1) if match else None
    return key


def _failed_block_problem(path: Path, block) -> Problem:
    line = block.start_line + 1
    if isinstance(block, DuplicateBlockKeyBlock):
        message = (
            f"duplicate citekey '{block.key}' (first used at line {block.previous_block.start_line + 1}): "
            "give each entry its own key, or delete the duplicate"
        )
    elif isinstance(block, DuplicateFieldKeyBlock):
        fields = ", ".join(sorted(block.duplicate_keys))
        message = f"entry '{block.ignore_error_block.key}' sets {fields} more than once: keep one of each"
    else:
        reason = getattr(block.error, "abort_reason", None) or str(block.error) or type(block.error).__name__
        message = f"BibTeX syntax error ({reason}): fix this entry, e.g. a missing comma, brace or quote"
    return Problem(str(path), line, message)
