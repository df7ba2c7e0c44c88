"""Serving while rebuilding, builds killed midway, and safe serving: nothing lost, nothing mixed.

Real processes throughout: `python -m ingest build` and `datasette serve` on 127.0.0.1, with the
settings `make serve` uses (read from the Makefile, so the two cannot drift apart).
"""

import json
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import pytest
from conftest import FIXTURE_KB, HOSTILE, REPO, SERVE_SETTINGS, fetch, hostile_database, run_ingest, start_datasette
from conftest import stop_datasette as stop

LOAD_PATHS = [
    "/evidence/claims.json?_size=max",
    "/evidence/claim_verdicts.json?_size=max",
    "/evidence/treatment_summary.json?_size=max",
    "/evidence/evidence_table.json?treatment_id=prp",
    "/evidence/evidence_for_treatment.json?treatment=prp",
    "/evidence/search.json?q=knee",
]


def snapshot(body: str) -> str:
    """A response without what varies between identical requests: timings, the facets Datasette
    suggests (each suggestion query has a 50 ms limit, so a busy server suggests fewer), and the
    server's own address in facet links (each server here listens on its own port)."""
    data = json.loads(re.sub(r"http://127\.0\.0\.1:\d+", "", body))
    if isinstance(data, dict):
        data = {key: value for key, value in data.items() if key not in ("query_ms", "suggested_facets")}
    return json.dumps(data, sort_keys=True)


def ingest_build(root: Path, source: str, db: Path, *options: str) -> subprocess.CompletedProcess:
    """Build knowledge base `source` ("a" or "b", under root) into db."""
    return run_ingest("build", "--bib", str(root / source / "references.bib"), "--data", str(root / source / "data"),
                      "--db", str(db), *options)


@pytest.fixture
def two_knowledge_bases(tmp_path):
    """'a' is the fixture; 'b' drops a claim, rewords a PRP claim and weakens one link and its result, so that
    every page under load differs between the two builds."""
    shutil.copytree(FIXTURE_KB, tmp_path / "a")
    shutil.copytree(FIXTURE_KB, tmp_path / "b")
    lombard = tmp_path / "b" / "data" / "claims" / "lombard-pfps-runners.yml"
    text = lombard.read_text(encoding="utf-8")
    start = text.index("- id: lombard-stairs-pain")
    lombard.write_text(text[:start].rstrip("\n") + "\n", encoding="utf-8")  # the file's last claim
    claims = tmp_path / "b" / "data" / "claims" / "orthoregen-runners-knee.yml"
    text = claims.read_text(encoding="utf-8")
    text = text.replace("text: PRP is safe and may help anterior knee pain.", "text: PRP may help anterior knee pain, and is safe.")
    text = text.replace("    - study: chalidis2025role\n      relation: supports", "    - study: chalidis2025role\n      relation: mixed")
    text = text.replace("      comparator: none\n      result: benefit", "      comparator: none\n      result: inconclusive")
    claims.write_text(text, encoding="utf-8")
    return tmp_path


def expected_snapshots(root: Path) -> dict[str, dict[str, str]]:
    """What each page says when serving build a, and when serving build b: {path: {snapshot: "a" or "b"}}."""
    answers: dict[str, dict[str, str]] = {path: {} for path in LOAD_PATHS}
    for source in ("a", "b"):
        db = root / f"only-{source}" / "evidence.db"
        db.parent.mkdir()
        assert ingest_build(root, source, db).returncode == 0
        process, url = start_datasette(db)
        try:
            for path in LOAD_PATHS:
                status, body = fetch(url + path)
                assert status == 200
                answers[path][snapshot(body)] = source
        finally:
            stop(process)
    assert all(len(bodies) == 2 for bodies in answers.values()), "the two builds must differ on every page"
    return answers


def served_by(expected: dict, path: str, status: int, body: str) -> str:
    """Which build answered: "a", "b", "failed" (not 200) or "mixed" (neither build says this)."""
    return "failed" if status != 200 else expected[path].get(snapshot(body), "mixed")


def serving_links(root: Path) -> list[str]:
    return sorted(path.name for path in root.glob(".evidence.db.serving.*"))


