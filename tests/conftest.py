"""Shared fixtures: knowledge bases built with the real builder, `python -m ingest` in a real process,
and a real Datasette serving on 127.0.0.1."""

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import sqlite_utils
import yaml
from datasette.app import Datasette

from ingest.check.inputs import Inputs, read_inputs
from ingest.check.models import Claim, Condition, EvidenceLink, Source, Study, Treatment, compact
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


def run_ingest(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    """`python -m ingest ...` in a real process, as a curator runs it; output captured as text."""
    return subprocess.run([sys.executable, "-m", "ingest", *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(REPO)})


@pytest.fixture(scope="session")
def real_db(tmp_path_factory) -> Path:
    """The repository's own references.bib and data/, built once for the session."""
    path = tmp_path_factory.mktemp("real") / "evidence.db"
    build_database(read_inputs(REPO / "references.bib", REPO / "data"), path)
    return path


def one_source_inputs(studies: list[Study], claims: list[Claim], titles: dict | None = None,
                      source: Source | None = None, treatments: list[Treatment] | None = None, source_texts: dict | None = None,
                      certainty: list | None = None) -> Inputs:
    """Validated inputs of one source and one condition (pfps), with the given studies, claims and
    treatments (else "treatment" and "other"); each study gets a reference of 2020 titled by
    `titles` (else by its key). The records are compacted, as reading the inputs leaves them."""
    titles = titles or {}
    return Inputs(
        references=[Reference(key=study.key, entry_type="article", line=1, fields={"title": titles.get(study.key, study.key), "year": "2020"},
                              year=2020) for study in studies],
        sources=[compact(source or Source(id="source", title="An article", kind="blog"))],
        conditions=[compact(Condition(id="pfps", name="Patellofemoral pain"))],
        treatments=[compact(treatment) for treatment in treatments or [Treatment(id="treatment", name="A treatment", category="exercise"),
                                                                     Treatment(id="other", name="Another treatment", category="exercise")]],
        studies=[compact(study) for study in studies],
        claims=[compact(claim) for claim in claims],
        source_texts=source_texts or {},
        certainty=[compact(judgement) for judgement in certainty or []],
    )


def link(relation: str, directness: str, level: int | None, key: str, **fields) -> dict:
    """An evidence link for build_tiny_db: its relation to the claim, directness, the level of its
    study, the study's key, and any other EvidenceLink field (tested, result, comparator, outcome,
    horizon, level); `participants` becomes the study's n_participants."""
    return {"relation": relation, "directness": directness, "study_level": level, "study": key, **fields}


def build_tiny_db(tmp_path, claims: list[tuple], retracted: tuple = (), certainty: list | None = None) -> sqlite_utils.Database:
    """A database of one source and condition, two treatments, and the given claims.

    claims: (claim id, stance, links) naming the treatment "treatment", or (claim id, stance, links,
    treatments); each link made by link(). Studies are created from the links.
    """
    all_links = [dict(each) for _, _, links, *_ in claims for each in links]
    levels = {each["study"]: each["study_level"] for each in all_links}
    participants = {each["study"]: each["participants"] for each in all_links if "participants" in each}
    studies = [Study(key=key, design="narrative-review" if level is None else "rct", evidence_level=level,
                     metadata_status="verified", retracted=key in retracted, n_participants=participants.get(key))
               for key, level in levels.items()]
    claims = [
        Claim(id=claim_id, source="source", quote="q", text=f"Claim {claim_id}.", claim_type="treatment-benefit",
              condition="pfps", stance=stance, treatments=named[0] if named else ["treatment"],
              evidence=[EvidenceLink(finding="f", **{k: v for k, v in each.items() if k not in ("study_level", "participants")})
                        for each in links])
        for claim_id, stance, links, *named in claims
    ]
    build_database(one_source_inputs(studies, claims, certainty=certainty), tmp_path / "evidence.db")
    return sqlite_utils.Database(tmp_path / "evidence.db")


# Markup-like text in every field a page shows: pages, the browser and the served site must show it as text.
HOSTILE = {
    "source_title": '<b>Bold</b> & "quoted"',
    "claim_text": '<script>alert("claim")</script>',
    "quote": "<img src=x onerror=alert(1)>",
    "treatment": "<i>Treatment</i>",
    "study_title": "<svg onload=alert(2)>",
    "finding": "javascript:alert(3) =HYPERLINK(\"http://x\")",
}


def hostile_database(path: Path) -> None:
    """A knowledge base whose every shown field is markup-like text (HOSTILE)."""
    claim = Claim(id="c1", source="src", quote=HOSTILE["quote"], text=HOSTILE["claim_text"], claim_type="treatment-benefit",
                  condition="pfps", treatments=["tx"],
                  evidence=[EvidenceLink(study="s1", relation="supports", directness="direct", finding=HOSTILE["finding"],
                                         tested=["tx"], comparator="placebo-sham", result="benefit", outcome="pain")])
    inputs = one_source_inputs(
        [Study(key="s1", design="rct", evidence_level=2, metadata_status="verified")], [claim],
        titles={"s1": HOSTILE["study_title"]},
        source=Source(id="src", title=HOSTILE["source_title"], kind="blog", conflict_of_interest="<u>sells it</u>"),
        treatments=[Treatment(id="tx", name=HOSTILE["treatment"], category="other")],
        source_texts={"src": f"Before. {HOSTILE['quote']} After."},
    )
    build_database(inputs, path)


# The settings `make serve` uses, read from the Makefile so that tests serve the same way.
SERVE_SETTINGS = re.findall(r"--setting (\w+) (\S+)", (REPO / "Makefile").read_text(encoding="utf-8"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_datasette(db: Path) -> tuple[subprocess.Popen, str]:
    """A real `datasette serve` of db on 127.0.0.1, as `make serve` runs it; (process, URL) once it answers.

    Tests run in parallel: another worker's server may take the free port first. Then this server
    exits, and another port is tried; a server is only taken as this one if it serves db."""
    settings = [arg for name, value in SERVE_SETTINGS for arg in ("--setting", name, value)]
    for _attempt in range(5):
        port = free_port()
        process = subprocess.Popen(
            [sys.executable, "-m", "datasette", "serve", "--immutable", str(db), "--metadata", str(REPO / "metadata.yml"),
             "--host", "127.0.0.1", "--port", str(port), *settings],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        url = f"http://127.0.0.1:{port}"
        if serves(process, url, db):
            return process, url
        process.kill()
        process.wait()
    raise RuntimeError(f"datasette did not start serving {db} in 5 attempts")


def serves(process: subprocess.Popen, url: str, db: Path) -> bool:
    """Wait (up to 60 s: a busy machine is slow) until the server at url answers with db; False if it exits first."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(f"{url}/-/databases.json", timeout=2) as response:
                return [database["path"] for database in json.load(response)] == [str(db)]
        except OSError:
            time.sleep(0.2)
    return False


def stop_datasette(process: subprocess.Popen) -> None:
    process.terminate()
    process.wait(timeout=10)


def fetch(url: str, timeout: float = 10) -> tuple[int, str]:
    """Status and text of a GET, error statuses included."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")
