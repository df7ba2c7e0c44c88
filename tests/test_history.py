"""What changed between builds: previous verdicts kept by each build, the verdict_changes view, and `diff`."""

import shutil
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner
from conftest import FIXTURE_KB
from datasette.app import Datasette

from ingest.check.inputs import read_inputs
from ingest.cli import cli
from ingest.load.build import build_database

COUNTS = ("Direct studies: {direct} for, 0 against, 0 mixed, 0 inconclusive, 0 no different from another active treatment; "
          "indirect: 0 for, 0 against, 0 mixed. Studies in all: {direct}.")
CHALIDIS_WEAK = ("No direct study at level 1-2 supports or contradicts it: the direct evidence is at level 3-5 or not levelled. "
                 + COUNTS.format(direct=1))
CHALIDIS_SUPPORTED = "A direct study at level 2 supports it, and no direct study at level 1-2 contradicts it. " + COUNTS.format(direct=1)
STAIRS_REASON = "No study is linked to this claim. " + COUNTS.format(direct=0)


def build(kb: Path, db: Path, built_at: str) -> None:
    build_database(read_inputs(kb / "references.bib", kb / "data"), db, built_at=built_at)


def edit_knowledge_base(kb: Path) -> None:
    """A curator re-levels Chalidis 2025 and deletes the stairs claim."""
    studies = kb / "data" / "studies.yml"
    studies.write_text(studies.read_text(encoding="utf-8").replace(
        "design: systematic-review\n  evidence_level: 4", "design: systematic-review\n  evidence_level: 2"), encoding="utf-8")
    claims = kb / "data" / "claims" / "lombard-pfps-runners.yml"
    text = claims.read_text(encoding="utf-8")
    start = text.index("- id: lombard-stairs-pain")
    claims.write_text(text[:start].rstrip("\n") + "\n", encoding="utf-8")  # the file's last claim


@pytest.fixture
def two_builds(tmp_path):
    """The fixture built once, then rebuilt in place after an edit; plus a copy of the first build."""
    kb = tmp_path / "kb"
    shutil.copytree(FIXTURE_KB, kb)
    db = tmp_path / "evidence.db"
    build(kb, db, "2026-01-01T00:00:00+00:00")
    shutil.copy(db, tmp_path / "before.db")
    edit_knowledge_base(kb)
    build(kb, db, "2026-01-02T00:00:00+00:00")
    return tmp_path / "before.db", db


EXPECTED_CHANGES = [
    {"claim_id": "lombard-stairs-pain", "change": "claim removed", "previous_verdict": "no evidence", "verdict": None,
     "previous_reason": STAIRS_REASON, "reason": None, "claim": "Pain from runner's knee worsens on stairs."},
    {"claim_id": "ortho-prp-safe-akp", "change": "verdict changed", "previous_verdict": "weak", "verdict": "supported",
     "previous_reason": CHALIDIS_WEAK, "reason": CHALIDIS_SUPPORTED, "claim": "PRP is safe and may help anterior knee pain."},
]


def test_build_records_what_it_replaced(two_builds):
    _, db = two_builds
    database = sqlite_utils.Database(db)
    assert list(database.query("select * from build_info")) == [{
        "built_at": "2026-01-02T00:00:00+00:00", "previous_built_at": "2026-01-01T00:00:00+00:00", "ingest_version": "0.1.0",
        "input_digest": None,  # only the CLI computes one
        "claims": 6, "supported": 2, "contradicted": 0, "conflicting": 0, "weak": 1, "indirect_only": 2, "no_evidence": 1,
        # the fixture's 2 sources, 4 treatments and 6 appraised studies; 6 links (the deleted claim had none)
        "sources": 2, "treatments": 4, "appraised_studies": 6, "evidence_links": 6,
        "treatment_verdicts": '{"indirect only": 2, "supported": 1, "weak": 1}',
    }]
    assert database["previous_verdicts"].count == 7


@pytest.mark.asyncio
async def test_verdict_changes_view(two_builds, metadata):
    _, db = two_builds
    datasette = Datasette([str(db)], metadata=metadata)
    response = await datasette.client.get("/evidence/verdict_changes.json?_shape=array")
    assert response.json() == EXPECTED_CHANGES


def test_diff_command(two_builds):
    before, after = two_builds
    result = CliRunner().invoke(cli, ["diff", str(before), str(after)])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert [cell.strip() for cell in lines[0].split("|")[1:-1]] == ["claim_id", "change", "previous_verdict", "verdict", "previous_reason", "reason", "claim"]
    assert [line.split("|")[1].strip() for line in lines[2:4]] == ["lombard-stairs-pain", "ortho-prp-safe-akp"]
    assert lines[-1] == "1 verdict changed, 1 claim removed"


def test_diff_of_identical_builds(two_builds):
    _, after = two_builds
    result = CliRunner().invoke(cli, ["diff", str(after), str(after)])
    assert result.output == "No claim changed its verdict.\n"


def test_first_build_has_no_history(tmp_path):
    build(FIXTURE_KB, tmp_path / "evidence.db", "2026-01-01T00:00:00+00:00")
    database = sqlite_utils.Database(tmp_path / "evidence.db")
    assert database["previous_verdicts"].count == 0
    assert [row["previous_built_at"] for row in database.query("select previous_built_at from build_info")] == [None]


def test_an_unreadable_old_database_is_replaced_without_history(tmp_path):
    (tmp_path / "evidence.db").write_bytes(b"not a database at all")
    build(FIXTURE_KB, tmp_path / "evidence.db", "2026-01-01T00:00:00+00:00")
    assert sqlite_utils.Database(tmp_path / "evidence.db")["previous_verdicts"].count == 0


def test_diff_needs_built_databases(tmp_path):
    result = CliRunner().invoke(cli, ["diff", str(tmp_path / "a.db"), str(tmp_path / "b.db")])
    assert result.exit_code == 1
    assert result.output == f"Error: {tmp_path / 'a.db'} not found: build it first with `make ingest` or `python -m ingest build`\n"


def test_history_is_kept_whatever_the_folder_is_called(tmp_path):
    """The old database is attached by URI: spaces, '#', '?' and '%' in its path must not break that."""
    folder = tmp_path / "my data #1 ?50%"
    folder.mkdir()
    build(FIXTURE_KB, folder / "evidence.db", "2026-01-01T00:00:00+00:00")
    build(FIXTURE_KB, folder / "evidence.db", "2026-01-02T00:00:00+00:00")
    database = sqlite_utils.Database(folder / "evidence.db")
    assert database["previous_verdicts"].count == 7
    assert [row["previous_built_at"] for row in database.query("select previous_built_at from build_info")] == ["2026-01-01T00:00:00+00:00"]
    result = CliRunner().invoke(cli, ["diff", str(folder / "evidence.db"), str(folder / "evidence.db")])
    assert result.output == "No claim changed its verdict.\n"
