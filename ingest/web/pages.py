"""The pages people read (Datasette plugin routes): a treatment, a claim, the evidence map.

Each handler fetches its rows with plain SQL and renders a template in ingest/templates/; Jinja
escapes everything that comes from the data.
"""

import functools
import json
import re
import sqlite3
import urllib.parse

from datasette.database import QueryInterrupted
from datasette.utils.asgi import NotFound, Response

from ingest.check.grading import CERTAINTY
from ingest.check.vocabulary import HORIZONS, RELATIONS
from ingest.export.cite import doi_url
from ingest.load import orders
from ingest.web.evidence_map import map_rows, render_map

CLAIMS_OF_TREATMENT = """
select v.*, c.quote, c.position, s.id as source_id, s.title as source_title, s.kind as source_kind, s.url as source_url
from claim_verdicts v
join claims c on c.id = v.claim_id
join sources s on s.id = c.source_id
where v.claim_id in (select claim_id from claim_treatments where treatment_id = :id)
order by c.position
"""
# Each link with what its study tested (names, and ids to tell whether it tested a given treatment).
LINKS_OF_CLAIMS = f"""
select e.id, e.claim_id, e.relation, e.directness, e.cited_by_source, e.finding, e.note,
  e.evidence_level, e.question, e.comparator, e.result, e.outcome, e.horizon,
  e.effect_measure, e.effect_estimate, e.effect_ci_low, e.effect_ci_high, e.effect_participants,
  e.effect_quote, e.effect_verified_at,
  (select group_concat(t.name, '; ') from tested_treatments tt join treatments t on t.id = tt.treatment_id
   where tt.evidence_id = e.id) as tested,
  (select json_group_array(tt.treatment_id) from tested_treatments tt where tt.evidence_id = e.id) as tested_ids,
  st.key, st.short_citation, st.title, st.design, st.evidence_level as study_evidence_level, st.year, st.doi, st.url,
  st.pmid, st.pmcid, st.pedro_url, st.retracted
from claim_evidence e
join studies st on st.key = e.study_key
where e.claim_id in (select value from json_each(:ids))
order by e.claim_id, {orders.in_order('e.relation', RELATIONS)}, e.evidence_level is null, e.evidence_level, st.year desc, e.id
"""
# The map draws a page of treatments at a time, in the order of TREATMENT_VERDICTS, then by name.
MAP_PAGE_SIZE = 200
MAP_TREATMENTS = f"""
select treatment_id, treatment, verdict from treatment_summary
order by {orders.TREATMENTS_BY_VERDICT}
limit :limit offset :offset
"""
MAP_STUDIES = """
select treatment_id, study_key, study, relation, result, directness, evidence_level, outcome, horizon
from treatment_evidence where treatment_id in (select value from json_each(:ids))
"""
FINDINGS_OF_TREATMENT = f"""
select * from summary_of_findings where treatment_id = :id
order by outcome is null, outcome, horizon is null, {orders.in_order('horizon', HORIZONS)}
"""


async def knowledge_base(datasette):
    """The served database that is a knowledge base (a build of `ingest build` has build_info), whatever its name."""
    for name, db in datasette.databases.items():
        if name != "_internal" and await db.table_exists("build_info"):
            return db
    raise NotFound("No knowledge base is served: serve an evidence.db built by `make ingest`")


async def _rows(db, sql: str, params: dict | None = None) -> list[dict]:
    return [dict(row) for row in (await db.execute(sql, params or {})).rows]


async def _one(db, sql: str, params: dict) -> dict | None:
    rows = await _rows(db, sql, params)
    return rows[0] if rows else None


async def _links_by_claim(db, claim_ids: list[str]) -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = {claim_id: [] for claim_id in claim_ids}
    for link in await _rows(db, LINKS_OF_CLAIMS, {"ids": json.dumps(claim_ids)}):
        link["tested_ids"] = json.loads(link["tested_ids"])
        grouped[link["claim_id"]].append(link)
    return grouped


