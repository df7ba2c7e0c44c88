"""Build evidence.db from validated inputs, into a temporary file swapped in only when complete."""

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

from ingest import __version__, history, rows, schema
from ingest.atomic import atomic_path

# Python's sqlite3 binds None only after looking for an adapter and finding none, which took half
# the time of inserting a study row (most of its columns are NULL). This adapter hands None back
# unchanged, so every NULL is bound exactly as before, just without the search.
sqlite3.register_adapter(type(None), lambda value: value)


def build_database(inputs, db_path: Path, built_at: str | None = None, input_digest: str | None = None) -> dict[str, int]:
    """Write a fresh database at db_path atomically; return the row count of each table.

    The verdicts of the database being replaced are kept in `previous_verdicts`, so the new one
    can say what changed.
    """
    previous, previous_built_at = history.previous_verdicts(db_path)
    with atomic_path(db_path) as tmp_path:
        # No sqlite-utils plugins: a build needs none, and finding them reads every installed package's metadata.
        db = sqlite_utils.Database(tmp_path, execute_plugins=False)
        # A journal protects nothing here: a failed build's file is thrown away, and the finished
        # one is flushed to disk before it is renamed into place.
        db.execute("pragma journal_mode = off")
        db.execute("pragma synchronous = off")
        db.execute("pragma cache_size = -1024")  # KiB: writing once needs little cache, and keeps peak memory down
        db.execute("pragma temp_store = file")
        create_tables(db)
        with db.conn:
            for table, records in rows.table_rows(inputs):
                insert_rows(db, table, records)
            insert_rows(db, "previous_verdicts", previous)
        ensure_db_shape(db)
        record_build(db, built_at or datetime.now(UTC).isoformat(timespec="seconds"), previous_built_at, input_digest)
        counts = {table: db[table].count for table in schema.TABLES}
        db.close()
    return counts


def record_build(db: sqlite_utils.Database, built_at: str, previous_built_at: str | None, input_digest: str | None) -> None:
    """One row saying when this build was made and how many claims have each verdict."""
    verdicts = {row["verdict"]: row["n"] for row in db.query("select verdict, count(*) as n from claim_verdicts group by verdict")}
    db["build_info"].insert({
        "built_at": built_at, "previous_built_at": previous_built_at, "ingest_version": __version__,
        "input_digest": input_digest,
        "claims": sum(verdicts.values()),
        **{verdict.replace(" ", "_"): verdicts.get(verdict, 0)
           for verdict in ("supported", "contradicted", "conflicting", "weak", "indirect only", "no evidence")},
    })


def insert_rows(db: sqlite_utils.Database, table: str, records) -> None:
    """All rows of a table through one prepared statement (no per-row round trips)."""
    columns = list(schema.TABLES[table][0])
    names = ", ".join(f"[{column}]" for column in columns)
    sql = f"insert into [{table}] ({names}) values ({', '.join('?' for _ in columns)})"
    declared = set(columns)

    def values(row: dict) -> list:
        if not row.keys() <= declared:  # a column the schema does not declare: a bug, not a user error
            raise ValueError(f"{table} has no column {sorted(row.keys() - declared)}")
        return list(map(row.get, columns))

    db.conn.executemany(sql, map(values, records))


def create_tables(db: sqlite_utils.Database) -> None:
    for table, (columns, pk, foreign_keys) in schema.TABLES.items():
        db[table].create(columns, pk=pk, foreign_keys=foreign_keys, not_null=schema.NOT_NULL.get(table))


def ensure_db_shape(db: sqlite_utils.Database) -> None:
    """The finishing pass: foreign-key indexes, full-text search, views."""
    db.index_foreign_keys()
    for table, columns in schema.FULL_TEXT.items():
        db[table].enable_fts(columns, tokenize="porter")
    for name, sql in schema.VIEWS.items():
        db.create_view(name, sql.strip(), replace=True)
    db.execute("analyze")
