"""The database contract: tables with declared columns and keys, then views and full-text search.

Tables are created before any row is inserted, so an empty input still gives the full schema.
"""

# table -> (columns in order with SQLite types, primary key, foreign keys as (column, table, column))
TABLES = {
    "sources": (
        {"id": str, "title": str, "author": str, "publisher": str, "url": str, "published": str,
         "kind": str, "conflict_of_interest": str, "text_file": str},
        "id", [],
    ),
    "conditions": ({"id": str, "name": str, "aliases": str, "description": str}, "id", []),
    "treatments": ({"id": str, "name": str, "category": str, "description": str}, "id", []),
    "studies": (
        {"key": str, "entry_type": str, "short_citation": str, "title": str, "authors": str,
         "year": int, "journal": str, "volume": str, "number": str, "pages": str, "doi": str,
         "pmid": str, "pmcid": str, "url": str, "abstract": str, "design": str,
         "evidence_level": int, "level_scheme": str, "population": str, "condition_id": str,
         "n_participants": int, "pedro_score": int, "pedro_url": str, "retracted": int, "metadata_status": str, "verified_at": str,
         "note": str, "bibtex": str},
        "key", [("condition_id", "conditions", "id")],
    ),
    "authors": ({"id": int, "name": str, "family": str, "given": str}, "id", []),
    "study_authors": (
        {"study_key": str, "author_id": int, "position": int},
        ("study_key", "position"), [("study_key", "studies", "key"), ("author_id", "authors", "id")],
    ),
    "claims": (
        {"id": str, "source_id": str, "position": int, "quote": str, "text": str, "claim_type": str,
         "condition_id": str, "stance": str},
        "id", [("source_id", "sources", "id"), ("condition_id", "conditions", "id")],
    ),
    "claim_treatments": (
        {"claim_id": str, "treatment_id": str},
        ("claim_id", "treatment_id"), [("claim_id", "claims", "id"), ("treatment_id", "treatments", "id")],
    ),
    "claim_tags": ({"claim_id": str, "tag": str}, ("claim_id", "tag"), [("claim_id", "claims", "id")]),
    "claim_evidence": (
        {"claim_id": str, "study_key": str, "relation": str, "directness": str,
         "cited_by_source": int, "finding": str, "note": str},
        ("claim_id", "study_key"), [("claim_id", "claims", "id"), ("study_key", "studies", "key")],
    ),
    "vocabulary": ({"field": str, "value": str, "description": str}, ("field", "value"), []),
    "evidence_levels": (
        {"scheme": str, "level": int, "description": str}, ("scheme", "level"), [],
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

EVIDENCE_TABLE = """
select
  t.id as treatment_id,
  t.name as treatment,
  t.category as treatment_category,
  c.id as claim_id,
  c.text as claim,
  c.claim_type,
  c.stance,
  c.condition_id,
  cond.name as condition,
  c.source_id,
  src.title as source,
  s.key as study_key,
  s.short_citation as study,
  s.year,
  s.design,
  s.evidence_level,
  s.level_scheme,
  e.relation,
  e.directness,
  e.cited_by_source,
  e.finding,
  s.doi
from claims c
join sources src on src.id = c.source_id
join conditions cond on cond.id = c.condition_id
left join claim_treatments ct on ct.claim_id = c.id
left join treatments t on t.id = ct.treatment_id
left join claim_evidence e on e.claim_id = c.id
left join studies s on s.key = e.study_key
"""

# The verdict rule is documented in metadata.yml (this view's description) and the README.
TREATMENT_SUMMARY = """
with links as (
  -- relation as it bears on the treatment: for a claim that argues against its treatments,
  -- a study supporting the claim counts against the treatment, and one contradicting it for.
  select ct.treatment_id, e.study_key, e.directness, s.evidence_level,
    case when c.stance = 'against' and e.relation = 'supports' then 'contradicts'
         when c.stance = 'against' and e.relation = 'contradicts' then 'supports'
         else e.relation end as relation
  from claim_treatments ct
  join claims c on c.id = ct.claim_id
  join claim_evidence e on e.claim_id = ct.claim_id
  join studies s on s.key = e.study_key
  where e.relation != 'background'
),
counts as (
  select
    t.id as treatment_id,
    t.name as treatment,
    t.category,
    (select count(*) from claim_treatments ct where ct.treatment_id = t.id) as claims,
    count(distinct case when l.relation = 'supports' then l.study_key end) as supporting_studies,
    count(distinct case when l.relation = 'contradicts' then l.study_key end) as contradicting_studies,
    count(distinct case when l.relation = 'mixed' then l.study_key end) as mixed_studies,
    count(distinct case when l.directness = 'direct' then l.study_key end) as direct_studies,
    count(distinct case when l.directness != 'direct' then l.study_key end) as indirect_studies,
    min(l.evidence_level) as best_evidence_level,
    min(case when l.directness = 'direct' and l.relation = 'supports' then l.evidence_level end)
      as best_direct_support_level,
    min(case when l.directness = 'direct' and l.relation = 'contradicts' then l.evidence_level end)
      as best_direct_contradiction_level
  from treatments t
  left join links l on l.treatment_id = t.id
  group by t.id
)
select
  counts.*,
  case
    when supporting_studies + contradicting_studies + mixed_studies = 0 then 'no evidence'
    when direct_studies = 0 then 'indirect only'
    when best_direct_support_level <= 2 and best_direct_contradiction_level <= 2 then 'conflicting'
    when best_direct_support_level <= 2 then 'supported'
    when best_direct_contradiction_level <= 2 then 'contradicted'
    else 'weak'
  end as verdict
from counts
"""

VIEWS = {
    "evidence_table": EVIDENCE_TABLE,
    "treatment_summary": TREATMENT_SUMMARY,
}
