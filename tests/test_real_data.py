"""The repository's own references.bib and data/: what a user browsing the evidence must see."""

import pytest
import sqlite_utils
from datasette.app import Datasette

from ingest.build import build_database
from ingest.validate import normalise_space, read_inputs

from conftest import REPO


@pytest.fixture(scope="module")
def real_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("real") / "evidence.db"
    build_database(read_inputs(REPO / "references.bib", REPO / "data"), path)
    return path


def query(db_path, sql: str) -> list[dict]:
    return list(sqlite_utils.Database(db_path).query(sql))


def test_every_quote_is_verbatim_in_its_source_article(real_db):
    texts = {s["id"]: normalise_space((REPO / "data" / s["text_file"]).read_text(encoding="utf-8"))
             for s in query(real_db, "select id, text_file from sources")}
    claims = query(real_db, "select id, source_id, quote from claims")
    assert len(claims) >= 40
    assert [c["id"] for c in claims if normalise_space(c["quote"]) not in texts[c["source_id"]]] == []


def test_the_clinic_article_citations_are_linked_as_cited(real_db):
    assert query(real_db, """
        select distinct study_key from claim_evidence join claims on claims.id = claim_evidence.claim_id
        where cited_by_source = 1 and claims.source_id = 'orthoregen-runners-knee' order by study_key""") == [
        {"study_key": "chalidis2025role"}, {"study_key": "katz2024advanced"}, {"study_key": "uslu2024dextrose"},
    ]


def test_uslu_is_never_direct_evidence_for_runners_knee(real_db):
    links = query(real_db, """
        select claim_evidence.directness from claim_evidence join claims on claims.id = claim_evidence.claim_id
        where study_key = 'uslu2024dextrose' and claims.condition_id = 'pfps'""")
    assert links and {link["directness"] for link in links} == {"indirect-population"}


def test_seed_details_no_public_record_confirms_are_marked_as_cited(real_db):
    assert query(real_db, "select key, volume, number, pages from studies where metadata_status = 'as-cited' order by key") == [
        {"key": "chalidis2025role", "volume": "26", "number": "18", "pages": "9006"},
        {"key": "katz2024advanced", "volume": "17", "number": "12", "pages": "589–615"},
        {"key": "uslu2024dextrose", "volume": "16", "number": "10", "pages": "e70663"},
    ]


@pytest.mark.asyncio
async def test_prp_evidence_is_browsable(real_db, metadata):
    datasette = Datasette([str(real_db)], metadata=metadata)
    response = await datasette.client.get("/evidence/evidence_table.json?_shape=array&treatment_id=prp&_size=max")
    rows = response.json()
    prp_claims = {row["claim_id"] for row in query(real_db, "select claim_id from claim_treatments where treatment_id = 'prp'")}
    assert {row["claim_id"] for row in rows} == prp_claims
    assert all(row["study_key"] for row in rows), "every PRP claim has at least one study"
    page = await datasette.client.get("/evidence/evidence_table?treatment_id=prp")
    assert page.status_code == 200
    assert "Chalidis et al. 2025" in page.text
