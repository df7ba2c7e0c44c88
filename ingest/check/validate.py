"""Read every input and check it, collecting all problems before giving up."""

from __future__ import annotations

import gc
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ingest.check import vocabulary as v
from ingest.read.bibtex import Reference, parse_bibtex, year_of
from ingest.problems import InputError, Problem, read_text
from ingest.read.yamlfile import Entry, Items, read_yaml_list

if TYPE_CHECKING:  # the models are imported only to check entries
    from pydantic import BaseModel

    from ingest.check.models import Claim, Condition, Source, Study, Treatment


# The curated YAML files, the model of their entries (a class in ingest/models.py, loaded only
# when there are entries to check) and the field that identifies an entry.
DATA_FILES = {
    "sources.yml": ("Source", "id"),
    "conditions.yml": ("Condition", "id"),
    "treatments.yml": ("Treatment", "id"),
    "studies.yml": ("Study", "key"),
    "claims.yml": ("Claim", "id"),
}


@dataclass(frozen=True)
class Inputs:
    """Everything the database is built from, after validation."""

    references: list[Reference]
    sources: list[Source]
    conditions: list[Condition]
    treatments: list[Treatment]
    studies: list[Study]
    claims: list[Claim]
    source_texts: dict = field(default_factory=dict)  # source id -> the article's text, from data/sources/
    enrichment: dict = field(default_factory=dict)  # citekey -> Enrichment, from data/enrichment/
    warnings: list = field(default_factory=list)  # Problems that do not stop a build


@dataclass(frozen=True)
class Checked:
    """A validated record with the YAML entry it came from (for the lines of later problems)."""

    record: BaseModel
    entry: Entry


