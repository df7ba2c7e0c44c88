"""The database as served: the repo's real metadata.yml in a real Datasette, via its test client."""

import pytest
import sqlite_utils
from conftest import build_tiny_db
from datasette.app import Datasette

from ingest.load import audits, schema, verdicts


async def get_rows(datasette, path: str) -> list[dict]:
    response = await datasette.client.get(path)
    assert response.status_code == 200, response.text
    return response.json()


# Each canned query with parameters, and the exact rows it returns on the fixture database.
CANNED = {
    "evidence_for_treatment": (
        "treatment=prolotherapy",
        [{"treatment": "Dextrose prolotherapy", "claim": "Prolotherapy is an effective treatment for runner's knee.",
          "source": "Runner’s Knee Pain", "study": None, "year": None, "design": None, "evidence_level": None,
          "relation": None, "directness": None, "cited_by_source": None, "finding": None, "doi": None,
          "claim_id": "ortho-prolotherapy-effective", "study_key": None,
          "tested": None, "outcome": None, "horizon": None, "result": None},
         {"treatment": "Dextrose prolotherapy", "claim": "PRP and prolotherapy relieve the pain of runner's knee.",
          "source": "Runner’s Knee Pain", "study": "Yıldırım Uslu 2024", "year": 2024, "design": "non-randomised-trial",
          "evidence_level": 3, "relation": "supports", "directness": "indirect-population", "cited_by_source": 1,
          "finding": "Dextrose prolotherapy reduced pain in distal semimembranosus tendinopathy.",
          "doi": "10.7759/cureus.70663", "claim_id": "ortho-regenerative-relieves-pfps", "study_key": "uslu2024dextrose",
          "tested": 1, "outcome": "pain", "horizon": "short-term", "result": "no-difference-vs-active"}],
    ),
    "studies_for_claim": (
        "claim=ortho-prp-chondromalacia",
        [
            {"claim": "PRP is a promising treatment for chondromalacia patellae.", "study": "Bennell et al. 2021",
             "title": "Effect of Intra-articular Platelet-Rich Plasma vs Placebo Injection on Pain and Medial Tibial Cartilage Volume in Patients With Knee Osteoarthritis: The RESTORE Randomized Clinical Trial",
             "design": "rct", "evidence_level": 2, "relation": "contradicts", "directness": "indirect-population",
             "cited_by_source": 0, "finding": "PRP was no better than saline injection in knee osteoarthritis.",
             "note": "Knee osteoarthritis, not chondromalacia.", "doi": "10.1001/jama.2021.19415", "study_key": "bennell2021effect",
             "outcome": "pain", "horizon": "medium-term", "comparator": "placebo-sham", "result": "no-benefit", "tested": "prp"},
            {"claim": "PRP is a promising treatment for chondromalacia patellae.", "study": "Katz et al. 2024",
             "title": "Advanced Non-Operative Interventions for Anterior Knee Pain", "design": "narrative-review",
             "evidence_level": None, "relation": "mixed", "directness": "direct", "cited_by_source": 1,
             "finding": "Evidence for PRP in chondromalacia is limited.", "note": None,
             "doi": "10.1007/s12178-024-09930-x", "study_key": "katz2024advanced",
             "outcome": "pain", "horizon": None, "comparator": "none", "result": "inconclusive", "tested": "prp"},
        ],
    ),
    "claims_from_source": (
        "source=lombard-pfps-runners",
        [
            {"claim_id": "lombard-ten-percent", "claim_type": "prevention",
             "quote": "Gradually increase volume and intensity by no more than 10% per week.",
             "text": "Increasing running volume by no more than 10% a week prevents injury.",
             "supporting": 0, "contradicting": 0, "studies": 1},
            {"claim_id": "lombard-stairs-pain", "claim_type": "symptom",
             "quote": "Many runners experience discomfort that worsens when going up or down stairs after a run",
             "text": "Pain from runner's knee worsens on stairs.", "supporting": 0, "contradicting": 0, "studies": 0},
        ],
    ),
    "claims_without_support": (
        "",
        [
            {"claim_id": "lombard-ten-percent", "source_id": "lombard-pfps-runners", "claim_type": "prevention",
             "text": "Increasing running volume by no more than 10% a week prevents injury.", "linked_studies": 1, "contradicting": 0},
            {"claim_id": "lombard-stairs-pain", "source_id": "lombard-pfps-runners", "claim_type": "symptom",
             "text": "Pain from runner's knee worsens on stairs.", "linked_studies": 0, "contradicting": 0},
            {"claim_id": "ortho-prp-chondromalacia", "source_id": "orthoregen-runners-knee", "claim_type": "treatment-benefit",
             "text": "PRP is a promising treatment for chondromalacia patellae.", "linked_studies": 2, "contradicting": 1},
            {"claim_id": "ortho-prolotherapy-effective", "source_id": "orthoregen-runners-knee", "claim_type": "treatment-benefit",
             "text": "Prolotherapy is an effective treatment for runner's knee.", "linked_studies": 0, "contradicting": 0},
        ],
    ),
    "claims_only_indirect_support": (
        "",
        [{"claim_id": "ortho-regenerative-relieves-pfps", "source_id": "orthoregen-runners-knee", "condition_id": "pfps",
          "text": "PRP and prolotherapy relieve the pain of runner's knee.",
          "supporting_studies": "Yıldırım Uslu 2024 (indirect-population)"}],
    ),
    "search": (
        "q=injection",
        [
            {"kind": "study", "id": "bennell2021effect",
             "title": "Effect of Intra-articular Platelet-Rich Plasma vs Placebo Injection on Pain and Medial Tibial Cartilage Volume in Patients With Knee Osteoarthritis: The RESTORE Randomized Clinical Trial",
             "detail": "Bennell et al. 2021"},
        ],
    ),
}


