"""Read the curated YAML files, keeping the line of every entry and field for error messages."""

import re
from collections.abc import Iterator
from itertools import islice
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

    def construct_yaml_timestamp(self, node):
        # YAML reads 2023-02-30 as a date, and Python refuses a day the month does not have
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            message = f"'{node.value}' is not a date that exists: write YYYY-MM-DD with a real month and day"
            self.key_problems.append((node.start_mark.line + 1, message))
            return node.value

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
    _loader.add_constructor("tag:yaml.org,2002:timestamp", _LineConstruction.construct_yaml_timestamp)


def read_yaml_list(path: Path) -> list:
    """Parse a YAML file holding a list of mappings; an empty file is an empty list."""
    text = read_text(path)
    try:
        return _load_list(path, text, _FastLineLoader)
    except InputError:
        # libyaml words its errors differently; the tested messages come from the pure-Python
        # parser, so a file that fails is read again by it, which costs time only on bad input.
        return _load_list(path, text, _PythonLineLoader)


class _StreamLoader(_FastLineLoader):
    """_FastLineLoader with PyYAML's Python composer, which composes a node from the parser's
    events when asked: libyaml's own composer only ever composes a whole document."""

    compose_node = yaml.composer.Composer.compose_node
    compose_scalar_node = yaml.composer.Composer.compose_scalar_node
    compose_sequence_node = yaml.composer.Composer.compose_sequence_node
    compose_mapping_node = yaml.composer.Composer.compose_mapping_node

    def __init__(self, stream):
        super().__init__(stream)
        self.anchors = {}
        # Every node an alias may still reach: anchored nodes and everything inside them.
        self.reachable: set = set()


class _ReadWhole(Exception):
    """The stream met something it leaves to read_yaml_list: a file that is not one plain list, or a problem."""


class _BuiltAtTheEnd(Exception):
    """An item holds a '!!set', '!!omap' or '!!pairs', whose contents read_yaml_list builds only once
    the whole file is built, after later items' merge keys ('<<: *name') may have rewritten nodes
    inside it: the rest of the file is left to read_yaml_list, to build them the same way."""


def stream_yaml_list(path: Path) -> Iterator[tuple[object, int | None]]:
    """Each top-level item of a YAML list file, with the line it starts on, composed and built one
    item at a time: the file's whole node tree is never held. That tree is about 40 times the
    file (630 MB for the 12 MB studies.yml of 100,000 studies), most of a build's peak memory.

    The items and lines are those of read_yaml_list(path) (Entry, Items and plain values, with
    their lines), and a file it refuses raises the same InputError, with every problem of the
    whole file: once the stream meets any problem it lets read_yaml_list read the file again and
    raise. Items may already have been yielded by then: a consumer must discard them when
    InputError is raised. Only the current item's nodes are held, with the anchored ones (and
    what they hold) that a later item may alias. A file that is not a plain list from its first
    line (empty, null, or a tag or anchor on the list) is read whole by read_yaml_list, and so is
    the rest of a file from an item holding a '!!set', '!!omap' or '!!pairs' (see _BuiltAtTheEnd);
    a list built by a '!!pairs' or '!!omap' tag has no lines, so its items come with None.
    """
    text = read_text(path)
    loader = _StreamLoader(text)
    yielded, resume = 0, False
    try:
        try:
            for item in _streamed_items(loader):
                yield item
                yielded += 1
            return
        except _BuiltAtTheEnd:
            resume = True  # the items yielded so far are read_yaml_list's first ones
        except Exception:
            # Any failure, not only a YAML error: building an item can fail (a tagged value PyYAML
            # cannot build) where read_yaml_list, parsing the whole file first, reports a syntax
            # error further on. It decides, outside this block so its InputError is not chained to this one.
            pass
        yield from _read_whole(path, yielded, resume)
    finally:
        loader.dispose()


def _streamed_items(loader: _StreamLoader) -> Iterator[tuple[object, int]]:
    """The items of the stream's single document, a plain list, then a check that nothing follows it."""
    _open_list(loader)
    index = 0
    while not loader.check_event(yaml.SequenceEndEvent):
        anchors = len(loader.anchors)
        node = loader.compose_node(None, index)  # no path resolvers are registered: the parent is not needed
        yield _construct(loader, node, len(loader.anchors) - anchors), node.start_mark.line + 1
        index += 1
    loader.get_event()
    loader.get_event()  # the document's end
    if not loader.check_event(yaml.StreamEndEvent):
        raise _ReadWhole("a second document")


def _open_list(loader: _StreamLoader) -> None:
    """Consume the events up to the list's first item, or raise _ReadWhole if the file is not a
    plain list: the rare files that are not (empty, null, a mapping) are small, so read whole."""
    loader.get_event()  # the stream's start
    if not loader.check_event(yaml.DocumentStartEvent):
        raise _ReadWhole("an empty file")
    loader.get_event()
    start = loader.peek_event()
    if not isinstance(start, yaml.SequenceStartEvent) or start.tag is not None or start.anchor is not None:
        raise _ReadWhole("not a plain list")
    loader.get_event()


def _construct(loader: _StreamLoader, node: yaml.Node, new_anchors: int) -> object:
    """Build one item as read_yaml_list would, then forget every node of it no later alias can reach."""
    constructed, before = loader.constructed_objects, len(loader.constructed_objects)
    value = loader.construct_object(node)
    if loader.state_generators:
        raise _BuiltAtTheEnd
    if loader.key_problems:
        raise _ReadWhole("key problems")
    _note_reachable(loader, new_anchors)
    # A later alias must get the object already built, as in read_yaml_list: built again, a
    # mapping whose merge keys were flattened would report the merged keys as duplicates. The
    # cache's newest entries are this item's (dicts keep insertion order), so popping them costs
    # only the item.
    new = [constructed.popitem() for _ in range(len(constructed) - before)]
    constructed.update((key, built) for key, built in reversed(new) if key in loader.reachable)
    return value


def _note_reachable(loader: _StreamLoader, new_anchors: int) -> None:
    """Add the nodes inside the item's new anchored nodes to those an alias may reach."""
    waiting = list(islice(reversed(loader.anchors.values()), new_anchors))
    while waiting:
        node = waiting.pop()
        if node in loader.reachable:
            continue
        loader.reachable.add(node)
        if isinstance(node, yaml.SequenceNode):
            waiting.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            waiting.extend(part for pair in node.value for part in pair)


def _read_whole(path: Path, yielded: int, resume: bool) -> Iterator[tuple[object, int | None]]:
    """read_yaml_list's verdict on a file the stream left to it: its InputError, the usual outcome;
    else its items, from the first or (resume) from the first not yielded yet."""
    items = read_yaml_list(path)
    if yielded and not resume:
        # The stream failed where read_yaml_list did not (libyaml refusing what the Python
        # parser reads): the items already given cannot be taken back, so nothing is accepted.
        raise InputError([Problem(str(path), None, "could not be read as a YAML list one entry at a time: "
                                                   "report this file to the maintainers")])
    lines = items.item_lines if isinstance(items, Items) else [None] * len(items)
    yield from islice(zip(items, lines, strict=True), yielded, None)


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
    except (ValueError, TypeError) as error:  # a tagged value PyYAML cannot build, e.g. !!set on a plain value
        message = f"a value could not be read ({error}): write plain values, lists and mappings only"
        raise InputError([Problem(str(path), None, message)]) from None
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
