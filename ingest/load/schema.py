"""The database contract: tables with declared columns and keys, then views and full-text search.

Tables are created before any row is inserted, so an empty input still gives the full schema.
"""

# table -> (columns in order with SQLite types, primary key, foreign keys as (column, table, column))
TABLES = {
    "sources": (
        {"id": str, "title": str, "author": str, "publisher": str, "url": str, "published": str,
         "kind": str, "conflict_of_interest": str, "text_file": str, "text": str},
        "id", [],
    ),
    "conditions": ({"id": str, "name": str, "aliases": str, "description": str}, "id", []),
    "treatments": ({"id": str, "name": str, "category": str, "description": str, "synonyms": str}, "id", []),
    "studies": (
        {"key": str, "entry_type": str, "short_citation": str, "title": str, "authors": str,
         "year": int, "journal": str, "volume": str, "number": str, "pages": str, "doi": str,
         "pmid": str, "pmcid": str, "url": str, "abstract": str, "design": str,
         "evidence_level": int, "level_scheme": str, "population": str, "condition_id": str,
         "n_participants": int, "pedro_score": int, "pedro_url": str, "retracted": int, "metadata_status": str, "verified_at": str,
         "note": str, "design_source": str, "enriched_fields": str, "bibtex": str},
        "key", [("condition_id", "conditions", "id")],
    ),
    "authors": ({"id": int, "name": str, "family": str, "given": str}, "id", []),
    "study_authors": (
        {"study_key": str, "author_id": int, "position": int},
        ("study_key", "position"), [("study_key", "studies", "key"), ("author_id", "authors", "id")],
    ),
    "claims": (
        {"id": str, "source_id": str, "position": int, "quote": str, "text": str, "claim_type": str,
         "condition_id": str, "stance": str, "evidence_gap": str},
        "id", [("source_id", "sources", "id"), ("condition_id", "conditions", "id")],
    ),
    "claim_treatments": (
        {"claim_id": str, "treatment_id": str},
        ("claim_id", "treatment_id"), [("claim_id", "claims", "id"), ("treatment_id", "treatments", "id")],
    ),
    "claim_tags": ({"claim_id": str, "tag": str}, ("claim_id", "tag"), [("claim_id", "claims", "id")]),
    # One row per link; a study may be linked to a claim once per outcome and time horizon.
    "claim_evidence": (
        {"id": int, "claim_id": str, "study_key": str, "relation": str, "directness": str,
         "cited_by_source": int, "finding": str, "note": str,
         "comparator": str, "result": str, "outcome": str, "horizon": str, "question": str, "evidence_level": int,
         "effect_measure": str, "effect_estimate": float, "effect_ci_low": float, "effect_ci_high": float,
         "effect_participants": int, "effect_quote": str, "effect_verified_at": str},
        "id", [("claim_id", "claims", "id"), ("study_key", "studies", "key")],
    ),
    # Which of the claim's treatments each link's study tested: the only links a treatment's evidence counts.
    "tested_treatments": (
        {"evidence_id": int, "claim_id": str, "study_key": str, "treatment_id": str},
        ("evidence_id", "treatment_id"),
        [("evidence_id", "claim_evidence", "id"), ("claim_id", "claims", "id"), ("study_key", "studies", "key"),
         ("treatment_id", "treatments", "id")],
    ),
    # GRADE judgements a curator recorded (data/certainty.yml), one row per domain.
    "certainty_ratings": (
        {"id": int, "treatment_id": str, "outcome": str, "horizon": str, "domain": str, "rate_down": int, "reason": str,
         "source_study": str, "quote": str, "verified_at": str},
        "id", [("treatment_id", "treatments", "id"), ("source_study", "studies", "key")],
    ),
    # GRADE's plain-language statements, by direction of the finding and certainty.
    "grade_statements": ({"direction": str, "certainty": str, "template": str}, ("direction", "certainty"), []),
    # From the enrichment cache (make enrich): what Crossref and PubMed say about each study.
    "study_publication_types": (
        {"study_key": str, "publication_type": str}, ("study_key", "publication_type"), [("study_key", "studies", "key")],
    ),
    "study_mesh_terms": ({"study_key": str, "term": str}, ("study_key", "term"), [("study_key", "studies", "key")]),
    "study_notices": (
        {"id": int, "study_key": str, "notice_type": str, "notice_doi": str, "notice_date": str},
        "id", [("study_key", "studies", "key")],
    ),
    "metadata_conflicts": (
        {"id": int, "study_key": str, "field": str, "bib_value": str, "record_value": str, "source": str},
        "id", [("study_key", "studies", "key")],
    ),
    "vocabulary": ({"field": str, "value": str, "description": str}, ("field", "value"), []),
    # History: the verdicts of the database this build replaced, and a summary of this build.
    "previous_verdicts": (
        {"claim_id": str, "claim": str, "verdict": str, "verdict_reason": str}, "claim_id", [],
    ),
    "build_info": (
        {"built_at": str, "previous_built_at": str, "ingest_version": str, "input_digest": str, "claims": int, "supported": int,
         "contradicted": int, "conflicting": int, "weak": int, "indirect_only": int, "no_evidence": int,
         # counted once here, so that the home page does not count a large library on every visit
         "sources": int, "treatments": int, "appraised_studies": int, "evidence_links": int, "treatment_verdicts": str},
        "built_at", [],
    ),
    # The OCEBM 2011 table: a level means something different for each question.
    "evidence_levels": (
        {"scheme": str, "level": int, "description": str, "question": str, "question_text": str, "source": str},
        ("scheme", "question", "level"), [],
    ),
}

NOT_NULL = {
    "sources": {"title", "kind"},
    "conditions": {"name"},
    "treatments": {"name", "category"},
    "studies": {"title", "retracted"},
    "claims": {"source_id", "quote", "text", "claim_type", "condition_id", "stance"},
    "claim_evidence": {"relation", "directness", "cited_by_source", "finding"},
}

FULL_TEXT = {
    "claims": ["text", "quote"],
    "studies": ["title", "abstract"],
}

# The columns Datasette facets each loaded table by (metadata.yml's facets, kept in step by a test):
# a facet counts the whole table on every visit, and by index it reads only the index (claim_evidence
# at 100,000 studies: 577 ms a page without them). Made once everything is computed (build.py).
FACET_INDEXES = {
    "sources": ["kind"],
    "treatments": ["category"],
    "studies": ["design", "evidence_level", "metadata_status", "condition_id"],
    "claims": ["claim_type", "source_id", "condition_id"],
    "claim_treatments": ["treatment_id"],
    "claim_tags": ["tag"],
    "claim_evidence": ["relation", "directness", "result", "comparator", "outcome", "horizon", "cited_by_source"],
    "tested_treatments": ["treatment_id"],
    "certainty_ratings": ["treatment_id", "domain", "rate_down"],
    "study_publication_types": ["publication_type"],
    "study_mesh_terms": ["term"],
    "study_notices": ["notice_type"],
    "metadata_conflicts": ["field", "source"],
    "vocabulary": ["field"],
    "evidence_levels": ["question"],
}
