"""Read the curated YAML files, keeping the line of every entry and field for error messages."""

import re
from pathlib import Path

import yaml

from ingest.problems import InputError, Problem
from ingest.read.text import MAX_VALUE_LENGTH, read_text


class Entry(dict):
    """A YAML mapping that remembers the line it starts on and the line of each key."""

    line: int = 0
    column: int = 0  # of its first key, from 0: how deep the entry is indented
    key_lines: dict

    def line_of(self, path: tuple) -> int:
        """The line of a nested field, given its path of keys and list indexes."""
        node, line = self, self.line
        for step in path:
            if isinstance(node, Entry) and step in node:
                line = node.key_lines.get(step, line)
                node = node[step]
            elif isinstance(node, Items) and isinstance(step, int) and step < len(node):
                line = node.item_lines[step]
                node = node[step]
            else:
                break
        return line


class Items(list):
    """A YAML list that remembers the line of each item."""

    item_lines: list


class _LineConstruction:
    """Mixed into a safe loader: builds Entry mappings and Items lists, rejects duplicate keys."""

    def __init__(self, stream):
        super().__init__(stream)
        self.key_problems: list[tuple[int, str]] = []

    def construct_scalar(self, node):
        value = super().construct_scalar(node)
        if isinstance(value, str) and len(value) > MAX_VALUE_LENGTH:
            message = f"value is {len(value):,} characters long: at most {MAX_VALUE_LENGTH:,}; shorten it"
            self.key_problems.append((node.start_mark.line + 1, message))
            return value[:MAX_VALUE_LENGTH]
        return value

    def construct_sequence(self, node, deep=False):
        items = Items(self.construct_object(child, deep=deep) for child in node.value)
        items.item_lines = [child.start_mark.line + 1 for child in node.value]
        return items

    def construct_mapping(self, node, deep=False):
        entry = Entry()
        entry.line = node.start_mark.line + 1
        entry.column = node.start_mark.column
        entry.key_lines = {}
        # Keys merged in with '<<: *anchor' come first and may be overridden; only keys written
        # out twice in the entry itself are duplicates.
        written = {id(key) for key, _ in node.value if key.tag != "tag:yaml.org,2002:merge"}
        self.flatten_mapping(node)
        seen = set()
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=deep)
            line = key_node.start_mark.line + 1
            if not isinstance(key, (str, int, float, bool)):
                self.key_problems.append((line, "a key must be a plain name, not a list or mapping: write 'name: value'"))
                continue
            if id(key_node) in written:
                if key in seen:
                    self.key_problems.append((line, f"duplicate key '{key}' in one entry: keep only one"))
                seen.add(key)
            entry[key] = self.construct_object(value_node, deep=deep)
            entry.key_lines[key] = line
        return entry


class _PythonLineLoader(_LineConstruction, yaml.SafeLoader):
    """The pure-Python parser: slow, but its error messages say what is wrong in words curators read."""


class _FastLineLoader(_LineConstruction, getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """libyaml's C parser where PyYAML has it: the fast way to read large files."""


for _loader in (_PythonLineLoader, _FastLineLoader):
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _LineConstruction.construct_mapping)
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _LineConstruction.construct_sequence)


def read_yaml_list(path: Path) -> list:
    """Parse a YAML file holding a list of mappings; an empty file is an empty list."""
    text = read_text(path)
    try:
        return _load_list(path, text, _FastLineLoader)
    except InputError:
        # libyaml words its errors differently; the tested messages come from the pure-Python
        # parser, so a file that fails is read again by it, which costs time only on bad input.
        return _load_list(path, text, _PythonLineLoader)


def _load_list(path: Path, text: str, loader_class) -> list:
    loader = loader_class(text)
    try:
        data = loader.get_single_data()
    except yaml.constructor.ConstructorError as error:
        line = error.problem_mark.line + 1 if error.problem_mark else None
        if "recursive" in (error.problem or ""):
            message = "an entry contains itself through a YAML alias (*name inside &name): remove the alias"
        else:
            message = f"YAML tag not allowed ({error.problem}): remove the tag; only plain values, lists and mappings are read"
        raise InputError([Problem(str(path), line, message)]) from None
    except yaml.MarkedYAMLError as error:
        raise InputError([_syntax_problem(path, error, text)]) from None
    except yaml.YAMLError as error:
        raise InputError([Problem(str(path), None, f"YAML error: {error}")]) from None
    finally:
        loader.dispose()
    problems = [Problem(str(path), line, message) for line, message in loader.key_problems]
    if data is None:
        data = []
    if not isinstance(data, list):
        problems.append(Problem(str(path), 1, "must be a YAML list of entries, each starting with '- '"))
    if problems:
        raise InputError(problems)
    return data


