"""The evidence table, and what changed since the last build: queried as views, written as tables at build time.

The verdicts, the evidence each treatment was tested by and the summary of findings are computed
once, at build time, by the SQL in ingest/load/verdicts.py.
"""


# One row per treatment, claim and linked study; claims with no study or no treatment appear once.
# Each row: a treatment t the claim names (null for a claim that names none), the claim c, its
# source and condition, and a link e to a study s (null if none).
EVIDENCE_COLUMNS = """
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
  e.evidence_level,
  s.level_scheme,
  e.relation,
  e.directness,
  e.cited_by_source,
  e.finding,
  s.doi,
  case when e.id is null or t.id is null then null
    else exists (select 1 from tested_treatments tt where tt.evidence_id = e.id and tt.treatment_id = t.id) end as tested,
  e.comparator,
  e.result,
  e.outcome,
  e.horizon,
  e.question,
  s.evidence_level as study_evidence_level,
  e.id as evidence_id
"""
# Two arms rather than claims left-joined to their treatments: a reader filters by treatment_id, and
# SQLite pushes that filter into each arm, so the first starts from the treatment's claims by index
# and the second (claims that name no treatment; t a row of nulls, and first: CROSS JOIN keeps it the
# outer loop, so the filter fails once, before any claim is read) finds none. The left join read every
# claim first: 0.8 s at 100,000 studies for six rows, now under 1 ms.
EVIDENCE_TABLE = f"""
select {EVIDENCE_COLUMNS}
from claim_treatments ct
join treatments t on t.id = ct.treatment_id
join claims c on c.id = ct.claim_id
join sources src on src.id = c.source_id
join conditions cond on cond.id = c.condition_id
left join claim_evidence e on e.claim_id = c.id
left join studies s on s.key = e.study_key
union all
select {EVIDENCE_COLUMNS}
from (select null as id, null as name, null as category) t
cross join claims c
join sources src on src.id = c.source_id
join conditions cond on cond.id = c.condition_id
left join claim_evidence e on e.claim_id = c.id
left join studies s on s.key = e.study_key
where not exists (select 1 from claim_treatments ct where ct.claim_id = c.id)
"""

# Claims whose verdict differs between previous_verdicts (the database a build replaced) and
# claim_verdicts, with both reasons; `ingest diff` runs it on any two builds (ingest/load/history.py).
VERDICT_CHANGES = """
select
  n.claim_id,
  case when p.claim_id is null then 'new claim' else 'verdict changed' end as change,
  p.verdict as previous_verdict,
  n.verdict,
  p.verdict_reason as previous_reason,
  n.verdict_reason as reason,
  n.claim
from claim_verdicts n
left join previous_verdicts p on p.claim_id = n.claim_id
where p.claim_id is null or p.verdict != n.verdict
union all
select p.claim_id, 'claim removed', p.verdict, null, p.verdict_reason, null, p.claim
from previous_verdicts p
where p.claim_id not in (select claim_id from claim_verdicts)
order by claim_id
"""

# Written as tables when the database is built, and queried by name as the views they were: the same
# query on every visit would compare every claim's verdict again (verdict_changes: 0.5 s at 100,000
# studies), or join every claim to its studies to count and facet them (evidence_table: 2.7 s).
# Keyed by their first column, so no rowid shows:
KEYED_TABLES = {
    "verdict_changes": VERDICT_CHANGES,
}
# With no key of their own, rows in the query's order:
TABLES = {
    "evidence_table": EVIDENCE_TABLE,
}
# Their indexes: the filter readers use, and each of metadata.yml's facets (a test checks every facet has one).
INDEXES = {
    "evidence_table": [["treatment_id"], ["treatment"], ["relation"], ["directness"], ["evidence_level"], ["claim_type"], ["source_id"]],
    "verdict_changes": [["change"]],
}
