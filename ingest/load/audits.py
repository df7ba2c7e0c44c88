"""The audits: lists a curator works through (claims no study supports, studies no claim uses, ...),
written as tables when the database is built.

Each is a table named as the canned query it replaces, so its address stays the same
(/evidence/audit_unlinked_studies): Datasette pages a table 100 rows at a time, counts it, filters and
sorts it, where a canned query ran over every claim on every visit and listed up to 1,000 rows
(1.1 s at 100,000 studies for claims_without_support). Rows are written in the order each query gives,
which is the order a table page shows them in. Titles and column descriptions are in metadata.yml.
"""

TABLES = {
    "claims_without_support": """
select claims.id as claim_id, claims.source_id, claims.claim_type, claims.text,
  count(distinct claim_evidence.study_key) as linked_studies,
  count(distinct case when claim_evidence.relation = 'contradicts' then claim_evidence.study_key end) as contradicting
from claims
left join claim_evidence on claim_evidence.claim_id = claims.id
group by claims.id
having sum(claim_evidence.relation = 'supports') is null or sum(claim_evidence.relation = 'supports') = 0
order by claims.source_id, claims.position
""",
    "claims_only_indirect_support": """
select claims.id as claim_id, claims.source_id, claims.condition_id, claims.text,
  group_concat(studies.short_citation || ' (' || claim_evidence.directness || ')', '; ') as supporting_studies
from claims
join claim_evidence on claim_evidence.claim_id = claims.id and claim_evidence.relation = 'supports'
join studies on studies.key = claim_evidence.study_key
group by claims.id
having sum(claim_evidence.directness = 'direct') = 0
order by claims.source_id, claims.position
""",
    "audit_claims_with_no_evidence": """
select claim_id, source_id, claim_type, claim
from claim_verdicts
where verdict = 'no evidence'
order by source_id, claim_id
""",
    "audit_cited_only_indirect": """
select claims.id as claim_id, claims.source_id, claims.condition_id, claims.text as claim,
  group_concat(studies.short_citation || ' (' || claim_evidence.directness || ', studied '
    || coalesce(studies.condition_id, 'no condition recorded') || ')', '; ') as cited_studies
from claims
join claim_evidence on claim_evidence.claim_id = claims.id and claim_evidence.cited_by_source = 1
join studies on studies.key = claim_evidence.study_key
group by claims.id
having sum(claim_evidence.directness = 'direct') = 0
order by claims.source_id, claims.position
""",
    "audit_contradicted_by_strong_studies": """
select claims.id as claim_id, claims.source_id, claims.text as claim, studies.short_citation as study,
  studies.design, claim_evidence.evidence_level, claim_evidence.directness, claim_evidence.finding
from claim_evidence
join claims on claims.id = claim_evidence.claim_id
join studies on studies.key = claim_evidence.study_key
where claim_evidence.relation = 'contradicts' and claim_evidence.evidence_level <= 2
order by claims.source_id, claims.position, claim_evidence.evidence_level, study
""",
    "audit_unlinked_studies": """
select key, short_citation, title, design, evidence_level, condition_id
from studies
where not exists (select 1 from claim_evidence where claim_evidence.study_key = studies.key)
order by key
""",
    "audit_only_low_level_support": """
select claims.id as claim_id, claims.source_id, claims.text as claim,
  group_concat(studies.short_citation || ' (level ' || claim_evidence.evidence_level || ')', '; ') as supporting_studies
from claims
join claim_evidence on claim_evidence.claim_id = claims.id and claim_evidence.relation = 'supports'
join studies on studies.key = claim_evidence.study_key
group by claims.id
having min(coalesce(claim_evidence.evidence_level, 0)) >= 4
order by claims.source_id, claims.position
""",
    "audit_sources_by_support": """
select sources.id as source_id, sources.title, sources.kind, sources.conflict_of_interest,
  count(*) as claims,
  sum(claim_verdicts.verdict = 'supported') as supported,
  sum(claim_verdicts.verdict = 'contradicted') as contradicted,
  sum(claim_verdicts.verdict = 'no evidence') as no_evidence,
  round(100.0 * sum(claim_verdicts.verdict = 'supported') / count(*), 1) as percent_supported
from claim_verdicts
join sources on sources.id = claim_verdicts.source_id
group by sources.id
order by percent_supported desc, sources.id
""",
    "audit_metadata_conflicts": """
select metadata_conflicts.study_key, studies.short_citation as study, metadata_conflicts.field,
  metadata_conflicts.bib_value, metadata_conflicts.record_value, metadata_conflicts.source,
  (select group_concat(claim_id, ', ') from claim_evidence where study_key = metadata_conflicts.study_key) as claims
from metadata_conflicts
join studies on studies.key = metadata_conflicts.study_key
order by metadata_conflicts.study_key, metadata_conflicts.field
""",
    "audit_retracted_studies": """
select studies.key as study_key, studies.short_citation as study, studies.title, studies.note,
  claim_evidence.claim_id, claim_evidence.relation, claims.text as claim
from studies
left join claim_evidence on claim_evidence.study_key = studies.key
left join claims on claims.id = claim_evidence.claim_id
where studies.retracted = 1
order by studies.key, claim_evidence.claim_id
""",
}