def _syntax_problem(path: Path, error: yaml.MarkedYAMLError, text: str) -> Problem:
    """Say what the curator did (a tab, a field out of line, a colon in a value) when the marks
    show it; else point at where the broken structure began (an unclosed bracket or quote), or
    else where it broke, in the parser's words."""
    explained = _in_curators_words(error, text.splitlines()) if error.problem_mark else None
    if explained:
        return Problem(str(path), error.problem_mark.line + 1, explained)
    problem_line = error.problem_mark.line + 1 if error.problem_mark else None
    context_line = error.context_mark.line + 1 if error.context_mark else None
    if context_line and context_line != problem_line:
        message = f"YAML syntax error: {error.context} here, {error.problem} at line {problem_line}; fix the YAML"
        return Problem(str(path), context_line, message)
    detail = " ".join(filter(None, [error.context, error.problem]))
    return Problem(str(path), problem_line, f"YAML syntax error: {detail}; fix the YAML at this line")


# A field's name and colon where a line's content starts: 'relation:' in '      relation: supports'.
_KEY = re.compile(r"\w[\w .-]*?:(?=\s|$)")


def _in_curators_words(error: yaml.MarkedYAMLError, lines: list[str]) -> str | None:
    """The common mistakes said as what to do, or None for any other error."""
    line, column = error.problem_mark.line, error.problem_mark.column
    if line >= len(lines):
        return None
    if lines[line][column:column + 1] == "\t":
        return _tab_message(lines[line], line, column)
    if (error.problem or "").startswith("expected <block end>"):
        return _out_of_line_message(lines, line, column)
    if error.problem == "mapping values are not allowed here":
        return _colon_message(lines, line, column)
    return None


def _tab_message(text: str, line: int, column: int) -> str:
    where = f"a tab at line {line + 1}, column {column + 1}"
    if text[:column].strip(" "):
        return f"{where}: YAML separates with spaces only: replace the tab with a space"
    return f"{where}: YAML indents with spaces only: replace the tab with spaces"


def _colon_message(lines: list[str], line: int, column: int) -> str | None:
    """': ' where YAML cannot start a field: a field indented further than the one above it runs
    on from that field's value, or a value holds ': ' (a quote often does)."""
    text = lines[line]
    start = _content_start(text)
    key = _KEY.match(text, start)
    if key and key.end() == column + 1:
        return _out_of_line_message(lines, line, start)
    if key and text[column:column + 1] == ":":
        return (f"the value of '{key.group()}' holds ': ' (column {column + 1}), which YAML reads as the start of a field: "
                "put the whole value in double quotes")
    return None


def _out_of_line_message(lines: list[str], line: int, column: int) -> str | None:
    """A field or list item that lines up with none of the entries it could belong to: named
    with the one it is nearest to, which is almost always the one meant."""
    item = lines[line][column:column + 1] == "-"
    levels = _open_columns(lines, line, item)
    if column in levels or not levels:
        return None  # it does line up with something: the mistake is elsewhere
    target = min(levels, key=lambda level: (abs(level - column), -levels[level]))
    siblings = "items of the same list" if item else "fields of the same entry"
    return (f"indentation: {_shown(lines[line], column)} at column {column + 1} does not line up with "
            f"{_shown(lines[levels[target]], target)} at line {levels[target] + 1} (column {target + 1}): "
            f"indent it like the other {siblings}")


def _open_columns(lines: list[str], line: int, items: bool) -> dict[int, int]:
    """The columns where a list item (items) or a field could start on `line`: those of the
    entries still open above it, each with the nearest line that starts something there."""
    found, floor = {}, len(lines[line])
    for number in range(line - 1, -1, -1):
        dashes, key = _line_structure(lines[number])
        if not dashes and key is None:
            continue  # blank, a comment, or the text of a value running over several lines
        for column in dashes if items else [key] if key is not None else []:
            if column <= floor and column not in found:
                found[column] = number
        floor = min(floor, dashes[0] if dashes else key)
        if floor == 0:
            break
    return found


def _line_structure(text: str, column: int | None = None) -> tuple[list[int], int | None]:
    """The columns of the list dashes from column (else from the indentation), and of the field
    that follows them (None when no field does)."""
    dashes, column = [], len(text) - len(text.lstrip(" ")) if column is None else column
    while text[column:column + 1] == "-" and text[column + 1:column + 2] in (" ", ""):
        dashes.append(column)
        column = len(text) - len(text[column + 1:].lstrip(" "))
    return dashes, column if _KEY.match(text, column) else None


def _content_start(text: str) -> int:
    """The column after a line's indentation and any list dashes."""
    dashes, _ = _line_structure(text)
    column = dashes[-1] + 1 if dashes else 0
    return len(text) - len(text[column:].lstrip(" "))


def _shown(text: str, column: int) -> str:
    """What starts at column, as a curator would name it: 'relation:', '- study:' or '- prp'."""
    _, key = _line_structure(text, column)
    shown = text[column:_KEY.match(text, key).end()] if key is not None else text[column:].strip()
    return f"'{shown if len(shown) <= 40 else shown[:37] + '...'}'"
