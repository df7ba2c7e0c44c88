"""Controlled vocabularies: the allowed values of coded fields, with what each means.

These are the single source of truth: validation checks against them and the build loads them
into the `vocabulary` table, so a user browsing Datasette can see what every code means.
"""

from ingest.check import grading

# An id: lowercase letters and digits, joined by single hyphens, underscores or dots. Ids of sources
# also name files (their text and claims), and a slug can never climb out of data/.
SLUG_PATTERN = r"^[a-z0-9]+(?:[-_.][a-z0-9]+)*$"

CLAIM_TYPES = {
    "treatment-benefit": "A treatment or intervention helps the condition.",
    "harm": "A treatment, exposure or activity causes harm or makes the condition worse.",
    "prevention": "A measure lowers the chance of getting the condition or of it coming back.",
    "prognosis": "What happens over time: recovery, persistence, return to activity.",
    "aetiology": "What causes the condition or raises the risk of it (risk factors).",
    "mechanism": "How the condition works: anatomy, biomechanics, pathophysiology.",
    "diagnosis": "How the condition is recognised, examined or told apart from others.",
    "epidemiology": "Who gets the condition and how often.",
    "symptom": "What the condition feels like and what aggravates or eases it.",
}

# A claim's stance toward the treatments it names: the direction its evidence counts for them.
STANCES = {
    "for": "The claim says the treatments it names help (treat, prevent, are safe).",
    "against": "The claim says the treatments it names do not help, or help only for a while, so it counts "
    "the other way for them: a study that supports it, or its being supported, counts against the treatments.",
}

RELATIONS = {
    "supports": "The study's findings support the claim.",
    "contradicts": "The study's findings contradict the claim.",
    "mixed": "Mixed, partial or uncertain: some findings support the claim and some do not, "
    "or the effect is too small or short-lived to say.",
    "inconclusive": "The study or review could not tell: too few or too poor studies, or an imprecise result. "
    "Not evidence against the claim.",
    "no-difference-vs-active": "The treatment did about as well as another active treatment it was compared with: "
    "not evidence that it does nothing.",
    "background": "Context only (definitions, mechanisms, related conditions); not counted for or against.",
}

# What a study compared the tested treatment with.
COMPARATORS = {
    "placebo-sham": "A placebo or sham treatment.",
    "no-treatment": "No treatment, wait-and-see or a waiting list.",
    "usual-care": "Usual care or standard physiotherapy.",
    "education": "Education or advice alone (also when both groups had it and one had the treatment as well).",
    "active-treatment": "Another active treatment (a different injection, exercise or device).",
    "none": "No control group: a case series or an uncontrolled follow-up.",
}
# The comparators that are themselves treatments: no difference from them is not "no effect".
ACTIVE_COMPARATORS = ("usual-care", "education", "active-treatment")

# What the study found for the treatments it tested, on the link's outcome at its horizon.
RESULTS = {
    "benefit": "The treatment did better than the comparator.",
    "no-benefit": "An adequately sized study or review found no benefit over placebo, sham, no treatment or usual care.",
    "harm": "The treatment did worse than the comparator, or caused harm.",
    "inconclusive": "Too little or too poor evidence to tell.",
    "no-difference-vs-active": "About as good as another active treatment; not a test against doing nothing.",
}

OUTCOMES = {
    "pain": "Pain.",
    "function": "Function or activity (e.g. the Kujala or AKPS score).",
    "recovery": "Recovery, global improvement or treatment success.",
    "injury": "New injuries (incidence).",
    "recurrence": "The condition coming back.",
    "return-to-running": "Return to running or sport.",
    "adverse-events": "Side effects and adverse events.",
    "occurrence": "How often the condition occurs (incidence or prevalence).",
    "risk-factor": "Whether a factor is associated with getting the condition.",
    "biomechanics": "Joint load, movement or muscle activity, measured in a lab.",
    "diagnosis": "How the condition is recognised or examined.",
    "other": "Any other outcome (say which in the finding).",
}

HORIZONS = {
    "short-term": "Up to 3 months.",
    "medium-term": "Over 3 and up to 12 months.",
    "long-term": "Over 12 months.",
}

# Modelled on GRADE's indirectness: evidence is indirect when the study differs from the claim.
DIRECTNESS = {
    "direct": "The study examined the claim's condition, intervention and outcome.",
    "indirect-population": "The study examined a different condition or population "
    "(for example knee osteoarthritis or healthy runners, when the claim is about runner's knee).",
    "indirect-intervention": "The study examined a different or broader intervention than the claim names.",
    "indirect-outcome": "The study measured a different outcome (for example joint load in a lab, "
    "not pain or injury).",
}