@contextmanager
def _garbage_collection_paused():
    """Reading makes millions of objects that live until the database is built. Python's cyclic
    garbage collector would scan them again and again, which took 45% of a 10,000-study build;
    paused, it collects the few reference cycles (pylatexenc's, left by its end-of-text exception)
    once afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@_garbage_collection_paused()
def read_inputs(bib_path: Path, data_dir: Path) -> Inputs:
    """Parse and validate references.bib and the YAML files; raise InputError with every problem."""
    problems: list[Problem] = []
    # Known ids include those of invalid entries, and are None for an unreadable file, so that one
    # mistake is reported once and not again by every reference to it.
    known: dict[str, set | None] = {}
    references, bib_problems, failed_keys = _collect(problems, parse_bibtex, bib_path) or ([], [], None)
    problems += bib_problems
    known["references.bib"] = None if failed_keys is None else failed_keys | {r.key for r in references}
    checked = {}
    for name, (model_name, id_field) in DATA_FILES.items():
        path = data_dir / name
        entries = _collect(problems, read_yaml_list, path)
        checked[name] = check_entries(path, entries or [], model_name, id_field, problems)
        known[name] = None if entries is None else {e.get(id_field) for e in entries if isinstance(e, Entry)}
    source_texts = read_source_texts(data_dir, checked["sources.yml"], problems)
    problems += cross_file_problems(bib_path, data_dir, references, checked, known, source_texts)
    if problems:
        raise InputError(problems)
    records = {name: [c.record for c in items] for name, items in checked.items()}
    enrichment, cache_warnings = cached_enrichment(references, data_dir / "enrichment")
    return Inputs(
        source_texts=source_texts,
        enrichment=enrichment,
        warnings=enrichment_warnings(bib_path, references, enrichment, cache_warnings),
        references=references,
        sources=records["sources.yml"],
        conditions=records["conditions.yml"],
        treatments=records["treatments.yml"],
        studies=records["studies.yml"],
        claims=records["claims.yml"],
    )


def cached_enrichment(references: list[Reference], folder: Path) -> tuple[dict, list]:
    """What the enrichment cache in folder says about each reference, and warnings about the cache."""
    if not folder.is_dir():
        return {}, []
    from ingest.enrich.resolve import from_cache  # the enrichment code is loaded only when there is a cache

    return from_cache(references, folder)


def _collect(problems: list[Problem], read, path: Path):
    try:
        return read(path)
    except InputError as error:
        problems.extend(error.problems)
        return None


def check_entries(path: Path, entries: list, model_name: str, id_field: str, problems: list) -> list[Checked]:
    """Validate each YAML entry against its model; report bad fields and duplicate ids."""
    if not entries:
        return []  # pydantic takes a tenth of a second to load: not for an empty file
    from pydantic import ValidationError

    from ingest.check import models

    model = getattr(models, model_name)

    checked, first_line_of = [], {}
    for index, entry in enumerate(entries):
        if not isinstance(entry, Entry):
            line = entries.item_lines[index] if isinstance(entries, Items) else None
            problems.append(Problem(str(path), line, f"entry {index + 1} is not a mapping: write it as 'field: value' lines"))
            continue
        label = _label(model, entry, id_field)
        try:
            record = model.model_validate(entry)
        except ValidationError as error:
            problems += [Problem(str(path), entry.line_of(e["loc"]), f"{label}: {explain(e, model)}") for e in error.errors()]
            continue
        identity = getattr(record, id_field)
        if identity in first_line_of:
            message = f"{label}: duplicate {id_field} (first used at line {first_line_of[identity]}): make each {id_field} unique"
            problems.append(Problem(str(path), entry.line_of((id_field,)), message))
            continue
        first_line_of[identity] = entry.line
        checked.append(Checked(record, entry))
    return checked


def _label(model: type[BaseModel], entry: Entry, id_field: str) -> str:
    identity = entry.get(id_field)
    name = model.__name__.lower()
    return f"{name} '{identity}'" if isinstance(identity, str) else f"{name} at line {entry.line}"


def explain(error: dict, model: type[BaseModel]) -> str:
    """Turn one pydantic error into a sentence that says what is wrong and how to fix it."""
    field = _field_path(error["loc"])
    kind, value, context = error["type"], error.get("input"), error.get("ctx") or {}
    if kind == "missing":
        return f"missing required field '{field}': add it"
    if kind == "extra_forbidden":
        allowed = ", ".join(_model_at(model, error["loc"][:-1]).model_fields)
        return f"unknown field '{field}': remove it or fix its spelling (fields: {allowed})"
    if value is None:
        return f"'{field}' is empty: fill it in or remove the line"
    if kind == "literal_error":
        return f"{field} '{value}' is not allowed: use one of {context['expected']}"
    if kind == "string_pattern_mismatch" and error["loc"][-1] == "published":
        return f"{field} '{value}' is not a date: write YYYY-MM-DD, or YYYY-MM or YYYY when that is all the article gives"
    if kind == "string_pattern_mismatch":
        return f"{field} '{value}' is not a valid id: use lowercase letters, digits and hyphens, e.g. 'knee-pain'"
    if kind == "string_too_short":
        return f"'{field}' is empty: fill it in or remove the line"
    if kind in ("greater_than_equal", "less_than_equal"):
        return f"{field} is {value}: it must be {_bound(kind, context)}"
    fixes = {
        "string_type": "must be text (put it in quotes)",
        "int_type": "must be a whole number",
        "bool_type": "must be true or false",
        "list_type": "must be a list, e.g. [a, b] or lines starting with '- '",
        "date_type": "must be a date written YYYY-MM-DD",
        "model_type": "must be a mapping of 'field: value' lines",
        "dict_type": "must be a mapping of 'field: value' lines",
    }
    if kind in fixes:
        return f"{field} {fixes[kind]}, not {_show(value)}"
    return f"{field}: {error['msg']}"


def _field_path(loc: tuple) -> str:
    path = ""
    for step in loc:
        path += f"[{step}]" if isinstance(step, int) else (f".{step}" if path else str(step))
    return path or "entry"


def _model_at(model: type[BaseModel], loc: tuple) -> type[BaseModel]:
    from pydantic import BaseModel

    for step in loc:
        if isinstance(step, str) and step in model.model_fields:
            annotation = model.model_fields[step].annotation
            inner = getattr(annotation, "__args__", (annotation,))[0]
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                model = inner
    return model


def _bound(kind: str, context: dict) -> str:
    return f"at least {context['ge']}" if kind == "greater_than_equal" else f"at most {context['le']}"


def _show(value) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def cross_file_problems(bib_path: Path, data_dir: Path, references: list[Reference], checked: dict, known: dict,
                        source_texts: dict[str, str]) -> list[Problem]:
    """Problems that need more than one file: ids that point nowhere, quotes not in their source."""
    bib = {reference.key: reference for reference in references}
    problems = []
    problems += _study_problems(data_dir / "studies.yml", checked["studies.yml"], known)
    problems += _claim_problems(data_dir / "claims.yml", checked["claims.yml"], known)
    problems += _quote_problems(data_dir, source_texts, checked["claims.yml"])
    used = {c.record.key for c in checked["studies.yml"]}
    used |= {link.study for c in checked["claims.yml"] for link in c.record.evidence}
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
            problems.append(Problem(str(path), entry.line_of(("condition",)), f"{label}: unknown condition '{study.condition}': add it to conditions.yml, or use one of its ids"))
        problems += _level_problems(path, study, entry)
    return problems


def _level_problems(path: Path, study: Study, entry: Entry) -> list[Problem]:
    label = f"study '{study.key}'"
    if study.pedro_score is not None and not study.pedro_url:
        message = f"{label}: pedro_score needs a pedro_url: add the PEDro record it was read from"
        return [Problem(str(path), entry.line_of(("pedro_score",)), message)]
    if study.design in v.NOT_LEVELLED_DESIGNS and study.evidence_level is not None:
        message = f"{label}: a {study.design} is not given an evidence level: remove evidence_level"
        return [Problem(str(path), entry.line_of(("evidence_level",)), message)]
    if study.design not in v.NOT_LEVELLED_DESIGNS and study.evidence_level is None:
        usual = v.DESIGNS[study.design][1]
        message = f"{label}: missing evidence_level for a {study.design}: add it (usually {usual} in {v.DEFAULT_LEVEL_SCHEME})"
        return [Problem(str(path), entry.line, message)]
    return []


def _claim_problems(path: Path, claims: list[Checked], known: dict) -> list[Problem]:
    problems = []
    for checked in claims:
        claim, entry = checked.record, checked.entry
        problems += [
            Problem(str(path), entry.line_of(loc), f"claim '{claim.id}': {message}")
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
        if link.study in [earlier.study for earlier in claim.evidence[:index]]:
            found.append((where, f"links study '{link.study}' twice: merge the two links into one"))
        elif _unknown(known, "references.bib", link.study):
            found.append((where, f"unknown citekey '{link.study}': add the reference to references.bib, or fix the key"))
        elif _unknown(known, "studies.yml", link.study):
            found.append((where, f"study '{link.study}' has no appraisal: add an entry with key: {link.study} to studies.yml"))
    return found


def read_source_texts(data_dir: Path, sources: list[Checked], problems: list[Problem]) -> dict[str, str]:
    """The text of each source article that has a text_file, by source id."""
    texts = {}
    for source, entry in ((c.record, c.entry) for c in sources):
        if source.text_file:
            try:
                texts[source.id] = read_text(data_dir / source.text_file)
            except InputError as error:
                message = f"source '{source.id}': text_file {source.text_file}: {error.problems[0].message}"
                problems.append(Problem(str(data_dir / "sources.yml"), entry.line_of(("text_file",)), message))
    return texts


def _quote_problems(data_dir: Path, texts: dict[str, str], claims: list[Checked]) -> list[Problem]:
    """Each claim's quote must appear verbatim (whitespace aside) in its source's text file."""
    normalised = {source_id: normalise_space(text) for source_id, text in texts.items()}
    problems = []
    for claim, entry in ((c.record, c.entry) for c in claims):
        if claim.source in normalised and normalise_space(claim.quote) not in normalised[claim.source]:
            message = f"claim '{claim.id}': quote is not in the source's text file: copy it exactly from the article"
            problems.append(Problem(str(data_dir / "claims.yml"), entry.line_of(("quote",)), message))
    return problems


def normalise_space(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _reference_problems(bib_path: Path, used: list[Reference]) -> list[Problem]:
    """Studies the knowledge base uses need a title and a year; unused entries may be incomplete."""
    problems = []
    for reference in used:
        if "title" not in reference.fields:
            problems.append(Problem(str(bib_path), reference.line, f"entry '{reference.key}' has no title: add a title field"))
        if year_of(reference) is None:
            message = f"entry '{reference.key}' has no usable year: add year = {{YYYY}} with the four-digit year"
            problems.append(Problem(str(bib_path), reference.line, message))
    return problems


def enrichment_warnings(bib_path: Path, references: list[Reference], enrichment: dict, cache_warnings: list) -> list[Problem]:
    """Where Crossref or PubMed disagree with references.bib, and cache files that could not be used."""
    lines = {reference.key: reference.line for reference in references}
    warnings = [Problem(path, None, f"warning: {reason}") for path, reason in cache_warnings]
    for key, found in enrichment.items():
        for name, ours, theirs, source in found.conflicts:
            if theirs is None:
                detail = f"{source} ({ours}): check the DOI"
            else:
                detail = f"{name} in references.bib is {ours!r} but {source} gives {theirs!r}: check the entry"
            warnings.append(Problem(str(bib_path), lines.get(key), f"warning: entry '{key}': {detail}"))
    return warnings
