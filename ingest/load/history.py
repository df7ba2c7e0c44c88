"""What changed between builds: the verdicts of the database a build replaces, and diffs of two builds."""

import sqlite3
from pathlib import Path

from ingest.load.views import VERDICT_CHANGES

VERDICT_COLUMNS = "claim_id, claim, verdict, verdict_reason"


def read_only_uri(path: Path) -> str:
    """A URI that opens path read-only, whatever characters its name holds."""
    return path.resolve().as_uri() + "?mode=ro"


def copy_previous_verdicts(connection: sqlite3.Connection, old_path: Path) -> str | None:
    """Copy the claim verdicts of the database at old_path into previous_verdicts; return its build time.

    A missing, unreadable or older database (without these views) just means no history. The
    connection must have been opened with uri=True, to attach the old file read-only.
    """
    if not old_path.is_file():
        return None
    try:
        connection.execute("attach database ? as previous", (read_only_uri(old_path),))
    except sqlite3.DatabaseError:
        return None
    try:
        # A file that is not a database, or lacks these tables, fails here, before any row is copied.
        built_at = connection.execute("select built_at from previous.build_info").fetchone()
        connection.execute(f"insert into previous_verdicts ({VERDICT_COLUMNS}) select {VERDICT_COLUMNS} from previous.claim_verdicts")
    except sqlite3.DatabaseError:
        return None
    finally:
        connection.commit()  # the insert opens a transaction, which would keep `previous` attached
        connection.execute("detach database previous")
    return built_at[0] if built_at else None


def diff_databases(old_path: Path, new_path: Path) -> list[dict]:
    """Claims whose verdict changed from the build at old_path to the one at new_path: the
    verdict_changes view's query, with the old build's claim verdicts as previous_verdicts."""
    connection = sqlite3.connect("file::memory:", uri=True)
    connection.row_factory = sqlite3.Row
    try:
        connection.execute("attach database ? as new", (read_only_uri(new_path),))
        connection.execute("attach database ? as old", (read_only_uri(old_path),))
        connection.execute("create temp view claim_verdicts as select * from new.claim_verdicts")
        connection.execute(f"create temp view previous_verdicts as select {VERDICT_COLUMNS} from old.claim_verdicts")
        return [dict(row) for row in connection.execute(VERDICT_CHANGES)]
    finally:
        connection.close()
