"""Hostile SQL from a visitor: the bounds of ingest/web/limits.py on every served connection."""

import json
import sqlite3
import threading
import urllib.parse

import pytest
from conftest import fetch, start_datasette, stop_datasette

from ingest.web import limits

# A refused printf raises inside SQLite, and Datasette turns on the printing of such exceptions.
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")

# Each of these took the server for seconds to minutes in one SQLite step, or filled its memory.
ATTACKS = [
    "select length(printf('%.*c', 2000000000, 'x'))",  # 31 s in one step before
    "select length(format('%2000000000d', 1))",
    "select zeroblob(500000000)",  # 3 GB streamed over 144 s before
    "select zeroblob(100000000)",  # the server at 3 GB of memory before
    "with recursive r(i) as (select 1 union all select i + 1 from r where i < 1000) select hex(zeroblob(199000)) from r",
]


@pytest.fixture
def limited():
    connection = sqlite3.connect(":memory:")
    limits.limit(connection)
    yield connection
    connection.close()


@pytest.mark.parametrize("sql, error", [
    ("select zeroblob(500000000)", "string or blob too big"),
    ("select length(printf('%.*c', 2000000000, 'x'))", "user-defined function raised exception"),
    ("select printf('%20000s', 'x')", "user-defined function raised exception"),
    ("select printf('%.*f', 20000, 1.0)", "user-defined function raised exception"),
    ("with recursive r(i) as (select 1 union all select i + 1 from r where i < 1000) select hex(zeroblob(199000)) from r",
     "the answer is larger than 20 MB: select fewer rows or shorter values"),
    ("attach database ':memory:' as other", "too many attached databases - max 0"),
])
def test_each_bound_stops_its_attack(limited, sql, error):
    with pytest.raises(sqlite3.DatabaseError) as raised:
        limited.execute(sql).fetchall()
    assert str(raised.value) == error


@pytest.mark.parametrize("sql, expected", [
    ("select printf('%5.2f|%-4s|%d|%%|%q', 3.14159, 'ab', 42, 'it''s')", " 3.14|ab  |42|%|it''s"),
    ("select format('%*d', 5, 3)", "    3"),
    ("select printf('%.*c', 3, 'x')", "xxx"),
    ("select printf('%d %s', 1)", "1 "),
    ("select printf(null)", None),
    ("select length(printf('%10000s', 'x'))", 10000),
    ("select length(group_concat(text)) from (select printf('%5000s', 'x') as text from (select 1 union select 2))", 10001),
])
def test_ordinary_sql_works_as_sqlite_does(limited, sql, expected):
    assert limited.execute(sql).fetchone()[0] == expected


def test_a_new_query_starts_a_new_count(limited):
    big = "select hex(zeroblob(150000)) from (select 1 union select 2 union select 3 union select 4 union select 5 union select 6)"
    for _ in range(30):  # 1.8 MB each, 54 MB in all: over the limit only if the counts ran on
        assert len(limited.execute(big).fetchall()) == 6


def test_three_attackers_at_once_leave_the_pages_answering(real_db):
    """Datasette runs 3 SQL threads: three attackers used to take them all, and /treatment/prp took 37 s."""
    process, url = start_datasette(real_db)
    answers = {}
    try:
        def attack(number: int, sql: str):
            answers[number] = fetch(f"{url}/evidence.json?" + urllib.parse.urlencode({"sql": sql, "_shape": "array"}), timeout=60)

        attackers = [threading.Thread(target=attack, args=(n, sql)) for n, sql in enumerate(ATTACKS[:3])]
        for attacker in attackers:
            attacker.start()
        page = fetch(f"{url}/treatment/prp", timeout=60)
        for attacker in attackers:
            attacker.join()
        after = [fetch(f"{url}/evidence.json?" + urllib.parse.urlencode({"sql": sql, "_shape": "array"}), timeout=60) for sql in ATTACKS[3:]]
    finally:
        stop_datasette(process)
    assert page[0] == 200 and "Summary of findings" in page[1]
    assert [status for status, _ in [answers[n] for n in range(3)] + after] == [400] * 5
    assert "string or blob too big" in json.loads(answers[2][1])["error"]