CANNED.update({
    "audit_claims_with_no_evidence": ("", [
        {"claim_id": "lombard-stairs-pain", "source_id": "lombard-pfps-runners", "claim_type": "symptom",
         "claim": "Pain from runner's knee worsens on stairs."},
        {"claim_id": "ortho-prolotherapy-effective", "source_id": "orthoregen-runners-knee", "claim_type": "treatment-benefit",
         "claim": "Prolotherapy is an effective treatment for runner's knee."},
    ]),
    "audit_cited_only_indirect": ("", [
        {"claim_id": "ortho-regenerative-relieves-pfps", "source_id": "orthoregen-runners-knee", "condition_id": "pfps",
         "claim": "PRP and prolotherapy relieve the pain of runner's knee.",
         "cited_studies": "Yıldırım Uslu 2024 (indirect-population, studied distal-semimembranosus-tendinopathy)"},
    ]),
    "audit_contradicted_by_strong_studies": ("", [
        {"claim_id": "ortho-prp-chondromalacia", "source_id": "orthoregen-runners-knee",
         "claim": "PRP is a promising treatment for chondromalacia patellae.", "study": "Bennell et al. 2021",
         "design": "rct", "evidence_level": 2, "directness": "indirect-population",
         "finding": "PRP was no better than saline injection in knee osteoarthritis."},
    ]),
    "audit_unlinked_studies": ("", [
        {"key": "hossain2011foot", "short_citation": "Hossain et al. 2011", "title": "Foot orthoses for patellofemoral pain in adults",
         "design": None, "evidence_level": None, "condition_id": None},
    ]),
    "audit_only_low_level_support": ("", [
        {"claim_id": "ortho-prp-safe-akp", "source_id": "orthoregen-runners-knee",
         "claim": "PRP is safe and may help anterior knee pain.", "supporting_studies": "Chalidis et al. 2025 (level 4)"},
    ]),
    "audit_sources_by_support": ("", [
        {"source_id": "orthoregen-runners-knee", "title": "Runner’s Knee Pain", "kind": "clinic",
         "conflict_of_interest": "Sells the injections it recommends.", "claims": 5, "supported": 1, "contradicted": 0,
         "no_evidence": 1, "percent_supported": 20.0},
        {"source_id": "lombard-pfps-runners",
         "title": "Understanding and Overcoming Patellofemoral Pain Syndrome in Runners: Causes and Remedies",
         "kind": "blog", "conflict_of_interest": None, "claims": 2, "supported": 0, "contradicted": 0,
         "no_evidence": 1, "percent_supported": 0.0},
    ]),
    # No fixture study is retracted; tests/test_audits.py builds one that is.
    "audit_retracted_studies": ("", []),
    # The fixture has no enrichment cache; tests/test_enrich.py builds from recorded responses.
    "audit_metadata_conflicts": ("", []),
    # Whole study rows are long; tests/test_cite.py checks the formats built from them.
    "cite_pack": ("target=prp", [
        {"key": "bennell2021effect", "evidence_level": 2}, {"key": "uslu2024dextrose", "evidence_level": 3},
        {"key": "chalidis2025role", "evidence_level": 4}, {"key": "katz2024advanced", "evidence_level": None},
    ]),
    # A view, opened like a query. A first build: every claim is new. tests/test_history.py rebuilds to see real changes.
    "verdict_changes": ("", [
        {"claim_id": claim_id, "change": "new claim", "previous_verdict": None, "verdict": verdict}
        for claim_id, verdict in [
            ("lombard-stairs-pain", "no evidence"), ("lombard-ten-percent", "indirect only"),
            ("ortho-brace-only-temporary", "supported"), ("ortho-prolotherapy-effective", "no evidence"),
            ("ortho-prp-chondromalacia", "weak"), ("ortho-prp-safe-akp", "weak"),
            ("ortho-regenerative-relieves-pfps", "indirect only"),
        ]
    ]),
})
PROJECTED = {"cite_pack": ["key", "evidence_level"], "verdict_changes": ["claim_id", "change", "previous_verdict", "verdict"]}


