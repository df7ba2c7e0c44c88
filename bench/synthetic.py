"""Knowledge bases made up for the bench, of any size, in the real data's proportions."""

import random
import shutil
from pathlib import Path


def empty_data(root: Path) -> Path:
    data = root / "data"
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir(parents=True)
    for name in ["sources", "conditions", "treatments", "studies"]:
        (data / f"{name}.yml").write_text("", encoding="utf-8")
    (data / "claims").mkdir(exist_ok=True)
    return data


def word(number: int) -> str:
    """A made-up word for a number (0 -> "ba", 1 -> "be", ...), so each topic is its own search term."""
    letters = ""
    while True:
        number, digit = divmod(number, 25)
        letters += "bcdfghjklmnpqrstvwxyz"[digit % 21] + "aeiou"[digit % 5]
        if not number:
            return letters


def synthetic(root: Path, studies: int, seed: int = 1) -> tuple[Path, Path]:
    """A knowledge base of `studies` references with everything else in the real data's proportions.

    The real data has 63 studies, 84 claims, 150 links, 33 treatments and 2 source articles of about
    40 claims each. A larger library covers more treatments and more articles rather than piling
    every claim onto 30 treatments, so each treatment keeps a few claims and each article its length;
    a search topic (a made-up word) is shared by about 40 claims and 30 studies at every size.
    """
    chance = random.Random(seed)
    shutil.rmtree(root / "data", ignore_errors=True)  # what an earlier run (or layout) left would be read too
    claims = studies * 84 // 63
    treatments, sources, topics = max(30, claims * 33 // 84), max(1, claims // 42), max(1, claims // 40)
    data = root / "data"
    (data / "sources").mkdir(parents=True, exist_ok=True)
    accents = [r"\'e", r"\"o", r"{\ss}", "--", "{PRP}", r"\&", ""]
    with open(root / "references.bib", "w", encoding="utf-8") as bib:
        for i in range(studies):
            bib.write(f"@article{{s{i},\n  author = {{Family{i}, Given and M{chance.randrange(999)}ller, J{accents[i % 7]}rg and Other, A.}},\n"
                      f"  title = {{Study {i} of {word(i % topics)} for knee pain {accents[i % 7]} and running {chance.randrange(10**6)}}},\n"
                      f"  journal = {{Journal {i % 50}}},\n  year = {{{1990 + i % 35}}},\n  volume = {{{i % 60}}},\n"
                      f"  pages = {{{i % 900}--{i % 900 + 9}}},\n  doi = {{10.5555/s{i}}}\n}}\n\n")
    quotes = [f"Claim number {i} says {word(i % topics)} running helps knees {chance.randrange(10**6)}." for i in range(claims)]
    with open(data / "sources.yml", "w", encoding="utf-8") as file:
        for n in range(sources):
            (data / "sources" / f"source{n}.txt").write_text(" ".join(quotes[n::sources]), encoding="utf-8")
            file.write(f"- id: source{n}\n  title: Source {n}\n  kind: blog\n  text_file: sources/source{n}.txt\n")
    (data / "conditions.yml").write_text("- id: pfps\n  name: PFPS\n", encoding="utf-8")
    treatment_rows = (f"- id: t{i}\n  name: Treatment {word(i)}\n  category: exercise\n" for i in range(treatments))
    (data / "treatments.yml").write_text("".join(treatment_rows), encoding="utf-8")
    with open(data / "studies.yml", "w", encoding="utf-8") as file:
        for i in range(studies):
            file.write(f"- key: s{i}\n  design: rct\n  evidence_level: 2\n  population: {i} runners\n  condition: pfps\n  metadata_status: verified\n")
    (data / "claims").mkdir(exist_ok=True)
    for n in range(sources):  # one file per source article, as curators keep them
        with open(data / "claims" / f"source{n}.yml", "w", encoding="utf-8") as file:
            for i in range(n, claims, sources):
                write_claim(file, i, quotes[i], sources, topics, treatments, studies, chance)
    return root / "references.bib", data


def write_claim(file, i: int, quote: str, sources: int, topics: int, treatments: int, studies: int, chance: random.Random) -> None:
    """Claim number i, with one or two evidence links to random studies."""
    file.write(f"- id: c{i}\n  source: source{i % sources}\n  quote: \"{quote}\"\n  text: {word(i % topics).title()} running helps knees {i}.\n"
               f"  claim_type: treatment-benefit\n  condition: pfps\n  treatments: [t{i % treatments}]\n  evidence:\n")
    for key in sorted({chance.randrange(studies) for _ in range(2 if i % 5 else 1)}):
        relation, result = chance.choice([("supports", "benefit"), ("contradicts", "no-benefit"), ("mixed", "inconclusive")])
        horizon = chance.choice(["short-term", "medium-term", "long-term"])
        file.write(f"    - study: s{key}\n      relation: {relation}\n      directness: direct\n      finding: Found {key}.\n"
                   f"      tested: [t{i % treatments}]\n      comparator: placebo-sham\n      result: {result}\n"
                   f"      outcome: pain\n      horizon: {horizon}\n")
