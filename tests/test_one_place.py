"""Each piece of SQL and each rule text lives in one file: copies drift apart, so none is allowed.

SQL is compared as runs of consecutive lines (white space folded, case ignored) between the SQL of
metadata.yml's canned queries and every string in ingest/ that reads like a query; the wording of
every coded value (ingest/check/vocabulary.py) must not be pasted into the files people read.
"""

import ast
import re
from itertools import combinations
from pathlib import Path

import pytest
import yaml

from ingest.check import vocabulary as v

REPO = Path(__file__).resolve().parent.parent
SHARED_LINES = 4  # a run this long in two places is a copy, not a common join
SQL = re.compile(r"\bselect\b.*\bfrom\b", re.I | re.S)


def normalised_lines(sql: str) -> list[str]:
    return [line for line in (" ".join(raw.split()).lower() for raw in sql.splitlines()) if line]


def sql_in_python(path: Path) -> list[str]:
    """Every string literal in a module that reads like a query (f-strings count by their text)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL.search(node.value):
            found.append(node.value)
        elif isinstance(node, ast.JoinedStr):
            text = "".join(part.value if isinstance(part, ast.Constant) else "{}" for part in node.values)
            if SQL.search(text):
                found.append(text)
    return found


def sql_pieces() -> list[tuple[str, str]]:
    """(where, SQL) for every canned query in metadata.yml and every query in ingest/."""
    metadata = yaml.safe_load((REPO / "metadata.yml").read_text(encoding="utf-8"))
    pieces = [("metadata.yml:" + name, query["sql"])
              for database in metadata["databases"].values() for name, query in database.get("queries", {}).items()]
    for path in sorted((REPO / "ingest").rglob("*.py")):
        pieces += [(str(path.relative_to(REPO)), sql) for sql in sql_in_python(path)]
    return pieces


def longest_shared_run(a: list[str], b: list[str]) -> int:
    best, previous = 0, [0] * (len(b) + 1)
    for line in a:
        current = [0] * (len(b) + 1)
        for j, other in enumerate(b, 1):
            if line == other:
                current[j] = previous[j - 1] + 1
                best = max(best, current[j])
        previous = current
    return best


def copies(pieces: list[tuple[str, str]]) -> list[tuple[str, str, int]]:
    lines = [(where, normalised_lines(sql)) for where, sql in pieces]
    return [(a, b, run) for (a, la), (b, lb) in combinations(lines, 2)
            if a.split(":")[0] != b.split(":")[0] and (run := longest_shared_run(la, lb)) >= SHARED_LINES]


def test_no_sql_is_written_in_two_files():
    pieces = sql_pieces()
    assert len(pieces) >= 20, "the scan found too few queries to mean anything"
    assert copies(pieces) == []


def test_a_copied_query_would_be_found():
    """The check itself: a canned query pasted into a module is reported."""
    [(_, cite_pack)] = [(where, sql) for where, sql in sql_pieces() if "where claim_treatments.treatment_id = :target" in sql]
    assert copies([("metadata.yml:copy", cite_pack), ("ingest/export/cite.py", cite_pack)]) != []
    assert copies([("a.py", "select a\nfrom b\njoin c on c.x = b.x\nwhere 1"), ("b.py", "select z\nfrom b\njoin c on c.x = b.x")]) == []


# A rule is a sentence; one- and two-word texts ("Pain.") are names any document may use.
RULE_TEXTS = [text for vocabulary in v.VOCABULARIES.values() for text in vocabulary.values() if len(text.split()) > 2]
READ_BY_PEOPLE = ["README.md", "metadata.yml", *sorted(str(p.relative_to(REPO)) for p in (REPO / "ingest" / "web" / "templates").glob("*.html")),
                  *sorted(str(p.relative_to(REPO)) for p in (REPO / "docs").rglob("*.md"))]


@pytest.mark.parametrize("name", READ_BY_PEOPLE)
def test_no_vocabulary_wording_is_pasted(name):
    """What each verdict, design, relation or stance means is shown from the vocabulary table, never copied."""
    text = " ".join((REPO / name).read_text(encoding="utf-8").split())
    assert [rule for rule in RULE_TEXTS if rule in text] == []
