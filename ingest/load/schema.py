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
    "treatments": ({"id": str, "name": str, "category": str, "description": str}, "id", []),
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
         "contradicted": int, "conflicting": int, "weak": int, "indirect_only": int, "no_evidence": int},
        "built_at", [],
    ),
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

# The verdict rule lives here and nowhere else; metadata.yml (the view's description) and the
# README explain it. Background links never count. Levels are OCEBM 2011, 1 strongest.
CLAIM_VERDICTS = """
with counts as (
  select
    c.id as claim_id,
    c.source_id,
    c.claim_type,
    c.condition_id,
    c.stance,
    c.text as claim,
    count(case when e.directness = 'direct' and e.relation = 'supports' then 1 end) as direct_supporting,
    count(case when e.directness = 'direct' and e.relation = 'contradicts' then 1 end) as direct_contradicting,
    count(case when e.directness = 'direct' and e.relation = 'mixed' then 1 end) as direct_mixed,
    count(case when e.directness != 'direct' and e.relation = 'supports' then 1 end) as indirect_supporting,
    count(case when e.directness != 'direct' and e.relation = 'contradicts' then 1 end) as indirect_contradicting,
    count(case when e.directness != 'direct' and e.relation = 'mixed' then 1 end) as indirect_mixed,
    min(case when e.directness = 'direct' and e.relation = 'supports' then s.evidence_level end)
      as best_direct_support_level,
    min(case when e.directness = 'direct' and e.relation = 'contradicts' then s.evidence_level end)
      as best_direct_contradiction_level
  from claims c
  left join claim_evidence e on e.claim_id = c.id and e.relation != 'background'
  left join studies s on s.key = e.study_key
  group by c.id
),
verdicts as (
  select
    counts.*,
    case
      when direct_supporting + direct_contradicting + direct_mixed
         + indirect_supporting + indirect_contradicting + indirect_mixed = 0 then 'no evidence'
      when direct_supporting + direct_contradicting + direct_mixed = 0 then 'indirect only'
      when best_direct_support_level <= 2 and best_direct_contradiction_level <= 2 then 'conflicting'
      when best_direct_support_level <= 2 then 'supported'
      when best_direct_contradiction_level <= 2 then 'contradicted'
      else 'weak'
    end as verdict
  from counts
)
select
  verdicts.*,
  case verdict
    when 'no evidence' then 'No study is linked to this claim.'
    when 'indirect only' then 'Every linked study is indirect evidence (another population, intervention or outcome).'
    when 'conflicting' then 'Direct studies at level ' || best_direct_support_level || ' support it and at level '
      || best_direct_contradiction_level || ' contradict it.'
    when 'supported' then 'A direct study at level ' || best_direct_support_level
      || ' supports it, and no direct study at level 1-2 contradicts it.'
    when 'contradicted' then 'A direct study at level ' || best_direct_contradiction_level
      || ' contradicts it, and no direct study at level 1-2 supports it.'
    else 'No direct study at level 1-2 supports or contradicts it: the direct evidence is '
      || case when direct_supporting + direct_contradicting = 0 then 'only mixed.'
              else 'at level 3-5 or not levelled.' end
  end
  || ' Direct studies: ' || direct_supporting || ' for, ' || direct_contradicting || ' against, '
  || direct_mixed || ' mixed; indirect: ' || indirect_supporting || ' for, ' || indirect_contradicting
  || ' against, ' || indirect_mixed || ' mixed.' as verdict_reason,
  claim_id as cite_pack
from verdicts
"""

# One row per treatment, study and claim: what the study says about the treatment. For a claim whose
# stance is "against" its treatments, a study supporting the claim goes against the treatment.
TREATMENT_EVIDENCE = """
select
  ct.treatment_id,
  e.claim_id,
  e.study_key,
  s.short_citation as study,
  e.directness,
  s.evidence_level,
  case
    when c.stance = 'against' and e.relation = 'supports' then 'contradicts'
    when c.stance = 'against' and e.relation = 'contradicts' then 'supports'
    else e.relation
  end as relation
from claim_treatments ct
join claims c on c.id = ct.claim_id
join claim_evidence e on e.claim_id = ct.claim_id and e.relation != 'background'
join studies s on s.key = e.study_key
"""

