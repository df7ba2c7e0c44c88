"""The verdict rules, as SQL: the one place verdicts are computed.

The build runs each query once and stores its rows as a table of the same name (claim_verdicts,
treatment_evidence, summary_of_findings, treatment_summary), so a page reads a row instead of
recomputing every claim. What each verdict means is worded in ingest/check/vocabulary.py; the
certainty of each finding is graded in ingest/load/certainty.py.

Every count is of distinct studies: a study linked twice (two claims, two outcomes) counts once.
"""

from ingest.load.certainty import SUMMARY_OF_FINDINGS, studies_where


def counted_for_treatment(stance: str, value: str, favourable: str, unfavourable: str) -> str:
    """SQL for what `value` (a claim's verdict) says about the treatments the claim names, given
    the claim's stance (see STANCES in ingest/check/vocabulary.py)."""
    return (f"case when {stance} = 'against' and {value} = '{favourable}' then '{unfavourable}' "
            f"when {stance} = 'against' and {value} = '{unfavourable}' then '{favourable}' else {value} end")


# One row per claim: distinct studies for and against it, directly and indirectly, its verdict, and why.
CLAIM_VERDICTS = f"""
with counts as (
  select
    c.id as claim_id,
    c.source_id,
    c.claim_type,
    c.condition_id,
    c.stance,
    c.text as claim,
    {studies_where("e.directness = 'direct' and e.relation = 'supports'")} as direct_supporting,
    {studies_where("e.directness = 'direct' and e.relation = 'contradicts'")} as direct_contradicting,
    {studies_where("e.directness = 'direct' and e.relation = 'mixed'")} as direct_mixed,
    {studies_where("e.directness != 'direct' and e.relation = 'supports'")} as indirect_supporting,
    {studies_where("e.directness != 'direct' and e.relation = 'contradicts'")} as indirect_contradicting,
    {studies_where("e.directness != 'direct' and e.relation = 'mixed'")} as indirect_mixed,
    min(case when e.directness = 'direct' and e.relation = 'supports' then e.evidence_level end) as best_direct_support_level,
    min(case when e.directness = 'direct' and e.relation = 'contradicts' then e.evidence_level end) as best_direct_contradiction_level,
    {studies_where("e.directness = 'direct' and e.relation = 'inconclusive'")} as direct_inconclusive,
    {studies_where("e.directness = 'direct' and e.relation = 'no-difference-vs-active'")} as direct_vs_active,
    {studies_where("e.directness = 'direct'")} as direct_studies,
    count(distinct e.study_key) as studies
  from claims c
  left join claim_evidence e on e.claim_id = c.id and e.relation != 'background'
  group by c.id
),
verdicts as (
  select
    counts.*,
    case
      when studies = 0 then 'no evidence'
      when direct_studies = 0 then 'indirect only'
      when best_direct_support_level <= 2 and best_direct_contradiction_level <= 2 then 'conflicting'
      when best_direct_support_level <= 2 then 'supported'
      when best_direct_contradiction_level <= 2 then 'contradicted'
      else 'weak'
    end as verdict
  from counts
)
select
  claim_id, claim, verdict, studies,
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
      || case when direct_supporting + direct_contradicting = 0
              then 'mixed, inconclusive or a comparison with another active treatment.'
              else 'at level 3-5 or not levelled.' end
  end
  || ' Direct studies: ' || direct_supporting || ' for, ' || direct_contradicting || ' against, '
  || direct_mixed || ' mixed, ' || direct_inconclusive || ' inconclusive, ' || direct_vs_active
  || ' no different from another active treatment; indirect: ' || indirect_supporting || ' for, '
  || indirect_contradicting || ' against, ' || indirect_mixed || ' mixed. Studies in all: ' || studies || '.' as verdict_reason,
  source_id, claim_type, condition_id, stance,
  direct_supporting, direct_contradicting, direct_mixed, indirect_supporting, indirect_contradicting, indirect_mixed,
  best_direct_support_level, best_direct_contradiction_level, direct_inconclusive, direct_vs_active, direct_studies,
  claim_id as cite_pack
from verdicts
"""

# One row per treatment and link whose study tested that treatment: what the study found for it.
TREATMENT_EVIDENCE = """
select
  tt.treatment_id,
  e.claim_id,
  e.study_key,
  s.short_citation as study,
  e.directness,
  e.evidence_level,
  case e.result when 'benefit' then 'supports' when 'no-benefit' then 'contradicts' when 'harm' then 'contradicts'
    else e.result end as relation,
  e.id as evidence_id,
  e.result,
  e.comparator,
  e.outcome,
  e.horizon,
  coalesce(e.effect_participants, s.n_participants) as participants,
  e.effect_measure,
  e.effect_estimate,
  e.effect_ci_low,
  e.effect_ci_high,
  e.finding
from tested_treatments tt
join claim_evidence e on e.id = tt.evidence_id and e.relation != 'background'
join studies s on s.key = e.study_key
"""


