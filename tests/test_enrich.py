"""`make enrich` against a real local HTTP server replaying recorded Crossref and PubMed answers.

No test reaches the internet: every base URL points at tests/replay_server.py on 127.0.0.1.
"""

import json
import time
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner
from replay_server import ReplayServer, Reply

from ingest.check.inputs import read_inputs
from ingest.cli import cli
from ingest.enrich import cache, run
from ingest.enrich.http import Client, retry_policy
from ingest.load.build import build_database
from ingest.read.bibtex import parse_bibtex

FIXTURES = Path(__file__).parent / "fixtures"
CONTACT = "curator@example.org"
PONE_DOI = "10.1371/journal.pone.0033693"
PONE_TITLE = "Methylphenidate Exposure Induces Dopamine Neuron Loss and Activation of Microglia in the Basal Ganglia of Mice"
INSIGHT_TITLE = ("Impact of insight and metacognition on vocational rehabilitation of individuals with severe mental "
                 "illness: A systematic review")
BIB = f"""\
@article{{pone2012, author = {{Sadasivan, Shankar}}, title = {{{PONE_TITLE}}}, year = {{2012}}, doi = {{{PONE_DOI}}}}}
@article{{insight2021, title = {{{INSIGHT_TITLE}}}, year = {{2021}}, doi = {{10.1037/prj0000481}}, pmid = {{33856845}}}}
@article{{boettiger2022, author = {{Boettiger, Carl}}, title = {{The forecast trap}}, year = {{2022}}}}
@article{{wrongpaper2023, author = {{NoScience, Jack}}, title = {{Augmenting large language models with chemistry tools}}, year = {{2023}}}}
"""


def recorded(name: str, content_type: str = "application/json") -> Reply:
    return Reply(200, (FIXTURES / name).read_bytes(), content_type)


# No recording has an esearch that finds nothing; this is the recorded esearch shape with an empty idlist.
EMPTY_ESEARCH = Reply(200, json.dumps({"header": {"type": "esearch", "version": "0.3"}, "esearchresult": {
    "count": "0", "retmax": "0", "retstart": "0", "idlist": [], "translationset": [], "querytranslation": ""}}).encode())
NOT_FOUND = Reply(404, (FIXTURES / "crossref/work_404_notarealdoi.txt").read_bytes(), "text/plain")

ROUTES = {
    f"work:{PONE_DOI}": recorded("crossref/work_10.1371_journal.pone.0033693.json"),
    f"esearch:{PONE_DOI}[doi]": EMPTY_ESEARCH,
    "work:10.1037/prj0000481": NOT_FOUND,
    "efetch:33856845": recorded("pubmed/efetch_pmid-33856845_systematic-review.xml", "text/xml"),
    "search:The forecast trap Boettiger 2022": recorded("crossref/works_query-ecology_query-author-boettiger.json"),
    "esearch:10.1111/ele.14024[doi]": EMPTY_ESEARCH,
    "search:Augmenting large language models with chemistry tools NoScience 2023": recorded("crossref/works_query-title-author-mismatch_select.json"),
    "esearch:Augmenting large language models with chemistry tools[title]": EMPTY_ESEARCH,
}


def client_for(server: ReplayServer, retries: int = 1) -> Client:
    return Client(contact=CONTACT, base_urls={"crossref": server.url, "pubmed": server.url}, timeout=(1, 0.5),
                  retry=retry_policy(total=retries, backoff=0), min_interval={"crossref": 0, "pubmed": 0})


@pytest.fixture
def curator(tmp_path, monkeypatch):
    """A knowledge base with four references and no claims yet."""
    (tmp_path / "references.bib").write_text(BIB, encoding="utf-8")
    (tmp_path / "data").mkdir()
    for name in ["sources", "conditions", "treatments", "studies"]:
        (tmp_path / "data" / f"{name}.yml").write_text("", encoding="utf-8")
    (tmp_path / "data" / "claims").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def references(root: Path):
    return parse_bibtex(root / "references.bib")[0]


def cache_files(root: Path) -> dict[str, bytes]:
    cache = root / "data" / "enrichment"
    return {str(p.relative_to(cache)): p.read_bytes() for p in sorted(cache.rglob("*")) if p.is_file()}


