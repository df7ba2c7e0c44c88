"""Counts of the differential test (the project's reading against pybtex's): per kind and per file.

    .venv/bin/python -m bench.differential_report               # compares every corpus file now (about 20 s)
    .venv/bin/python -m bench.differential_report --expected    # the counts in the checked-in expectations file
    .venv/bin/python -m bench.differential_report --examples 3  # with 3 examples of each kind
    .venv/bin/python -m bench.differential_report --write       # rewrites tests/fixtures/bibtex/differential_expected.json

After a fix to the reading stage, --write records what changed (git diff shows which disagreements
went away); a disagreement of kind "unexplained" needs a rule or a hand-checked entry in
bench/differential_kinds.py before tests/test_differential.py passes.
"""

import argparse
import json
import logging
from collections import Counter

from bench.differential import EXPECTED, corpus_comparison, corpus_files, expectations
from bench.differential_kinds import KINDS, UNEXPLAINED


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--expected", action="store_true", help="count the checked-in expectations instead of comparing now")
    parser.add_argument("--examples", type=int, default=0, metavar="N", help="show N examples of each kind (compares now)")
    parser.add_argument("--write", action="store_true", help="rewrite the expectations file from a comparison now")
    args = parser.parse_args()
    logging.getLogger("bibtexparser").setLevel(logging.ERROR)
    if args.expected:
        outcome = json.loads(EXPECTED.read_text(encoding="utf-8"))
        comparisons = None
    else:
        comparisons = [corpus_comparison(name) for name in corpus_files()]
        outcome = expectations(comparisons)
    print(report(outcome))
    if args.examples and comparisons:
        print(examples(comparisons, args.examples))
    if args.write and comparisons:
        EXPECTED.write_text(json.dumps(outcome, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"wrote {EXPECTED}")
    unexplained = sum(len(keys) for file in outcome["files"].values() for kinds in file["disagreements"].values()
                      for kind, keys in kinds.items() if kind == UNEXPLAINED)
    if unexplained:
        print(f"{unexplained} disagreements are unexplained: sort them (bench/differential_kinds.py) before the test can pass")
    return 1 if unexplained else 0


def report(outcome: dict) -> str:
    files = outcome["files"]
    by_kind, files_by_kind, lines = Counter(), Counter(), []  # disagreements, and files, per kind
    lines += ["| file | entries | fields | disagreements | the project's faults |", "| --- | ---: | ---: | ---: | ---: |"]
    for name, file in files.items():
        counts = Counter()
        for kinds in file["disagreements"].values():
            counts.update({kind: len(keys) for kind, keys in kinds.items()})
        by_kind.update(counts)
        files_by_kind.update(counts.keys())
        ours = sum(count for kind, count in counts.items() if _owner(kind, outcome))
        refused = " (refused as it is)" if file.get("refused") else ""
        lines.append(f"| {name}{refused} | {file['entries']:,} | {file['fields']:,} | {sum(counts.values()):,} | {ours:,} |")
    lines += ["", "| kind | owner | disagreements | files |", "| --- | --- | ---: | ---: |"]
    for kind, count in sorted(by_kind.items(), key=lambda item: (not _owner(item[0], outcome), -item[1], item[0])):
        lines.append(f"| {kind} | {_owner(kind, outcome) or 'deliberate'} | {count:,} | {files_by_kind[kind]} |")
    ours = sum(count for kind, count in by_kind.items() if _owner(kind, outcome))
    lines += ["", f"{len(files)} files, {sum(file['entries'] for file in files.values()):,} entries and "
              f"{sum(file['fields'] for file in files.values()):,} fields compared; {sum(by_kind.values()):,} disagreements: "
              f"{ours:,} the project's faults, {sum(by_kind.values()) - ours:,} deliberate"]
    return "\n".join(lines)


def _owner(kind: str, outcome: dict) -> str:
    return outcome["kinds"].get(kind, {}).get("owner", "") or ""


def examples(comparisons: list, count: int) -> str:
    lines, shown = [], Counter()
    for comparison in comparisons:
        for each in comparison.disagreements:
            if shown[each.kind] < count:
                shown[each.kind] += 1
                lines.append(f"{each.kind}: {comparison.name} {each.key} {each.field}\n    ours:   {each.ours[:300]!r}\n"
                             f"    pybtex: {each.pybtex[:300]!r}")
    return "\n".join(sorted(lines, key=lambda line: (line.split(":")[0] not in KINDS or not KINDS[line.split(":")[0]].owner, line)))


if __name__ == "__main__":
    raise SystemExit(main())
