"""bench/README.md is the bench's own results rendered, never figures pasted by hand."""

import json

from bench.report import README, RESULTS_JSON, render, serving_table


def test_the_committed_page_is_the_committed_results_rendered():
    """Fails when bench/README.md was edited by hand, or results.json changed without the page."""
    results = json.loads(RESULTS_JSON.read_text(encoding="utf-8"))
    assert README.read_text(encoding="utf-8") == render(results)


def run(seconds: float, peak_mb: float) -> dict:
    return {"seconds": seconds, "peak_mb": peak_mb, "runs_seconds": [seconds]}


EXAMPLE = {
    "measured_at": "2026-01-31",
    "commit": "abc1234",
    "machine": {"python": "3.11.2", "sqlite": "3.40.1", "cpus": 2, "platform": "Linux-x86_64"},
    "repeats": 5,
    "files": [{
        "input": "synthetic 1,000", "entries": 1000,
        "stock_pipeline": {"seconds": 4.0, "peak_mb": 90.0},
        "raw_parse": run(0.5, 40.0), "build": run(1.25, 60.0), "no_change_build": run(0.0625, 30.0),
        "ratios": {"build_vs_raw_parse": 2.5, "stock_vs_build": 3.2, "no_change_vs_build": 0.05, "peak_memory_vs_raw_parse": 1.5},
    }],
    "serving_seconds": {"1000": {"search": 0.004, "treatment_page": 0.02}, "100000": {"search": 0.012, "treatment_page": "HTTP 500 after 2.01s"}},
    "serving_ratio_large_vs_small": {"search": 3.0, "treatment_page": None},
}


def test_a_hand_worked_example():
    page = render(EXAMPLE)
    assert page.startswith("# Benchmarks\n")
    assert ("Measured 2026-01-31 at commit abc1234 on 2 CPUs, Linux-x86_64, Python 3.11.2, SQLite 3.40.1. "
            "Each time is the median of 5 runs") in page
    # 0.5 s raw, 1.25 s build (2.5 times raw), 4 s stock (3.2 times the build), 62.5 ms unchanged, 60 MB (1.5 times 40 MB)
    assert "| synthetic 1,000 | 1,000 | 500.0 ms | 1.25 s | 2.50× | 4.00 s | 3.2× | 62.5 ms | 60 MB | 1.50× |\n" in page
    assert serving_table(EXAMPLE).splitlines()[2:] == [
        "| Request | 1,000 studies | 100,000 studies | Ratio |",
        "|---|--:|--:|--:|",
        "| search | 4.0 ms | 12.0 ms | 3.0× |",
        "| treatment page | 20.0 ms | HTTP 500 after 2.01s | – |",
    ]


def test_sizes_are_ordered_by_number_not_as_text():
    results = {**EXAMPLE, "serving_seconds": {"100000": {"search": 0.5}, "20000": {"search": 0.25}}, "serving_ratio_large_vs_small": None}
    assert serving_table(results).splitlines()[2:] == [
        "| Request | 20,000 studies | 100,000 studies |",
        "|---|--:|--:|",
        "| search | 250.0 ms | 500.0 ms |",
    ]