def test_enrich_caches_every_answer_and_asks_nothing_twice(curator):
    with ReplayServer(ROUTES) as server:
        first = run.enrich(references(curator), curator / "data" / "enrichment", client_for(server))
        asked = len(server.requests)
        second = run.enrich(references(curator), curator / "data" / "enrichment", client_for(server))
        assert len(server.requests) == asked  # nothing asked again
    assert (first.fetched, first.from_cache, first.failures) == (8, 0, [])
    assert (second.fetched, second.from_cache, second.failures) == (0, 8, [])
    assert all(CONTACT in request["user_agent"] for request in server.requests)
    assert all(request["params"].get("mailto") == CONTACT or request["params"].get("email") == CONTACT for request in server.requests)
    assert sorted(cache_files(curator)) == [
        "crossref/search/boettiger2022-" + _name(curator, "crossref/search/boettiger2022-"),
        "crossref/search/wrongpaper2023-" + _name(curator, "crossref/search/wrongpaper2023-"),
        "crossref/works/10.1037%2fprj0000481.json",
        "crossref/works/10.1371%2fjournal.pone.0033693.json",
        "pubmed/efetch/33856845.json",
        "pubmed/esearch/boettiger2022-" + _name(curator, "pubmed/esearch/boettiger2022-"),
        "pubmed/esearch/pone2012-" + _name(curator, "pubmed/esearch/pone2012-"),
        "pubmed/esearch/wrongpaper2023-" + _name(curator, "pubmed/esearch/wrongpaper2023-"),
    ]
    envelope = json.loads(cache_files(curator)["crossref/works/10.1037%2fprj0000481.json"])
    assert (envelope["status"], envelope["body"]) == (404, "Resource not found.")
    assert CONTACT not in json.dumps([json.loads(body) for body in cache_files(curator).values()])


def _name(root: Path, prefix: str) -> str:
    [match] = [name for name in cache_files(root) if name.startswith(prefix)]
    return match[len(prefix):]


def test_build_reads_only_the_cache(curator):
    with ReplayServer(ROUTES) as server:
        run.enrich(references(curator), curator / "data" / "enrichment", client_for(server))
    # the server is gone: the build must not need it
    inputs = read_inputs(curator / "references.bib", curator / "data")
    build_database(inputs, curator / "evidence.db")
    db = sqlite_utils.Database(curator / "evidence.db")
    assert list(db.query("select key, doi, pmid, url, design, design_source, metadata_status, enriched_fields, retracted, substr(abstract, 1, 40) as abstract from studies")) == [
        {"key": "pone2012", "doi": PONE_DOI, "pmid": None, "url": None, "design": None, "design_source": None,
         "metadata_status": None, "enriched_fields": None, "retracted": 0, "abstract": None},
        {"key": "insight2021", "doi": "10.1037/prj0000481", "pmid": "33856845", "url": None, "design": "systematic-review",
         "design_source": "pubmed", "metadata_status": "enriched", "enriched_fields": "abstract", "retracted": 0,
         "abstract": "OBJECTIVE: Identifying specific insight "},
        {"key": "boettiger2022", "doi": "10.1111/ele.14024", "pmid": None, "url": "https://doi.org/10.1111/ele.14024",
         "design": None, "design_source": None, "metadata_status": "enriched", "enriched_fields": "doi, abstract", "retracted": 0,
         "abstract": "Encouraged by decision makers’ appetite "},
        # the search's top hit is another paper: no DOI is taken from it
        {"key": "wrongpaper2023", "doi": None, "pmid": None, "url": None, "design": None, "design_source": None,
         "metadata_status": None, "enriched_fields": None, "retracted": 0, "abstract": None},
    ]
    assert list(db.query("select * from study_publication_types")) == [
        {"study_key": "insight2021", "publication_type": "Journal Article"},
        {"study_key": "insight2021", "publication_type": "Systematic Review"},
    ]
    assert [row["term"] for row in db.query("select term from study_mesh_terms")] == [
        "Humans", "Mental Disorders", "Metacognition", "Rehabilitation, Vocational"]
    assert list(db.query("select study_key, notice_type, notice_doi, notice_date from study_notices")) == [
        {"study_key": "pone2012", "notice_type": "correction", "notice_doi": "10.1371/annotation/c76da2c1-ccb8-4797-94c1-359d3ceceeda",
         "notice_date": "2012-05-08"},
    ]
    assert list(db.query("select study_key, field, bib_value, record_value, source from metadata_conflicts")) == [
        {"study_key": "insight2021", "field": "doi", "bib_value": "10.1037/prj0000481", "record_value": None,
         "source": "Crossref has no record of this DOI"},
    ]


