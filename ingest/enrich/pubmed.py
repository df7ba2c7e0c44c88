"""PubMed E-utilities: esearch by DOI or title, efetch of the record; parsing of both."""

import hashlib
import json

from defusedxml import ElementTree

from ingest.enrich.cache import Request
from ingest.enrich.crossref import _safe
from ingest.read.bibtex import is_pmid

# PubMed publication types that suggest a design where the curator gave none (most specific first).
DESIGN_FROM_PUBLICATION_TYPE = [
    ("Systematic Review", "systematic-review"),
    ("Meta-Analysis", "systematic-review"),
    ("Randomized Controlled Trial", "rct"),
    ("Controlled Clinical Trial", "non-randomised-trial"),
    ("Practice Guideline", "guideline"),
    ("Guideline", "guideline"),
    ("Consensus Development Conference", "consensus-statement"),
    ("Observational Study", "cohort"),
    ("Case Reports", "case-series"),
    ("Editorial", "expert-opinion"),
    ("Comment", "expert-opinion"),
    ("Review", "narrative-review"),
]


def esearch_request(key: str, doi: str | None, title: str | None) -> Request:
    term = f"{doi}[doi]" if doi else f"{title}[title]"
    params = (("db", "pubmed"), ("term", term), ("retmode", "json"), ("retmax", "5"))
    digest = hashlib.sha256(json.dumps(params).encode()).hexdigest()[:12]
    return Request("pubmed", "esearch", "/esearch.fcgi", params, f"esearch/{_safe(key)}-{digest}")


def efetch_request(pmid: str) -> Request:
    params = (("db", "pubmed"), ("id", pmid), ("retmode", "xml"))
    return Request("pubmed", "efetch", "/efetch.fcgi", params, f"efetch/{pmid}")


def parse_esearch(body: str) -> list[str]:
    ids = json.loads(body)["esearchresult"]["idlist"]
    if not isinstance(ids, list):
        raise ValueError("not an esearch result")
    if not all(is_pmid(str(pmid)) for pmid in ids):
        raise ValueError("an id in the esearch result is not a PubMed id")
    return [str(pmid) for pmid in ids]


def parse_efetch(body: str) -> dict | None:
    """The first PubMed article in an efetch answer, or None when the set is empty."""
    root = ElementTree.fromstring(body.encode("utf-8"))
    article = root.find(".//PubmedArticle")
    if article is None:
        return None
    ids = {node.get("IdType"): (node.text or "").strip() for node in article.findall("./PubmedData/ArticleIdList/ArticleId")}
    abstract = " ".join(_paragraph(node) for node in article.findall(".//Abstract/AbstractText"))
    return {
        "pmid": (article.findtext("./MedlineCitation/PMID") or "").strip() or ids.get("pubmed"),
        "doi": ids.get("doi"),
        "pmcid": ids.get("pmc"),
        "title": _text(article.find(".//ArticleTitle")),
        "abstract": abstract or None,
        "publication_types": [_text(node) for node in article.findall(".//PublicationTypeList/PublicationType")],
        "mesh_terms": [_text(node) for node in article.findall(".//MeshHeadingList/MeshHeading/DescriptorName")],
    }


def suggested_design(publication_types: list[str]) -> str | None:
    for publication_type, design in DESIGN_FROM_PUBLICATION_TYPE:
        if publication_type in publication_types:
            return design
    return None


def _paragraph(node) -> str:
    label = node.get("Label")
    text = _text(node)
    return f"{label}: {text}" if label else text


def _text(node) -> str:
    return " ".join("".join(node.itertext()).split()) if node is not None else ""
