"""What changed between builds: verdicts of the database a build replaces, and diffs of two builds."""

import sqlite3
from pathlib import Path

# Claims whose verdict differs between {previous} and claim_verdicts, with both reasons: the "why".
VERDICT_CHANGES = """
select
  n.claim_id,
  case when p.claim_id is null then 'new claim' else 'verdict changed' end as change,
  p.verdict as previous_verdict,
  n.verdict,
  p.verdict_reason as previous_reason,
  n.verdict_reason as reason,
  n.claim
from claim_verdicts n
left join {previous} p on p.claim_id = n.claim_id
where p.claim_id is null or p.verdict != n.verdict
union all
select p.claim_id, 'claim removed', p.verdict, null, p.verdict_reason, null, p.claim
from {previous} p
where p.claim_id not in (select claim_id from claim_verdicts)
order by claim_id
"""

VERDICT_COLUMNS = "claim_id, claim, verdict, verdict_reason"


def previous_verdicts(db_path: Path) -> tuple[list[dict], str | None]:
    """The claim verdicts and build time of an existing database, or nothing if there is none.

    A missing, unreadable or older database (without these views) just means no history.
    """
    if not db_path.is_file():
        return [], None
    try:
        connection = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        connection.row_factory = sqlite3.Row
        with connection:
            rows = [dict(row) for row in connection.execute(f"select {VERDICT_COLUMNS} from claim_verdicts")]
            built_at = connection.execute("select built_at from build_info").fetchone()
        connection.close()
    except sqlite3.DatabaseError:
        return [], None
    return rows, built_at[0] if built_at else None


def diff_databases(old_path: Path, new_path: Path) -> list[dict]:
    """Claims whose verdict changed from the build at old_path to the one at new_path."""
    connection = sqlite3.connect(f"file:{new_path}?mode=ro", uri=True)
    connection.row_factory = sqlite3.Row
    try:
        connection.execute("attach database ? as old", (f"file:{old_path}?mode=ro",))
        return [dict(row) for row in connection.execute(VERDICT_CHANGES.format(previous="old.claim_verdicts"))]
    finally:
        connection.close()
