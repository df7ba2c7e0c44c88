"""Build evidence.db from validated inputs, into a temporary file swapped in only when complete."""

import itertools
import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

from ingest import __version__
from ingest.check.vocabulary import CLAIM_VERDICTS
from ingest.load import audits, history, orders, rows, schema, verdicts, views
from ingest.load.atomic import atomic_path
from ingest.load.search_index import create_search_index

# Python's sqlite3 looks for an adapter before it binds a None, and most columns of most rows are
# NULL. This adapter ends that search at once and hands None back unchanged, so every NULL is bound
# exactly as before.
sqlite3.register_adapter(type(None), lambda value: value)


def build_database(inputs, db_path: Path, built_at: str | None = None, input_digest: str | None = None) -> dict[str, int]:
    """Write a fresh database at db_path atomically; return the row count of each table.

    The verdicts of the database being replaced are kept in `previous_verdicts`, so the new one
    can say what changed.
    """
    with atomic_path(db_path) as tmp_path:
        # Opened by URI, so that the database being replaced can be attached read-only. No
        # sqlite-utils plugins: a build needs none, and finding them reads every installed package's metadata.
        db = sqlite_utils.Database(sqlite3.connect(tmp_path.resolve().as_uri(), uri=True), execute_plugins=False)
        # A journal protects nothing here: a failed build's file is thrown away, and the finished
        # one is flushed to disk before it is renamed into place.
        db.execute("pragma journal_mode = off")
        db.execute("pragma synchronous = off")
        db.execute("pragma cache_size = -1024")  # KiB: writing once needs little cache, and keeps peak memory down
        db.execute("pragma temp_store = file")
        create_tables(db)
        previous_built_at = history.copy_previous_verdicts(db.conn, db_path)
        with db.conn:
            for table, records in rows.table_rows(inputs):
                insert_rows(db, table, records)
        ensure_db_shape(db)
        record_build(db, built_at or datetime.now(UTC).isoformat(timespec="seconds"), previous_built_at, input_digest)
        counts = {table: db[table].count for table in schema.TABLES}
        db.close()
    return counts


def record_build(db: sqlite_utils.Database, built_at: str, previous_built_at: str | None, input_digest: str | None) -> None:
    """One row saying when this build was made, how many claims have each verdict, and what the home page counts."""
    verdicts = {row["verdict"]: row["n"] for row in db.query("select verdict, count(*) as n from claim_verdicts group by verdict")}
    treatment_verdicts = {row["verdict"]: row["n"] for row in db.query("select verdict, count(*) as n from treatment_summary group by verdict")}
    db["build_info"].insert({
        "built_at": built_at, "previous_built_at": previous_built_at, "ingest_version": __version__,
        "input_digest": input_digest,
        "claims": sum(verdicts.values()),
        **{verdict.replace(" ", "_"): verdicts.get(verdict, 0) for verdict in CLAIM_VERDICTS},
        "sources": db["sources"].count, "treatments": db["treatments"].count,
        "appraised_studies": db.execute("select count(*) from studies where design is not null").fetchone()[0],
        "evidence_links": db["claim_evidence"].count,
        # most common first, as the home page lists them
        "treatment_verdicts": json.dumps(dict(sorted(treatment_verdicts.items(), key=lambda item: -item[1]))),
    })


# Bound values per INSERT: the limit of SQLite builds before 3.32, so any build takes it.
MAX_PARAMETERS = 999


def insert_rows(db: sqlite_utils.Database, table: str, records) -> None:
    """All rows of a table, a batch of rows per INSERT statement.

    One statement with many VALUES rows does the work of many statements (executemany) in one step.
    """
    columns = list(schema.TABLES[table][0])
    declared = set(columns)
    rows_per_batch = MAX_PARAMETERS // len(columns)
    insert = f"insert into [{table}] ({', '.join(f'[{column}]' for column in columns)}) values "
    row_placeholders = f"({', '.join('?' for _ in columns)})"
    records = iter(records)
    while batch := list(itertools.islice(records, rows_per_batch)):
        values = []
        for row in batch:
            if not row.keys() <= declared:  # a column the schema does not declare: a bug, not a user error
                raise ValueError(f"{table} has no column {sorted(row.keys() - declared)}")
            values += map(row.get, columns)
        db.conn.execute(insert + ", ".join([row_placeholders] * len(batch)), values)


def create_tables(db: sqlite_utils.Database) -> None:
    for table, (columns, pk, foreign_keys) in schema.TABLES.items():
        db[table].create(columns, pk=pk, foreign_keys=foreign_keys, not_null=schema.NOT_NULL.get(table))


def ensure_db_shape(db: sqlite_utils.Database) -> None:
    """The finishing pass: foreign-key indexes, full-text search (and the search page's index), the
    verdict tables, the tables queried as views, the audits, and the facets' indexes."""
    db.index_foreign_keys()
    for table, columns in schema.FULL_TEXT.items():
        db[table].enable_fts(columns, tokenize="porter")
    create_search_index(db)
    with db.conn:
        for name, sql in verdicts.TABLES.items():  # each read by the next through its key's index
            db.execute(f"create table [{name}] as {sql.strip()}")
            db[name].create_index(verdicts.INDEXES[name][0])
        # The facets' indexes once all are computed: on a column of few values they would mislead
        # the planner of the later tables' queries (a 10,000-study build went from 8 s to 45 s).
        for name, (_, *facets) in verdicts.INDEXES.items():
            for columns in facets:
                db[name].create_index(columns)
        for name, (table, order) in orders.INDEXES.items():  # the reader's lists, read in order
            db.execute(f"create index [{name}] on [{table}] ({order})")
    with db.conn:
        for name, sql in views.KEYED_TABLES.items():  # keyed by their first column, so no rowid shows
            columns = [column[0] for column in db.execute(f"select * from ({sql.strip()}) limit 0").description]
            db[name].create(dict.fromkeys(columns, str), pk=columns[0])
            db.execute(f"insert into [{name}] {sql.strip()}")
        for name, sql in {**views.TABLES, **audits.TABLES}.items():  # rowids in each query's order: the order a table page shows
            db.execute(f"create table [{name}] as {sql.strip()}")
        # Last, so that no index on a column of few values misleads the queries above (as verdicts' facets would)
        for name, indexes in views.INDEXES.items():
            for columns in indexes:
                db[name].create_index(columns)
        for name, facets in schema.FACET_INDEXES.items():
            for column in facets:
                db[name].create_index([column], if_not_exists=True)  # (some are foreign keys, indexed already)
    db.execute("analyze")
