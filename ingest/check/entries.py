"""Each YAML entry against its model (ingest/check/models.py), and the rules within one study."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ingest.check import vocabulary as v
from ingest.check.unfinished import TODO
from ingest.problems import InputError, Problem
from ingest.read.yamlfile import Entry, read_yaml_list

if TYPE_CHECKING:  # the models are imported only to check entries
    from pydantic import BaseModel


@dataclass(frozen=True, slots=True)
class Checked:
    """A validated record, and where it was written: its file, its place in that file's list and its line.

    The YAML entry itself is not kept: at 100,000 studies the entries of every file, held together
    until the checks across files were done, took a gigabyte. A later problem that needs the line
    of one field reads the file again (line_of), which only bad input costs.
    """

    record: object  # the model's record, compacted (ingest/check/models.py)
    path: Path  # the file it came from: claims come from one file per source
    index: int  # its position in the file's list
    line: int  # the line its entry starts on
    unfinished: bool = False  # a field still holds TODO (ingest/check/unfinished.py reads it again)

    def line_of(self, loc: tuple) -> int:
        """The line of one of its fields, given the field's path of keys and list indexes."""
        entry = entry_in_file(self.path, self.index)
        return entry.line_of(loc) if isinstance(entry, Entry) and entry.line == self.line else self.line


def entry_in_file(path: Path, index: int):
    """The entry at `index` in a YAML file as it is now (None if the file no longer reads)."""
    items = _file_items(path)
    return items[index] if items is not None and index < len(items) else None


@functools.lru_cache(maxsize=4)  # the problems of one file come together; cleared by each read of the inputs
def _file_items(path: Path) -> list | None:
    try:
        return read_yaml_list(path)
    except InputError:
        return None


forget_files_read_again = _file_items.cache_clear


def check_entries(path: Path, items: Iterable[tuple[object, int]], model_name: str, id_field: str, problems: list,
                  first_used: dict | None = None) -> list[Checked]:
    """Validate each YAML entry, given with its line as it is read, against its model; report bad
    fields and duplicate ids. Ids are unique within the file, or across files when they share
    `first_used` (id -> (path, line))."""
    checked, first_used = [], {} if first_used is None else first_used
    for index, (entry, line) in enumerate(items):
        if not isinstance(entry, Entry):
            problems.append(Problem(str(path), line, f"entry {index + 1} is not a mapping: write it as 'field: value' lines"))
            continue
        model, invalid, explain_all, compact = _validation(model_name)
        label = _label(model, entry, id_field)
        try:
            record = model.model_validate(entry)
        except invalid as error:
            problems += [Problem(str(path), entry.line_of(loc), f"{label}: {message}")
                         for loc, message in explain_all(error.errors(), model, entry)]
            continue
        identity = getattr(record, id_field)
        if identity in first_used:
            first_path, first_line = first_used[identity]
            where = f"line {first_line}" if first_path == path else f"{first_path}:{first_line}"
            message = f"{label}: duplicate {id_field} (first used at {where}): make each {id_field} unique"
            problems.append(Problem(str(path), entry.line_of((id_field,)), message))
            continue
        first_used[identity] = (path, entry.line)
        checked.append(Checked(compact(record), path, index, entry.line, TODO in entry.values()))
    return checked


@functools.cache
def _validation(model_name: str) -> tuple:
    """The model, pydantic's error, what words its errors, and what compacts a record: loaded only
    when there is an entry to check."""
    from pydantic import ValidationError

    from ingest.check import models
    from ingest.check.wording import explain_all

    return getattr(models, model_name), ValidationError, explain_all, models.compact


def _label(model: type[BaseModel], entry: Entry, id_field: str) -> str:
    identity = entry.get(id_field)
    name = model.__name__.lower()
    return f"{name} '{identity}'" if isinstance(identity, str) else f"{name} at line {entry.line}"


def level_problems(checked: Checked) -> list[Problem]:
    """A study's level must suit its design, and a PEDro score must say where it was read."""
    study, path = checked.record, checked.path
    label = f"study '{study.key}'"
    if study.pedro_score is not None and not study.pedro_url:
        message = f"{label}: pedro_score needs a pedro_url: add the PEDro record it was read from"
        return [Problem(str(path), checked.line_of(("pedro_score",)), message)]
    if study.design in v.NOT_LEVELLED_DESIGNS and study.evidence_level is not None:
        message = f"{label}: a {study.design} is not given an evidence level: remove evidence_level"
        return [Problem(str(path), checked.line_of(("evidence_level",)), message)]
    if study.design not in v.NOT_LEVELLED_DESIGNS and study.evidence_level is None:
        usual = v.DESIGNS[study.design][1]
        message = f"{label}: missing evidence_level for a {study.design}: add it (usually {usual} in {v.DEFAULT_LEVEL_SCHEME})"
        return [Problem(str(path), checked.line, message)]
    return []
