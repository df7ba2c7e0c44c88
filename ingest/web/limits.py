"""Bounds on every SQLite connection Datasette opens, so that no visitor's SQL can take the server.

Datasette's time limit is checked between SQLite's steps, and one step may be a single function
call: printf('%.*c', 2000000000, 'x') takes 31 s in one step, zeroblob(500000000) builds half a
gigabyte. SQLite's own limits make a call that would build too long a value fail at once ("string
or blob too big"), and keep the slowest single calls (instr or replace on the longest values) under
a second; printf and format, which stay slow even when their result is refused, check their widths
first; and a row factory counts the size of each answer, so that a thousand rows of a long value
each stop early instead of filling the server's memory. The figures are well above anything the
knowledge base holds (values are capped at 100,000 characters by the check; its longest is a few
thousand).
"""

import re
import sqlite3
import threading

LIMITS = {
    sqlite3.SQLITE_LIMIT_LENGTH: 400_000,  # bytes in one string or blob (100,000 characters of UTF-8 fit)
    sqlite3.SQLITE_LIMIT_SQL_LENGTH: 100_000,  # characters in one SQL statement
    sqlite3.SQLITE_LIMIT_COLUMN: 200,  # columns in a result, an index or an ORDER BY
    sqlite3.SQLITE_LIMIT_EXPR_DEPTH: 200,
    sqlite3.SQLITE_LIMIT_COMPOUND_SELECT: 100,
    sqlite3.SQLITE_LIMIT_FUNCTION_ARG: 100,
    sqlite3.SQLITE_LIMIT_LIKE_PATTERN_LENGTH: 1_000,
    sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER: 1_000,
    sqlite3.SQLITE_LIMIT_ATTACHED: 0,  # nothing can be attached: the served files are all there is
}
MAX_ANSWER_SIZE = 20_000_000  # characters and bytes of one answer's text and blobs, all its rows together
MAX_PRINTF_WIDTH = 10_000  # the widest field printf or format may pad a value to
# A printf conversion: flags, width, precision (either may be * for an argument), length, type.
CONVERSION = re.compile(r"%[-+ 0#,!]*(\*|\d*)(?:\.(\*|\d*))?(?:ll|l)?(.)")
_native = threading.local()


class AnswerTooLarge(sqlite3.OperationalError):
    """Raised while rows are fetched; Datasette shows a query error's message to the visitor."""


def limit(conn: sqlite3.Connection) -> None:
    """Apply the limits to a connection Datasette prepared."""
    for category, value in LIMITS.items():
        conn.setlimit(category, value)
    for name in ("printf", "format"):
        conn.create_function(name, -1, checked_printf, deterministic=True)
    conn.row_factory = _counting_rows()


def checked_printf(form, *args):
    """SQLite's own printf, once no width or precision is over MAX_PRINTF_WIDTH."""
    if form is None:
        return None
    position = 0
    for width, precision, kind in CONVERSION.findall(str(form)):
        for size in (width, precision):
            value = args[position] if size == "*" and position < len(args) else size
            position += size == "*"
            if _number(value) > MAX_PRINTF_WIDTH:
                raise ValueError(f"printf width or precision {_number(value)} is over {MAX_PRINTF_WIDTH}")
        position += kind != "%"
    if not hasattr(_native, "conn"):  # a connection of this thread without the override
        _native.conn = sqlite3.connect(":memory:")
        _native.conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, LIMITS[sqlite3.SQLITE_LIMIT_LENGTH])
    placeholders = ", ".join("?" * (len(args) + 1))
    return _native.conn.execute(f"select printf({placeholders})", (form, *args)).fetchone()[0]


def _number(value) -> int:
    try:
        return abs(int(value or 0))
    except (TypeError, ValueError):
        return 0


def _counting_rows():
    """A row factory making sqlite3.Row objects (as Datasette's does) that adds up the size of
    each answer. Each connection has its own (Datasette gives every SQL thread its connection) and
    fetches one cursor's rows before the next query, so a new cursor starts a new count."""
    answer = {"cursor": None, "size": 0}

    def row(cursor, values):
        if answer["cursor"] is not cursor:
            answer["cursor"], answer["size"] = cursor, 0
        answer["size"] += sum(len(value) for value in values if isinstance(value, (str, bytes)))
        if answer["size"] > MAX_ANSWER_SIZE:
            answer["cursor"] = None
            raise AnswerTooLarge(f"the answer is larger than {MAX_ANSWER_SIZE // 1_000_000} MB: "
                                 "select fewer rows or shorter values")
        return sqlite3.Row(cursor, values)

    return row
