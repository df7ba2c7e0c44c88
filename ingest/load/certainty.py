"""The certainty rules, as SQL: one row per treatment, outcome and time horizon, graded as GRADE does.

Certainty starts high for randomised evidence (level 1-2) and low otherwise, and is rated down for
risk of bias, inconsistency, indirectness, imprecision and publication bias: a curator's judgement
in data/certainty.yml when there is one (certainty_ratings), else what the links show. The build
stores the rows as the table summary_of_findings (see ingest/load/verdicts.py for the order). The
levels, domains and plain-language statements are in ingest/check/grading.py.
"""

from ingest.check import grading

STRONG = "e.directness = 'direct' and e.evidence_level <= 2"  # a direct study at level 1-2


def studies_where(condition: str) -> str:
    """SQL counting the distinct studies of the rows `e` that meet the condition."""
    return f"count(distinct case when {condition} then e.study_key end)"


def _rating(domain: str, derived_down: str, derived_reason: str) -> str:
    """Columns {domain}_down and {domain}_reason: the curator's judgement, else the derived one."""
    curated = ("(select {column} from certainty_ratings r where r.treatment_id = g.treatment_id and r.outcome is g.outcome "
               f"and (r.horizon is g.horizon or r.horizon is null) and r.domain = '{domain}' order by r.horizon is null limit 1)")
    return (f"coalesce({curated.format(column='rate_down')}, {derived_down}) as {domain}_down,\n"
            f"    coalesce({curated.format(column='reason')}, {derived_reason}) as {domain}_reason")


def _sql_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


HORIZON_WORDS = "case g.horizon " + " ".join(
    f"when '{horizon}' then {_sql_text(words)}" for horizon, words in grading.HORIZON_WORDS.items()) + " else '' end"
CERTAINTY_LABEL = "case " + " ".join(
    f"when score = {score} then '{label}'" for score, (label, _) in grading.CERTAINTY.items()) + " end"
RISK_OF_BIAS, PUBLICATION_BIAS = grading.UNJUDGED["risk_of_bias"], grading.UNJUDGED["publication_bias"]

