"""The lookup chain for one reference, the same whether answers come from the network or the cache.

1. Crossref: the work for the DOI in references.bib; without a DOI, a bibliographic search whose
   best hit is accepted only if score, title, year and first author all agree.
2. PubMed: the PMID in references.bib, or an esearch by DOI (or title); then efetch of the record,
   accepted only if its title agrees.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from xml.etree.ElementTree import ParseError

from ingest.enrich import cache, crossref, pubmed
from ingest.enrich.cache import Answer, Request
from ingest.read.bibtex import Reference, is_pmid

PARSERS = {
    "work": crossref.parse_work,
    "search": crossref.parse_search,
    "esearch": pubmed.parse_esearch,
    "efetch": pubmed.parse_efetch,
}
MALFORMED = (ValueError, KeyError, TypeError, IndexError, ParseError, RecursionError)  # RecursionError: JSON nested thousands deep


@dataclass
class Enrichment:
    """What Crossref and PubMed say about one reference."""

    key: str
    fields: dict = field(default_factory=dict)  # doi, pmid, pmcid, abstract found by enrichment
    publication_types: list = field(default_factory=list)
    mesh_terms: list = field(default_factory=list)
    notices: list = field(default_factory=list)  # Crossref updated-by: retraction, correction, ...
    conflicts: list = field(default_factory=list)  # (field, value in references.bib, value in the record, source)
    suggested_design: str | None = None


Getter = Callable[[Request], Answer | None]


def is_valid(request: Request, answer: Answer) -> bool:
    """A 404 is a valid answer; a 200 must parse."""
    if answer.status != 200:
        return True
    try:
        PARSERS[request.kind](answer.body)
    except MALFORMED:
        return False
    return True


def resolve(reference: Reference, get: Getter) -> Enrichment:
    enrichment = Enrichment(reference.key)
    doi = _crossref(reference, get, enrichment)
    _pubmed(reference, doi, get, enrichment)
    return enrichment


def _crossref(reference: Reference, get: Getter, enrichment: Enrichment) -> str | None:
    doi, title, year = reference.fields.get("doi"), reference.fields.get("title", ""), reference.year
    first_author = reference.authors[0].family if reference.authors else None
    if doi:
        answer = get(crossref.work_request(doi))
        if answer and answer.status == 404:
            enrichment.conflicts.append(("doi", doi, None, "Crossref has no record of this DOI"))
        if not answer or answer.status != 200:
            return doi
        work = crossref.parse_work(answer.body)
        if crossref.title_similarity(work["title"], title) < crossref.MIN_TITLE_SIMILARITY:
            enrichment.conflicts.append(("title", title, work["title"], "Crossref"))
        if year and work["year"] and abs(work["year"] - year) > 1:
            enrichment.conflicts.append(("year", str(year), str(work["year"]), "Crossref"))
    else:
        answer = get(crossref.search_request(reference.key, title, first_author, year)) if title else None
        work = crossref.best_match(crossref.parse_search(answer.body), title, first_author, year) if answer and answer.status == 200 else None
        if work is None:
            return None
        doi = enrichment.fields["doi"] = work["doi"]
    enrichment.notices = work["notices"]
    if work["abstract"]:
        enrichment.fields.setdefault("abstract", work["abstract"])
    return doi


def _pubmed(reference: Reference, doi: str | None, get: Getter, enrichment: Enrichment) -> None:
    pmid, title = reference.fields.get("pmid"), reference.fields.get("title")
    if not pmid and (doi or title):
        answer = get(pubmed.esearch_request(reference.key, doi, None if doi else title))
        ids = pubmed.parse_esearch(answer.body) if answer and answer.status == 200 else []
        pmid = ids[0] if len(ids) == 1 else None  # several hits: ambiguous, so none
    if not pmid or not is_pmid(pmid):  # `ingest check` reports a malformed one
        return
    answer = get(pubmed.efetch_request(pmid))
    record = pubmed.parse_efetch(answer.body) if answer and answer.status == 200 else None
    if record is None:
        return
    if title and crossref.title_similarity(record["title"], title) < crossref.MIN_TITLE_SIMILARITY:
        enrichment.conflicts.append(("title", title, record["title"], f"PubMed {pmid}"))
        if not reference.fields.get("pmid"):
            return  # found by search but about something else: do not use it
    for name in ("pmid", "pmcid", "doi", "abstract"):
        if record[name]:
            enrichment.fields.setdefault(name, record[name])
    if doi and record["doi"] and record["doi"].lower() != doi.lower():
        enrichment.conflicts.append(("doi", doi, record["doi"], f"PubMed {pmid}"))
    enrichment.publication_types = record["publication_types"]
    enrichment.mesh_terms = record["mesh_terms"]
    enrichment.suggested_design = pubmed.suggested_design(record["publication_types"])


class CacheOnly:
    """Answers from the cache alone (ingest): a missing file is no answer, a broken one a warning."""

    def __init__(self, root):
        self.root = root
        self.warnings: list[tuple[str, str]] = []  # (cache file, what is wrong with it)

    def __call__(self, request: Request) -> Answer | None:
        try:
            answer = cache.read(self.root, request)
        except cache.CacheError as error:
            self.warnings.append((str(error.path), error.reason))
            return None
        if answer and not is_valid(request, answer):
            reason = f"not a valid {request.kind} answer; `make enrich` will fetch it again"
            self.warnings.append((str(request.cache_path(self.root)), reason))
            return None
        return answer


def from_cache(references: list[Reference], root) -> tuple[dict[str, Enrichment], list[tuple[str, str]]]:
    """What the cache says about each reference (ingest: never the network), and cache warnings."""
    if not root.is_dir():
        return {}, []
    get = CacheOnly(root)
    found = {}
    for reference in references:
        try:
            enrichment = resolve(reference, get)
        except MALFORMED as error:
            reason = f"a cached answer for '{reference.key}' is not what was expected ({error}); `make enrich --refresh` fetches it again"
            get.warnings.append((str(root), reason))
            continue
        if enrichment.fields or enrichment.publication_types or enrichment.notices or enrichment.conflicts:
            found[reference.key] = enrichment
    return found, get.warnings
