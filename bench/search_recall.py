"""How much of what readers expect each search finds: recall on tests/search_questions.yml.

Two engines, both through Datasette's own client with the repository's metadata.yml, as a reader
meets them: `canned`, the old canned query /evidence/search (what the home page's form used to
open), and `page`, the /search page (only what the page shows counts, not what it leaves under
"N more"). Recall is expected ids found / expected ids, per question and overall.

    .venv/bin/python bench/search_recall.py                  # builds the real data in a temporary folder
    .venv/bin/python bench/search_recall.py --db evidence.db --engine canned --misses
    .venv/bin/python bench/search_recall.py --save           # also writes bench/search_recall.md
"""

import argparse
import asyncio
import re
import tempfile
import urllib.parse
from pathlib import Path

import yaml
from datasette.app import Datasette
from datasette.database import Database

REPO = Path(__file__).resolve().parent.parent
QUESTIONS = REPO / "tests" / "search_questions.yml"
REPORT = REPO / "bench" / "search_recall.md"
KINDS = {"treatments": "treatment", "claims": "claim", "studies": "study"}
# A result on the search page: a link with class "hit" to a reader page.
HIT = re.compile(r'<a class="hit" href="/(treatment|claim|study)/([^"?#]+)"')


def load_questions(path: Path = QUESTIONS) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def expected(question: dict) -> set[tuple[str, str]]:
    """(kind, id) of everything the question must find; kind is treatment, claim or study."""
    return {(kind, each) for field, kind in KINDS.items() for each in question.get(field, [])}


async def found_by_canned_query(datasette: Datasette, database: str, q: str) -> set[tuple[str, str]]:
    response = await datasette.client.get(f"/{database}/search.json", params={"q": q, "_shape": "array"})
    response.raise_for_status()
    return {(row["kind"], row["id"]) for row in response.json()}


async def found_by_page(datasette: Datasette, q: str) -> set[tuple[str, str]]:
    response = await datasette.client.get("/search", params={"q": q})
    response.raise_for_status()
    return {(kind, urllib.parse.unquote(each)) for kind, each in HIT.findall(response.text)}


async def measure(db: Path, engine: str) -> list[dict]:
    """One row per question: the query, what it expects, and what the engine found of it."""
    metadata = yaml.safe_load((REPO / "metadata.yml").read_text(encoding="utf-8"))
    datasette = Datasette([], metadata=metadata)
    datasette.add_database(Database(datasette, path=str(db)), name="evidence")  # the name metadata.yml's queries are under
    rows = []
    for question in load_questions():
        wanted = expected(question)
        if engine == "canned":
            found = await found_by_canned_query(datasette, "evidence", question["q"])
        else:
            found = await found_by_page(datasette, question["q"])
        rows.append({"q": question["q"], "expected": len(wanted), "found": len(wanted & found),
                     "missed": sorted(wanted - found)})
    return rows


def overall(rows: list[dict]) -> float:
    """Expected ids found, over all expected ids of all questions."""
    return sum(row["found"] for row in rows) / sum(row["expected"] for row in rows)


def table(results: dict[str, list[dict]]) -> str:
    engines = list(results)
    lines = ["| query | expected | " + " | ".join(f"{engine} found | {engine} recall" for engine in engines) + " |",
             "|---|--:|" + "--:|--:|" * len(engines)]
    for number, question in enumerate(results[engines[0]]):
        cells = [f"{results[e][number]['found']} | {results[e][number]['found'] / question['expected']:.0%}" for e in engines]
        lines.append(f"| {question['q']} | {question['expected']} | " + " | ".join(cells) + " |")
    totals = [f"{sum(r['found'] for r in results[e])} | {overall(results[e]):.1%}" for e in engines]
    lines.append(f"| **overall** | {sum(q['expected'] for q in results[engines[0]])} | " + " | ".join(totals) + " |")
    return "\n".join(lines)


def misses(results: dict[str, list[dict]]) -> str:
    return "\n".join(f"- {engine}, {row['q']!r}: " + ", ".join(f"{kind} {each}" for kind, each in row["missed"])
                     for engine, rows in results.items() for row in rows if row["missed"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="a built evidence.db (default: build the real data in a temporary folder)")
    parser.add_argument("--engine", choices=["canned", "page"], action="append", help="default: both")
    parser.add_argument("--misses", action="store_true", help="list what each engine missed")
    parser.add_argument("--save", action="store_true", help=f"write the table to {REPORT.relative_to(REPO)}")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = args.db
        if db is None:
            from ingest.check.inputs import read_inputs
            from ingest.load.build import build_database

            db = Path(folder) / "evidence.db"
            build_database(read_inputs(REPO / "references.bib", REPO / "data"), db)
        results = {engine: asyncio.run(measure(db, engine)) for engine in args.engine or ["canned", "page"]}
    text = table(results) + ("\n\nMissed:\n\n" + misses(results) if args.misses else "")
    print(text)
    if args.save:
        REPORT.write_text("# Search recall on the readers' questions\n\n"
                          "Written by `bench/search_recall.py --save --misses` from tests/search_questions.yml"
                          " and the real data; do not edit by hand.\n\n" + text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
