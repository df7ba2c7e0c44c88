"""Datasette plugin: the evidence pages, and cite packs as output formats.

Pages (pages.py, search.py; templates in templates/): /treatment/<id>, /claim/<id>, /study/<key>,
their indexes /treatments, /claims and /studies, /evidence-map, /search, a home page that says
what the knowledge base is, and a 404 page with the way back. They read whichever served database
is a knowledge base build, whatever its name. Datasette's own pages get the ids linked to these
pages (render_cell), hints for ids typed into canned queries (id_hints.py), titles without SQL,
and mends for accessibility (TEMPLATE_MENDS).

Any query or table whose rows are studies (with `key`, `title` and `bibtex` columns) can be
downloaded as .md (AMA style), .bibtex or .csl (CSL-JSON); the `cite_pack` canned query, added
here, selects the studies behind a claim, a treatment or one study. Installed through the `datasette` entry
point in pyproject.toml; Datasette serves templates/ and static/ beside this file.
"""

import asyncio
import functools
import json
import re
import urllib.parse

import jinja2
from datasette import hookimpl
from datasette.utils.asgi import Response
from markupsafe import Markup, escape

from ingest.export import cite
from ingest.export.cite import doi_url
from ingest.web import id_hints, limits, live, pages, search

CONTENT_TYPES = {
    "md": "text/markdown; charset=utf-8",
    "bibtex": "application/x-bibtex; charset=utf-8",
    "csl": "application/vnd.citationstyles.csl+json; charset=utf-8",
}
LINK_LABELS = {"md": "Markdown", "bibtex": "BibTeX", "csl": "CSL-JSON"}


# The columns of the studies table each format reads; a query may have more.
NEEDED_COLUMNS = {"md": ("key", "entry_type", "title", "year"), "bibtex": ("key", "bibtex"),
                  "csl": ("key", "entry_type", "title", "year")}
MAX_STUDIES = 500  # a cite pack is a reference list, not an export of the library


def _can_render(columns) -> bool:
    return {"key", "title", "bibtex"} <= set(columns)


def _renderer(format_name: str):
    async def render(datasette, database, columns, rows, request, query_name):
        target = request.args.get("target") if query_name == "cite_pack" else None
        studies = [dict(zip(columns, row, strict=True)) for row in rows]
        problem = _cite_problem(format_name, columns, studies)
        if problem:  # a dict, not a Response: Datasette keeps a dict's status code, not a Response's
            return {"body": problem + "\n", "status_code": 400, "content_type": "text/plain; charset=utf-8"}
        if target is not None and not rows and not await _target_exists(datasette, database, target):
            message = f"No claim, treatment or study has the id '{target}': use an id from the claims or treatments table, or a study's key\n"
            return {"body": message, "status_code": 404, "content_type": "text/plain; charset=utf-8"}
        keys = json.dumps([study["key"] for study in studies])
        result = await datasette.get_database(database).execute(cite.AUTHORS, {"keys": keys})
        authors = [dict(row) for row in result.rows]
        # citeproc takes seconds for hundreds of entries: off the event loop, other requests go on
        body = await asyncio.get_running_loop().run_in_executor(
            None, lambda: cite.RENDERERS[format_name](studies, cite.csl_items(studies, authors)))
        # saved under the target's name (cite-pack-prp.bibtex), not cite_pack.bibtex for every target
        name = "cite-pack" + (f"-{SAFE_IN_FILE_NAME.sub('_', target)[:80]}" if target else "")
        headers = {"content-disposition": f'inline; filename="{name}.{format_name}"'}
        return Response(body, content_type=CONTENT_TYPES[format_name], headers=headers)

    return render


SAFE_IN_FILE_NAME = re.compile(r"[^A-Za-z0-9._-]")


async def _target_exists(datasette, database: str, target: str) -> bool:
    result = await datasette.get_database(database).execute(cite.TARGET_EXISTS, {"target": target})
    return bool(result.rows[0][0])


def _cite_problem(format_name: str, columns, studies: list[dict]) -> str | None:
    """Why these rows cannot be a cite pack in this format, in words a visitor can act on; None if they can."""
    missing = [column for column in NEEDED_COLUMNS[format_name] if column not in columns]
    if missing:
        return (f"A .{format_name} cite pack needs the columns {', '.join(NEEDED_COLUMNS[format_name])} of the studies table; "
                f"this query has no {', '.join(missing)}: select studies.* or add them")
    if len(studies) > MAX_STUDIES:
        return f"A cite pack holds at most {MAX_STUDIES} studies; this query has {len(studies)}: narrow it"
    for number, values in enumerate(studies, 1):
        empty = [column for column in NEEDED_COLUMNS[format_name] if column != "year" and not isinstance(values[column], str)]
        if empty or not isinstance(values.get("year", 0), (int, type(None))):
            return f"Row {number} is not a study: {', '.join(empty) or 'year'} must be {'text' if empty else 'a number'}"
    return None


@hookimpl
def register_output_renderer(datasette):
    return [{"extension": name, "render": _renderer(name), "can_render": _can_render} for name in cite.RENDERERS]


# Columns whose value is the id of something with a reader page: the page they link to.
READER_PAGES = {"treatment_id": "treatment", "claim_id": "claim", "study_key": "study"}
ID_COLUMNS = {("treatments", "id"): "treatment", ("claims", "id"): "claim", ("studies", "key"): "study"}


