"""Shared fixtures: a tiny knowledge base built with the real builder, served by a real Datasette."""

import shutil
from pathlib import Path

import pytest
import yaml
from datasette.app import Datasette

from ingest.build import build_database
from ingest.validate import read_inputs

REPO = Path(__file__).resolve().parent.parent
FIXTURE_KB = REPO / "tests" / "fixtures" / "kb"


@pytest.fixture
def kb(tmp_path, monkeypatch) -> Path:
    """A writable copy of the fixture knowledge base, as the working directory."""
    root = tmp_path / "kb"
    shutil.copytree(FIXTURE_KB, root)
    monkeypatch.chdir(root)
    return root


@pytest.fixture(scope="session")
def fixture_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("built") / "evidence.db"
    build_database(read_inputs(FIXTURE_KB / "references.bib", FIXTURE_KB / "data"), path)
    return path


@pytest.fixture(scope="session")
def metadata() -> dict:
    return yaml.safe_load((REPO / "metadata.yml").read_text(encoding="utf-8"))


@pytest.fixture
def datasette(fixture_db, metadata) -> Datasette:
    return Datasette([str(fixture_db)], metadata=metadata)
