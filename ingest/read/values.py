"""Field values as the splitter leaves them to plain values: BibTeX's value grammar read (strings and
@string macros joined by #), enclosing removed, and two fields that a missing comma joined read apart.

A value is parts joined by # outside braces and quotes; a part is a braced group or a quoted string
(its inside), a number, or the name of an @string macro (in any case), whose own definition may join
earlier macros with # too. BibTeX's standard styles define the month macros jan to dec. A macro the
file does not define is kept as written (BibTeX would leave it empty) and listed, for a warning.
A joined value longer than a value may be is cut just past the limit (CUT_LENGTH), to be refused
as too long: joining macros that join macros would otherwise double the text at each definition.
A value with no # outside braces and quotes, nearly every value, takes the short path.
"""

import re
from dataclasses import dataclass

from ingest.read.text import MAX_VALUE_LENGTH

CUT_LENGTH = MAX_VALUE_LENGTH + 1  # a joined value too long to keep is cut here (more than any value may hold)

# The month macros of BibTeX's standard styles (plain.bst: MACRO {jan} {"January"} ...).
MONTHS = {"jan": "January", "feb": "February", "mar": "March", "apr": "April", "may": "May", "jun": "June",
          "jul": "July", "aug": "August", "sep": "September", "oct": "October", "nov": "November", "dec": "December"}


@dataclass(frozen=True)
class MissingComma:
    """Two fields with no comma between them: where the first value ends (the line to fix, 1-based)."""

    line: int
    first: str
    second: str


def field_values(entry, macros: dict[str, str]) -> tuple[list[tuple[str, str]], list[MissingComma], list[tuple[str, str]]]:
    """An entry's (field, plain value) pairs in file order, the commas missing between fields, and
    the (field, name) of each macro a value names that the file does not define.

    The splitter reads a value up to the next comma, so `pages = {1--9}` then `publisher = {X},` on
    the next line come as one value: such a value is read as the two fields it holds."""
    if entry.raw.count("=") == len(entry.fields):  # one "=" per field: no value holds one (the common case)
        names: list[str] = []
        values = [(field.key, plain_value(field.value, macros, names)) for field in entry.fields]
        if not names:  # and no macro left undefined
            return values, [], []
        written, missing = [(field.key, field.value) for field in entry.fields], []
    else:
        written, missing = _fields_apart(entry)
    values, undefined = [], []  # field by field, to tell which field names which undefined macro
    for key, value in written:
        names = []
        values.append((key, plain_value(value, macros, names)))
        undefined += [(key, name) for name in names]
    return values, missing, undefined


def _fields_apart(entry) -> tuple[list[tuple[str, str]], list[MissingComma]]:
    """The entry's (field, value as written) pairs, with the fields a value holds read apart."""
    written, missing = [], []
    for field in entry.fields:
        value = field.value
        pieces = _merged_fields(value) if "=" in value else []
        key, start = field.key, 0
        for end, next_key, next_start in pieces:
            missing.append(MissingComma(field.start_line + 1 + value.count("\n", 0, end), key, next_key))
            written.append((key, value[start:end]))
            key, start = next_key, next_start
        written.append((key, value[start:] if start else value))
    return written, missing


def string_macros(library) -> dict[str, str]:
    """The month macros and the file's @string macros by lower-case name, each read as a field value
    is (with the macros defined before it), in file order: a later definition wins."""
    macros = dict(MONTHS)
    for string in library.strings:
        macros[string.key.lower()] = plain_value(string.value, macros)
    return macros


def plain_value(value: str, macros: dict[str, str], undefined: list[str] | None = None) -> str:
    """A field's value as BibTeX reads it. `macros` holds plain values (string_macros). Without a #
    outside braces and quotes, as bibtexparser's default middlewares give it: a bare macro name
    (month = jan) replaced by the macro's value, or the braces or quotes that enclose the whole value
    removed. A macro name the file does not define is kept as written and added to `undefined`."""
    if "#" in value and not enclosed(value.strip()) and (joined := _joined(value, macros, undefined)) is not None:
        return joined
    if value[:1] not in '{"':  # not a group or a string: a macro name, a number or a value kept as written
        found = macros.get(value.lower())
        if found is not None:
            return found
        if undefined is not None and _MACRO_NAME.fullmatch(value):
            undefined.append(value)
    value = value.strip()
    if len(value) < 2:
        return value
    if value[0] == "{" and value[-1] == "}" and _braces_enclose(value):
        return value[1:-1]
    if value[0] == '"' and value[-1] == '"' and _quotes_enclose(value):
        return value[1:-1]
    return value