@hookimpl
def render_cell(value, column, table, database, datasette):
    """Ids link to their reader page (/treatment/<id>, /claim/<id>, /study/<key>) wherever Datasette shows them;
    the `cite_pack` column of the verdict views links to the cite pack in each format."""
    if not isinstance(value, str):
        return None
    page = READER_PAGES.get(column) or ID_COLUMNS.get((table, column))
    if page:
        href = datasette.urls.path(f"/{page}/{urllib.parse.quote(value, safe='')}")
        return Markup(f'<a href="{escape(href)}">{escape(value)}</a>')
    if column != "cite_pack":
        return None
    query = urllib.parse.urlencode({"target": value})
    links = [
        f'<a href="{escape(datasette.urls.database(database))}/cite_pack.{name}?{escape(query)}">{label}</a>'
        for name, label in LINK_LABELS.items()
    ]
    return Markup(" · ".join(links))


CITE_PACK_QUERY = {
    "title": "Cite pack for a claim, a treatment or a study",
    "description": (
        "The studies behind a claim (enter its id), a treatment (enter its id, e.g. prp) or one study "
        "(enter its key, e.g. bennell2021effect), strongest evidence first. Download them ready to paste with the links below the table: md (a numbered list "
        "in AMA style with DOI links), bibtex (the original entries) or csl (CSL-JSON for reference "
        "managers). Any table or query of studies offers the same formats."
    ),
    "sql": cite.STUDIES_FOR_TARGET.strip(),
    "hide_sql": True,
}


@hookimpl
def canned_queries(datasette, database):
    """The cite_pack query, on the database that holds the knowledge base (its SQL is the CLI's)."""

    async def queries():
        db = datasette.get_database(database)
        return {"cite_pack": CITE_PACK_QUERY} if await db.table_exists("build_info") else {}

    return queries


@hookimpl
def prepare_connection(conn):
    """Every connection, to every served database: the bounds of limits.py."""
    limits.limit(conn)


@hookimpl
def startup(datasette):
    """Serve the latest build of each database file, each request from one build (live.py)."""
    live.serve_live(datasette)


@hookimpl
def asgi_wrapper(datasette):
    return functools.partial(live.pin_builds, datasette)


# Datasette's own templates, mended where its pages fail WCAG: each (what is there, what it becomes).
# tests/test_pages.py checks that every `what is there` is still in Datasette's templates.
TEMPLATE_MENDS = {
    # screen readers choose their voice and pronunciation by the page's language
    "base.html": [("<html>", '<html lang="en">'),
                  # the page's own content is its main landmark (a screen reader's "skip to main content")
                  ('<section class="content">', '<section class="content" role="main">')],
    # the table filters' controls have no label
    "table.html": [
        ('<select name="_filter_column_{{ loop.index }}">', '<select name="_filter_column_{{ loop.index }}" aria-label="Column to filter on">'),
        ('<select name="_filter_op_{{ loop.index }}">', '<select name="_filter_op_{{ loop.index }}" aria-label="How to compare">'),
        ('class="filter-value" value="{{ value }}">', 'class="filter-value" aria-label="Value to compare with" value="{{ value }}">'),
        ('<select name="_filter_column">', '<select name="_filter_column" aria-label="Column to filter on">'),
        ('<select name="_filter_op">', '<select name="_filter_op" aria-label="How to compare">'),
        ('<input type="text" name="_filter_value" class="filter-value">',
         '<input type="text" name="_filter_value" class="filter-value" aria-label="Value to compare with">'),
        ('<select name="_sort" id="sort_by">', '<select name="_sort" id="sort_by" aria-label="Sort by">'),
    ],
    # the SQL editor's text box has no label
    "_codemirror_foot.html": [("lineWrapping: true,", 'lineWrapping: true,\n          screenReaderLabel: "SQL query",')],
}


class MendedTemplates(jinja2.BaseLoader):
    """Datasette's template loader, with TEMPLATE_MENDS applied to the templates it names."""

    def __init__(self, loader: jinja2.BaseLoader):
        self.loader = loader

    def get_source(self, environment, template):
        source, filename, uptodate = self.loader.get_source(environment, template)
        for before, after in TEMPLATE_MENDS.get(template.removeprefix("default:"), []):
            source = source.replace(before, after, 1)
        return source, filename, uptodate

    def list_templates(self):
        return self.loader.list_templates()


@hookimpl
def prepare_jinja2_environment(env):
    env.loader = MendedTemplates(env.loader)
    env.filters["links_out"] = pages.links_out
    env.filters["doi_url"] = doi_url
    env.filters["web_address"] = pages.web_address
    env.globals["search_max_length"] = search.MAX_QUERY_LENGTH


@hookimpl
def extra_css_urls(datasette):
    """evidence.css on every page, Datasette's included: it also mends their contrast (see its end)."""
    return [datasette.urls.static_plugins("runners-knee-evidence", "evidence.css")]


@hookimpl
def register_routes():
    return [
        (r"^/treatment/(?P<treatment_id>[^/]+)$", pages.treatment_page),
        (r"^/claim/(?P<claim_id>[^/]+)$", pages.claim_page),
        (r"^/evidence-map$", pages.evidence_map_page),
        (r"^/$", pages.home_page),
        (r"^/treatments$", pages.treatments_page),
        (r"^/treatment/?$", pages.redirect_to("/treatments")),
        (r"^/claim/?$", pages.redirect_to("/claims")),
        (r"^/study/?$", pages.redirect_to("/studies")),
        (r"^/study/(?P<key>[^/]+)$", pages.study_page),
        (r"^/claims$", pages.claims_page),
        (r"^/studies$", pages.studies_page),
        (r"^/search$", search.search_page),
    ]


@hookimpl
def extra_template_vars(template, database, request, datasette):
    if template == "index.html":
        async def home_page_vars():
            return await pages.home_page_vars(datasette)

        return home_page_vars
    if template == "query.html" and database and request is not None:
        async def query_page_vars():
            db = datasette.get_database(database)
            return {"id_hints": await id_hints.id_hints(db, request.args)} if await db.table_exists("build_info") else {}

        return query_page_vars
    return {}