def test_check_lists_conflicts_as_warnings(curator):
    with ReplayServer(ROUTES) as server:
        run.enrich(references(curator), curator / "data" / "enrichment", client_for(server))
    result = CliRunner().invoke(cli, ["check"])
    assert result.exit_code == 0
    assert result.output.splitlines()[0] == (
        "references.bib:2: warning: entry 'insight2021': Crossref has no record of this DOI (10.1037/prj0000481): check the DOI")


def test_a_retraction_notice_marks_the_study_retracted(curator):
    # No recording has a retraction; this is the recorded PLoS ONE work with its notice made one.
    work = json.loads((FIXTURES / "crossref/work_10.1371_journal.pone.0033693.json").read_text(encoding="utf-8"))
    work["message"]["updated-by"][0]["type"] = "retraction"
    routes = {f"work:{PONE_DOI}": Reply(200, json.dumps(work).encode()), f"esearch:{PONE_DOI}[doi]": EMPTY_ESEARCH}
    with ReplayServer(routes) as server:
        run.enrich(references(curator)[:1], curator / "data" / "enrichment", client_for(server))
    build_database(read_inputs(curator / "references.bib", curator / "data"), curator / "evidence.db")
    db = sqlite_utils.Database(curator / "evidence.db")
    assert list(db.query("select key, retracted from studies where key = 'pone2012'")) == [{"key": "pone2012", "retracted": 1}]


FAULT_DOI = "10.5555/fault"
FAULT_BIB = f"@article{{fault, title = {{{PONE_TITLE}}}, year = {{2012}}, doi = {{{FAULT_DOI}}}}}\n"
TRUNCATED = Reply(200, (FIXTURES / "crossref/work_10.1371_journal.pone.0033693.json").read_bytes()[:700])
GATEWAY = Reply(504, (FIXTURES / "crossref/gateway-timeout_504.html").read_bytes(), "text/html")

FAULTS = [
    ("timeout", "timeout", "timed out (no answer within 0.5 s)"),
    ("connection reset", "reset", "could not connect (connection reset by the server)"),
    ("500", Reply(500, b"Internal error", "text/plain"), "HTTP 500 Internal Server Error"),
    ("504 HTML page", GATEWAY, "HTTP 504 Gateway Timeout"),
    ("truncated JSON", TRUNCATED, "the answer was malformed (not valid JSON or XML, or not the expected record); nothing was cached"),
]


@pytest.mark.parametrize("fault, message", [case[1:] for case in FAULTS], ids=[case[0] for case in FAULTS])
def test_faults_are_reported_and_lose_nothing(curator, fault, message):
    (curator / "references.bib").write_text(FAULT_BIB + BIB, encoding="utf-8")
    with ReplayServer(ROUTES) as server:  # a first, good run fills the cache
        run.enrich(references(curator)[1:], curator / "data" / "enrichment", client_for(server))
    build_database(read_inputs(curator / "references.bib", curator / "data"), curator / "evidence.db")
    cache_before, db_before = cache_files(curator), (curator / "evidence.db").read_bytes()

    routes = {f"work:{FAULT_DOI}": fault, f"esearch:{FAULT_DOI}[doi]": fault}
    with ReplayServer(routes, slow_seconds=1.5) as server:
        report = run.enrich(references(curator)[:1], curator / "data" / "enrichment", client_for(server))

    assert report.failures == [("fault", "crossref work", message), ("fault", "pubmed esearch", message)]
    assert report.fetched == 0
    assert cache_files(curator) == cache_before
    assert (curator / "evidence.db").read_bytes() == db_before
    rebuilt = build_database(read_inputs(curator / "references.bib", curator / "data"), curator / "evidence.db")
    assert rebuilt["studies"] == 5


