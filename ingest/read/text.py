"""Read an input file as text: UTF-8 (a BOM and Windows line endings are fine), no control characters."""

import re
from pathlib import Path

from ingest.problems import InputError, Problem

# Control characters have no place in curated text (tab and line breaks aside): usually a paste accident.
CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# The longest value any field may hold: far more than an abstract, far less than a runaway paste.
MAX_VALUE_LENGTH = 100_000


def read_text(path: Path) -> str:
    """Read a UTF-8 text file (a BOM and Windows line endings are fine), or raise InputError."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError([Problem(str(path), None, "file not found: create it, or point the command at the right file")]) from None
    except IsADirectoryError:
        raise InputError([Problem(str(path), None, "is a directory, not a file: point the command at the file")]) from None
    except PermissionError:
        raise InputError([Problem(str(path), None, "cannot be read (permission denied): fix the file's permissions")]) from None
    except OSError as error:
        raise InputError([Problem(str(path), None, f"cannot be read ({error.strerror}): check the path")]) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        message = (
            f"is not UTF-8 (byte 0x{data[error.start]:02x} cannot be decoded): "
            "save the file as UTF-8"
        )
        raise InputError([Problem(str(path), line, message)]) from None
    text = text.replace("\r\n", "\n")
    control = CONTROL_CHARACTER.search(text)
    if control:
        line = text.count("\n", 0, control.start()) + 1
        column = control.start() - text.rfind("\n", 0, control.start())
        message = f"control character U+{ord(control.group()):04X} at column {column}: remove it (often a paste accident)"
        raise InputError([Problem(str(path), line, message)])
    return text