# One row per treatment, outcome and time horizon, as in a Cochrane summary-of-findings table.
SUMMARY_OF_FINDINGS = f"""
with groups as (
  select
    e.treatment_id, e.outcome, e.horizon,
    count(distinct e.study_key) as studies,
    {studies_where("e.directness = 'direct'")} as direct_studies,
    {studies_where("e.result = 'benefit'")} as benefit_studies,
    {studies_where("e.result in ('no-benefit', 'harm')")} as against_studies,
    {studies_where("e.result = 'harm'")} as harm_studies,
    {studies_where("e.result = 'inconclusive'")} as inconclusive_studies,
    {studies_where("e.result = 'no-difference-vs-active'")} as vs_active_studies,
    {studies_where(STRONG + " and e.result = 'benefit'")} as strong_benefit,
    {studies_where(STRONG + " and e.result in ('no-benefit', 'harm')")} as strong_against,
    {studies_where(STRONG)} as strong_studies,
    max(e.participants) as participants,
    min(e.evidence_level) as best_evidence_level
  from treatment_evidence e
  group by e.treatment_id, e.outcome, e.horizon
),
directions as (
  select g.*,
    -- the strongest evidence decides: direct studies at level 1-2 when there are any, else all
    case
      when case when strong_studies > 0 then strong_benefit > 0 and strong_against > 0 else benefit_studies > 0 and against_studies > 0 end
        then 'conflicting'
      when case when strong_studies > 0 then strong_benefit else benefit_studies end > 0 then 'benefit'
      when case when strong_studies > 0 then strong_against else against_studies end > 0
        then case when harm_studies > 0 then 'harm' else 'no-benefit' end
      when vs_active_studies > 0 and inconclusive_studies = 0 then 'no-difference-vs-active'
      else 'inconclusive'
    end as direction
  from groups g
),
ratings as (
  select g.*,
    case when best_evidence_level <= 2 then 4 else 2 end as start,
    {_rating("risk_of_bias", str(RISK_OF_BIAS[0]), _sql_text(RISK_OF_BIAS[1]))},
    {_rating("inconsistency", "case when direction = 'conflicting' then 1 else 0 end",
             "case when direction = 'conflicting' then 'Studies disagree: some found a benefit, others none.' "
             "when studies = 1 then 'A single study.' else 'The studies agree.' end")},
    {_rating("indirectness", "case when direct_studies = 0 then 1 else 0 end",
             "case when direct_studies = 0 then 'Every study is indirect evidence (another population, intervention or outcome).' "
             "else direct_studies || ' of ' || studies || ' studies are direct evidence.' end")},
    {_rating("imprecision", f"case when participants >= {grading.OPTIMAL_INFORMATION_SIZE} then 0 else 1 end",
             "case when participants is null then 'The number of participants is not recorded.' "
             f"when participants < {grading.OPTIMAL_INFORMATION_SIZE} then 'At most ' || participants || ' participants, "
             f"fewer than {grading.OPTIMAL_INFORMATION_SIZE}.' else 'Up to ' || participants || ' participants.' end")},
    {_rating("publication_bias", str(PUBLICATION_BIAS[0]), _sql_text(PUBLICATION_BIAS[1]))}
  from directions g
),
certainty as (
  select g.*,
    max(1, start - risk_of_bias_down - inconsistency_down - indirectness_down - imprecision_down - publication_bias_down) as score
  from ratings g
),
effects as (
  select g.*, {CERTAINTY_LABEL} as certainty,
    -- printf turns a missing number into 0, so each part is added only when its numbers are there
    (select e.study || ': ' || e.effect_measure
       || case when e.effect_estimate is not null then ' ' || printf('%g', e.effect_estimate) else '' end
       || case when e.effect_ci_low is not null and e.effect_ci_high is not null
            then ' (95% CI ' || printf('%g', e.effect_ci_low) || ' to ' || printf('%g', e.effect_ci_high) || ')' else '' end
     from treatment_evidence e
     where e.treatment_id = g.treatment_id and e.outcome is g.outcome and e.horizon is g.horizon and e.effect_measure is not null
     order by e.directness = 'direct' desc, e.evidence_level, e.participants desc limit 1) as effect
  from certainty g
)
select
  g.treatment_id,
  t.name as treatment,
  g.outcome,
  g.horizon,
  g.studies,
  g.participants,
  g.effect,
  g.certainty,
  replace(replace(replace(coalesce(
      (select template from grade_statements where certainty = 'very low' and direction is null and g.certainty = 'very low'
         and g.direction in ('benefit', 'no-benefit', 'harm')),
      (select template from grade_statements where direction = g.direction and certainty = g.certainty),
      (select template from grade_statements where direction = g.direction and certainty is null)),
    '{{treatment}}', t.name), '{{outcome}}', coalesce(replace(g.outcome, '-', ' '), 'the outcome')), '{{horizon}}', {HORIZON_WORDS})
    as statement,
  g.direction,
  g.direct_studies,
  g.benefit_studies,
  g.against_studies,
  g.inconclusive_studies,
  g.vs_active_studies,
  g.strong_benefit,
  g.strong_against,
  g.best_evidence_level,
  case when g.start = 4 then 'high: randomised evidence (level 1-2)' else 'low: no randomised evidence' end as starting_certainty,
  g.risk_of_bias_down, g.risk_of_bias_reason,
  g.inconsistency_down, g.inconsistency_reason,
  g.indirectness_down, g.indirectness_reason,
  g.imprecision_down, g.imprecision_reason,
  g.publication_bias_down, g.publication_bias_reason
from effects g
join treatments t on t.id = g.treatment_id
"""