def test_retry_after_is_honoured(curator):
    routes = {
        f"work:{PONE_DOI}": [Reply(429, b"slow down", "text/plain", {"Retry-After": "1"}),
                             recorded("crossref/work_10.1371_journal.pone.0033693.json")],
        f"esearch:{PONE_DOI}[doi]": EMPTY_ESEARCH,
    }
    with ReplayServer(routes) as server:
        started = time.monotonic()
        report = run.enrich(references(curator)[:1], curator / "data" / "enrichment", client_for(server))
        elapsed = time.monotonic() - started
    assert (report.fetched, report.failures) == (2, [])
    assert [request["key"] for request in server.requests] == [f"work:{PONE_DOI}", f"work:{PONE_DOI}", f"esearch:{PONE_DOI}[doi]"]
    assert elapsed >= 1.0


def test_dois_go_to_the_right_url_and_nowhere_else(curator):
    odd = "10.1000/a?b#c%d é"
    (curator / "references.bib").write_text(f"@article{{odd, title = {{Odd}}, year = {{2020}}, doi = {{{odd}}}}}\n", encoding="utf-8")
    with ReplayServer({}) as server:
        run.enrich(references(curator), curator / "data" / "enrichment", client_for(server))
    assert [request["raw_path"] for request in server.requests][0] == "/works/10.1000%2Fa%3Fb%23c%25d%20%C3%A9"
    assert server.requests[0]["key"] == f"work:{odd}"


def test_enrich_command(curator, monkeypatch):
    monkeypatch.setenv("EVIDENCE_CONTACT_EMAIL", CONTACT)
    routes = {f"work:{FAULT_DOI}": Reply(500, b"no", "text/plain"), f"esearch:{FAULT_DOI}[doi]": Reply(500, b"no", "text/plain")}
    (curator / "references.bib").write_text(FAULT_BIB, encoding="utf-8")
    with ReplayServer(routes) as server:
        monkeypatch.setenv("CROSSREF_API_URL", server.url)
        monkeypatch.setenv("PUBMED_API_URL", server.url)
        monkeypatch.setattr(run, "enrich", _fast(run.enrich))
        result = CliRunner().invoke(cli, ["enrich"])
    assert result.exit_code == 1  # it fetched nothing it was asked to
    assert result.output.splitlines()[-3:] == [
        "references.bib: fault: crossref work: HTTP 500 Internal Server Error",
        "references.bib: fault: pubmed esearch: HTTP 500 Internal Server Error",
        "Enriched 1 references: 0 answers fetched, 0 from the cache, 2 failed.",
    ]


def _fast(enrich):
    """The real enrich, with the test's short timeouts and no backoff."""
    def fast(references, root, client, refresh=False):
        client.retry, client.min_interval = retry_policy(total=1, backoff=0), {"crossref": 0, "pubmed": 0}
        client.__post_init__()
        return enrich(references, root, client, refresh)
    return fast


def test_enrich_needs_a_contact_address(curator, monkeypatch):
    monkeypatch.delenv("EVIDENCE_CONTACT_EMAIL", raising=False)
    result = CliRunner().invoke(cli, ["enrich"])
    assert result.exit_code == 1
    assert result.output == "Error: no contact address: set EVIDENCE_CONTACT_EMAIL or pass --mailto (Crossref and NCBI ask for one)\n"


def test_requests_are_spaced_by_the_rate_limit(curator):
    with ReplayServer(ROUTES) as server:
        client = client_for(server)
        client.min_interval = {"crossref": 0.2, "pubmed": 0.2}
        started = time.monotonic()
        report = run.enrich(references(curator)[:2], curator / "data" / "enrichment", client)
        elapsed = time.monotonic() - started
    assert report.fetched == 4  # two Crossref and two PubMed requests
    assert elapsed >= 0.2  # the second request to each service waited its turn


def test_titles_with_special_characters_reach_the_search_intact(curator):
    title = "Knee pain? 50% & more #1 / café"
    as_exported = r"Knee pain? 50\% \& more \#1 / caf\'e"  # how a reference manager writes it
    (curator / "references.bib").write_text(f"@article{{odd, author = {{Doe, J.}}, title = {{{as_exported}}}, year = {{2020}}}}\n", encoding="utf-8")
    with ReplayServer({}) as server:
        run.enrich(references(curator), curator / "data" / "enrichment", client_for(server))
    search = server.requests[0]
    assert (search["raw_path"], search["params"]["query.bibliographic"]) == ("/works", f"{title} Doe 2020")
    assert server.requests[1]["params"]["term"] == f"{title}[title]"