# One row per treatment: distinct studies that tested it, and a verdict from its findings outcome
# by outcome and horizon by horizon (summary_of_findings). The claims about it are counted as well,
# each claim's verdict counted for the treatment by the claim's stance.
TREATMENT_SUMMARY = f"""
with claim_counts as (
  select
    t.id as treatment_id,
    count(v.claim_id) as claims,
    count(case when verdict = 'supported' then 1 end) as claims_supported,
    count(case when verdict = 'contradicted' then 1 end) as claims_contradicted,
    count(case when verdict = 'conflicting' then 1 end) as claims_conflicting,
    count(case when verdict = 'weak' then 1 end) as claims_weak,
    count(case when verdict = 'indirect only' then 1 end) as claims_indirect_only,
    count(case when verdict = 'no evidence' then 1 end) as claims_no_evidence
  from treatments t
  left join (
    select ct.treatment_id, v.claim_id, {counted_for_treatment('v.stance', 'v.verdict', 'supported', 'contradicted')} as verdict
    from claim_treatments ct join claim_verdicts v on v.claim_id = ct.claim_id
  ) v on v.treatment_id = t.id
  group by t.id
),
study_counts as (
  select
    e.treatment_id,
    {studies_where("e.result = 'benefit'")} as supporting_studies,
    {studies_where("e.result in ('no-benefit', 'harm')")} as contradicting_studies,
    {studies_where("e.result not in ('benefit', 'no-benefit', 'harm')")} as mixed_studies,
    {studies_where("e.directness = 'direct'")} as direct_studies,
    {studies_where("e.directness != 'direct'")} as indirect_studies,
    min(e.evidence_level) as best_evidence_level,
    count(distinct e.study_key) as studies
  from treatment_evidence e
  group by e.treatment_id
),
findings as (
  select
    treatment_id,
    max(strong_benefit > 0 and strong_against > 0) as any_conflicting,
    max(strong_benefit > 0) as any_supported,
    max(strong_against > 0) as any_contradicted,
    group_concat(coalesce(replace(outcome, '-', ' '), 'outcome not recorded') || coalesce(' (' || horizon || ')', '') || ': '
      || direction || ', ' || studies || ' stud' || case when studies = 1 then 'y' else 'ies' end || ', '
      || certainty || ' certainty', '; ') as findings
  from summary_of_findings
  group by treatment_id
)
select
  t.id as treatment_id,
  t.name as treatment,
  t.category,
  case
    when f.any_conflicting then 'conflicting'
    when f.any_supported then 'supported'
    when f.any_contradicted then 'contradicted'
    when sc.direct_studies > 0 then 'weak'
    when sc.studies > 0 then 'indirect only'
    else 'no evidence'
  end as verdict,
  coalesce(sc.studies, 0) as studies,
  case
    when sc.studies is null then 'No linked study tested this treatment'
      || case when cc.claims = 0 then '; no claim names it.' when cc.claims = 1 then ' (1 claim names it).'
            else ' (' || cc.claims || ' claims name it).' end
    else sc.studies || ' stud' || case when sc.studies = 1 then 'y' else 'ies' end || ' tested it (' || sc.direct_studies
      || ' direct). ' || f.findings || '.'
  end as verdict_reason,
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
  t.id as cite_pack
from treatments t
join claim_counts cc on cc.treatment_id = t.id
left join study_counts sc on sc.treatment_id = t.id
left join findings f on f.treatment_id = t.id
"""

# Computed at build time, in this order (each reads those before it), and stored as tables.
TABLES = {
    "claim_verdicts": CLAIM_VERDICTS,
    "treatment_evidence": TREATMENT_EVIDENCE,
    "summary_of_findings": SUMMARY_OF_FINDINGS,
    "treatment_summary": TREATMENT_SUMMARY,
}
# The indexes of each: the column it is looked up by, then the columns metadata.yml makes facets of
# (a facet counts every row of the table on each visit; by index, 6 times faster at 100,000
# studies). tests/test_datasette.py checks that each facet has its index.
INDEXES = {
    "claim_verdicts": [["claim_id"], ["verdict"], ["claim_type"], ["source_id"]],
    "treatment_evidence": [["treatment_id"], ["result"], ["directness"], ["outcome"], ["horizon"], ["evidence_level"]],
    "summary_of_findings": [["treatment_id"], ["certainty"], ["outcome"], ["horizon"], ["direction"]],
    "treatment_summary": [["treatment_id"], ["verdict"], ["category"]],
}
