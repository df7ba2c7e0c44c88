"""Parse references.bib into plain reference records.

The stages, each in its own module: blocks.py splits the file (bibtexparser 2's splitter, the
common fields read by pattern, % comments read as biber reads them), values.py turns each field
into its plain value (and finds fields a missing comma joined), latex.py decodes text, names.py
splits authors, dates.py reads the year, and inherit.py fills what crossref and xdata entries give.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

from bibtexparser.model import DuplicateBlockKeyBlock, DuplicateFieldKeyBlock, ImplicitComment

from ingest.problems import Problem
from ingest.read.blocks import split_blocks
from ingest.read.dates import publication_year
from ingest.read.inherit import inherit
from ingest.read.latex import decode_field
from ingest.read.names import read_people
from ingest.read.text import MAX_VALUE_LENGTH, read_text
from ingest.read.values import CUT_LENGTH, MissingComma, field_values, plain_value, string_macros

__all__ = ["Reference", "is_pmid", "parse_bibtex", "plain_value", "publication_year", "string_macros"]

# Fields decoded from LaTeX to Unicode. Identifiers (doi, url, pmid, ...) are kept exactly as
# written: decoding would eat '%' in a URL as a LaTeX comment.
TEXT_FIELDS = ("title", "journal", "booktitle", "publisher", "volume", "number", "pages", "abstract")
IDENTIFIER_FIELDS = ("doi", "pmid", "pmcid", "url", "issn", "year", "date")
LINK_FIELDS = ("crossref", "xdata")  # the entries this one inherits from (inherit.py), kept as written
# BibLaTeX names (as Better BibTeX exports them) for fields that BibTeX names differently.
BIBLATEX_ALIASES = {"journaltitle": "journal", "issue": "number"}
DECODED_FIELDS, KEPT_FIELDS = frozenset(TEXT_FIELDS), frozenset(TEXT_FIELDS + IDENTIFIER_FIELDS + LINK_FIELDS)


@dataclass(slots=True)
class Reference:
    """One BibTeX entry with its text fields decoded to Unicode and its authors split."""

    key: str
    entry_type: str
    line: int
    fields: dict = field(default_factory=dict)
    year: int | None = None  # from a BibLaTeX `date` such as 2013-05-01 or 2001/2003, or from `year` (dates.py)
    authors: list = field(default_factory=list)
    more_authors: bool = False  # the author list ends with BibTeX's "and others" (or "and et al.")
    bibtex: str = ""
    # What reading kept but could not read as it should (e.g. a macro left as written): reported
    # as warnings at the entry's line, and the build goes on.
    warnings: list[str] = field(default_factory=list)
    # What reading could not make sense of (a name it cannot split, kept whole): an error when
    # data/studies.yml uses the entry (ingest/check/links.py), else a warning like those above.
    faults: list[str] = field(default_factory=list)


def parse_bibtex(path: Path) -> tuple[list[Reference], list[Problem], set[str]]:
    """Parse a BibTeX file into references, problems (failed blocks, huge values, missing keys,
    missing commas, stray fields) and the keys of the entries that failed. Raises InputError only
    when the file cannot be read at all. @xdata entries are data for others, not references; an
    entry without a key is reported at its line and left out (the curator gives it one)."""
    library, written = split_blocks(read_text(path))
    problems = [_failed_block_problem(path, block) for block in library.failed_blocks]
    failed_keys = {_block_key(block) for block in library.failed_blocks} - {None, ""}
    problems += _stray_field_problems(path, library)
    macros = string_macros(library)
    long_macro = any(len(value) > MAX_VALUE_LENGTH for value in macros.values())
    references, containers = [], []
    for entry in library.entries:
        values, missing_commas, undefined = field_values(entry, macros)
        # a value is no longer than its entry's text, unless a macro stands for a longer one or macros are joined (#)
        if missing_commas or long_macro or len(entry.raw) > MAX_VALUE_LENGTH or not entry.key.strip() or "#" in entry.raw:
            problems += _entry_problems(path, entry, values, missing_commas)
        if not entry.key.strip():  # reported above and left out, as the splitter leaves out every later one (a second key '')
            continue
        reference = _reference_from_entry(entry, values, undefined)
        if written:  # the entry as written, with the comments that reading blanked out
            reference.bibtex = written.get(entry.start_line, reference.bibtex)
        (containers if reference.entry_type == "xdata" else references).append(reference)
        entry.fields = []  # converted: let the parser's copy go, so both are never held whole at once
    inherit(references, containers)
    return references, problems, failed_keys


def _entry_problems(path: Path, entry, values: list[tuple[str, str]], missing_commas: list[MissingComma]) -> list[Problem]:
    problems = [
        Problem(str(path), entry.start_line + 1,
                f"entry '{entry.key}': {key} is {_length(value)} characters long: at most {MAX_VALUE_LENGTH:,}; shorten it")
        for key, value in values if len(value) > MAX_VALUE_LENGTH
    ]
    if missing_commas:
        problems += [
            Problem(str(path), missing.line,
                    f"entry '{entry.key}': no comma between {missing.first} and {missing.second}: add a comma after the value of {missing.first}")
            for missing in missing_commas
        ]
    if not entry.key.strip():
        problems.append(Problem(str(path), entry.start_line + 1, NO_CITEKEY))
    return problems


NO_CITEKEY = "an entry has no citekey: add one after the opening brace"


def _length(value: str) -> str:
    """A too long value's length; one cut short while joining @string macros is longer still."""
    return f"more than {MAX_VALUE_LENGTH:,}" if len(value) == CUT_LENGTH else f"{len(value):,}"