def test_an_oversized_answer_is_refused(curator, monkeypatch):
    monkeypatch.setattr("ingest.enrich.http.MAX_BODY_BYTES", 1024 * 1024)
    huge = Reply(200, b'{"message": "' + b"x" * (2 * 1024 * 1024) + b'"}')
    with ReplayServer({f"work:{PONE_DOI}": huge, f"esearch:{PONE_DOI}[doi]": EMPTY_ESEARCH}) as server:
        report = run.enrich(references(curator)[:1], curator / "data" / "enrichment", client_for(server))
    assert report.failures == [("pone2012", "crossref work", "response larger than 1 MB: refused")]
    assert "crossref/works/10.1371%2fjournal.pone.0033693.json" not in cache_files(curator)


def test_a_broken_cache_file_is_fetched_again(curator):
    with ReplayServer(ROUTES) as server:
        run.enrich(references(curator)[:1], curator / "data" / "enrichment", client_for(server))
    cached = curator / "data" / "enrichment" / "crossref" / "works" / "10.1371%2fjournal.pone.0033693.json"
    cached.write_text('{"status": 200, "bo', encoding="utf-8")
    result = CliRunner().invoke(cli, ["check"])
    assert result.exit_code == 0
    assert "data/enrichment/crossref/works/10.1371%2fjournal.pone.0033693.json: warning: is not valid JSON" in result.output
    with ReplayServer(ROUTES) as server:
        report = run.enrich(references(curator)[:1], curator / "data" / "enrichment", client_for(server))
    assert (report.fetched, report.from_cache, report.failures) == (1, 1, [])
    assert json.loads(cached.read_text(encoding="utf-8"))["status"] == 200


def files_outside_the_cache(root: Path) -> list[str]:
    """Every file of the knowledge base in root that is neither in data/enrichment/ nor an input the test wrote."""
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()
                  and not p.is_relative_to(root / "data" / "enrichment") and p.name != "references.bib" and p.suffix != ".yml")


def esearch_finding(pmid: str) -> Reply:
    body = json.loads(EMPTY_ESEARCH.body)
    body["esearchresult"].update({"count": "1", "retmax": "1", "idlist": [pmid]})
    return Reply(200, json.dumps(body).encode())


def test_a_pmid_in_the_bibliography_cannot_choose_where_the_cache_writes(curator):
    evil = "../../../../escaped"
    (curator / "references.bib").write_text(f"@article{{evil, title = {{T}}, year = {{2020}}, pmid = {{{evil}}}}}\n", encoding="utf-8")
    routes = {f"efetch:{evil}": recorded("pubmed/efetch_pmid-33856845_systematic-review.xml", "text/xml")}
    with ReplayServer(routes) as server:
        run.enrich(references(curator), curator / "data" / "enrichment", client_for(server))
    assert files_outside_the_cache(curator) == []
    assert [request["key"] for request in server.requests if request["key"].startswith("efetch")] == []


def test_a_pmid_in_an_answer_cannot_choose_where_the_cache_writes(curator):
    evil = "../../../../escaped"
    (curator / "references.bib").write_text(f"@article{{evil, title = {{{INSIGHT_TITLE}}}, year = {{2021}}}}\n", encoding="utf-8")
    routes = {f"search:{INSIGHT_TITLE} 2021": EMPTY_ESEARCH, f"esearch:{INSIGHT_TITLE}[title]": esearch_finding(evil),
              f"efetch:{evil}": recorded("pubmed/efetch_pmid-33856845_systematic-review.xml", "text/xml")}
    with ReplayServer(routes) as server:
        report = run.enrich(references(curator), curator / "data" / "enrichment", client_for(server))
    assert files_outside_the_cache(curator) == []
    assert ("evil", "pubmed esearch", "the answer was malformed (not valid JSON or XML, or not the expected record); nothing was cached") in report.failures


