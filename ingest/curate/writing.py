"""Writing a curator's files safely: an entry appended at the end, everything before it kept byte for
byte, and each file swapped in whole (a temporary file beside it, then os.replace)."""

import os
import re
from pathlib import Path

import yaml

from ingest.check.vocabulary import SLUG_PATTERN
from ingest.problems import InputError, Problem

SLUG = re.compile(SLUG_PATTERN)  # ids that name files (a source's text and claims)
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def yaml_string(value: str) -> str:
    """A YAML scalar that reads back as exactly `value`: plain when that is safe, else double-quoted."""
    try:
        if "\n" not in value and yaml.load(f"x: {value}", Loader=_LOADER) == {"x": value}:
            return value
    except yaml.YAMLError:
        pass
    return quoted(value)


def quoted(value: str) -> str:
    """`value` as a double-quoted YAML scalar."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t").replace("\n", "\\n")
    return f'"{escaped}"'


def append_entry(path: Path, entry: str, header: str = "") -> int:
    """Append a YAML list entry to path (created with `header` if missing); returns its line."""
    data, line = appended(path, entry, header)
    write_atomically(path, data)
    return line


def appended(path: Path, entry: str, header: str = "") -> tuple[bytes, int]:
    """The file's bytes with the entry added at the end after a blank line, and the entry's line.
    Refuses (InputError) when the result would not read as the file's list with the entry at its
    end, so a file that cannot safely be extended is never changed."""
    old = path.read_bytes() if path.exists() else header.encode("utf-8")
    newline = b"\r\n" if b"\r\n" in old else b"\n"
    separator = b"" if not old or old.endswith(newline * 2) else newline if old.endswith(newline) else newline * 2
    new = old + separator + entry.replace("\n", newline.decode()).encode("utf-8")
    before, after = _items(old), _items(new)
    if before is None or after is None or len(after) != len(before) + 1:
        message = "cannot add an entry at its end: it is not a YAML list of '- ' entries there; fix it, or add the entry by hand"
        raise InputError([Problem(str(path), None, message)])
    return new, (old + separator).count(b"\n") + 1


def write_atomically(path: Path, data: bytes) -> None:
    """Write the whole file beside the target, then swap it in."""
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def _items(data: bytes) -> list | None:
    try:
        loaded = yaml.load(data.decode("utf-8-sig"), Loader=_LOADER)
    except (yaml.YAMLError, UnicodeDecodeError):
        return None
    return [] if loaded is None else loaded if isinstance(loaded, list) else None
