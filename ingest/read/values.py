"""Field values as the splitter leaves them to plain values: macros resolved, enclosing removed, and
two fields that a missing comma joined read apart again."""

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class MissingComma:
    """Two fields with no comma between them: where the first value ends (the line to fix, 1-based)."""

    line: int
    first: str
    second: str


def field_values(entry, macros: dict[str, str]) -> tuple[list[tuple[str, str]], list[MissingComma]]:
    """An entry's (field, plain value) pairs in file order, and the commas missing between fields.

    The splitter reads a value up to the next comma, so `pages = {1--9}` then `publisher = {X},` on
    the next line come as one value: such a value is read as the two fields it holds."""
    if entry.raw.count("=") == len(entry.fields):  # one "=" per field: no value holds one (the common case)
        return [(field.key, plain_value(field.value, macros)) for field in entry.fields], []
    values, missing = [], []
    for field in entry.fields:
        value = field.value
        pieces = _merged_fields(value) if "=" in value else []
        key, start = field.key, 0
        for end, next_key, next_start in pieces:
            missing.append(MissingComma(field.start_line + 1 + value.count("\n", 0, end), key, next_key))
            values.append((key, plain_value(value[start:end], macros)))
            key, start = next_key, next_start
        values.append((key, plain_value(value[start:] if start else value, macros)))
    return values, missing


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


# After a complete value: white space, then what can only be the next field's name and "=".
_NEXT_FIELD = re.compile(r"\s*([A-Za-z_][\w.:+-]*)\s*=\s*")
_BARE = re.compile(r"[^\s#{}\",=]+")  # a number or a macro name
_SPACE = re.compile(r"\s*")


def _merged_fields(value: str) -> list[tuple[int, str, int]]:
    """Where a value holds further fields: (end of a value, the next field's name, start of its
    value) for each; empty for an ordinary value."""
    pieces, position = [], 0
    while (end := _expression_end(value, position)) is not None and end < len(value):
        following = _NEXT_FIELD.match(value, end)
        if following is None or following.end() == len(value):
            break
        pieces.append((end, following.group(1), following.end()))
        position = following.end()
    return pieces


def _expression_end(value: str, position: int) -> int | None:
    """The end of the value that starts at `position`: groups, quoted strings and macro names
    joined by #; None when it is not one."""
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
        after = _SPACE.match(value, end).end()
        if after == len(value) or value[after] != "#":
            return end
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