def shown_as_an_error_page(handler):
    """A page whose SQL ran out of time or failed gets a page that says so (HTTP 503), not
    Datasette's 500 with the raw SQL."""

    @functools.wraps(handler)
    async def page(datasette, request):
        try:
            return await handler(datasette, request)
        except (QueryInterrupted, sqlite3.DatabaseError):
            html = await datasette.render_template("page_error.html", {}, request=request)
            return Response.html(html, status=503, headers={"Retry-After": "10"})

    return page


@shown_as_an_error_page
async def treatment_page(datasette, request):
    db = await knowledge_base(datasette)
    treatment_id = request.url_vars["treatment_id"]
    summary = await _one(db, "select * from treatment_summary where treatment_id = :id", {"id": treatment_id})
    if summary is None:
        raise NotFound(f"No treatment has the id {treatment_id!r}")
    treatment = await _one(db, "select * from treatments where id = :id", {"id": treatment_id})
    claims = await _rows(db, CLAIMS_OF_TREATMENT, {"id": treatment_id})
    links = await _links_by_claim(db, [claim["claim_id"] for claim in claims])
    for link in (link for claim_links in links.values() for link in claim_links):
        link["tests_this"] = treatment_id in link["tested_ids"]  # the rest are not counted in its verdict
    findings = await _rows(db, FINDINGS_OF_TREATMENT, {"id": treatment_id})
    context = {"treatment": treatment, "summary": summary, "findings": findings, "claims": claims, "links": links,
               "database": db.name}
    return Response.html(await datasette.render_template("treatment.html", context, request=request))


@shown_as_an_error_page
async def claim_page(datasette, request):
    db = await knowledge_base(datasette)
    claim_id = request.url_vars["claim_id"]
    claim = await _one(db, """
        select v.*, c.quote, c.evidence_gap, s.id as source_id, s.title as source_title, s.author as source_author,
          s.publisher as source_publisher, s.published as source_published, s.kind as source_kind,
          s.url as source_url, s.conflict_of_interest, s.text as source_text
        from claim_verdicts v join claims c on c.id = v.claim_id join sources s on s.id = c.source_id
        where v.claim_id = :id""", {"id": claim_id})
    if claim is None:
        raise NotFound(f"No claim has the id {claim_id!r}")
    treatments = await _rows(db, """
        select t.id, t.name from claim_treatments ct join treatments t on t.id = ct.treatment_id
        where ct.claim_id = :id order by t.name""", {"id": claim_id})
    links = (await _links_by_claim(db, [claim_id]))[claim_id]
    context = {
        "claim": claim, "treatments": treatments, "database": db.name,
        "context": quote_in_context(claim["source_text"] or "", claim["quote"]),
        "groups": [(relation, [link for link in links if link["relation"] == relation]) for relation in RELATIONS],
    }
    return Response.html(await datasette.render_template("claim.html", context, request=request))