def test_serving_while_rebuilding_ten_times(two_knowledge_bases):
    """Four clients load the server while the database is rebuilt ten times, a and b in turn. Every
    response is one build, whole; and a request sent after a build finished and before the next one
    started is answered from that build: old until the switch, new after it, with no restart."""
    root = two_knowledge_bases
    expected = expected_snapshots(root)
    db = root / "evidence.db"
    assert ingest_build(root, "a", db).returncode == 0
    process, url = start_datasette(db)
    responses, done = [], threading.Event()

    def load(worker: int):
        for request in range(10_000):  # bounded; stops when the rebuilds are done
            if done.is_set():
                return
            path = LOAD_PATHS[(worker + request) % len(LOAD_PATHS)]
            sent = time.monotonic()
            answer = served_by(expected, path, *fetch(url + path))
            responses.append((sent, time.monotonic(), path, answer))

    workers = [threading.Thread(target=load, args=(worker,)) for worker in range(4)]
    builds = []  # (source, started, finished)
    try:
        for worker in workers:
            worker.start()
        for i in range(10):
            source, started = "b" if i % 2 == 0 else "a", time.monotonic()
            assert ingest_build(root, source, db).returncode == 0
            builds.append((source, started, time.monotonic()))
            answered_after(builds[-1][2], responses)  # one request at least in the window before the next build
    finally:
        done.set()
        for worker in workers:
            worker.join(timeout=30)
        stop(process)

    served = [answer for *_, answer in responses]
    # Between two builds only one build is on disk: a request sent and answered then must be answered from it.
    # (One sent then but answered after the next build began may be answered from either.)
    windows = [(source, finished, next_started) for (source, _, finished), (_, next_started, _) in zip(builds, builds[1:] + [(None, float("inf"), None)], strict=True)]
    late = [(source, answer) for sent, received, _, answer in responses for source, opened, closed in windows
            if opened <= sent and received < closed and answer != source]
    in_windows = sum(1 for sent, received, *_ in responses for _, opened, closed in windows if opened <= sent and received < closed)
    print(f"\n{len(responses)} requests served during 10 rebuilds: {served.count('a')} a, {served.count('b')} b, "
          f"{served.count('failed')} failed, {served.count('mixed')} mixed; {in_windows} sent and answered between two builds, "
          f"{len(late)} of them from a build already replaced")
    assert len(responses) >= 100
    assert in_windows >= 10  # a request at least between each build and the next
    assert served.count("failed") == 0
    assert served.count("mixed") == 0
    assert late == []
    assert serving_links(root) == []  # the server removed its links when it stopped


def answered_after(moment: float, responses: list, patience: float = 60) -> None:
    """Wait until a request sent after `moment` has been answered (a busy machine answers slowly)."""
    deadline = time.monotonic() + patience
    while time.monotonic() < deadline and not any(sent >= moment for sent, *_ in list(responses)):
        time.sleep(0.02)


@pytest.mark.parametrize("warm", [False, True], ids=["cold server", "warm server"])
def test_after_a_rebuild_every_request_gets_the_new_build(two_knowledge_bases, warm):
    """As measured in the issue: a server that answered one request (cold) or has had every SQL thread
    busy (warm), a rebuild, then 40 requests from 8 clients at once. Datasette alone answered 23 of
    them from the old build: the threads that had opened their connection before the rename."""
    root = two_knowledge_bases
    expected = expected_snapshots(root)
    db = root / "evidence.db"
    assert ingest_build(root, "a", db).returncode == 0
    process, url = start_datasette(db)
    try:
        path = LOAD_PATHS[0]
        assert served_by(expected, path, *fetch(url + path)) == "a"
        if warm:
            assert set(eight_clients(url, expected, 40)) == {"a"}
        assert ingest_build(root, "b", db).returncode == 0
        answers = eight_clients(url, expected, 40)
        links = serving_links(root)
    finally:
        stop(process)
    assert answers == ["b"] * 40
    assert len(links) == 1  # the old build's link is gone once no request uses it