def is_pmid(text: str) -> bool:
    """A PubMed id is a number of at most 9 digits (it names a cache file, so nothing else passes)."""
    return text.isascii() and text.isdigit() and len(text) <= 9


def _reference_from_entry(entry, values: list[tuple[str, str]], undefined: list[tuple[str, str]]) -> Reference:
    fields, author, warnings = {}, None, _undefined_macro_warnings(undefined)
    for key, value in values:  # in file order: the first value of a field (or of its alias) wins
        name = key.lower()
        name = BIBLATEX_ALIASES.get(name, name)
        if name == "author":
            author = value if author is None else author
        elif name in KEPT_FIELDS and name not in fields and (value := value.strip()):
            fields[name] = decode_field(name, value, warnings) if name in DECODED_FIELDS else value
    authors, more_authors, faults = read_people(author) if author is not None else ([], False, [])
    return Reference(
        key=entry.key,
        entry_type=entry.entry_type.lower(),
        line=entry.start_line + 1,
        fields=fields,
        year=publication_year(fields),
        authors=authors,
        more_authors=more_authors,
        bibtex=entry.raw,
        warnings=warnings,
        faults=faults,
    )


def _undefined_macro_warnings(undefined: list[tuple[str, str]]) -> list[str]:
    """A warning for each macro a kept field names that the file does not define (kept as written)."""
    warnings = []
    for key, name in undefined:
        field_name = BIBLATEX_ALIASES.get(key.lower(), key.lower())
        if field_name == "author" or field_name in KEPT_FIELDS:
            warnings.append(f"{field_name} names the @string macro {name}, which the file does not define: kept as written; "
                            f"define it (@string{{{name} = {{...}}}}) or write the text itself in braces")
    return warnings


# A line such as "year = {2008}," outside any entry: an entry above was closed early by a stray brace.
STRAY_FIELD = re.compile(r"^[ \t]*[A-Za-z][\w.:+-]*[ \t]*=[ \t]*[{\"0-9]", re.M)
# "@article key," with no brace or parenthesis: the splitter sees no entry, only text.
NO_OPENING_BRACE = re.compile(r"^[ \t]*@[ \t]*([A-Za-z]\w*)(?:[ \t]+([^\s,{}()]*))?[ \t]*,?[ \t]*$", re.M)


def _stray_field_problems(path: Path, library) -> list[Problem]:
    """Fields outside any entry, unless the block before failed to parse: that failure says it already.
    When the fields follow an entry type with no opening brace, that line is the one to fix."""
    problems = []
    failed_ends = {block.start_line + block.raw.count("\n") for block in library.failed_blocks}
    for block in library.blocks:
        follows_failure = block.start_line in failed_ends or block.start_line - 1 in failed_ends  # ends on it or the line before
        match = STRAY_FIELD.search(block.comment) if isinstance(block, ImplicitComment) and not follows_failure else None
        if not match:
            continue
        opening = NO_OPENING_BRACE.search(block.comment, 0, match.start())
        if opening:
            line = block.start_line + 1 + block.comment.count("\n", 0, opening.start())
            entry_type, key = opening.group(1), opening.group(2) or "key"
            message = f"@{entry_type} {key} has no opening brace: write @{entry_type}{{{key},"
        else:
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
    if isinstance(block, DuplicateBlockKeyBlock) and not block.key.strip():  # a second entry without a key
        message = NO_CITEKEY
    elif isinstance(block, DuplicateBlockKeyBlock):
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
