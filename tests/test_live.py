"""Live refresh, in one process: each request pinned to one build (ingest/web/live.py).

tests/test_resilience.py does the same with real `datasette serve` processes and concurrent clients.
"""

import os
import shutil

import pytest
from conftest import FIXTURE_KB
from datasette.app import Datasette

from ingest.check.inputs import read_inputs
from ingest.load.build import build_database
from ingest.web import live


def build(kb, db):
    build_database(read_inputs(kb / "references.bib", kb / "data"), db)


@pytest.fixture
def two_builds(tmp_path):
    """Knowledge base 'a' (the fixture, 7 claims) and 'b' (the stairs claim deleted: 6), and evidence.db built from a."""
    shutil.copytree(FIXTURE_KB, tmp_path / "a")
    shutil.copytree(FIXTURE_KB, tmp_path / "b")
    lombard = tmp_path / "b" / "data" / "claims" / "lombard-pfps-runners.yml"
    text = lombard.read_text(encoding="utf-8")
    lombard.write_text(text[:text.index("- id: lombard-stairs-pain")].rstrip("\n") + "\n", encoding="utf-8")
    build(tmp_path / "a", tmp_path / "evidence.db")
    return tmp_path


async def claims(datasette) -> int:
    return (await datasette.client.get("/evidence/claims.json?_size=0")).json()["filtered_table_rows_count"]


def links(root) -> list[str]:
    return sorted(path.name for path in root.glob(".evidence.db.serving.*"))


@pytest.mark.asyncio
async def test_the_next_request_after_a_rebuild_gets_the_new_build(two_builds, metadata):
    root = two_builds
    datasette = Datasette(immutables=[str(root / "evidence.db")], metadata=metadata)
    assert await claims(datasette) == 7
    [link_a] = links(root)
    assert link_a.startswith(f".evidence.db.serving.{os.getpid()}.")
    build(root / "b", root / "evidence.db")
    assert await claims(datasette) == 6
    [link_b] = links(root)  # a's link went with the first request that found b
    assert link_b != link_a


@pytest.mark.asyncio
async def test_a_request_keeps_its_build_when_a_rebuild_lands_midway(two_builds, metadata):
    root = two_builds
    datasette = Datasette(immutables=[str(root / "evidence.db")], metadata=metadata)
    await datasette.invoke_startup()
    db = datasette.get_database("evidence")
    assert isinstance(db, live.LiveDatabase)
    build_a = db.builds.refresh()
    build_a.users += 1  # what the middleware does for a request
    token = live._PINNED.set({db: build_a})
    try:
        first = (await db.execute("select count(*) from claims")).single_value()
        build(root / "b", root / "evidence.db")  # renamed over evidence.db while the request runs
        assert await claims(datasette) == 6  # a request arriving now gets b
        second = (await db.execute("select count(*) from claims")).single_value()
    finally:
        live._PINNED.reset(token)
        db.builds.release(build_a)
    assert (first, second) == (7, 7)  # the first request read a throughout
    assert build_a.retired and not build_a.file.exists()  # and a's link went when it was done


@pytest.mark.asyncio
async def test_without_hard_links_the_path_is_served(two_builds, metadata, monkeypatch):
    def no_links(source, target):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(live.os, "link", no_links)
    root = two_builds
    datasette = Datasette(immutables=[str(root / "evidence.db")], metadata=metadata)
    assert await claims(datasette) == 7
    assert links(root) == []
    assert datasette.get_database("evidence").builds.current.file == root / "evidence.db"


def test_links_of_servers_that_are_gone_are_removed(tmp_path):
    (tmp_path / "evidence.db").write_bytes(b"")
    gone = tmp_path / ".evidence.db.serving.999999999.1"  # no such process
    mine = tmp_path / f".evidence.db.serving.{os.getpid()}.1"
    for path in (gone, mine):
        path.write_bytes(b"")
    live.Builds(tmp_path / "evidence.db")
    assert links(tmp_path) == [mine.name]

