"""Checks that need more than one file: ids that point nowhere, quotes not in their article,
references that the knowledge base uses without a title or a year."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from ingest.check.entries import Checked, level_problems
from ingest.check.evidence_links import link_problems
from ingest.problems import InputError, Problem
from ingest.read.bibtex import Reference, is_pmid
from ingest.read.text import read_text

if TYPE_CHECKING:
    from ingest.check.models import Claim


def cross_file_problems(bib_path: Path, data_dir: Path, references: list[Reference], checked: dict, known: dict,
                        source_texts: dict[str, str]) -> list[Problem]:
    """Problems that need more than one file: ids that point nowhere, quotes not in their source.

    `known` holds each file's ids (those of invalid entries too), or None for a file that could not
    be read, so that one mistake is reported once and not again by every reference to it.
    """
    bib = {reference.key: reference for reference in references}
    problems = []
    problems += _study_problems(data_dir / "studies.yml", checked["studies.yml"], known)
    problems += _claim_problems(checked["claims"], known)
    problems += _quote_problems(source_texts, checked["claims"])
    problems += _certainty_problems(data_dir / "certainty.yml", checked.get("certainty.yml", []), known)
    used = {c.record.key for c in checked["studies.yml"]}
    used |= {link.study for c in checked["claims"] for link in c.record.evidence}
    problems += _reference_problems(bib_path, [bib[key] for key in sorted(used) if key in bib])
    return problems


def _unknown(known: dict, name: str, value) -> bool:
    """True when `value` is surely not an id in file `name` (False when that file was unreadable)."""
    return known[name] is not None and value not in known[name]


def _study_problems(path: Path, studies: list[Checked], known: dict) -> list[Problem]:
    problems = []
    for study, entry in ((c.record, c.entry) for c in studies):
        label = f"study '{study.key}'"
        if _unknown(known, "references.bib", study.key):
            problems.append(Problem(str(path), entry.line_of(("key",)), f"{label} is not in references.bib: add the reference there, or fix the citekey"))
        if study.condition and _unknown(known, "conditions.yml", study.condition):
            message = f"{label}: unknown condition '{study.condition}': add it to conditions.yml, or use one of its ids"
            problems.append(Problem(str(path), entry.line_of(("condition",)), message))
        problems += level_problems(path, study, entry)
    return problems


def _claim_problems(claims: list[Checked], known: dict) -> list[Problem]:
    problems = []
    for checked in claims:
        claim, entry = checked.record, checked.entry
        problems += [
            Problem(str(checked.path), entry.line_of(loc), f"claim '{claim.id}': {message}")
            for loc, message in _claim_reference_problems(claim, known)
        ]
    return problems


def _claim_reference_problems(claim: Claim, known: dict) -> list[tuple[tuple, str]]:
    """(field path, message) for each id in a claim that points nowhere or is repeated."""
    found = []
    if _unknown(known, "sources.yml", claim.source):
        found.append((("source",), f"unknown source '{claim.source}': add it to sources.yml, or use one of its ids"))
    if _unknown(known, "conditions.yml", claim.condition):
        found.append((("condition",), f"unknown condition '{claim.condition}': add it to conditions.yml, or use one of its ids"))
    for index, treatment in enumerate(claim.treatments):
        if _unknown(known, "treatments.yml", treatment):
            found.append((("treatments", index), f"unknown treatment '{treatment}': add it to treatments.yml, or use one of its ids"))
        elif treatment in claim.treatments[:index]:
            found.append((("treatments", index), f"lists treatment '{treatment}' twice: remove one"))
    for index, tag in enumerate(claim.tags):
        if tag in claim.tags[:index]:
            found.append((("tags", index), f"lists tag '{tag}' twice: remove one"))
    for index, link in enumerate(claim.evidence):
        where = ("evidence", index, "study")
        if _unknown(known, "references.bib", link.study):
            found.append((where, f"unknown citekey '{link.study}': add the reference to references.bib, or fix the key"))
        elif _unknown(known, "studies.yml", link.study):
            found.append((where, f"study '{link.study}' has no appraisal: add an entry with key: {link.study} to studies.yml"))
    treatments_known = not any(_unknown(known, "treatments.yml", treatment) for treatment in claim.treatments)
    return found + link_problems(claim, treatments_known)


def _certainty_problems(path: Path, ratings: list[Checked], known: dict) -> list[Problem]:
    problems = []
    for rating, entry in ((c.record, c.entry) for c in ratings):
        label = f"certainty for {rating.key}"
        if _unknown(known, "treatments.yml", rating.treatment):
            message = f"{label}: unknown treatment '{rating.treatment}': add it to treatments.yml, or use one of its ids"
            problems.append(Problem(str(path), entry.line_of(("treatment",)), message))
        if rating.source and _unknown(known, "studies.yml", rating.source):
            message = f"{label}: unknown study '{rating.source}': use the key of the review the judgement comes from"
            problems.append(Problem(str(path), entry.line_of(("source",)), message))
    return problems


SOURCE_TEXTS = "sources"  # the folder of data/ that holds the copies of the source articles


def read_source_texts(data_dir: Path, sources: list[Checked], problems: list[Problem]) -> dict[str, str]:
    """The text of each source article that has a text_file, by source id."""
    texts = {}
    for source, entry in ((c.record, c.entry) for c in sources):
        if not source.text_file:
            continue
        label = f"source '{source.id}': text_file {source.text_file}"
        where = (str(data_dir / "sources.yml"), entry.line_of(("text_file",)))
        if not _inside(data_dir / SOURCE_TEXTS, data_dir / source.text_file):
            # its text goes into the published database: only the article copies may be read
            problems.append(Problem(*where, f"{label}: is not in data/{SOURCE_TEXTS}/: put the article's copy there"))
            continue
        try:
            texts[source.id] = read_text(data_dir / source.text_file)
        except InputError as error:
            problems.append(Problem(*where, f"{label}: {error.problems[0].message}"))
    return texts


def _inside(folder: Path, path: Path) -> bool:
    """Whether path, once `..` and symbolic links are resolved, lies under folder."""
    return path.resolve().is_relative_to(folder.resolve())


def _quote_problems(texts: dict[str, str], claims: list[Checked]) -> list[Problem]:
    """Each claim's quote must appear verbatim (whitespace aside) in its source's text file."""
    normalised = {source_id: normalise_space(text) for source_id, text in texts.items()}
    problems = []
    for claim, entry, path in ((c.record, c.entry, c.path) for c in claims):
        if claim.source in normalised and normalise_space(claim.quote) not in normalised[claim.source]:
            message = f"claim '{claim.id}': quote is not in the source's text file: copy it exactly from the article"
            problems.append(Problem(str(path), entry.line_of(("quote",)), message))
    return problems


def normalise_space(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _reference_problems(bib_path: Path, used: list[Reference]) -> list[Problem]:
    """Studies the knowledge base uses need a title and a year, and names that can be read; unused
    entries may be incomplete (what reading could not make sense of is then only a warning)."""
    problems = []
    for reference in used:
        problems += [Problem(str(bib_path), reference.line, f"entry '{reference.key}': {fault}") for fault in reference.faults]
        if "title" not in reference.fields:
            problems.append(Problem(str(bib_path), reference.line, f"entry '{reference.key}' has no title: add a title field"))
        if reference.year is None:
            message = f"entry '{reference.key}' has no usable year: add year = {{YYYY}} with the four-digit year"
            problems.append(Problem(str(bib_path), reference.line, message))
        pmid = reference.fields.get("pmid")
        if pmid is not None and not is_pmid(pmid):
            message = f"entry '{reference.key}' has pmid '{pmid}', which is not a PubMed id: write its digits only, or remove the field"
            problems.append(Problem(str(bib_path), reference.line, message))
    return problems
