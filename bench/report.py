"""bench/README.md, written from the bench's own results (bench/results.json), never by hand.

`make bench` measures and then calls write_readme(); `python bench/report.py` rewrites the page
from the committed results alone (after a change to this file, say).
"""

import json
from pathlib import Path

BENCH = Path(__file__).resolve().parent
RESULTS_JSON = BENCH / "results.json"
README = BENCH / "README.md"

INTRO = """\
# Benchmarks

`make bench` runs `bench/bench.py`: it times `ingest build` on the two large real BibTeX exports in
`tests/fixtures/bibtex/` and on synthetic knowledge bases of several sizes (studies, claims and
links in the real data's proportions), then times Datasette's answers at each size.
It writes `bench/results.json` and this page from it, with `bench/report.py`: do not edit this
page by hand. `make bench SIZES="1000 10000"` picks the synthetic sizes.
"""

INGEST_NOTES = """\
- *Raw parse*: bibtexparser reading the file with no middleware, the least any BibTeX reader does.
- *Build*: `ingest build --force`: parse, decode LaTeX, split names, validate, write the database.
- *Stock pipeline*: bibtexparser with its own LaTeX-decoding and name-splitting middleware, run once.
- *No-change build*: `ingest build` when nothing changed since the last build (it only checks).
- *Peak memory*: the process's maximum resident set size.
"""


def render(results: dict) -> str:
    """The whole page, in Markdown, for one bench run's results."""
    return "\n".join([INTRO, measured_on(results), "## Ingest\n", ingest_table(results["files"]), INGEST_NOTES,
                      "## Serving\n", serving_table(results)])


def measured_on(results: dict) -> str:
    machine = results["machine"]
    when = f"Measured {results['measured_at']}" if results.get("measured_at") else "Measured"
    commit = f" at commit {results['commit']}" if results.get("commit") else ""
    return (f"{when}{commit} on {machine['cpus']} CPUs, {machine['platform']}, Python {machine['python']}, "
            f"SQLite {machine['sqlite']}. Each time is the median of {results['repeats']} runs, each in a fresh "
            f"process, the inputs taking turns (one run where a build takes minutes); imports count, "
            f"Python's own start-up does not.\n")


def ingest_table(files: list[dict]) -> str:
    lines = ["| Input | Entries | Raw parse | Build | Build ÷ raw | Stock pipeline | Stock ÷ build | No-change build "
             "| Peak memory of build | Peak ÷ raw |",
             "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|"]
    for row in files:
        ratios = row["ratios"]
        lines.append(
            f"| {row['input']} | {row['entries']:,} | {seconds(row['raw_parse']['seconds'])} | {seconds(row['build']['seconds'])} "
            f"| {ratios['build_vs_raw_parse']:.2f}× | {seconds(row['stock_pipeline']['seconds'])} | {ratios['stock_vs_build']:.1f}× "
            f"| {seconds(row['no_change_build']['seconds'])} | {row['build']['peak_mb']:,.0f} MB | {ratios['peak_memory_vs_raw_parse']:.2f}× |")
    return "\n".join(lines) + "\n"


def serving_table(results: dict) -> str:
    """Median response per request at each size; the ratio of the largest size to the smallest."""
    serving = results["serving_seconds"]
    sizes = sorted(serving, key=int)
    ratios = results.get("serving_ratio_large_vs_small") or {}
    header = "| Request | " + " | ".join(f"{int(size):,} studies" for size in sizes) + (" | Ratio |" if ratios else " |")
    lines = [
        "Median time of 15 requests through Datasette's own client, in-process, with the settings of "
        "`make serve` (read-only, 2 s time limit, at most 1,000 rows).\n",
        header,
        "|---|" + "--:|" * (len(sizes) + bool(ratios)),
    ]
    for request in serving[sizes[0]]:
        cells = [answer(serving[size][request]) for size in sizes]
        if ratios:
            cells.append(f"{ratios[request]:.1f}×" if ratios.get(request) is not None else "–")
        lines.append(f"| {request.replace('_', ' ')} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def answer(value) -> str:
    """A median time, or why there is none (e.g. 'HTTP 500 after 2.01s')."""
    return seconds(value) if isinstance(value, (int, float)) else str(value)


def seconds(value: float) -> str:
    if value < 1:
        return f"{value * 1000:.1f} ms"
    return f"{value:.2f} s"


def write_readme(results: dict) -> None:
    README.write_text(render(results), encoding="utf-8")


if __name__ == "__main__":
    write_readme(json.loads(RESULTS_JSON.read_text(encoding="utf-8")))
    print(f"written {README}")
