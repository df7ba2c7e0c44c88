"""The orders the reader's lists show whole tables in, and the index the build makes for each.

/studies, /treatments and /evidence-map show a page of a whole table at a time in an order of their
own. Without an index in that order every visit sorts the whole table (/studies: 45 ms at 100,000
studies, 5 ms at 1,000); with one, a page reads its rows off the index. The pages' queries
(ingest/web/pages.py) order by these exact expressions: SQLite uses an index on an expression only
for the same expression.
"""

from ingest.check.vocabulary import TREATMENT_VERDICTS


def in_order(column: str, values) -> str:
    """SQL ranking a column's values in the given order (the vocabulary's), for ORDER BY."""
    return f"case {column} " + " ".join(f"when '{value}' then {rank}" for rank, value in enumerate(values)) + " end"


# Strongest design first, then newest: the order a reader scanning for the best evidence wants.
STUDIES_BY_LEVEL = "evidence_level is null, evidence_level, year desc, key"
# Treatments by verdict (in TREATMENT_VERDICTS' order), then by name.
TREATMENTS_BY_VERDICT = f"{in_order('verdict', TREATMENT_VERDICTS)}, lower(treatment), treatment_id"
TREATMENTS_BY_CATEGORY = f"category, {TREATMENTS_BY_VERDICT}"

INDEXES = {  # name: (table, order)
    "idx_studies_by_level": ("studies", STUDIES_BY_LEVEL),
    "idx_treatment_summary_by_verdict": ("treatment_summary", TREATMENTS_BY_VERDICT),
    "idx_treatment_summary_by_category": ("treatment_summary", TREATMENTS_BY_CATEGORY),
}