def eight_clients(url: str, expected: dict, requests: int) -> list[str]:
    """Which build answered each of `requests` requests, sent by 8 clients at once."""
    answers, lock = [], threading.Lock()

    def client(number: int):
        for request in range(number, requests, 8):
            path = LOAD_PATHS[request % len(LOAD_PATHS)]
            answer = served_by(expected, path, *fetch(url + path))
            with lock:
                answers.append(answer)

    clients = [threading.Thread(target=client, args=(number,)) for number in range(8)]
    for thread in clients:
        thread.start()
    for thread in clients:
        thread.join(timeout=60)
    return answers


# A build that kills itself (SIGKILL: no clean-up runs) at a chosen moment, by wrapping the function
# it is about to call. The moments, in the order a build reaches them:
KILL_AT = {
    # the tables exist in the temporary file, empty
    "tables created": "build.create_tables = after(build.create_tables)",
    # inside the transaction that inserts the rows, three tables written
    "rows half inserted": "build.insert_rows = after(build.insert_rows, calls=3)",
    # indexes, full-text search and views written; build_info not yet
    "views created": "build.ensure_db_shape = after(build.ensure_db_shape)",
    # complete and flushed to disk, not yet renamed over the old database
    "before the rename": "os.replace = before(os.replace)",
    # renamed into place, before the temporary file's clean-up and the summary
    "after the rename": "os.replace = after(os.replace)",
}
KILLED_BUILD = """
import os, signal, sys
from ingest.cli import cli
from ingest.load import build

def die():
    os.kill(os.getpid(), signal.SIGKILL)

def before(function):
    def wrapped(*args, **kwargs):
        die()
    return wrapped

def after(function, calls=1):
    count = [0]
    def wrapped(*args, **kwargs):
        result = function(*args, **kwargs)
        count[0] += 1
        if count[0] == calls:
            die()
        return result
    return wrapped

exec(sys.argv[1])
cli(sys.argv[2:])
"""