def _joined(value: str, macros: dict[str, str], undefined: list[str] | None) -> str | None:
    """A value of parts joined by #, read part by part; None when it is not one (kept as written):
    a part outside braces and quotes that is neither a number nor a macro name (10.1000/x starts with a digit)."""
    read = _parts(value, 0)
    if read is None or _SPACE.match(value, read[1]).end() != len(value):
        return None
    bare = [value[start:end] for start, end in read[0] if value[start] not in "{\""]
    if not all(name.isdigit() or _MACRO_NAME.fullmatch(name) for name in bare):
        return None
    text, length = [], 0
    for start, end in read[0]:
        if value[start] in "{\"":
            part = value[start + 1:end - 1]
        else:
            name = value[start:end]
            part = name if name.isdigit() else macros.get(name.lower())
            if part is None:
                part = name
                if undefined is not None:
                    undefined.append(name)
        text.append(part)
        length += len(part)
        if length > MAX_VALUE_LENGTH:  # too long, and refused as such: macros joining macros could double at each step
            return "".join(text)[:CUT_LENGTH]
    return "".join(text)


def enclosed(value: str) -> bool:
    """Whether one pair of braces or quotes encloses the whole value."""
    if len(value) < 2:
        return False
    if value[0] == "{" and value[-1] == "}":
        return _braces_enclose(value)
    return value[0] == '"' and value[-1] == '"' and _quotes_enclose(value)


# The splitter's escaping: a brace or quote right after a backslash does not count.
_UNESCAPED_BRACE = re.compile(r"(?<!\\)[{}]")
_UNESCAPED_BRACE_OR_QUOTE = re.compile(r'(?<!\\)[{}"]')


def nested_group(also_not: str = "") -> str:
    """A pattern for a group of text and groups nested up to three deep, as braced values are
    (Better BibTeX writes {Growth of {{GaN}} Films}), read in one match; the text holds none of the
    characters in `also_not`. A backslash takes the brace right after it as text, as the splitter
    does (after two backslashes too)."""
    text = rf"(?:[^{{}}\\{also_not}]++|\\[{{}}]?+)"
    group = rf"\{{{text}*+\}}"
    for _ in range(2):
        group = rf"\{{(?:{text}|{group})*+\}}"
    return group


_NESTED_GROUP = re.compile(nested_group())


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


# After a complete value: white space, then what can only be the next field's name and "=".
_NEXT_FIELD = re.compile(r"\s*([A-Za-z_][\w.:+-]*)\s*=\s*")
_BARE = re.compile(r'(?:[^\s#{}",=]|(?<=\\)#)+')  # a number or a macro name (\# is text, not a join, as \{ is)
# A macro name as BibTeX reads one: no digit first, none of these characters.
_MACRO_NAME = re.compile(r"[^\d\s\"#%'(),={}][^\s\"#%'(),={}]*")
_SPACE = re.compile(r"\s*")


def _merged_fields(value: str) -> list[tuple[int, str, int]]:
    """Where a value holds further fields: (end of a value, the next field's name, start of its
    value) for each; empty for an ordinary value."""
    pieces, position = [], 0
    while (read := _parts(value, position)) is not None and (end := read[1]) < len(value):
        following = _NEXT_FIELD.match(value, end)
        if following is None or following.end() == len(value):
            break
        pieces.append((end, following.group(1), following.end()))
        position = following.end()
    return pieces


def _parts(value: str, position: int) -> tuple[list[tuple[int, int]], int] | None:
    """The parts, (start, end) each, of the value that starts at `position`: groups, quoted strings,
    numbers and macro names joined by #; and where it ends. None when it is not one."""
    parts = []
    while True:
        position = _SPACE.match(value, position).end()
        if position == len(value):
            return None
        if value[position] in "{\"":
            end = _closing(value, position)
        else:
            bare = _BARE.match(value, position)
            end = bare.end() if bare else None
        if end is None:
            return None
        parts.append((position, end))
        after = _SPACE.match(value, end).end()
        if after == len(value) or value[after] != "#":
            return parts, end
        position = after + 1


def _closing(value: str, start: int) -> int | None:
    """The index after the brace or quote that closes the group or string opening at `start`."""
    depth = 0
    for match in _UNESCAPED_BRACE_OR_QUOTE.finditer(value, start + 1):
        mark = match.group()
        if mark == "{":
            depth += 1
        elif mark == "}":
            if depth == 0:
                return match.end() if value[start] == "{" else None
            depth -= 1
        elif depth == 0 and value[start] == '"':
            return match.end()
    return None
