"""Read the curated YAML files, keeping the line of every entry and field for error messages."""

from pathlib import Path

import yaml

from ingest.problems import InputError, Problem
from ingest.read.text import MAX_VALUE_LENGTH, read_text


class Entry(dict):
    """A YAML mapping that remembers the line it starts on and the line of each key."""

    line: int = 0
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
        raise InputError([_syntax_problem(path, error)]) from None
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


def _syntax_problem(path: Path, error: yaml.MarkedYAMLError) -> Problem:
    """Point at where the broken structure began (an unclosed bracket or quote), else where it broke."""
    problem_line = error.problem_mark.line + 1 if error.problem_mark else None
    context_line = error.context_mark.line + 1 if error.context_mark else None
    if context_line and context_line != problem_line:
        message = f"YAML syntax error: {error.context} here, {error.problem} at line {problem_line}; fix the YAML"
        return Problem(str(path), context_line, message)
    detail = " ".join(filter(None, [error.context, error.problem]))
    return Problem(str(path), problem_line, f"YAML syntax error: {detail}; fix the YAML at this line")