@pytest.mark.asyncio
async def test_every_canned_query_is_tested(datasette):
    """The queries of metadata.yml and the plugin's cite_pack; verdict_changes and the audits are tables
    written at build time, opened the same way (the audits were canned queries)."""
    served = await datasette.get_canned_queries("evidence", None)
    written = {"verdict_changes", *audits.TABLES}
    assert set(served) == set(CANNED) - written
    assert written <= set(await datasette.get_database("evidence").table_names())


@pytest.mark.asyncio
@pytest.mark.parametrize("name", sorted(CANNED))
async def test_canned_query_rows(datasette, name):
    params, expected = CANNED[name]
    rows = await get_rows(datasette, f"/evidence/{name}.json?_shape=array&{params}")
    for row in rows:
        row.pop("rank", None)  # bm25 scores are floats that depend on corpus statistics
        if name in audits.TABLES:  # a table without a key: its rows are numbered in the query's order
            assert row.pop("rowid") == rows.index(row) + 1
    if name in PROJECTED:
        rows = [{column: row[column] for column in PROJECTED[name]} for row in rows]
    assert rows == expected


@pytest.mark.asyncio
@pytest.mark.parametrize("query", ["", "   ", '"unbalanced', "knee (", "AND OR NOT", "*"])
async def test_search_survives_any_input(datasette, query):
    response = await datasette.client.get("/evidence/search.json", params={"q": query, "_shape": "array"})
    assert response.status_code == 200
    assert isinstance(response.json(), list)


@pytest.mark.asyncio
async def test_search_lists_a_word_in_more_than_2000_claims_unranked(tmp_path, metadata):
    """Up to 2,000 matches are ranked; beyond, the first 1,000 are listed in the order written, with
    no rank (ranking them all grows with the library)."""
    ids = [f"knee-{number}" for number in range(1, 2006)]
    ids[9] = "knee-knee-ten"
    build_tiny_db(tmp_path, [(claim_id, "for", []) for claim_id in ids])
    datasette = Datasette([str(tmp_path / "evidence.db")], metadata=metadata)
    common = (await datasette.client.get("/evidence/search.json?q=knee&_shape=objects")).json()
    assert ([row["id"] for row in common["rows"]], {row["rank"] for row in common["rows"]}, common["truncated"]) == (ids[:1000], {None}, True)
    few = (await datasette.client.get("/evidence/search.json?q=ten+knee&_shape=objects")).json()
    assert [row["id"] for row in few["rows"]] == ["knee-knee-ten"] and few["rows"][0]["rank"] < 0


@pytest.mark.asyncio
async def test_search_stems_and_finds_claims(datasette):
    rows = await get_rows(datasette, "/evidence/search.json?_shape=array&q=stair")
    assert [(row["kind"], row["id"]) for row in rows] == [("claim", "lombard-stairs-pain")]