def killed_build(moment: str, db: Path) -> int:
    """Build the repository's data over db with --force, killed at `moment`; the exit code."""
    process = subprocess.run(
        [sys.executable, "-c", KILLED_BUILD, KILL_AT[moment], "build", "--force", "--bib", str(REPO / "references.bib"),
         "--data", str(REPO / "data"), "--db", str(db)],
        capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    return process.returncode


def temporaries(root: Path) -> list[str]:
    return [p.name for p in root.iterdir() if p.name.startswith(".evidence.db.")]


def claims_in(db: Path) -> int:
    """The number of claims in db, after checking the file is a whole, sound SQLite database."""
    connection = sqlite3.connect(db)
    try:
        assert connection.execute("pragma integrity_check").fetchone() == ("ok",)
        assert connection.execute("select count(*) from build_info").fetchone() == (1,)
        return connection.execute("select count(*) from claims").fetchone()[0]
    finally:
        connection.close()


REPOSITORY_CLAIMS = sum(1 for path in (REPO / "data" / "claims").glob("*.yml")
                        for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("- id: "))


@pytest.mark.parametrize("moment", list(KILL_AT))
def test_a_build_killed_at_any_moment_loses_nothing(two_knowledge_bases, moment):
    root = two_knowledge_bases
    db = root / "evidence.db"
    assert ingest_build(root, "a", db).returncode == 0
    old = db.read_bytes()

    assert killed_build(moment, db) == -signal.SIGKILL

    if moment == "after the rename":  # the new build, whole
        assert claims_in(db) == REPOSITORY_CLAIMS != 7
        assert temporaries(root) == []
    else:  # the old build, byte for byte; the killed build's temporary file left behind
        assert db.read_bytes() == old
        assert claims_in(db) == 7
        assert len(temporaries(root)) == 1
        if moment == "before the rename":  # killed at the last moment: the file left is the whole new build
            assert claims_in(root / temporaries(root)[0]) == REPOSITORY_CLAIMS
        # the next build finds its inputs unchanged, so builds nothing, and still tidies up
        again = ingest_build(root, "a", db)
        assert again.returncode == 0 and "is up to date" in again.stdout
        assert db.read_bytes() == old
        assert temporaries(root) == []


def test_builds_killed_at_random_moments_leave_a_whole_database(two_knowledge_bases):
    """Kills timed from the start of the process land anywhere (while Python starts, while the
    inputs are read, while it writes): whatever is hit, the database is one build or the other."""
    root = two_knowledge_bases
    db = root / "evidence.db"
    assert ingest_build(root, "a", db).returncode == 0
    old = db.read_bytes()
    chance = random.Random(7)
    for delay in [chance.uniform(0.05, 1.5) for _ in range(4)]:
        process = subprocess.Popen(
            [sys.executable, "-m", "ingest", "build", "--force", "--bib", str(REPO / "references.bib"),
             "--data", str(REPO / "data"), "--db", str(db)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": str(REPO)},
        )
        time.sleep(delay)
        process.kill()
        process.wait()
        claims = claims_in(db)
        assert claims in (7, REPOSITORY_CLAIMS)
        if claims == 7:
            assert db.read_bytes() == old
    assert ingest_build(root, "a", db, "--force").returncode == 0  # the next build works and tidies up
    assert temporaries(root) == []
    assert claims_in(db) == 7


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    db = tmp_path_factory.mktemp("hostile") / "evidence.db"
    hostile_database(db)
    process, url = start_datasette(db)
    yield url
    stop(process)


def test_serve_settings_are_safe():
    assert dict(SERVE_SETTINGS) == {"sql_time_limit_ms": "2000", "max_returned_rows": "1000", "num_sql_threads": "10",
                                    "suggest_facets": "off"}
    recipe = (REPO / "Makefile").read_text(encoding="utf-8").split("\nserve:")[1].split("\n\n")[0]
    assert "--immutable" in recipe and "--host $(HOST)" in recipe
    assert re.search(r"^HOST := 127\.0\.0\.1$", (REPO / "Makefile").read_text(encoding="utf-8"), re.M)


@pytest.mark.parametrize("sql", ["delete from claims", "update studies set title = 'x'", "drop table claims",
                                 "attach database ':memory:' as other", "pragma writable_schema = on"])
def test_writes_through_the_sql_api_fail(hostile_site, sql):
    status, body = fetch(hostile_site + "/evidence.json?" + urllib.parse.urlencode({"sql": sql}))
    assert status == 400
    assert json.loads(body)["ok"] is False
    assert fetch(hostile_site + "/evidence/claims.json")[0] == 200


def test_a_slow_query_is_cut_off(hostile_site):
    slow = "with recursive n(i) as (select 1 union all select i + 1 from n) select count(*) from n"
    started = time.monotonic()
    status, body = fetch(hostile_site + "/evidence.json?" + urllib.parse.urlencode({"sql": slow}))
    assert status == 400
    assert "SQL query took too long" in json.loads(body)["error"]
    assert time.monotonic() - started < 10


def test_markup_and_javascript_urls_are_inert_in_html(hostile_site):
    status, html = fetch(hostile_site + "/evidence/claim_evidence")
    assert status == 200
    assert "javascript:alert(3)" in html
    assert 'href="javascript:' not in html
    status, html = fetch(hostile_site + "/evidence/claims")
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html


def test_csv_export_keeps_formula_text_verbatim(hostile_site):
    """Datasette's CSV is the data as it is; the README tells spreadsheet users to import as text."""
    status, csv = fetch(hostile_site + "/evidence/claim_evidence.csv")
    assert status == 200
    assert HOSTILE["finding"].replace('"', '""') in csv


def test_a_full_disk_gives_a_message_and_keeps_the_old_database(kb, monkeypatch):
    """SQLite's max_page_count makes the new database 'full' part way, as a full disk does (SQLITE_FULL)."""
    from click.testing import CliRunner

    from ingest.cli import cli
    from ingest.load import build

    assert CliRunner().invoke(cli, ["build"]).exit_code == 0
    before = Path("evidence.db").read_bytes()
    create_tables = build.create_tables

    def create_tables_on_a_small_disk(db):
        create_tables(db)
        db.execute("pragma max_page_count = 40")

    monkeypatch.setattr(build, "create_tables", create_tables_on_a_small_disk)
    result = CliRunner().invoke(cli, ["build", "--force"])
    assert (result.exit_code, result.output) == (1, "Error: cannot write evidence.db: the disk is full; evidence.db was not changed: "
                                                    "free some space or fix the folder, then build again\n")
    assert Path("evidence.db").read_bytes() == before
    assert sorted(p.name for p in Path(".").iterdir() if p.name.startswith(("evidence", ".evidence"))) == ["evidence.db"]
