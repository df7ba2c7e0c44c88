"""Cite packs: the references behind a claim, a treatment or a study, as Markdown, BibTeX or CSL-JSON.

Pure functions of study rows (as in the `studies` table) and their authors, so that the CLI and
the Datasette plugin share them.
"""

import json
import re
import urllib.parse
from pathlib import Path

from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON

STYLE = Path(__file__).parent / "styles" / "american-medical-association.csl"

# Studies linked to a claim, or to any claim naming a treatment, or the study itself if a claim
# links it; strongest evidence first. One branch per kind of target, each by index: a single join
# with the three tests OR-ed read every link (0.5 s at 100,000 studies).
STUDIES_FOR_TARGET = """
select studies.* from studies
where studies.key in (
  select study_key from claim_evidence where claim_id = :target
  union
  select claim_evidence.study_key from claim_treatments
  join claim_evidence on claim_evidence.claim_id = claim_treatments.claim_id
  where claim_treatments.treatment_id = :target
  union
  select study_key from claim_evidence where study_key = :target
)
order by studies.evidence_level is null, studies.evidence_level, studies.year desc, studies.key
"""
TARGET_EXISTS = """select exists(select 1 from claims where id = :target) or exists(select 1 from treatments where id = :target)
  or exists(select 1 from studies where key = :target)"""
AUTHORS = """
select study_authors.study_key, authors.family, authors.given from study_authors
join authors on authors.id = study_authors.author_id
where study_authors.study_key in (select value from json_each(:keys))
order by study_authors.study_key, study_authors.position
"""

CSL_TYPES = {"article": "article-journal", "book": "book", "inbook": "chapter", "incollection": "chapter",
             "inproceedings": "paper-conference", "techreport": "report", "phdthesis": "thesis", "misc": "document"}
MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")


def csl_items(studies: list[dict], authors: list[dict]) -> list[dict]:
    """CSL-JSON items for study rows; authors are rows of (study_key, family, given) in order."""
    by_study: dict[str, list] = {}
    for author in authors:
        name = {"family": author["family"]}
        if author["given"]:
            name["given"] = author["given"]
        by_study.setdefault(author["study_key"], []).append(name)
    for study in studies:
        if (study.get("authors") or "").endswith("; et al."):  # BibTeX's "and others"
            by_study.setdefault(study["key"], []).append({"literal": "et al."})
    return [csl_item(study, by_study.get(study["key"], [])) for study in studies]


def csl_item(study: dict, authors: list[dict]) -> dict:
    item = {"id": study["key"], "type": CSL_TYPES.get(study["entry_type"], "article-journal"), "title": study["title"]}
    if authors:
        item["author"] = authors
    if study["year"]:
        item["issued"] = {"date-parts": [[study["year"]]]}
    fields = {"container-title": "journal", "volume": "volume", "issue": "number", "page": "pages",
              "DOI": "doi", "PMID": "pmid", "PMCID": "pmcid", "URL": "url"}
    item.update({csl: study[column] for csl, column in fields.items() if study.get(column)})
    return item


def render_csl(items: list[dict]) -> str:
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"


def render_bibtex(studies: list[dict]) -> str:
    """The original BibTeX entries as they are in references.bib, but for a brace right after a
    backslash: bibtexparser (which read references.bib) does not count it, BibTeX and pybtex do, so
    an entry holding one can end early in another reader and let the rest of a field read as a new
    entry. Each such brace becomes {\\textbraceleft} or {\\textbraceright} (dropping the backslash
    that escaped it), so every reader splits the entry as bibtexparser did."""
    return "\n\n".join(_braces_unescaped(study["bibtex"].strip()) for study in studies) + "\n"


# A brace right after a backslash: bibtexparser does not count it (\\} or \\\\}), BibTeX does.
BRACE_AFTER_BACKSLASH = re.compile(r"(\\+)([{}])")


def _braces_unescaped(entry: str) -> str:
    def replace(match: re.Match) -> str:
        backslashes = match.group(1)
        kept = backslashes[:-1] if len(backslashes) % 2 else backslashes  # an odd run escaped the brace
        kept += "\\relax" if kept else ""  # so that no brace follows a backslash (\\ is a line break)
        return kept + ("{\\textbraceleft}" if match.group(2) == "{" else "{\\textbraceright}")

    return BRACE_AFTER_BACKSLASH.sub(replace, entry)


def render_markdown(items: list[dict]) -> str:
    """A numbered list in AMA style (rendered by citeproc-py), with DOIs as links."""
    if not items:
        return ""
    style = CitationStylesStyle(str(STYLE), validate=False)
    bibliography = CitationStylesBibliography(style, CiteProcJSON(items), formatter.plain)
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    lines = [f"{number}. {_markdown_entry(str(entry), item)}"
             for number, (entry, item) in enumerate(zip(bibliography.bibliography(), items, strict=True), 1)]
    return "\n".join(lines) + "\n"


def _markdown_entry(text: str, item: dict) -> str:
    text = re.sub(r"^\d+\.\s*", "", text)  # the style numbers its entries; the Markdown list does that
    text = text.replace("?.", "?").replace("!.", "!")  # citeproc-py does not collapse this punctuation
    title = item.get("title", "")
    if "author" not in item and text.startswith(f"{title}. {title}"):
        text = text[len(title) + 2:]  # citeproc-py prints a title that stands in for the author twice
    doi = item.get("DOI")
    if doi and f"doi:{doi}" in text:
        before, after = text.split(f"doi:{doi}", 1)
        return _escape(before) + f"doi:[{_escape(doi)}]({doi_url(doi)})" + _escape(after)
    return _escape(text)


def doi_url(doi: str) -> str:
    """The doi.org address of a DOI, every character that could end or break a link percent-encoded
    (SICI DOIs hold parentheses and angle brackets: 10.1002/(SICI)1097-4636(199706)35:4<513::AID-JBM11>3.0.CO;2-M)."""
    return "https://doi.org/" + urllib.parse.quote(doi, safe="/:;.-_")


def _escape(text: str) -> str:
    """Markdown that shows the text as it is: special characters escaped, line breaks folded (a
    line break could start a heading, a list or raw HTML)."""
    return MARKDOWN_SPECIAL.sub(r"\\\1", re.sub(r"\s+", " ", text))


RENDERERS = {
    "md": lambda studies, items: render_markdown(items),
    "bibtex": lambda studies, items: render_bibtex(studies),
    "csl": lambda studies, items: render_csl(items),
}
