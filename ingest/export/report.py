"""The coverage report: what evidence each treatment has, and which claims have none.

Study columns count distinct studies that tested the treatment (treatment_summary): "for" found a
benefit, "against" none or harm, "other" an inconclusive result or no difference from another
active treatment."""

from pathlib import Path

import sqlite_utils
from tabulate import tabulate

from ingest.check.vocabulary import RELATIONS

# Claim types whose evidence the coverage figure counts: the claims a study can test.
TESTABLE_CLAIM_TYPES = ("treatment-benefit", "harm", "prevention", "aetiology", "epidemiology")

PER_TREATMENT = """
select
  s.treatment,
  s.verdict,
  s.claims,
  s.studies,
  s.supporting_studies as "for",
  s.contradicting_studies as against,
  s.mixed_studies as other,
  s.best_evidence_level as best_level,
  (select group_concat(ct.claim_id, ', ') from claim_treatments ct
   where ct.treatment_id = s.treatment_id
     and not exists (select 1 from claim_evidence e where e.claim_id = ct.claim_id and e.relation != 'background')
  ) as claims_with_no_study
from treatment_summary s
order by s.treatment
"""

UNLINKED_CLAIMS = """
select c.source_id as source, c.id as claim, c.claim_type as type, c.text
from claims c
where not exists (select 1 from claim_evidence e where e.claim_id = c.id and e.relation != 'background')
order by c.source_id, c.position
"""


def coverage_report(db_path: Path) -> str:
    """The report as text: a table per treatment, the claims with no study, and totals."""
    db = sqlite_utils.Database(db_path)
    treatments = list(db.query(PER_TREATMENT))
    unlinked = list(db.query(UNLINKED_CLAIMS))
    return "\n\n".join([
        "## Evidence per treatment\n\n" + _table(treatments),
        f"## Claims with no study ({len(unlinked)})\n\n" + _table(unlinked),
        "## Totals\n\n" + "\n".join(f"- {line}" for line in _totals(db)),
    ]) + "\n"


def _table(rows: list[dict]) -> str:
    if not rows:
        return "(none)"
    return tabulate(rows, headers="keys", tablefmt="github", missingval="")


def _totals(db: sqlite_utils.Database) -> list[str]:
    types = ", ".join(f"'{t}'" for t in TESTABLE_CLAIM_TYPES)
    [coverage] = db.query(f"""
        select count(*) as claims,
          sum(exists(select 1 from claim_evidence e where e.claim_id = c.id and e.relation != 'background')) as linked
        from claims c where c.claim_type in ({types})""")
    relations = {row["relation"]: row["n"] for row in db.query("select relation, count(*) as n from claim_evidence group by relation")}
    [counts] = db.query("select (select count(*) from claims) as claims, (select count(*) from studies where design is not null) as appraised")
    share = f"{100 * coverage['linked'] / coverage['claims']:.0f}%" if coverage["claims"] else "n/a"
    return [
        f"claims about treatments, harms, prevention, causes or epidemiology with at least one study "
        f"(background links aside): {coverage['linked'] or 0} of {coverage['claims']} ({share})",
        f"claims: {counts['claims']}; studies appraised: {counts['appraised']}",
        "evidence links: " + ", ".join(f"{relations.get(r, 0)} {r}" for r in RELATIONS),
    ]
