"""`python -m ingest new-study`: start the appraisal of a reference of references.bib in studies.yml.

What the entry says about itself (title, authors, year, type) goes into comments, never into a
value: the design suggested by its title is a hint the curator confirms by reading the study.
"""

import difflib
import re
from pathlib import Path

from ingest.check import vocabulary as v
from ingest.check.unfinished import TODO
from ingest.curate.new import Written
from ingest.curate.writing import append_entry, yaml_string
from ingest.problems import InputError, Problem
from ingest.read.bibtex import Reference, parse_bibtex
from ingest.read.yamlfile import read_yaml_list

# Words of a title (or journal) that usually mean a design, most telling first: only ever a hint.
DESIGN_HINTS = (
    (r"systematic review|meta-analys|cochrane|evidence synthes", "systematic-review"),
    (r"non-randomi[sz]ed|quasi-randomi[sz]ed", "non-randomised-trial"),
    (r"randomi[sz]ed|randomi[sz]ation", "rct"),
    (r"consensus|statement", "consensus-statement"),
    (r"guideline", "guideline"),
    (r"case-control|case control", "case-control"),
    (r"cross-sectional|cross sectional", "cross-sectional"),
    (r"cohort|prospective|longitudinal|follow-up", "cohort"),
    (r"case series|case report|case study", "case-series"),
    (r"controlled trial|pilot trial", "non-randomised-trial"),
    (r"biomechanic|kinematic|kinetic|cadaver|laboratory", "lab-study"),
    (r"\breview\b", "narrative-review"),
    (r"editorial|commentary|opinion|letter", "expert-opinion"),
)

COMMENT_WIDTH = 100  # characters of comment text per line


def new_study(bib_path: Path, data_dir: Path, key: str) -> Written:
    """Append an appraisal skeleton for `key` to studies.yml."""
    reference = _reference(bib_path, key)
    path = data_dir / "studies.yml"
    for entry in read_yaml_list(path) if path.exists() else []:
        if isinstance(entry, dict) and entry.get("key") == key:
            raise InputError([Problem(str(path), entry.line, f"study '{key}' is already appraised here: edit this entry")])
    line = append_entry(path, study_skeleton(reference))
    return Written(path, line, key, {"reference": describe(reference), "design hint": suggested_design(reference)})


def study_skeleton(reference: Reference) -> str:
    hint = suggested_design(reference)
    designs = [f"{design} ({level or 'not levelled'})," for design, (_, level) in v.DESIGNS.items()]
    designs[-1] = designs[-1].rstrip(",") + "."
    words = ["Designs", "(usual", "OCEBM", "2011", "level):", *designs]
    if hint:
        words += ["Its", "title", "suggests", f"{hint}:", "check", "it", "in", "the", "study."]
    return "\n".join([
        f"- key: {yaml_string(reference.key)}",
        f"  # {describe(reference)}",
        *(f"  # {line}" for line in _lines(words)),
        f"  design: {TODO}  # one of the designs above",
        "  # evidence_level: the design's usual level above, lower for serious risk of bias; leave it out if not levelled",
        f"  population: {TODO}  # who was studied, in a sentence",
        f"  metadata_status: {TODO}  # one of: {', '.join(v.METADATA_STATUSES)}",
        "  verified_at: []",
    ]) + "\n"


def _lines(pieces: list[str]) -> list[str]:
    """Pieces joined by spaces into lines of at most COMMENT_WIDTH characters, never split."""
    lines = [""]
    for piece in pieces:
        if lines[-1] and len(lines[-1]) + 1 + len(piece) > COMMENT_WIDTH:
            lines.append("")
        lines[-1] = f"{lines[-1]} {piece}".strip()
    return lines


def describe(reference: Reference) -> str:
    """Title. Authors, year (type): what the curator is appraising."""
    title = " ".join(str(reference.fields.get("title", "(no title)")).split())
    return f"{title}. {short_authors(reference)}, {reference.year or 'no year'} ({reference.entry_type})"


def short_authors(reference: Reference) -> str:
    names = [name.family for name in reference.authors]
    if not names:
        return "no authors"
    if len(names) > 2 or reference.more_authors:
        return f"{names[0]} et al."
    return " and ".join(names)


def suggested_design(reference: Reference) -> str | None:
    words = " ".join(str(reference.fields.get(field, "")) for field in ("title", "journal")).lower()
    if reference.entry_type in ("book", "inbook", "incollection"):
        words += " review"
    return next((design for pattern, design in DESIGN_HINTS if re.search(pattern, words)), None)


def _reference(bib_path: Path, key: str) -> Reference:
    references, _, failed = parse_bibtex(bib_path)
    for reference in references:
        if reference.key == key:
            return reference
    if key in failed:
        raise InputError([Problem(str(bib_path), None, f"entry '{key}' cannot be read: run python -m ingest check to see why")])
    close = difflib.get_close_matches(key, [reference.key for reference in references], n=3)
    hint = f"did you mean {' or '.join(repr(c) for c in close)}?" if close else "add the reference there first"
    raise InputError([Problem(str(bib_path), None, f"no entry '{key}': {hint}")])