@pytest.mark.asyncio
async def test_empty_treatment_returns_nothing(datasette):
    assert await get_rows(datasette, "/evidence/evidence_for_treatment.json?_shape=array&treatment=") == []


@pytest.mark.asyncio
async def test_evidence_table_filtered_by_treatment(datasette):
    rows = await get_rows(datasette, "/evidence/evidence_table.json?_shape=array&treatment_id=prp&_sort=claim_id")
    assert [(row["claim_id"], row["study_key"], row["directness"]) for row in rows] == [
        ("ortho-prp-chondromalacia", "katz2024advanced", "direct"),
        ("ortho-prp-chondromalacia", "bennell2021effect", "indirect-population"),
        ("ortho-prp-safe-akp", "chalidis2025role", "direct"),
        ("ortho-regenerative-relieves-pfps", "uslu2024dextrose", "indirect-population"),
    ]


@pytest.mark.asyncio
async def test_pages_render_with_descriptions_and_labels(datasette):
    home = await datasette.client.get("/")
    assert home.status_code == 200
    assert "Runner&#39;s knee evidence" in home.text or "Runner's knee evidence" in home.text
    table = await datasette.client.get("/evidence/claim_evidence")
    assert "One row per link between a claim and a study: how the study bears on the claim" in table.text
    # label columns make foreign keys readable: the study appears by its short citation
    assert "Katz et al. 2024" in table.text
    row = await datasette.client.get("/evidence/studies/uslu2024dextrose")
    assert row.status_code == 200
    assert "Is Dextrose Prolotherapy More Effective Than Steroids" in row.text


@pytest.mark.asyncio
async def test_facets_from_metadata(datasette):
    data = await get_rows(datasette, "/evidence/claim_evidence.json")
    assert set(data["facet_results"]) == {"relation", "directness", "cited_by_source", "comparator", "result", "outcome", "horizon"}


def test_every_table_view_and_column_is_described(metadata, fixture_db):
    tables = metadata["databases"]["evidence"]["tables"]
    db = sqlite_utils.Database(fixture_db)
    for name in [t for t in db.table_names() if "_fts" not in t and t != "sqlite_stat1"] + db.view_names():
        assert tables.get(name, {}).get("description"), f"{name} has no description"
        columns = [c.name for c in (db[name] if name in db.table_names() else db.view(name)).columns]
        missing = [c for c in columns if c not in tables[name].get("columns", {})]
        assert not missing, f"{name}: columns without a description: {missing}"
        assert not set(tables[name].get("columns", {})) - set(columns), f"{name}: described columns that do not exist"


def test_metadata_has_the_top_level_fields(metadata):
    assert {"title", "description_html", "license", "license_url", "source", "about"} <= set(metadata)


@pytest.mark.asyncio
async def test_canned_query_pages_open_with_their_sql_hidden(datasette):
    queries = await datasette.get_canned_queries("evidence", None)
    assert [name for name, query in queries.items() if not query.get("hide_sql")] == []
    html = (await datasette.client.get("/evidence/studies_for_claim?claim=ortho-prp-safe-akp")).text
    assert '<span class="show-hide-sql">(<a href="/evidence/studies_for_claim?claim=ortho-prp-safe-akp&amp;_show_sql=1">show</a>)' in html
    assert 'id="sql-query"' not in html and 'id="sql-editor"' not in html


def test_each_facet_has_its_index(metadata, fixture_db):
    """A facet counts the whole table on every visit: by index, on every table that has facets."""
    tables = metadata["databases"]["evidence"]["tables"]
    for name, indexes in verdicts.INDEXES.items():
        assert [[facet] for facet in tables[name].get("facets", [])] == [columns for columns in indexes if columns != indexes[0]], name
    loaded = {name: table["facets"] for name, table in tables.items() if table.get("facets") and name in schema.TABLES}
    assert loaded == schema.FACET_INDEXES
    db = sqlite_utils.Database(fixture_db)
    for name, table in tables.items():
        indexed = [index.columns for index in db[name].indexes]
        assert [facet for facet in table.get("facets", []) if [facet] not in indexed] == [], name
