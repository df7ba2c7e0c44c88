"""Checks that need more than one file: ids that point nowhere, quotes not in their article,
references that the knowledge base uses without a title or a year."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ingest.check.entries import Checked, level_problems
from ingest.check.evidence_links import link_problems
from ingest.check.suggest import ArticleText, KnownIds
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
    ids = known_ids(references, checked, known)
    problems = []
    problems += _study_problems(data_dir / "studies.yml", checked["studies.yml"], ids)
    problems += _claim_problems(checked["claims"], ids)
    problems += _quote_problems(source_texts, checked["claims"])
    problems += _certainty_problems(data_dir / "certainty.yml", checked.get("certainty.yml", []), ids)
    used = {c.record.key for c in checked["studies.yml"]}
    used |= {link.study for c in checked["claims"] for link in c.record.evidence}
    problems += _reference_problems(bib_path, [bib[key] for key in sorted(used) if key in bib])
    return problems


def known_ids(references: list[Reference], checked: dict, known: dict) -> dict[str, KnownIds | None]:
    """Each file's ids, with the names curators know them by for saying which id was meant (made
    only if one is unknown); None for a file that could not be read."""
    def titles() -> dict[str, list[str]]:
        return {r.key: [r.fields["title"]] if "title" in r.fields else [] for r in references}

    def names_of(file: str, *fields: str) -> Callable[[], dict[str, list[str]]]:
        def names() -> dict[str, list[str]]:
            return {c.record.id: [n for field in fields for n in _as_list(getattr(c.record, field))] for c in checked[file]}
        return names

    def studies() -> dict[str, list[str]]:
        every_title = titles()
        return {c.record.key: every_title.get(c.record.key, []) for c in checked["studies.yml"]}

    makers = {
        "references.bib": titles,
        "studies.yml": studies,
        "sources.yml": names_of("sources.yml", "title"),
        "conditions.yml": names_of("conditions.yml", "name", "aliases"),
        "treatments.yml": names_of("treatments.yml", "name", "synonyms"),
    }
    return {file: None if known[file] is None else KnownIds(make, known[file]) for file, make in makers.items()}


def _as_list(value) -> list:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _unknown(ids: dict, name: str, value) -> bool:
    """True when `value` is surely not an id in file `name` (False when that file was unreadable)."""
    return ids[name] is not None and value not in ids[name]


def _unknown_id(what: str, value: str, ids: KnownIds, file: str) -> str:
    """An id of sources.yml, conditions.yml or treatments.yml that points nowhere: the ids it may
    have meant, and all of them when there are few."""
    listing = ids.listing()
    return (f"unknown {what} '{value}': {ids.did_you_mean(value)}add it to {file}, or use one of its ids"
            + (f": {listing}" if listing else ""))


def _unknown_key(value: str, ids: KnownIds, add: str, fix: str) -> str:
    """How to mend a citekey that is not in references.bib: the keys it may have meant first."""
    listing = ids.listing()
    return f"{ids.did_you_mean(value)}{add}, or " + (f"use one of its keys: {listing}" if listing else fix)


def _study_problems(path: Path, studies: list[Checked], ids: dict) -> list[Problem]:
    problems = []
    for checked in studies:
        study = checked.record
        label = f"study '{study.key}'"
        if _unknown(ids, "references.bib", study.key):
            mend = _unknown_key(study.key, ids["references.bib"], "add the reference there", "fix the citekey")
            problems.append(Problem(str(path), checked.line_of(("key",)), f"{label} is not in references.bib: {mend}"))
        if study.condition and _unknown(ids, "conditions.yml", study.condition):
            message = f"{label}: {_unknown_id('condition', study.condition, ids['conditions.yml'], 'conditions.yml')}"
            problems.append(Problem(str(path), checked.line_of(("condition",)), message))
        problems += level_problems(checked)
    return problems


def _claim_problems(claims: list[Checked], ids: dict) -> list[Problem]:
    problems = []
    for checked in claims:
        claim = checked.record
        problems += [
            Problem(str(checked.path), checked.line_of(loc), f"claim '{claim.id}': {message}")
            for loc, message in _claim_reference_problems(claim, ids)
        ]
    return problems


def _claim_reference_problems(claim: Claim, ids: dict) -> list[tuple[tuple, str]]:
    """(field path, message) for each id in a claim that points nowhere or is repeated."""
    found = []
    if _unknown(ids, "sources.yml", claim.source):
        found.append((("source",), _unknown_id("source", claim.source, ids["sources.yml"], "sources.yml")))
    if _unknown(ids, "conditions.yml", claim.condition):
        found.append((("condition",), _unknown_id("condition", claim.condition, ids["conditions.yml"], "conditions.yml")))
    for index, treatment in enumerate(claim.treatments):
        if _unknown(ids, "treatments.yml", treatment):
            found.append((("treatments", index), _unknown_id("treatment", treatment, ids["treatments.yml"], "treatments.yml")))
        elif treatment in claim.treatments[:index]:
            found.append((("treatments", index), f"lists treatment '{treatment}' twice: remove one"))
    for index, tag in enumerate(claim.tags):
        if tag in claim.tags[:index]:
            found.append((("tags", index), f"lists tag '{tag}' twice: remove one"))
    for index, link in enumerate(claim.evidence):
        where = ("evidence", index, "study")
        if _unknown(ids, "references.bib", link.study):
            mend = _unknown_key(link.study, ids["references.bib"], "add the reference to references.bib", "fix the key")
            found.append((where, f"unknown citekey '{link.study}': {mend}"))
        elif _unknown(ids, "studies.yml", link.study):
            found.append((where, f"study '{link.study}' has no appraisal: add an entry with key: {link.study} to studies.yml"))
    treatments_known = not any(_unknown(ids, "treatments.yml", treatment) for treatment in claim.treatments)
    return found + [_tested_meant(claim, loc, message, ids["treatments.yml"]) for loc, message in link_problems(claim, treatments_known)]


def _tested_meant(claim: Claim, loc: tuple, message: str, treatments: KnownIds | None) -> tuple[tuple, str]:
    """A link's tested treatment that the claim does not name, with the one of the claim's it may
    have meant. (The message is evidence_links.py's; only here are the treatments' names known.)"""
    if len(loc) != 4 or loc[2] != "tested" or ": use one of " not in message:
        return loc, message
    value = claim.evidence[loc[1]].tested[loc[3]]
    named = KnownIds({t: treatments.names.get(t, []) if treatments else [] for t in claim.treatments})
    head, _, choices = message.rpartition(": use one of ")
    return loc, f"{head}: {named.did_you_mean(value)}use one of {choices}"


def _certainty_problems(path: Path, ratings: list[Checked], ids: dict) -> list[Problem]:
    problems = []
    for checked in ratings:
        rating = checked.record
        label = f"certainty for {rating.key}"
        if _unknown(ids, "treatments.yml", rating.treatment):
            message = f"{label}: {_unknown_id('treatment', rating.treatment, ids['treatments.yml'], 'treatments.yml')}"
            problems.append(Problem(str(path), checked.line_of(("treatment",)), message))
        if rating.source and _unknown(ids, "studies.yml", rating.source):
            studies = ids["studies.yml"]
            listing = studies.listing()
            message = (f"{label}: unknown study '{rating.source}': {studies.did_you_mean(rating.source)}"
                       "use the key of the review the judgement comes from" + (f": one of {listing}" if listing else ""))
            problems.append(Problem(str(path), checked.line_of(("source",)), message))
    return problems


SOURCE_TEXTS = "sources"  # the folder of data/ that holds the copies of the source articles


def read_source_texts(data_dir: Path, sources: list[Checked], problems: list[Problem]) -> dict[str, str]:
    """The text of each source article that has a text_file, by source id."""
    texts = {}
    for checked in sources:
        source = checked.record
        if not source.text_file:
            continue
        label = f"source '{source.id}': text_file {source.text_file}"
        if not _inside(data_dir / SOURCE_TEXTS, data_dir / source.text_file):
            # its text goes into the published database: only the article copies may be read
            problems.append(Problem(str(checked.path), checked.line_of(("text_file",)),
                                    f"{label}: is not in data/{SOURCE_TEXTS}/: put the article's copy there"))
            continue
        try:
            texts[source.id] = read_text(data_dir / source.text_file)
        except InputError as error:
            problems.append(Problem(str(checked.path), checked.line_of(("text_file",)), f"{label}: {error.problems[0].message}"))
    return texts


def _inside(folder: Path, path: Path) -> bool:
    """Whether path, once `..` and symbolic links are resolved, lies under folder."""
    return path.resolve().is_relative_to(folder.resolve())


def _quote_problems(texts: dict[str, str], claims: list[Checked]) -> list[Problem]:
    """Each claim's quote must appear verbatim (whitespace aside) in its source's text file."""
    normalised = {source_id: normalise_space(text) for source_id, text in texts.items()}
    articles: dict[str, ArticleText] = {}  # made only for a source with a quote that is not in it
    problems = []
    for checked in claims:
        claim = checked.record
        quote = normalise_space(claim.quote)
        if claim.source in normalised and quote not in normalised[claim.source]:
            if claim.source not in articles:
                articles[claim.source] = ArticleText(normalised[claim.source])
            article = articles[claim.source]
            problems.append(Problem(str(checked.path), checked.line_of(("quote",)), f"claim '{claim.id}': {article.where_quote_differs(quote)}"))
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
