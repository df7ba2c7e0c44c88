"""Audits (tables written at build time) that the fixture knowledge base cannot exercise on its own."""

import pytest
from conftest import build_tiny_db, link
from datasette.app import Datasette


@pytest.mark.asyncio
async def test_retracted_studies_and_the_claims_that_lean_on_them(tmp_path, metadata):
    build_tiny_db(tmp_path, [
        ("leans-on-it", "for", [link("supports", "direct", 2, "gone"), link("mixed", "direct", 1, "fine")]),
        ("does-not", "for", [link("supports", "direct", 1, "fine")]),
    ], retracted=("gone",))
    datasette = Datasette([str(tmp_path / "evidence.db")], metadata=metadata)
    response = await datasette.client.get("/evidence/audit_retracted_studies.json?_shape=array")
    assert response.json() == [
        {"rowid": 1, "study_key": "gone", "study": "gone 2020", "title": "gone", "note": None,
         "claim_id": "leans-on-it", "relation": "supports", "claim": "Claim leans-on-it."},
    ]
