"""`make bench`: how fast ingest is, against the cost of parsing, at any library size.

Generates synthetic knowledge bases of 1k, 10k and 100k studies (claims and links in the real
data's proportions: 63 studies, 84 claims, 150 links), and also runs on the large real exports.
Prints a table, writes bench/results.json, and bench/README.md from it (bench/report.py); the
generated inputs and databases go in bench/results/, which is not committed. Each timing runs in a
fresh process; raw parse, build and no-change build are the median of five runs taking turns (one
run at 100k).
"""

import compileall
import datetime
import json
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

from report import README, RESULTS_JSON, write_readme
from synthetic import empty_data, synthetic, word

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results"  # the work files
REAL_FILES = ["bbt-import_1436-3_LARGE-7166-entries.bib", "pybtex_tugboat-LARGE-2720-entries.bib"]
# Runs per timing, the median reported: a shared machine's speed drifts from one second to the next.
# At 100k studies, where a build takes minutes, one run.
REPEATS = 5

# Each snippet runs in its own interpreter and prints {"seconds": ..., "peak_mb": ...}.
MEASURE = """
import json, resource, sys, time
started = time.perf_counter()
{body}
print(json.dumps({{"seconds": time.perf_counter() - started,
                   "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""
RAW_PARSE = """
import bibtexparser
bibtexparser.parse_string(open(sys.argv[1], encoding="utf-8").read())
"""
STOCK_PIPELINE = """
import logging, bibtexparser
from bibtexparser.middlewares import LatexDecodingMiddleware, SeparateCoAuthors, SplitNameParts
logging.disable(logging.WARNING)
bibtexparser.parse_string(open(sys.argv[1], encoding="utf-8").read(),
                          append_middleware=[LatexDecodingMiddleware(), SeparateCoAuthors(), SplitNameParts()])
