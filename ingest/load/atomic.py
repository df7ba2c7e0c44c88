"""Replace a file all at once: write beside it, flush, rename; and clear what killed writers left.

Standard library only, so a build that finds nothing changed can tidy up without importing the rest.
"""

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_path(target: Path):
    """Yield a temporary path beside target; on success replace target with it, else delete it."""
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_abandoned_temporaries(target)
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp")
    os.close(fd)
    tmp = Path(name)
    os.chmod(tmp, 0o666 & ~_current_umask())  # mkstemp makes it private; the database is not
    try:
        yield tmp
        with open(tmp, "rb") as file:  # on disk before it takes the old file's place
            os.fsync(file.fileno())
        os.replace(tmp, target)
    finally:
        for leftover in (tmp, tmp.with_name(tmp.name + "-journal")):
            leftover.unlink(missing_ok=True)


def remove_abandoned_temporaries(target: Path) -> None:
    """Delete temporary files left by builds that were killed (their process is gone)."""
    for leftover in target.parent.glob(f".{target.name}.*.tmp*"):
        pid = leftover.name[len(target.name) + 2:].split(".", 1)[0]
        if pid.isdigit() and not process_alive(int(pid)):
            leftover.unlink(missing_ok=True)


def process_alive(pid: int) -> bool:
    """Whether a process with this id is running (one of another user's counts)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive
    return True


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
