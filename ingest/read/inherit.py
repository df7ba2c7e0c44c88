"""What an entry inherits from the entries its `crossref` and `xdata` fields name.

The rules are biblatex's defaults (biblatex.def, "DATA INHERITANCE (CROSSREF)", and the manual's
appendix "Default Inheritance Setup"), for the fields this project keeps: a child inherits each
field it lacks under the same name, except that the title of a book, collection or proceedings
becomes the booktitle of a part of it (@inbook, @incollection, @inproceedings), the title of a
periodical becomes the journal of an @article, and the title of a multi-volume work becomes a
maintitle, which is not kept. Types are first read as biblatex's driver maps them (@conference is
@inproceedings). Classic BibTeX copies every missing field by name; for the fields kept here that
differs only in the titles, where biblatex's rules say what the parent's title is to its part.

One difference from biblatex, on purpose: the identifiers and the abstract of the work itself (doi,
pmid, pmcid, url, abstract) are not inherited from a crossref parent: the proceedings' DOI is not
the paper's, and a study must not be linked to another work's PubMed record.

`xdata` entries are data containers: every field they hold is inherited (before the crossref
parent's, as biber resolves them first), and they may name further @xdata entries.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ingest.read.dates import publication_year

if TYPE_CHECKING:
    from ingest.read.bibtex import Reference

TYPE_ALIASES = {"conference": "inproceedings", "electronic": "online", "www": "online", "mastersthesis": "thesis",
                "phdthesis": "thesis", "techreport": "report"}
# (parent types, child types, where the parent's title goes: a kept field, or None for maintitle)
TITLE_RULES = [
    ({"mvbook"}, {"book", "inbook", "bookinbook", "suppbook"}, None),
    ({"mvcollection", "mvreference"}, {"collection", "reference", "incollection", "inreference", "suppcollection"}, None),
    ({"mvproceedings"}, {"proceedings", "inproceedings"}, None),
    ({"book"}, {"inbook", "bookinbook", "suppbook"}, "booktitle"),
    ({"collection", "reference"}, {"incollection", "inreference", "suppcollection"}, "booktitle"),
    ({"proceedings"}, {"inproceedings"}, "booktitle"),
    ({"periodical"}, {"article", "suppperiodical"}, "journal"),
]
NOT_FROM_PARENT = frozenset({"doi", "pmid", "pmcid", "url", "abstract"})
NEVER_INHERITED = frozenset({"crossref", "xdata"})  # biblatex: crossref is not inherited; xdata is consumed


def inherit(references: list[Reference], containers: list[Reference]) -> None:
    """Fill each reference's missing fields and authors from the xdata containers it names, then
    from its crossref parent (resolved first, so grandparents count); warn about names that lead
    nowhere."""
    linked = [reference for reference in containers + references if "crossref" in reference.fields or "xdata" in reference.fields]
    if not linked:
        return
    by_key = {reference.key: reference for reference in containers + references}
    folded = {key.casefold(): reference for key, reference in reversed(by_key.items())}  # BibTeX matches crossref keys in any case
    done: set[str] = set()

    def resolve(reference: Reference, path: tuple[str, ...]) -> None:
        if reference.key in done or reference.key in path:
            return
        for key in filter(None, map(str.strip, reference.fields.get("xdata", "").split(","))):
            container = _target(reference, key, "xdata", by_key, folded)
            if container is not None:
                resolve(container, (*path, reference.key))
                _copy(container, reference, title_to="title", identifiers=True)
        parent_key = reference.fields.get("crossref", "").strip()
        parent = parent_key and _target(reference, parent_key, "crossref", by_key, folded)
        if parent:
            resolve(parent, (*path, reference.key))
            _copy(parent, reference, title_to=_title_target(parent.entry_type, reference.entry_type), identifiers=False)
        done.add(reference.key)

    for reference in linked:
        resolve(reference, ())


def _target(reference: Reference, key: str, field_name: str, by_key: dict, folded: dict) -> Reference | None:
    target = by_key.get(key) or folded.get(key.casefold())
    if target is None:
        reference.warnings.append(f"{field_name} '{key}' is not an entry of the file: nothing is inherited from it")
    return target


def _title_target(parent_type: str, child_type: str) -> str | None:
    parent_type, child_type = TYPE_ALIASES.get(parent_type, parent_type), TYPE_ALIASES.get(child_type, child_type)
    for parents, children, target in TITLE_RULES:
        if parent_type in parents and child_type in children:
            return target
    return "title"


def _copy(source: Reference, target: Reference, title_to: str | None, identifiers: bool) -> None:
    for name, value in source.fields.items():
        if name in NEVER_INHERITED or (not identifiers and name in NOT_FROM_PARENT):
            continue
        destination = title_to if name == "title" else name
        if destination is not None and destination not in target.fields:
            target.fields[destination] = value
    if not target.authors and not target.more_authors:
        target.authors, target.more_authors = list(source.authors), source.more_authors
    target.year = publication_year(target.fields)