@pytest.mark.parametrize("name", ["../../escaped", "..", ".hidden", "a/b", "x" * 300, "10.1000/" + "y" * 300])
def test_every_cache_name_stays_in_its_folder(tmp_path, name):
    root = tmp_path / "enrichment"
    path = cache.Request("pubmed", "efetch", "/efetch.fcgi", (), f"efetch/{name}").cache_path(root)
    assert path.parent == root / "pubmed" / "efetch"
    assert len(path.name.encode()) <= 255 and not path.name.startswith(".")
    cache.write(root, cache.Request("pubmed", "efetch", "/efetch.fcgi", (), f"efetch/{name}"), cache.Answer(200, "<x/>"))
    assert [p.parent for p in root.rglob("*.json")] == [root / "pubmed" / "efetch"]


def test_distinct_names_never_share_a_cache_file(tmp_path):
    names = ["a/b", "a_b", "a?b", "x" * 300, "x" * 301]
    paths = {cache.Request("crossref", "work", "/", (), f"works/{name}").cache_path(tmp_path) for name in names}
    assert len(paths) == len(names)


def test_a_cache_folder_linked_elsewhere_is_not_written_through(curator, tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    (curator / "data" / "enrichment" / "crossref").mkdir(parents=True)
    (curator / "data" / "enrichment" / "crossref" / "works").symlink_to(elsewhere, target_is_directory=True)
    with ReplayServer(ROUTES) as server:
        report = run.enrich(references(curator)[:1], curator / "data" / "enrichment", client_for(server))
    assert list(elsewhere.iterdir()) == []
    assert report.failures[0][:2] == ("pone2012", "crossref work")
    assert "leads out of" in report.failures[0][2]


def test_check_rejects_a_pmid_that_is_not_digits(curator):
    (curator / "references.bib").write_text("@article{s1, title = {T}, year = {2020}, pmid = {../x}}\n", encoding="utf-8")
    (curator / "data" / "studies.yml").write_text("- key: s1\n  design: rct\n  evidence_level: 2\n  metadata_status: verified\n",
                                                 encoding="utf-8")
    result = CliRunner().invoke(cli, ["check"])
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        "references.bib:1: entry 's1' has pmid '../x', which is not a PubMed id: write its digits only, or remove the field")


DEEP_JSON = "[" * 100_000 + "]" * 100_000


def test_an_answer_nested_thousands_deep_is_a_clean_failure(curator):
    with ReplayServer({f"work:{PONE_DOI}": Reply(200, DEEP_JSON.encode()), f"esearch:{PONE_DOI}[doi]": EMPTY_ESEARCH}) as server:
        report = run.enrich(references(curator)[:1], curator / "data" / "enrichment", client_for(server))
    assert report.failures == [("pone2012", "crossref work",
                                "the answer was malformed (not valid JSON or XML, or not the expected record); nothing was cached")]


def test_a_cache_file_nested_thousands_deep_is_a_warning(curator):
    with ReplayServer(ROUTES) as server:
        run.enrich(references(curator)[:1], curator / "data" / "enrichment", client_for(server))
    cached = curator / "data" / "enrichment" / "crossref" / "works" / "10.1371%2fjournal.pone.0033693.json"
    cached.write_text(DEEP_JSON, encoding="utf-8")
    result = CliRunner().invoke(cli, ["check"])
    assert result.exit_code == 0
    assert ("data/enrichment/crossref/works/10.1371%2fjournal.pone.0033693.json: warning: is JSON nested too deep to read, "
            "so it is not a cache file; `make enrich` will fetch it again") in result.output


def test_a_server_that_drips_its_answer_is_given_up_at_the_deadline(curator):
    """A byte every 0.2 s never trips a 10 s read timeout; only a deadline for the whole answer ends it."""
    with ReplayServer({f"work:{PONE_DOI}": "drip", f"esearch:{PONE_DOI}[doi]": EMPTY_ESEARCH}) as server:
        client = client_for(server)
        client.timeout, client.deadline = (10, 10), 1.5
        report = run.enrich(references(curator)[:1], curator / "data" / "enrichment", client)
    assert report.failures == [("pone2012", "crossref work", "gave up: no complete answer within 1.5 s")]
    assert [name.split("/")[:2] for name in cache_files(curator)] == [["pubmed", "esearch"]]  # nothing cached for the work
