"""The bad-input corpus: every case in tests/bad_inputs/ through `python -m ingest check` and `build`.

A case is a folder: files that replace the fixture knowledge base's, and case.yml with edits
(old -> new text; `pad` generates a huge value), files to remove, folders to make where files
belong, files to make unreadable, the exit status, and the exact lines the curator must see. A failing
case must leave evidence.db byte for byte as it was, with no traceback and no stray files.
"""

import os
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import FIXTURE_KB, run_ingest

from ingest.check.inputs import read_inputs
from ingest.load.build import build_database

CORPUS = Path(__file__).parent / "bad_inputs"
CASES = sorted(path.parent.name for path in CORPUS.glob("*/case.yml"))


def load_case(name: str) -> dict:
    return yaml.safe_load((CORPUS / name / "case.yml").read_text(encoding="utf-8"))


def prepare(name: str, root: Path) -> dict:
    """A copy of the fixture knowledge base with a built evidence.db, then the case applied to it."""
    shutil.copytree(FIXTURE_KB, root)
    build_database(read_inputs(root / "references.bib", root / "data"), root / "evidence.db")
    case = load_case(name)
    for path in (CORPUS / name).rglob("*"):
        if path.is_file() and path.name != "case.yml":
            target = root / path.relative_to(CORPUS / name)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
    for edit in case.get("edits", []):
        file = root / edit["file"]
        text = file.read_text(encoding="utf-8")
        assert edit["old"] in text, f"{name}: the fixture no longer contains {edit['old'][:60]!r}"
        new = edit["new"]
        if "pad" in edit:  # a huge value, generated rather than stored
            new = new.replace("{PAD}", edit["pad"]["text"] * edit["pad"]["times"])
        file.write_text(text.replace(edit["old"], new, edit.get("times", 1)), encoding="utf-8")
    for relative in case.get("remove", []):
        (root / relative).unlink()
    for relative in case.get("make_directory", []):
        (root / relative).mkdir(parents=True)
    for relative in case.get("chmod_000", []):
        os.chmod(root / relative, 0)
    return case


def summary(count: int, consequence: str) -> str:
    return f"{count} problem{'s' if count != 1 else ''} found; {consequence}."


def test_the_corpus_is_big_enough():
    assert len(CASES) >= 40


@pytest.mark.parametrize("name", CASES)
def test_bad_input(tmp_path, name):
    root = tmp_path / "kb"
    case = prepare(name, root)
    if case.get("skip_as_root") and os.geteuid() == 0:
        pytest.skip("root reads any file, so an unreadable file cannot be made here")
    before = (root / "evidence.db").read_bytes()
    expected = case["expected"].splitlines() if case["expected"] else []

    check = run_ingest("check", cwd=root)
    build = run_ingest("build", cwd=root)

    for result in (check, build):
        assert "Traceback" not in result.stderr, result.stderr
        assert result.returncode == case["exit"], result.stderr
    if case["exit"] == 1:
        assert check.stderr.splitlines() == expected + [summary(len(expected), "nothing was written")]
        assert build.stderr.splitlines() == expected + [summary(len(expected), "evidence.db was not changed")]
        assert (root / "evidence.db").read_bytes() == before
    else:  # odd but valid: accepted, with any warnings said the same way by both commands
        assert check.stderr.splitlines() == expected
        assert build.stderr.splitlines() == expected
        assert build.stdout.startswith("Built evidence.db: ")
    assert not [p.name for p in root.iterdir() if p.name.startswith(".evidence.db")]
