"""The views: the evidence table, and the verdicts of claims and treatments with their reasons.

The verdict rule is the SQL of claim_verdicts and treatment_summary, and lives nowhere else; what
each verdict means is worded once, in ingest/check/vocabulary.py (the `vocabulary` table, and the
home page, show it).
"""


def counted_for_treatment(stance: str, value: str, favourable: str, unfavourable: str) -> str:
    """SQL for what `value` (a study's relation or a claim's verdict) says about the treatments the
    claim names, given the claim's stance (see STANCES in ingest/check/vocabulary.py)."""
    return (f"case when {stance} = 'against' and {value} = '{favourable}' then '{unfavourable}' "
            f"when {stance} = 'against' and {value} = '{unfavourable}' then '{favourable}' else {value} end")


# One row per treatment, claim and linked study; claims with no study or no treatment appear once.
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

# One row per claim: its counts of direct and indirect studies for and against, its verdict, and why.
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

# One row per treatment, study and claim: what the study says about the treatment.
TREATMENT_EVIDENCE = f"""
select
  ct.treatment_id,
  e.claim_id,
  e.study_key,
  s.short_citation as study,
  e.directness,
  s.evidence_level,
  {counted_for_treatment('c.stance', 'e.relation', 'supports', 'contradicts')} as relation
from claim_treatments ct
join claims c on c.id = ct.claim_id
join claim_evidence e on e.claim_id = ct.claim_id and e.relation != 'background'
join studies s on s.key = e.study_key
"""

# One row per treatment, from the verdicts of the claims about it.
TREATMENT_SUMMARY = f"""
with claim_effects as (
  select
    ct.treatment_id,
    v.claim_id,
    {counted_for_treatment('v.stance', 'v.verdict', 'supported', 'contradicted')} as verdict
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

# In dependency order: treatment_summary reads claim_verdicts and treatment_evidence.
VIEWS = {
    "evidence_table": EVIDENCE_TABLE,
    "claim_verdicts": CLAIM_VERDICTS,
    "treatment_evidence": TREATMENT_EVIDENCE,
    "treatment_summary": TREATMENT_SUMMARY,
    "verdict_changes": VERDICT_CHANGES,
}