"""
INGEST_BUILD = """
from ingest.cli import cli
cli.main(["build", "--bib", sys.argv[1], "--data", sys.argv[2], "--db", sys.argv[3], *sys.argv[4:]], standalone_mode=False)
"""


def measure(body: str, *args: str) -> dict:
    # the clock starts after the interpreter is up, so imports count but Python's own start-up does not
    code = MEASURE.format(body=body.strip())
    result = subprocess.run([sys.executable, "-c", code, *map(str, args)], capture_output=True, text=True, cwd=REPO)
    if result.returncode:
        raise RuntimeError(result.stderr[-3000:])
    return json.loads(result.stdout.strip().splitlines()[-1])


def serve_timings(dbs: dict[int, Path]) -> dict:
    """Median Datasette response time per request and size: {size: {request: seconds}}, in-process.

    The targets cover the evidence-for-a-treatment query, a claim page, a treatment page (verdicts
    and its summary of findings, read from the tables the build computed) and a search for a topic
    word. Four more are timed because their work grows with the library: a search that adds a
    word found in every claim (its whole match list is read), a search for that word alone (every
    match is ranked), the home page (verdicts counted over every treatment) and the evidence map
    (a row per treatment).
    The sizes take turns request by request, so a slow spell of the machine hits them all alike.
    """
    import asyncio

    import yaml
    from datasette.app import Datasette

    metadata = yaml.safe_load((REPO / "metadata.yml").read_text(encoding="utf-8"))
    # served as `make serve` serves it: immutable, with the Makefile's settings (limits, threads, no suggested facets)
    settings = {name: _setting(value) for name, value in re.findall(r"--setting (\w+) (\S+)", (REPO / "Makefile").read_text(encoding="utf-8"))}
    servers = {size: Datasette(immutables=[str(db)], metadata=metadata, settings=settings) for size, db in dbs.items()}

    def paths(size: int) -> dict:
        return {
            "canned_query": "/evidence/evidence_for_treatment.json?treatment=t7",
            "claim_page": f"/claim/c{size * 84 // 63 // 2}",
            "search": f"/evidence/search.json?q={word(7)}",
            "search_topic_and_common_word": f"/evidence/search.json?q={word(7)}+knees",
            "search_common_word": "/evidence/search.json?q=knees",
            "treatment_page": "/treatment/t7",
            "home_page": "/",
            "evidence_map": "/evidence-map",
            "study_page": f"/study/s{size // 2}",
            "treatments_index": "/treatments",
            "claims_index": "/claims",
            "studies_index": "/studies",
            "search_page": f"/search?q={word(7)}",
            "search_page_common_word": "/search?q=knees",
            # Datasette's own pages of what users open most (issue 20's list)
            "treatment_summary_view": "/evidence/treatment_summary",
            "claim_verdicts_view": "/evidence/claim_verdicts",
            "evidence_table_for_treatment": "/evidence/evidence_table?treatment_id=t7",
            "verdict_changes": "/evidence/verdict_changes",
            "audit_claims_with_no_evidence": "/evidence/audit_claims_with_no_evidence",
            "audit_sources_by_support": "/evidence/audit_sources_by_support",
            "audit_cited_only_indirect": "/evidence/audit_cited_only_indirect",
            # the largest audit, and a list that was a canned query over every claim
            "audit_contradicted_by_strong_studies": "/evidence/audit_contradicted_by_strong_studies",
            "claims_without_support": "/evidence/claims_without_support",
            "cite_pack_for_treatment": "/evidence/cite_pack?target=t7",
            # whole tables as Datasette shows them, with their facets
            "evidence_table": "/evidence/evidence_table",
            "claim_evidence_table": "/evidence/claim_evidence",
            "studies_table": "/evidence/studies",
        }

    async def timed(name: str) -> dict:
        times, failed = {size: [] for size in servers}, {}
        for size, datasette in servers.items():
            await datasette.client.get(paths(size)[name])  # warm up
        for _ in range(15):
            for size, datasette in servers.items():
                if size in failed:
                    continue
                started = time.perf_counter()
                response = await datasette.client.get(paths(size)[name])
                times[size].append(time.perf_counter() - started)
                if response.status_code != 200:  # e.g. over the time limit: report it, do not time it
                    failed[size] = f"HTTP {response.status_code} after {times[size][-1]:.2f}s"
        return {size: failed.get(size) or statistics.median(times[size]) for size in servers}

    by_request = {name: asyncio.run(timed(name)) for name in paths(0)}
    return {size: {name: by_request[name][size] for name in by_request} for size in servers}


def _setting(value: str):
    """A setting's value as Datasette takes it from its command line."""
    return {"on": True, "off": False}.get(value, int(value) if value.isdigit() else value)


def count_entries(bib: Path) -> int:
    """Entries in a BibTeX file: lines opening with @, less @comment, @string and @preamble."""
    with bib.open(encoding="utf-8") as file:
        lines = (line.lstrip().lower() for line in file)
        return sum(1 for line in lines if line.startswith("@") and not line.startswith(("@comment", "@string", "@preamble")))


def bench_file(label: str, bib: Path, data: Path, work: Path, repeats: int) -> dict:
    """Timings of one input: each the median of `repeats` runs, the runs taking turns, so a slow
    spell of the machine hits the raw parse and the build alike. The stock pipeline, the slow
    baseline, runs once."""
    db = work / label.replace(" ", "-").replace(",", "") / "evidence.db"  # served as "evidence", the name in the request paths
    db.parent.mkdir(parents=True, exist_ok=True)
    row = {"input": label, "entries": count_entries(bib)}
    row["stock_pipeline"] = measure(STOCK_PIPELINE, bib)
    runs = {"raw_parse": [], "build": [], "no_change_build": []}
    for _ in range(repeats):
        runs["raw_parse"].append(measure(RAW_PARSE, bib))
        runs["build"].append(measure(INGEST_BUILD, bib, data, db, "--force"))
        runs["no_change_build"].append(measure(INGEST_BUILD, bib, data, db))
    for name, measured in runs.items():
        row[name] = {"seconds": statistics.median(run["seconds"] for run in measured),
                     "peak_mb": statistics.median(run["peak_mb"] for run in measured),
                     "runs_seconds": [round(run["seconds"], 3) for run in measured]}
    row["ratios"] = {
        "build_vs_raw_parse": row["build"]["seconds"] / row["raw_parse"]["seconds"],
        "stock_vs_build": row["stock_pipeline"]["seconds"] / row["build"]["seconds"],
        "no_change_vs_build": row["no_change_build"]["seconds"] / row["build"]["seconds"],
        "peak_memory_vs_raw_parse": row["build"]["peak_mb"] / row["raw_parse"]["peak_mb"],
    }
    return row, db


