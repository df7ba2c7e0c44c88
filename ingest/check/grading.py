"""How evidence is graded: OCEBM 2011 levels by question, and GRADE certainty with its wording.

The single source of these rules' words. The build loads them into the `evidence_levels`,
`vocabulary` and `grade_statements` tables; the SQL that applies them is in ingest/load/verdicts.py.
"""

# The OCEBM 2011 Levels of Evidence table, question by question, as published in
# https://bjsm.bmj.com/highwire/markup/117566/expansion (Table 1, "The Oxford Centre for Evidence
# Based Medicine (CEBM) 2011 Levels of Evidence"). Levels may be graded down for study quality,
# imprecision, indirectness or a small effect size, and up for a large effect size.
OCEBM_2011_SOURCE = "https://bjsm.bmj.com/highwire/markup/117566/expansion"
QUESTIONS = {
    "prevalence": ("How common is the problem?", {
        1: "Local and current random sample surveys (or censuses).",
        2: "Systematic review of surveys that allow matching to local circumstances.",
        3: "Local non-random sample.",
        4: "Case series.",
    }),
    "diagnosis": ("Is this diagnostic or monitoring test accurate? (Diagnosis)", {
        1: "Systematic review of cross-sectional studies with consistently applied reference standard and blinding.",
        2: "Individual cross-sectional studies with consistently applied reference standard and blinding.",
        3: "Non-consecutive studies, or studies without consistently applied reference standards.",
        4: "Case-control studies, or poor or non-independent reference standard.",
        5: "Mechanism-based reasoning.",
    }),
    "prognosis": ("What will happen if we do not add a therapy? (Prognosis)", {
        1: "Systematic review of inception cohort studies.",
        2: "Inception cohort studies.",
        3: "Cohort study or control arm of randomised trial.",
        4: "Case series or case-control studies, or poor quality prognostic cohort study.",
    }),
    "treatment-benefits": ("Does this intervention help? (Treatment benefits)", {
        1: "Systematic review of randomised trials or n-of-1 trials.",
        2: "Randomised trial or observational study with dramatic effect.",
        3: "Non-randomised controlled cohort/follow-up study.",
        4: "Case series, case-control studies or historically controlled studies.",
        5: "Mechanism-based reasoning.",
    }),
    "treatment-harms": ("What are the common harms? (Treatment harms)", {
        1: "Systematic review of randomised trials, systematic review of nested case-control studies, n-of-1 trial "
           "with the patient you are raising the question about, or observational study with dramatic effect.",
        2: "Individual randomised trial or (exceptionally) observational study with dramatic effect.",
        3: "Non-randomised controlled cohort/follow-up study (post-marketing surveillance) provided there are "
           "sufficient numbers to rule out a common harm.",
        4: "Case series, case-control or historically controlled studies.",
        5: "Mechanism-based reasoning.",
    }),
}

# The question a claim asks, by its claim_type, and so the row of the table its links are levelled
# on. OCEBM 2011 has no row of its own for risk factors: like prognosis, they are answered by
# following people up, so a systematic review of prospective cohorts is level 1 for them too.
# Symptoms are levelled as diagnosis (how the condition presents); mechanism claims have no row,
# and keep the study's own level.
CLAIM_QUESTIONS = {
    "treatment-benefit": "treatment-benefits",
    "prevention": "treatment-benefits",
    "harm": "treatment-harms",
    "prognosis": "prognosis",
    "aetiology": "prognosis",
    "epidemiology": "prevalence",
    "diagnosis": "diagnosis",
    "symptom": "diagnosis",
    "mechanism": None,
}

# GRADE: the certainty of a body of evidence for one treatment, outcome and time horizon. It starts
# at high (4) when the evidence includes randomised trials and at low (2) when it is observational,
# and goes down a level for each serious concern in a domain (two for a very serious one).
CERTAINTY = {
    4: ("high", "Further research is very unlikely to change our confidence in the estimate of effect."),
    3: ("moderate", "Further research is likely to have an important impact on our confidence in the estimate of effect and may change it."),
    2: ("low", "Further research is very likely to have an important impact on our confidence in the estimate of effect and is likely to change it."),
    1: ("very low", "Any estimate of effect is very uncertain."),
}
GRADE_SOURCE = "https://gut.bmj.com/highwire/markup/225634/expansion"

DOMAINS = {
    "risk_of_bias": "Limitations in the design or conduct of the studies (allocation, blinding, loss to follow-up).",
    "inconsistency": "The studies' results differ more than chance explains.",
    "indirectness": "The studies differ from the question in population, intervention, comparator or outcome.",
    "imprecision": "Too few participants, or a confidence interval that includes both benefit and none.",
    "publication_bias": "Studies are probably missing, e.g. small negative trials left unpublished.",
}
# When no curator has judged a domain, the default the SQL applies, with its reason. Risk of bias is
# never assumed away: it costs a level until someone records a judgement in data/certainty.yml.
UNJUDGED = {
    "risk_of_bias": (1, "Not yet judged for this outcome: rated down one level until a curator records a judgement in data/certainty.yml."),
    "publication_bias": (0, "Not suspected: no judgement recorded."),
}
# Imprecision is derived from the participants (GRADE's optimal information size, GRADE guidelines
# 6, https://www.jclinepi.com/article/S0895-4356(11)00206-X/fulltext); this project's threshold:
OPTIMAL_INFORMATION_SIZE = 400

# GRADE's informative statements (GRADE guidelines 26, Santesso et al. 2020,
# https://www.jclinepi.com/article/S0895-4356(19)30416-0/fulltext): "x results in ...", "x likely
# results in ...", "x may result in ..." for high, moderate and low certainty; very low certainty says
# the evidence is very uncertain. {treatment}, {outcome} and {horizon} are filled in by the SQL.
STATEMENTS = {
    ("benefit", "high"): "{treatment} improves {outcome}{horizon}.",
    ("benefit", "moderate"): "{treatment} likely improves {outcome}{horizon}.",
    ("benefit", "low"): "{treatment} may improve {outcome}{horizon}.",
    ("no-benefit", "high"): "{treatment} results in little or no difference in {outcome}{horizon}.",
    ("no-benefit", "moderate"): "{treatment} likely results in little or no difference in {outcome}{horizon}.",
    ("no-benefit", "low"): "{treatment} may result in little or no difference in {outcome}{horizon}.",
    ("harm", "high"): "{treatment} worsens {outcome}{horizon}.",
    ("harm", "moderate"): "{treatment} likely worsens {outcome}{horizon}.",
    ("harm", "low"): "{treatment} may worsen {outcome}{horizon}.",
    ("conflicting", None): "Studies of {treatment} disagree about {outcome}{horizon}: some found a benefit, others none.",
    ("no-difference-vs-active", None): "{treatment} may work about as well as the active treatments it was compared with for "
                                       "{outcome}{horizon}; that does not show whether it works better than no treatment.",
    ("inconclusive", None): "It is not known whether {treatment} improves {outcome}{horizon}: the studies could not tell.",
    (None, "very low"): "The evidence is very uncertain about the effect of {treatment} on {outcome}{horizon}.",
}

HORIZON_WORDS = {"short-term": " in the short term", "medium-term": " at 3 to 12 months", "long-term": " after more than a year"}
