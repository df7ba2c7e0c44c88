"""Problems in the inputs, kept as data so that every one is reported in a single run."""

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with an input file, at a line (1-based; None when it is the whole file)."""

    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


class InputError(Exception):
    """Raised with every problem found, so the caller reports them all at once."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.path, p.line or 0))
        super().__init__("\n".join(str(p) for p in self.problems))


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
    return text.replace("\r\n", "\n")
