"""Crossref: a work by DOI, or a bibliographic search when the DOI is missing; parsing of both."""

import hashlib
import html
import json
import re
import unicodedata
import urllib.parse
from difflib import SequenceMatcher

from ingest.enrich.cache import Request

# A search hit is accepted only when all of these agree with the reference (never silently).
MIN_SCORE = 30.0  # Crossref relevance; exact-title hits score about 35 and up
MIN_TITLE_SIMILARITY = 0.9
NOTICE_TYPES_THAT_RETRACT = {"retraction", "withdrawal", "removal"}


def work_request(doi: str) -> Request:
    quoted = urllib.parse.quote(doi.strip(), safe="")
    return Request("crossref", "work", f"/works/{quoted}", (), f"works/{quoted.lower()}")


def search_request(key: str, title: str, first_author: str | None, year: int | None) -> Request:
    query = " ".join(str(part) for part in (title, first_author, year) if part)
    params = (("query.bibliographic", query), ("rows", "5"))
    digest = hashlib.sha256(json.dumps(params).encode()).hexdigest()[:12]
    return Request("crossref", "search", "/works", params, f"search/{_safe(key)}-{digest}")


def parse_work(body: str) -> dict:
    """A Crossref work message as the fields we use. Raises ValueError on a body that is not one."""
    message = json.loads(body)["message"]
    if not isinstance(message, dict) or "DOI" not in message:
        raise ValueError("not a Crossref work")
    return _work_fields(message)


def parse_search(body: str) -> list[dict]:
    items = json.loads(body)["message"]["items"]
    if not isinstance(items, list):
        raise ValueError("not a Crossref work list")
    return [_work_fields(item) for item in items if isinstance(item, dict) and "DOI" in item]


def _work_fields(message: dict) -> dict:
    authors = message.get("author") or []
    first = next((a for a in authors if a.get("sequence") == "first"), authors[0] if authors else {})
    return {
        "doi": message["DOI"],
        "title": _strip_markup(" ".join(message.get("title") or [])),
        "year": _year(message),
        "first_author": first.get("family") or first.get("name"),
        "score": message.get("score"),
        "abstract": _strip_markup(message["abstract"]) if message.get("abstract") else None,
        "notices": [
            {"type": notice.get("type"), "doi": notice.get("DOI"), "date": _date(notice.get("updated"))}
            for notice in message.get("updated-by") or []
        ],
    }


def best_match(items: list[dict], title: str, first_author: str | None, year: int | None) -> dict | None:
    """The first hit whose score, title, year and first author all agree with the reference."""
    for item in items:
        if (item["score"] or 0) < MIN_SCORE:
            continue
        if title_similarity(item["title"], title) < MIN_TITLE_SIMILARITY:
            continue
        if year and item["year"] and abs(item["year"] - year) > 1:  # online vs print year
            continue
        if first_author and normalise(item["first_author"] or "") != normalise(first_author):
            continue
        return item
    return None


def title_similarity(a: str, b: str) -> float:
    return SequenceMatcher(None, normalise(a), normalise(b)).ratio()


def normalise(text: str) -> str:
    """Lower case, accents and punctuation dropped: for comparing titles and names."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return " ".join(re.findall(r"[a-z0-9]+", text))


def _strip_markup(text: str) -> str:
    """JATS or HTML tags out, entities decoded, white space folded."""
    text = re.sub(r"<jats:title>.*?</jats:title>", " ", text, flags=re.S)  # "Abstract" headings
    text = re.sub(r"<[^>]+>", " ", text)
    return " ".join(html.unescape(text).split())


def _year(message: dict) -> int | None:
    for name in ("issued", "published-print", "published-online", "created"):
        parts = (message.get(name) or {}).get("date-parts") or [[None]]
        if parts[0] and parts[0][0]:
            return int(parts[0][0])
    return None


def _date(value: dict | None) -> str | None:
    parts = ((value or {}).get("date-parts") or [[]])[0]
    return "-".join(f"{part:02d}" if i else str(part) for i, part in enumerate(parts)) if parts else None


def _safe(key: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", key)[:80]
