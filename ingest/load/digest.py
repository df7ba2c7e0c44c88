"""A digest of everything a build depends on, so an unchanged build can be skipped."""

import hashlib
import sqlite3
from pathlib import Path

CODE = Path(__file__).parent.parent  # the ingest package: its code, templates and styles


def inputs_digest(bib: Path, data: Path) -> str:
    """SHA-256 over the inputs' paths and bytes (references.bib and everything under data/) and the code."""
    digest = hashlib.sha256()
    files = [bib, *sorted(p for p in data.rglob("*") if p.is_file())] if data.is_dir() else [bib]
    files += sorted(p for p in CODE.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    for path in files:
        digest.update(str(path.relative_to(CODE) if path.is_relative_to(CODE) else path).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes() if path.is_file() else b"(missing)")
        digest.update(b"\0")
    return digest.hexdigest()


def built_digest(db: Path) -> str | None:
    """The digest recorded by the build of db, if db is a build with one."""
    if not db.is_file():
        return None
    try:
        connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            row = connection.execute("select input_digest from build_info").fetchone()
        finally:
            connection.close()
    except sqlite3.DatabaseError:
        return None
    return row[0] if row else None
