"""Read every input and check it, collecting all problems before giving up."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ingest.check.enrichment import cached_enrichment, enrichment_warnings
from ingest.check.entries import check_entries, forget_files_read_again
from ingest.check.links import cross_file_problems, read_source_texts
from ingest.check.paused_gc import garbage_collection_paused
from ingest.check.unfinished import report_unfinished
from ingest.problems import InputError, Problem
from ingest.read.bibtex import Reference, parse_bibtex
from ingest.read.yamlfile import Entry, stream_yaml_list

if TYPE_CHECKING:
    from ingest.check.models import Claim, Condition, Source, Study, Treatment


# The curated YAML files, the model of their entries (a class in ingest/check/models.py, loaded
# only when there are entries to check) and the field that identifies an entry.
DATA_FILES = {
    "sources.yml": ("Source", "id"),
    "conditions.yml": ("Condition", "id"),
    "treatments.yml": ("Treatment", "id"),
    "studies.yml": ("Study", "key"),
}
# Claims: one file per source article, data/claims/<source id>.yml, read one file at a time. The
# single data/claims.yml of earlier versions is still read, with a warning saying how to split it.
CLAIMS_FOLDER = "claims"
SINGLE_CLAIMS_FILE = "claims.yml"
# Read when present: a knowledge base needs no certainty judgements to build.
OPTIONAL_DATA_FILES = {
    "certainty.yml": ("Certainty", "key"),
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
    certainty: list = field(default_factory=list)  # Certainty judgements, from data/certainty.yml


@garbage_collection_paused()
def read_inputs(bib_path: Path, data_dir: Path) -> Inputs:
    """Parse and validate references.bib and the YAML files; raise InputError with every problem."""
    forget_files_read_again()  # (lines of fields are read again from the files as they are now)
    problems: list[Problem] = []
    # Known ids include those of invalid entries, and are None for an unreadable file (see links.py).
    known: dict[str, set | None] = {}
    references, bib_problems, failed_keys = _collect(problems, parse_bibtex, bib_path) or ([], [], None)
    problems += bib_problems
    known["references.bib"] = None if failed_keys is None else failed_keys | {r.key for r in references}
    checked = {}
    present = {name: model for name, model in OPTIONAL_DATA_FILES.items() if (data_dir / name).exists()}
    for name, (model_name, id_field) in (DATA_FILES | present).items():
        checked[name], known[name] = read_and_check(data_dir / name, model_name, id_field, problems)
    checked["claims"], warnings = _read_claims(data_dir, [c.record.id for c in checked["sources.yml"]], problems)
    problems = report_unfinished(problems, checked["claims"] + checked["studies.yml"])
    source_texts = read_source_texts(data_dir, checked["sources.yml"], problems)
    problems += cross_file_problems(bib_path, data_dir, references, checked, known, source_texts)
    forget_files_read_again()
    if problems:
        raise InputError(problems)
    records = {name: [c.record for c in items] for name, items in checked.items()}
    enrichment, cache_warnings = cached_enrichment(references, data_dir / "enrichment")
    return Inputs(
        source_texts=source_texts,
        enrichment=enrichment,
        warnings=warnings + reading_warnings(bib_path, references) + enrichment_warnings(bib_path, references, enrichment, cache_warnings),
        references=references,
        sources=records["sources.yml"],
        conditions=records["conditions.yml"],
        treatments=records["treatments.yml"],
        studies=records["studies.yml"],
        claims=records["claims"],
        certainty=records.get("certainty.yml", []),
    )


def claim_files(data_dir: Path, source_order: list[str] = ()) -> list[Path]:
    """The files claims are read from: data/claims.yml if it is still there, then data/claims/*.yml
    in the order of their sources in sources.yml (the order claims are listed in)."""
    folder = data_dir / CLAIMS_FOLDER
    position = {source: index for index, source in enumerate(source_order)}
    files = sorted(folder.glob("*.yml"), key=lambda path: (position.get(path.stem, len(position)), path.name)) if folder.is_dir() else []
    single = data_dir / SINGLE_CLAIMS_FILE
    return [single, *files] if single.exists() else files


def _read_claims(data_dir: Path, source_order: list[str], problems: list[Problem]) -> tuple[list, list[Problem]]:
    """Every claim file's claims, checked file by file (ids unique across them), and warnings."""
    files, warnings = claim_files(data_dir, source_order), []
    if not files and not (data_dir / CLAIMS_FOLDER).is_dir():
        problems.append(Problem(str(data_dir / CLAIMS_FOLDER), None, "folder not found: create it, with one file of claims "
                                "per source article (python -m ingest new-claim writes them)"))
    if (data_dir / SINGLE_CLAIMS_FILE).exists():
        warnings.append(Problem(str(data_dir / SINGLE_CLAIMS_FILE), None, "warning: all claims are in one file: "
                                "run `python -m ingest split-claims` to move them to data/claims/<source>.yml, one file per article"))
    claims, first_used = [], {}
    for path in files:
        checked, _ = read_and_check(path, "Claim", "id", problems, first_used)
        if path.parent.name == CLAIMS_FOLDER:  # (a claim whose source is unknown is reported as such, not as misplaced)
            problems += misplaced_claims(path, [c for c in checked if c.record.source in source_order])
        claims += checked
    return claims, warnings


def read_and_check(path: Path, model_name: str, id_field: str, problems: list[Problem],
                   first_used: dict | None = None) -> tuple[list, set | None]:
    """A YAML file's entries, each checked as it is read, and the ids of all its entries (those of
    invalid entries too); ([], None) for a file that cannot be read, with its problems.

    The file is read one entry at a time (ingest/read/yamlfile.py): its whole YAML tree is never
    held, nor are the entries once checked. A file that turns out unreadable part-way is reported
    as a whole, as if no entry had been read: what its first entries gave is let go.
    """
    ids, found = set(), []

    def noting_ids(items):
        for item, line in items:
            if isinstance(item, Entry):
                ids.add(item.get(id_field))
            yield item, line

    try:
        checked = check_entries(path, noting_ids(stream_yaml_list(path)), model_name, id_field, found, first_used)
    except InputError as error:
        if first_used is not None:
            for identity in [identity for identity, (where, _) in first_used.items() if where == path]:
                del first_used[identity]
        problems += error.problems
        return [], None
    problems += found
    return checked, ids


def misplaced_claims(path: Path, claims: list) -> list[Problem]:
    """A file of data/claims/ holds the claims of the source it is named after."""
    return [
        Problem(str(path), c.line_of(("source",)),
                f"claim '{c.record.id}' is from source '{c.record.source}', but this file holds the claims of "
                f"'{path.stem}': move it to {CLAIMS_FOLDER}/{c.record.source}.yml, or fix its source")
        for c in claims if c.record.source != path.stem
    ]


def reading_warnings(bib_path: Path, references: list[Reference]) -> list[Problem]:
    """What reading references.bib kept but could not read as it should, entry by entry; with the
    faults of entries no study uses (a used entry's faults are errors: see links.py)."""
    return [Problem(str(bib_path), reference.line, f"warning: entry '{reference.key}': {warning}")
            for reference in references for warning in reference.warnings + reference.faults]


def _collect(problems: list[Problem], read, path: Path):
    """What read(path) returns, or None with its problems added to `problems`."""
    try:
        return read(path)
    except InputError as error:
        problems.extend(error.problems)
        return None