@shown_as_an_error_page
async def evidence_map_page(datasette, request):
    db = await knowledge_base(datasette)
    total = (await _one(db, "select count(*) as n from treatment_summary", {}))["n"]
    pages = max(1, -(-total // MAP_PAGE_SIZE))
    number = _page_number(request.args.get("page"), pages)
    treatments = await _rows(db, MAP_TREATMENTS, {"limit": MAP_PAGE_SIZE, "offset": (number - 1) * MAP_PAGE_SIZE})
    links = await _rows(db, MAP_STUDIES, {"ids": json.dumps([t["treatment_id"] for t in treatments])})
    rows = map_rows(treatments, links)  # drawn, and listed in words beneath
    svg = render_map(rows, lambda treatment_id: datasette.urls.path(f"/treatment/{treatment_id}"))
    context = {"svg": svg, "treatments": treatments, "database": db.name, "total": total, "page": number, "pages": pages,
               "first": (number - 1) * MAP_PAGE_SIZE + 1, "rows": rows}
    return Response.html(await datasette.render_template("evidence_map.html", context, request=request))


# Every link of one study, with the claim it bears on and that claim's verdict.
LINKS_OF_STUDY = f"""
select e.id, e.claim_id, e.relation, e.directness, e.cited_by_source, e.finding, e.note, e.evidence_level, e.question,
  e.comparator, e.result, e.outcome, e.horizon, e.effect_measure, e.effect_estimate, e.effect_ci_low, e.effect_ci_high,
  e.effect_participants, e.effect_quote, e.effect_verified_at,
  (select group_concat(t.name, '; ') from tested_treatments tt join treatments t on t.id = tt.treatment_id
   where tt.evidence_id = e.id) as tested,
  v.claim, v.verdict, s.id as source_id, s.title as source_title
from claim_evidence e
join claim_verdicts v on v.claim_id = e.claim_id
join claims c on c.id = e.claim_id
join sources s on s.id = c.source_id
where e.study_key = :key
order by {orders.in_order('e.relation', RELATIONS)}, c.position, e.id
"""
TREATMENTS_TESTED_BY_STUDY = """
select distinct t.id, t.name from claim_evidence e
join tested_treatments tt on tt.evidence_id = e.id
join treatments t on t.id = tt.treatment_id
where e.study_key = :key order by t.name
"""
PMID = re.compile(r"[0-9]{1,9}")
PMCID = re.compile(r"PMC[0-9]{1,9}")


def links_out(study: dict) -> list[tuple[str, str]]:
    """Where a reader can read a study: (label, address) for doi.org, PubMed, PMC and PEDro, each
    only when its identifier has the shape it should (an address is never built from anything else)."""
    links = []
    if study.get("doi"):
        links.append(("DOI", doi_url(study["doi"])))
    if study.get("pmid") and PMID.fullmatch(study["pmid"]):
        links.append(("PubMed", f"https://pubmed.ncbi.nlm.nih.gov/{study['pmid']}/"))
    if study.get("pmcid") and PMCID.fullmatch(study["pmcid"]):
        links.append(("PMC", f"https://pmc.ncbi.nlm.nih.gov/articles/{study['pmcid']}/"))
    if web_address(study.get("pedro_url")):
        links.append(("PEDro", study["pedro_url"]))
    if web_address(study.get("url")) and not any(href == study["url"] for _, href in links):
        links.append(("Publisher", study["url"]))
    return links


def web_address(text) -> bool:
    """Whether text is an http(s) address with a host, and so safe to put in a link (not javascript: or data:)."""
    if not isinstance(text, str):
        return False
    parts = urllib.parse.urlsplit(text)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


@shown_as_an_error_page
async def study_page(datasette, request):
    db = await knowledge_base(datasette)
    key = request.url_vars["key"]
    study = await _one(db, """select studies.*, conditions.name as condition_name from studies
        left join conditions on conditions.id = studies.condition_id where key = :key""", {"key": key})
    if study is None:
        raise NotFound(f"No study has the key {key!r}")
    study["verified_at"] = [url for url in json.loads(study["verified_at"] or "[]") if web_address(url)]
    context = {
        "study": study, "database": db.name, "links_out": links_out(study),
        "links": await _rows(db, LINKS_OF_STUDY, {"key": key}),
        "tested": await _rows(db, TREATMENTS_TESTED_BY_STUDY, {"key": key}),
        "notices": await _rows(db, "select * from study_notices where study_key = :key order by notice_date", {"key": key}),
        "design": await _one(db, "select description from vocabulary where field = 'studies.design' and value = :design",
                             {"design": study["design"]}),
    }
    return Response.html(await datasette.render_template("study.html", context, request=request))


def _page_number(text: str | None, pages: int) -> int:
    """The page a visitor asked for, kept within 1..pages whatever they typed."""
    try:
        return min(max(1, int(text or 1)), pages)
    except ValueError:
        return 1


# A page of treatments first, then their findings: only the rows shown are looked up.
TREATMENTS_BY_CATEGORY = f"""
with shown as (
  select treatment_id, treatment, category, verdict, studies, claims from treatment_summary
  order by {orders.TREATMENTS_BY_CATEGORY}
  limit :limit offset :offset
)
select shown.*,
  (select count(*) from summary_of_findings f where f.treatment_id = shown.treatment_id) as findings,
  (select f.certainty from summary_of_findings f where f.treatment_id = shown.treatment_id
   order by {orders.in_order('f.certainty', [label for label, _ in CERTAINTY.values()])} limit 1) as best_certainty
from shown
order by {orders.TREATMENTS_BY_CATEGORY}
"""


@shown_as_an_error_page
async def treatments_page(datasette, request):
    """Every treatment, grouped by category, with its verdict: the index of the treatment pages."""
    db = await knowledge_base(datasette)
    context = await _index_page(db, request, "treatments", TREATMENTS_BY_CATEGORY)
    context["categories"] = (await _vocabulary(db)).get("treatments.category", {})
    return Response.html(await datasette.render_template("treatments.html", context, request=request))


def redirect_to(path: str):
    """A route that sends a visitor to path (e.g. /treatment/, with no id, to the index of treatments)."""

    async def redirect(datasette, request):
        return Response.redirect(datasette.urls.path(path))

    return redirect


INDEX_PAGE_SIZE = 500
CLAIMS_BY_SOURCE = """
select v.claim_id, v.claim, v.claim_type, v.verdict, v.studies, v.stance, s.id as source_id, s.title as source_title,
  s.kind as source_kind
from claim_verdicts v join claims c on c.id = v.claim_id join sources s on s.id = c.source_id
order by s.id, c.position, c.id
limit :limit offset :offset
"""
STUDIES_BY_LEVEL = f"""
select st.key, st.short_citation, st.title, st.year, st.design, st.evidence_level, st.n_participants, st.population,
  st.doi, st.pmid, st.pmcid, st.pedro_url, st.url, st.retracted,
  (select count(distinct e.claim_id) from claim_evidence e where e.study_key = st.key) as claims
from studies st
order by {orders.STUDIES_BY_LEVEL}
limit :limit offset :offset
"""


async def _index_page(db, request, table: str, sql: str) -> dict:
    """One page of an index of a whole table, with where it is in the whole."""
    total = (await _one(db, f"select count(*) as n from [{table}]", {}))["n"]
    pages = max(1, -(-total // INDEX_PAGE_SIZE))
    number = _page_number(request.args.get("page"), pages)
    rows = await _rows(db, sql, {"limit": INDEX_PAGE_SIZE, "offset": (number - 1) * INDEX_PAGE_SIZE})
    return {"rows": rows, "database": db.name, "total": total, "page": number, "pages": pages,
            "first": (number - 1) * INDEX_PAGE_SIZE + 1}


@shown_as_an_error_page
async def claims_page(datasette, request):
    """Every claim, by the article that makes it, with its verdict: the index of the claim pages."""
    context = await _index_page(await knowledge_base(datasette), request, "claims", CLAIMS_BY_SOURCE)
    return Response.html(await datasette.render_template("claims.html", context, request=request))


@shown_as_an_error_page
async def studies_page(datasette, request):
    """Every study, strongest evidence first: the index of the study pages."""
    context = await _index_page(await knowledge_base(datasette), request, "studies", STUDIES_BY_LEVEL)
    return Response.html(await datasette.render_template("studies.html", context, request=request))


def quote_in_context(text: str, quote: str, around: int = 280) -> dict | None:
    """The quote with the text around it (white space folded), so a reader sees what surrounds it."""
    folded, wanted = " ".join(text.split()), " ".join(quote.split())
    start = folded.find(wanted)
    if start < 0:
        return None
    end = start + len(wanted)
    before_start = max(0, folded.rfind(" ", 0, max(0, start - around)) + 1) if start > around else 0
    after_end = folded.find(" ", min(len(folded), end + around))
    after_end = len(folded) if after_end < 0 else after_end
    return {
        "before": ("… " if before_start else "") + folded[before_start:start],
        "quote": wanted,
        "after": folded[end:after_end] + (" …" if after_end < len(folded) else ""),
    }


async def home_page(datasette, request):
    """The home page (index.html) without Datasette's index view, which checks each table's
    permission by deep-copying the whole metadata: 75% of that page's time, and p95 of 2 s under 20
    readers. Visibility is checked per database; per table only where something could hide a table
    (an `allow` on a table in the metadata, or a plugin that rules on permissions)."""
    await datasette.ensure_permissions(request.actor, ["view-instance"])
    per_table = _tables_may_be_hidden(datasette)
    databases = []
    for name, db in datasette.databases.items():
        if name == "_internal":
            continue
        visible, _ = await datasette.check_visibility(request.actor, permissions=[("view-database", name), "view-instance"])
        if not visible:
            continue
        hidden = set(await db.hidden_table_names())
        tables = [t for t in await db.table_names() if t not in hidden]
        views = await db.view_names()
        if per_table:
            tables = [t for t in tables if await _table_visible(datasette, request.actor, name, t)]
            views = [v for v in views if await _table_visible(datasette, request.actor, name, v)]
        databases.append({"name": name, "tables_count": len(tables), "views_count": len(views),
                          "tables_and_views_truncated": [{"name": t} for t in tables + views]})
    context = {"databases": databases, "metadata": datasette.metadata(), "private": False}
    return Response.html(await datasette.render_template("index.html", context, request=request))


def _tables_may_be_hidden(datasette) -> bool:
    from datasette.plugins import pm

    if {impl.plugin_name for impl in pm.hook.permission_allowed.get_hookimpls()} != {"datasette.default_permissions"}:
        return True
    databases = (datasette.metadata() or {}).get("databases") or {}
    return any("allow" in (table or {}) for database in databases.values() for table in ((database or {}).get("tables") or {}).values())


async def _table_visible(datasette, actor, database: str, table: str) -> bool:
    visible, _ = await datasette.check_visibility(actor, permissions=[("view-table", (database, table)), ("view-database", database),
                                                                       "view-instance"])
    return visible


async def _vocabulary(db) -> dict[str, dict[str, str]]:
    """What each code means, by field and value, in the vocabulary's own order."""
    vocabulary: dict[str, dict[str, str]] = {}
    for row in await _rows(db, "select field, value, description from vocabulary order by rowid"):
        vocabulary.setdefault(row["field"], {})[row["value"]] = row["description"]
    return vocabulary


SOURCES_ON_HOME_PAGE = 12  # the rest are one link away: the page stays the same size however many articles there are


async def home_page_vars(datasette) -> dict:
    """Data for the customised home page (index.html): nothing when no knowledge base is served."""
    try:
        db = await knowledge_base(datasette)
    except NotFound:
        return {}
    counts = await _one(db, """select claims, treatments, appraised_studies as studies, evidence_links as links, sources,
        treatment_verdicts from build_info""", {})
    return {
        "kb_database": db.name,
        "kb_sources": await _rows(db, "select id, title, author, publisher, published, kind, url, conflict_of_interest "
                                      "from sources order by id limit :shown", {"shown": SOURCES_ON_HOME_PAGE}),
        "kb_counts": counts,
        "kb_verdicts": [{"verdict": verdict, "n": n} for verdict, n in json.loads(counts["treatment_verdicts"]).items()],
        "kb_vocabulary": await _vocabulary(db),
        "kb_audits": [(name, table.get("title", name)) for name, table in
                      (datasette.metadata("tables", database=db.name) or {}).items() if name.startswith("audit_")],
    }