# Per treatment, from the claim verdicts. A claim whose stance is "against" its treatments
# ("orthotics only help temporarily") counts the other way: if it is supported, that is evidence
# against the treatment.
TREATMENT_SUMMARY = """
with claim_effects as (
  select
    ct.treatment_id,
    v.claim_id,
    case
      when v.stance = 'against' and v.verdict = 'supported' then 'contradicted'
      when v.stance = 'against' and v.verdict = 'contradicted' then 'supported'
      else v.verdict
    end as verdict
  from claim_treatments ct
  join claim_verdicts v on v.claim_id = ct.claim_id
),
study_links as (
  select * from treatment_evidence
),
claim_counts as (
  select
    t.id as treatment_id,
    count(ce.claim_id) as claims,
    count(case when ce.verdict = 'supported' then 1 end) as claims_supported,
    count(case when ce.verdict = 'contradicted' then 1 end) as claims_contradicted,
    count(case when ce.verdict = 'conflicting' then 1 end) as claims_conflicting,
    count(case when ce.verdict = 'weak' then 1 end) as claims_weak,
    count(case when ce.verdict = 'indirect only' then 1 end) as claims_indirect_only,
    count(case when ce.verdict = 'no evidence' then 1 end) as claims_no_evidence
  from treatments t
  left join claim_effects ce on ce.treatment_id = t.id
  group by t.id
),
study_counts as (
  select
    treatment_id,
    count(distinct case when relation = 'supports' then study_key end) as supporting_studies,
    count(distinct case when relation = 'contradicts' then study_key end) as contradicting_studies,
    count(distinct case when relation = 'mixed' then study_key end) as mixed_studies,
    count(distinct case when directness = 'direct' then study_key end) as direct_studies,
    count(distinct case when directness != 'direct' then study_key end) as indirect_studies,
    min(evidence_level) as best_evidence_level
  from study_links
  group by treatment_id
),
summary as (
  select
    t.id as treatment_id,
    t.name as treatment,
    t.category,
    cc.claims,
    coalesce(sc.supporting_studies, 0) as supporting_studies,
    coalesce(sc.contradicting_studies, 0) as contradicting_studies,
    coalesce(sc.mixed_studies, 0) as mixed_studies,
    coalesce(sc.direct_studies, 0) as direct_studies,
    coalesce(sc.indirect_studies, 0) as indirect_studies,
    sc.best_evidence_level,
    cc.claims_supported,
    cc.claims_contradicted,
    cc.claims_conflicting,
    cc.claims_weak,
    cc.claims_indirect_only,
    cc.claims_no_evidence,
    case
      when cc.claims_conflicting > 0 or (cc.claims_supported > 0 and cc.claims_contradicted > 0) then 'conflicting'
      when cc.claims_supported > 0 then 'supported'
      when cc.claims_contradicted > 0 then 'contradicted'
      when cc.claims_weak > 0 then 'weak'
      when cc.claims_indirect_only > 0 then 'indirect only'
      else 'no evidence'
    end as verdict
  from treatments t
  join claim_counts cc on cc.treatment_id = t.id
  left join study_counts sc on sc.treatment_id = t.id
)
select
  summary.*,
  case
    when claims = 0 then 'No claim names this treatment.'
    else 'Of ' || claims || ' claim' || case when claims = 1 then '' else 's' end || ' about it: '
      || claims_supported || ' supported, ' || claims_contradicted || ' contradicted, '
      || claims_conflicting || ' conflicting, ' || claims_weak || ' weak, '
      || claims_indirect_only || ' indirect only, ' || claims_no_evidence || ' with no evidence'
      || ' (counted for the treatment: a supported claim against it counts as contradicted).'
  end as verdict_reason,
  treatment_id as cite_pack
from summary
"""

# In dependency order: treatment_summary reads claim_verdicts and treatment_evidence.
VIEWS = {
    "evidence_table": EVIDENCE_TABLE,
    "claim_verdicts": CLAIM_VERDICTS,
    "treatment_evidence": TREATMENT_EVIDENCE,
    "treatment_summary": TREATMENT_SUMMARY,
}
