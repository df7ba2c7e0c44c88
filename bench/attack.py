"""Normal pages under load, with and without attackers: `make bench-attack`.

Serves a build of the repository's data as `make serve` does (a real `datasette serve` process,
its settings read from the Makefile), then runs twice for the same time: 20 clients that loop over
the pages readers open, alone, and with 3 attackers that loop over the worst SQL we know (each of
them either refused at once by ingest/web/limits.py or running into the time limit). Prints the
median and 95th percentile of the readers' response times and their throughput, side by side.
"""

import json
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SECONDS = 20
READERS, ATTACKERS = 20, 3
PAGES = ["/", "/treatment/prp", "/treatment/foot-orthoses", "/claim/ortho-orthoses-only-temporary", "/evidence-map",
         "/evidence/evidence_for_treatment.json?treatment=prp", "/evidence/search.json?q=knee"]
# What attackers send: builds of huge values (refused), and the longest work SQLite can be given
# between two checks of the time limit.
WORST_SQL = [
    "select length(printf('%.*c', 2000000000, 'x'))",
    "select zeroblob(500000000)",
    "with recursive r(i) as (select 1 union all select i + 1 from r where i < 1000000000) select count(*) from r",
    "with recursive r(i) as (select 1 union all select i + 1 from r where i < 100) "
    "select instr(hex(zeroblob(199000)), hex(zeroblob(99000)) || 'x') from r",
    "select count(*) from claim_evidence a, claim_evidence b, claim_evidence c, claim_evidence d",
]


def serve(db: Path) -> tuple[subprocess.Popen, str]:
    settings = re.findall(r"--setting (\w+) (\S+)", (REPO / "Makefile").read_text(encoding="utf-8"))
    port = 8765
    process = subprocess.Popen(
        [sys.executable, "-m", "datasette", "serve", "--immutable", str(db), "--metadata", str(REPO / "metadata.yml"),
         "--host", "127.0.0.1", "--port", str(port), *[arg for name, value in settings for arg in ("--setting", name, value)]],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(url + "/-/versions.json", timeout=1).read()
            return process, url
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("datasette did not start")


def get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


def run(url: str, attackers: int) -> dict:
    stop = time.monotonic() + SECONDS
    times, statuses, attacks, by_page, by_attack = [], [], [], {}, {}

    def reader(number: int):
        request = number
        while time.monotonic() < stop:
            started = time.perf_counter()
            statuses.append((PAGES[request % len(PAGES)], get(url + PAGES[request % len(PAGES)])))
            times.append(time.perf_counter() - started)
            by_page.setdefault(PAGES[request % len(PAGES)], []).append(times[-1])
            request += 1

    def attacker(number: int):
        request = number
        while time.monotonic() < stop:
            sql = WORST_SQL[request % len(WORST_SQL)]
            started = time.perf_counter()
            attacks.append(get(f"{url}/evidence.json?" + urllib.parse.urlencode({"sql": sql})))
            by_attack.setdefault(request % len(WORST_SQL), []).append((attacks[-1], round(time.perf_counter() - started, 2)))
            request += 1

    threads = [threading.Thread(target=reader, args=(n,)) for n in range(READERS)]
    threads += [threading.Thread(target=attacker, args=(n,)) for n in range(attackers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ordered = sorted(times)
    return {
        "requests": len(times), "per_second": round(len(times) / SECONDS, 1),
        "median_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))] * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
        "failed": sum(status != 200 for _, status in statuses),
        "failures": sorted({f"{page}: HTTP {status}" for page, status in statuses if status != 200}),
        "attacks": len(attacks), "attack_statuses": {str(s): attacks.count(s) for s in sorted(set(attacks))},
        "page_p95_ms": {page: round(sorted(t)[int(0.95 * (len(t) - 1))] * 1000, 1) for page, t in by_page.items()},
        "attack_answers": {str(n): answers[:4] for n, answers in sorted(by_attack.items())},
    }


def main() -> None:
    with tempfile.TemporaryDirectory() as work:
        db = Path(work) / "evidence.db"
        subprocess.run([sys.executable, "-m", "ingest", "build", "--db", str(db)], cwd=REPO, check=True, capture_output=True)
        process, url = serve(db)
        try:
            results = {"readers alone": run(url, 0), f"readers and {ATTACKERS} attackers": run(url, ATTACKERS)}
        finally:
            process.terminate()
            process.wait()
    print(f"{READERS} readers for {SECONDS} s each run, pages: {', '.join(PAGES)}")
    for name, result in results.items():
        print(f"{name:>26}: {result['requests']} requests, {result['per_second']}/s, median {result['median_ms']} ms, "
              f"p95 {result['p95_ms']} ms, max {result['max_ms']} ms, {result['failed']} failed {result['failures'] or ''}"
              + (f"; {result['attacks']} attacks answered {result['attack_statuses']}" if result["attacks"] else ""))
    alone, attacked = results.values()
    print(f"p95 with attackers / alone: {attacked['p95_ms'] / alone['p95_ms']:.1f}x")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
