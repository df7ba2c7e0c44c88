"""The search page, /search?q=: the treatments, claims and studies that match a reader's words, each
linking to its page, with its verdict and the passage that matched.

It reads search_fts (ingest/load/search_index.py), which indexes each claim and study with the
names and synonyms of its treatments, so "PRP" finds a trial titled "Platelet-Rich Plasma ...".
Everything a visitor controls is bounded: the query's length, the results shown per group; the
words are quoted with Datasette's escape_fts, so FTS5 syntax in them (quotes, *, NEAR, AND) is
searched as text, never run. Snippets come back with private-use characters around the matched
words; the text is escaped first and only then are those characters turned into <mark>.
"""

import re
import sqlite3
import urllib.parse

from datasette.utils import escape_fts
from datasette.utils.asgi import Response
from markupsafe import Markup, escape

from ingest.load.search_index import RANGES, TABLE
from ingest.web.pages import _rows, knowledge_base, shown_as_an_error_page

MAX_QUERY_LENGTH = 200  # characters of a query that are searched; the page says so
PER_GROUP = 20  # results shown per group; the page says how many more there are
# A kind with more matches than this is listed in the index's own order (most important first)
# rather than ranked: bm25 is computed for every match, and a word in every claim of a large library
# has hundreds of thousands. The page says so.
RANKED_AT_MOST = 2_000
SNIPPET_WORDS = 24
OPEN, CLOSE = "\ue000", "\ue001"  # private-use characters: FTS5 puts them around each matched word
EXAMPLES = ["PRP", "stairs", "insoles", "hip strengthening", "adolescents", "running shoes", "Cochrane"]

# Columns of search_fts: 0 kind, 1 id, 2 title, 3 body, 4 evidence, 5 terms.
MARKED = f"""
highlight({TABLE}, 2, :open, :close) as title,
snippet({TABLE}, 3, :open, :close, '…', :words) as body,
snippet({TABLE}, 4, :open, :close, '…', :words) as evidence,
snippet({TABLE}, 5, :open, :close, '…', :words) as terms
"""
HITS = {
    "treatment": f"""
select {TABLE}.id, {MARKED}, s.verdict, s.category, s.studies
from {TABLE} join treatment_summary s on s.treatment_id = {TABLE}.id
where {TABLE} match :query and {TABLE}.rowid between :first and :last order by {{ORDER}} limit :limit
""",
    "claim": f"""
select {TABLE}.id, {MARKED}, v.verdict, v.source_id, v.claim_type
from {TABLE} join claim_verdicts v on v.claim_id = {TABLE}.id
where {TABLE} match :query and {TABLE}.rowid between :first and :last order by {{ORDER}} limit :limit
""",
    "study": f"""
select {TABLE}.id, {MARKED}, st.short_citation, st.design, st.evidence_level, st.retracted
from {TABLE} join studies st on st.key = {TABLE}.id
where {TABLE} match :query and {TABLE}.rowid between :first and :last order by {{ORDER}} limit :limit
""",
}
# Matches of each kind, counted by rowid range (search_kinds): no row is read.
COUNTS = f"""
select k.kind, k.first_rowid, k.last_rowid,
  (select count(*) from {TABLE} where {TABLE} match :query and rowid between k.first_rowid and k.last_rowid) as n
from {RANGES} k
"""
ORDERS = {True: f"{TABLE}.rank", False: f"{TABLE}.rowid"}  # ranked, or the index's own order
# Each group: its kind, heading, and what each snippet column is, in words (None: shown without a label).
GROUPS = [
    ("treatment", "Treatments", {"body": None, "terms": "Kind and other names"}),
    ("claim", "Claims", {"body": "Quote", "evidence": "Evidence", "terms": "Tags and treatments"}),
    ("study", "Studies", {"body": None, "terms": "Authors and treatments tested"}),
]


# Control characters (SQLite's tokenizer ends a string at NUL) and the snippet markers are not words.
NOT_WORDS = re.compile(f"[\x00-\x1f\x7f{OPEN}{CLOSE}]")


def words(text: str) -> str:
    """The visitor's text without what is not words, white space folded (escape_fts pairs quotes only within a line)."""
    return " ".join(NOT_WORDS.sub(" ", text).split())


def fts_query(text: str) -> str:
    """The visitor's words as an FTS5 query of quoted terms, all of which must match; '' if none."""
    return escape_fts(words(text))


def marked(text: str | None) -> Markup:
    """Text with FTS5's markers as <mark> elements and everything else escaped. Markers are paired
    as they come, so a marker character in the data itself can never leave a <mark> open."""
    html, inside = [], False
    for part in re.split(f"([{OPEN}{CLOSE}])", text or ""):
        if part in (OPEN, CLOSE):
            if (part == OPEN) != inside:
                html.append("<mark>" if part == OPEN else "</mark>")
                inside = not inside
        else:
            html.append(str(escape(part)))
    return Markup("".join(html) + ("</mark>" if inside else ""))


def _passage(hit: dict, labels: dict) -> tuple[str | None, Markup] | None:
    """The first snippet column where a word matched (the title is highlighted on its own)."""
    for column, label in labels.items():
        if OPEN in (hit[column] or ""):
            return label, marked(hit[column])
    return None


async def search(db, text: str, limit: int) -> list[dict]:
    """Each group (treatments, claims, studies) with its best `limit` hits and how many match in all."""
    query = fts_query(text)
    kinds = {row["kind"]: row for row in await _rows(db, COUNTS, {"query": query})}
    groups = []
    for kind, heading, labels in GROUPS:
        found = kinds.get(kind) or {"n": 0}
        total, ranked = found["n"], found["n"] <= RANKED_AT_MOST
        hits = []
        if total:
            params = {"query": query, "open": OPEN, "close": CLOSE, "words": SNIPPET_WORDS, "limit": limit,
                      "first": found["first_rowid"], "last": found["last_rowid"]}
            hits = await _rows(db, HITS[kind].replace("{ORDER}", ORDERS[ranked]), params)
        for hit in hits:
            hit["title"], hit["passage"] = marked(hit["title"]), _passage(hit, labels)
        groups.append({"kind": kind, "heading": heading, "hits": hits, "total": total, "more": total - len(hits), "ranked": ranked})
    return groups


@shown_as_an_error_page
async def search_page(datasette, request):
    db = await knowledge_base(datasette)
    typed = request.args.get("q") or ""
    text = typed[:MAX_QUERY_LENGTH]
    context = {"q": words(text), "cut": len(typed) > MAX_QUERY_LENGTH, "max_length": MAX_QUERY_LENGTH,
               "examples": EXAMPLES, "groups": None, "problem": None, "database": db.name}
    if not (await db.table_exists(TABLE) and await db.table_exists(RANGES)):
        context["problem"] = "This database has no search index: rebuild it with `make ingest`."
    elif fts_query(text):
        try:
            groups = await search(db, text, PER_GROUP)
        except sqlite3.OperationalError:  # FTS5 refused the words (running out of time is QueryInterrupted: a 503)
            context["problem"] = "These words could not be searched for: try plain words, without quotes or symbols."
        else:
            for group in groups:
                for hit in group["hits"]:  # /treatment/<id>, /claim/<id>, /study/<key>
                    hit["href"] = datasette.urls.path(f"/{group['kind']}/{urllib.parse.quote(hit['id'], safe='')}")
            context["groups"] = groups
    return Response.html(await datasette.render_template("search.html", context, request=request))
