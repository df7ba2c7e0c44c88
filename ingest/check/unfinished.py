"""Claims and studies a curator has not finished: a field still holding TODO, the value that
`python -m ingest new-claim` and `new-study` leave where only the curator can write.

Each such field is reported once, saying what to write there. A TODO where only certain values are
allowed (claim_type, design) also fails the model's check; that complaint is replaced by this one,
and the entry's other TODO fields, which the model's check never reached, are reported with it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ingest.check import vocabulary as v
from ingest.problems import InputError, Problem
from ingest.read.yamlfile import Entry, read_yaml_list

if TYPE_CHECKING:
    from ingest.check.entries import Checked

TODO = "TODO"  # the value new-claim and new-study leave in a field the curator must write
STUDIES_FILE = "studies.yml"  # every other file whose entries are checked here holds claims
# What to write in each field the entry skeletons leave TODO; any other field gets the plain wording.
WHAT_TO_WRITE = {
    ("claim", "text"): "write the claim as one plain statement",
    ("claim", "claim_type"): f"choose one of {', '.join(v.CLAIM_TYPES)}",
    ("claim", "condition"): "use an id from conditions.yml",
    ("study", "design"): f"choose one of {', '.join(v.DESIGNS)}",
    ("study", "population"): "say who was studied, in a sentence",
    ("study", "metadata_status"): f"choose one of {', '.join(v.METADATA_STATUSES)}",
}


def unfinished_problems(checked: list[Checked], problems: list[Problem] = ()) -> list[Problem]:
    """A problem for each field still TODO: in the checked claims and studies, and in the entries of
    the files where `problems` show a TODO value the model refused (read again to find them)."""
    from ingest.check.entries import entry_in_file  # (here: entries.py imports this module)

    entries = {(str(c.path), c.line): (c.path, entry_in_file(c.path, c.index)) for c in checked if c.unfinished}
    for path in sorted({p.path for p in problems if TODO in p.message and _holds_claims_or_studies(Path(p.path))}):
        try:
            items = read_yaml_list(Path(path))
        except InputError:  # its own problems are reported already
            continue
        entries |= {(path, e.line): (Path(path), e) for e in items if isinstance(e, Entry) and TODO in e.values()}
    return [problem for path, entry in entries.values() if isinstance(entry, Entry) for problem in _todo_fields(path, entry)]


def report_unfinished(problems: list[Problem], checked: list[Checked]) -> list[Problem]:
    """`problems` with the model's complaints about TODO values replaced by one problem per TODO field."""
    unfinished = unfinished_problems(checked, problems)
    where = {(p.path, p.line) for p in unfinished}
    return [p for p in problems if not ((p.path, p.line) in where and TODO in p.message)] + unfinished


def _todo_fields(path: Path, entry: Entry) -> list[Problem]:
    kind, id_field = ("study", "key") if path.name == STUDIES_FILE else ("claim", "id")
    identity = entry.get(id_field)
    label = f"{kind} '{identity}'" if isinstance(identity, str) else f"{kind} at line {entry.line}"
    return [
        Problem(str(path), entry.line_of((field,)), f"{label}: {field} is still {TODO}: "
                f"{WHAT_TO_WRITE.get((kind, field), 'write it')}, then run make check again")
        for field, value in entry.items() if value == TODO
    ]


def _holds_claims_or_studies(path: Path) -> bool:
    """studies.yml, data/claims/*.yml or the old data/claims.yml (names as in inputs.py, which imports this module)."""
    return path.name in (STUDIES_FILE, "claims.yml") or path.parent.name == "claims"