# Study designs. `level` is the default OCEBM 2011 level ("does this intervention help?");
# None means the design is not levelled (see NOT_LEVELLED_DESIGNS).
DESIGNS = {
    "systematic-review": ("Systematic review, with or without meta-analysis; levelled by the studies it pools.", 1),
    "rct": ("Randomised controlled trial (including cluster-randomised).", 2),
    "non-randomised-trial": ("Controlled trial without randomisation (e.g. sequential allocation).", 3),
    "cohort": ("Prospective or retrospective cohort / follow-up study.", 3),
    "case-control": ("Case-control study.", 4),
    "cross-sectional": ("Cross-sectional or comparative observational study.", 4),
    "case-series": ("Case series, uncontrolled before-after study, or case report.", 4),
    "lab-study": ("Laboratory or biomechanical study (mechanism-based evidence).", 5),
    "narrative-review": ("Narrative review without a systematic search; not levelled: it summarises evidence rather than producing it.", None),
    "consensus-statement": ("Expert consensus statement; not levelled: it judges evidence rather than producing it.", None),
    "guideline": ("Clinical practice guideline; not levelled: it judges evidence rather than producing it.", None),
    "expert-opinion": ("Editorial, commentary or expert opinion; not levelled: it is opinion, not evidence produced by a study.", None),
}
NOT_LEVELLED_DESIGNS = {design for design, (_, level) in DESIGNS.items() if level is None}

LEVEL_SCHEMES = {
    "OCEBM-2011": "Oxford CEBM 2011 Levels of Evidence, question by question (ingest/check/grading.py, the evidence_levels table).",
}
DEFAULT_LEVEL_SCHEME = "OCEBM-2011"

METADATA_STATUSES = {
    "verified": "Every bibliographic field was checked against a public record (see verified_at).",
    "as-cited": "Some fields come only from the citing article and no public record confirmed them.",
    "enriched": "Fields were filled from Crossref or PubMed by `make enrich`.",
}

TREATMENT_CATEGORIES = {
    "injection": "Injected treatments (PRP, prolotherapy, steroids, ...).",
    "exercise": "Strengthening, stretching, balance and other exercise therapy.",
    "pharmacological": "Medicines taken by mouth or applied to the skin.",
    "passive": "Treatments done to the patient: ice, rest, manual therapy, taping.",
    "orthosis": "Foot orthoses, knee braces and other supports.",
    "education-and-load": "Education, activity modification and training-load management.",
    "movement-retraining": "Gait analysis and running or movement retraining.",
    "surgery": "Operative treatment.",
    "footwear": "Running shoes and footwear choices.",
    "other": "Anything that fits none of the above.",
}

SOURCE_KINDS = {
    "clinic": "A clinic's or practitioner's own website.",
    "blog": "A blog post or personal article.",
    "guideline": "A professional body's guideline or patient leaflet.",
    "news": "A news or magazine article.",
    "journal": "A peer-reviewed journal article.",
    "other": "Anything else.",
}

# What each verdict means: the one place the verdict rule is worded. Its SQL, the rule itself, is
# the claim_verdicts and treatment_summary SQL (ingest/load/verdicts.py). Background links never
# count; levels are those of the link's question (OCEBM 2011, ingest/check/grading.py), 1 strongest.
CLAIM_VERDICTS = {
    "supported": "A direct study at level 1-2 supports the claim, and none at level 1-2 contradicts it.",
    "contradicted": "A direct study at level 1-2 contradicts the claim, and none at level 1-2 supports it.",
    "conflicting": "A direct study at level 1-2 supports the claim and another at level 1-2 contradicts it.",
    "weak": "The claim has direct evidence, but it is only mixed, inconclusive, against another active treatment, at levels 3-5, or not levelled.",
    "indirect only": "Every study linked to the claim is indirect evidence (another population, intervention or outcome).",
    "no evidence": "No study is linked to the claim, background links aside.",
}

# A treatment's verdict comes only from links whose study tested it, judged outcome by outcome and
# time horizon by time horizon (the rows of summary_of_findings).
TREATMENT_VERDICTS = {
    "supported": "For some outcome and time horizon a direct study at level 1-2 found a benefit, and for none do such studies disagree.",
    "conflicting": "For one outcome and time horizon, direct studies at level 1-2 disagree: one found a benefit, another none or harm.",
    "contradicted": "Direct studies at level 1-2 found no benefit or harm, and none at level 1-2 found a benefit.",
    "weak": "Studies that tested it are direct, but none at level 1-2 found a clear benefit, no benefit or harm.",
    "indirect only": "Every study that tested it is indirect evidence (another population, intervention or outcome).",
    "no evidence": "No linked study tested the treatment.",
}

# Every coded field with its vocabulary, for the `vocabulary` table.
VOCABULARIES = {
    "claims.claim_type": CLAIM_TYPES,
    "claims.stance": STANCES,
    "claim_evidence.relation": RELATIONS,
    "claim_evidence.directness": DIRECTNESS,
    "claim_evidence.comparator": COMPARATORS,
    "claim_evidence.result": RESULTS,
    "claim_evidence.outcome": OUTCOMES,
    "claim_evidence.horizon": HORIZONS,
    "studies.design": {design: text for design, (text, _) in DESIGNS.items()},
    "studies.metadata_status": METADATA_STATUSES,
    "treatments.category": TREATMENT_CATEGORIES,
    "sources.kind": SOURCE_KINDS,
    "claim_verdicts.verdict": CLAIM_VERDICTS,
    "treatment_summary.verdict": TREATMENT_VERDICTS,
    "summary_of_findings.certainty": dict(grading.CERTAINTY.values()),
    "certainty_ratings.domain": grading.DOMAINS,
}
