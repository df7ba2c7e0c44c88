"""Shared fixtures: a tiny knowledge base built with the real builder, served by a real Datasette."""

import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import sqlite_utils
import yaml
from datasette.app import Datasette

from ingest.check.inputs import Inputs, read_inputs
from ingest.check.models import Claim, Condition, EvidenceLink, Source, Study, Treatment
from ingest.load.build import build_database
from ingest.read.bibtex import Reference

REPO = Path(__file__).resolve().parent.parent
FIXTURE_KB = REPO / "tests" / "fixtures" / "kb"
BIBTEX_FIXTURES = REPO / "tests" / "fixtures" / "bibtex"
# The real-world exports in UTF-8 (one is GBK, for the encoding error): the fast paths for values,
# LaTeX and names are compared with the libraries on every field of each. The two large exports
# (2,720 and 7,166 entries) are the corpus run, `make test-corpus`; `make test` takes the rest.
UTF8_BIBTEX_EXPORTS = [pytest.param(path.name, marks=pytest.mark.corpus) if "LARGE" in path.name else path.name
                       for path in sorted(BIBTEX_FIXTURES.glob("*.bib")) if path.name != "bibtexparser_gbk-encoded.bib"]


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


def link(relation: str, directness: str, level: int | None, key: str) -> tuple:
    """An evidence link for build_tiny_db: (relation, directness, level of the study, study key)."""
    return relation, directness, level, key


def build_tiny_db(tmp_path, claims: list[tuple[str, str, list[tuple]]], retracted: tuple = ()) -> sqlite_utils.Database:
    """A database of one source, condition and treatment, and the given claims.

    claims: (claim id, stance, links), each link made by link(). Studies are created from the links.
    """
    levels = {key: level for _, _, links in claims for _, _, level, key in links}
    inputs = Inputs(
        references=[Reference(key=key, entry_type="article", line=1, fields={"title": key, "year": "2020"}, year=2020) for key in levels],
        sources=[Source(id="source", title="An article", kind="blog")],
        conditions=[Condition(id="pfps", name="Patellofemoral pain")],
        treatments=[Treatment(id="treatment", name="A treatment", category="exercise")],
        studies=[
            Study(key=key, design="narrative-review" if level is None else "rct", evidence_level=level,
                  metadata_status="verified", retracted=key in retracted)
            for key, level in levels.items()
        ],
        claims=[
            Claim(
                id=claim_id, source="source", quote="q", text=f"Claim {claim_id}.", claim_type="treatment-benefit",
                condition="pfps", stance=stance, treatments=["treatment"],
                evidence=[EvidenceLink(study=key, relation=relation, directness=directness, finding="f")
                          for relation, directness, _, key in links],
            )
            for claim_id, stance, links in claims
        ],
    )
    build_database(inputs, tmp_path / "evidence.db")
    return sqlite_utils.Database(tmp_path / "evidence.db")


# The settings `make serve` uses, read from the Makefile so that tests serve the same way.
SERVE_SETTINGS = re.findall(r"--setting (\w+) (\S+)", (REPO / "Makefile").read_text(encoding="utf-8"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_datasette(db: Path) -> tuple[subprocess.Popen, str]:
    """A real `datasette serve` of db on 127.0.0.1, as `make serve` runs it; (process, URL) once it answers."""
    port = free_port()
    settings = [arg for name, value in SERVE_SETTINGS for arg in ("--setting", name, value)]
    process = subprocess.Popen(
        [sys.executable, "-m", "datasette", "serve", "--immutable", str(db), "--metadata", str(REPO / "metadata.yml"),
         "--host", "127.0.0.1", "--port", str(port), *settings],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{url}/-/versions.json", timeout=1).read()
            return process, url
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("datasette did not start within 30 seconds")


def stop_datasette(process: subprocess.Popen) -> None:
    process.terminate()
    process.wait(timeout=10)