def main(sizes=(1_000, 10_000, 100_000)) -> None:
    # Timed as a second run is: from bytecode. pip compiled the libraries' bytecode when it installed
    # them, but nothing compiles the project's own modules if Python may not write it as it imports
    # them (PYTHONDONTWRITEBYTECODE), and then every timed run would compile ~50 modules again.
    compileall.compile_dir(REPO / "ingest", quiet=1)
    RESULTS.mkdir(parents=True, exist_ok=True)
    work = RESULTS / "work"
    work.mkdir(exist_ok=True)
    rows, built = [], {}
    for name in REAL_FILES:
        source = REPO / "tests" / "fixtures" / "bibtex" / name
        row, _ = bench_file(name.split("_")[-1].replace(".bib", ""), source, empty_data(work / name), work, REPEATS)
        rows.append(row)
        print_row(row)
    for size in sizes:
        bib, data = synthetic(work / f"synthetic-{size}", size)
        row, db = bench_file(f"synthetic {size:,}", bib, data, work, REPEATS if size <= 10_000 else 1)
        rows.append(row)
        print_row(row)
        built[size] = db
    serving = serve_timings({size: built[size] for size in sizes})
    report = {"measured_at": datetime.date.today().isoformat(), "commit": commit(), "machine": machine(),
              "repeats": REPEATS, "files": rows, "serving_seconds": serving}
    if len(serving) >= 2:
        small, large = serving[min(sizes)], serving[max(sizes)]
        report["serving_ratio_large_vs_small"] = {
            name: large[name] / small[name] if isinstance(large[name], float) and isinstance(small[name], float) else None
            for name in small}
        print("\nDatasette median response, seconds:", json.dumps(serving, indent=1))
        print("ratio", max(sizes), "vs", min(sizes), json.dumps(report["serving_ratio_large_vs_small"], indent=1))
    RESULTS_JSON.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    write_readme(report)
    print(f"\nwritten to {RESULTS_JSON} and {README}")


def print_row(row: dict) -> None:
    r = row["ratios"]
    print(f"{row['input']:>22} {row['entries']:>7} entries | raw parse {row['raw_parse']['seconds']:6.2f}s "
          f"| build {row['build']['seconds']:6.2f}s ({r['build_vs_raw_parse']:.2f}x raw) "
          f"| stock {row['stock_pipeline']['seconds']:6.2f}s ({r['stock_vs_build']:.1f}x slower than build) "
          f"| no-change {row['no_change_build']['seconds']:5.2f}s ({100 * r['no_change_vs_build']:.1f}%) "
          f"| peak {row['build']['peak_mb']:.0f} MB ({r['peak_memory_vs_raw_parse']:.2f}x raw {row['raw_parse']['peak_mb']:.0f} MB)")


def commit() -> str | None:
    """The commit measured (None outside a git checkout)."""
    result = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=REPO)
    return result.stdout.strip() or None


def machine() -> dict:
    import os
    import platform
    import sqlite3
    return {"python": platform.python_version(), "sqlite": sqlite3.sqlite_version, "cpus": os.cpu_count(),
            "platform": platform.platform()}


if __name__ == "__main__":
    main(tuple(int(size) for size in sys.argv[1:]) or (1_000, 10_000, 100_000))
