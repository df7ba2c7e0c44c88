"""Turn validated inputs into table rows: pure functions, no database."""

import json

from ingest import vocabulary as v
from ingest.bibtex import Reference, year_of


def table_rows(inputs) -> dict[str, list[dict]]:
    """Rows for every table, keyed by table name, in insertion order (parents first)."""
    authors, study_authors = author_rows(inputs.references)
    return {
        "sources": [s.model_dump() for s in inputs.sources],
        "conditions": [condition_row(c) for c in inputs.conditions],
        "treatments": [t.model_dump() for t in inputs.treatments],
        "studies": study_rows(inputs.references, inputs.studies),
        "authors": authors,
        "study_authors": study_authors,
        "claims": [claim_row(c, position) for position, c in enumerate(inputs.claims, 1)],
        "claim_treatments": [{"claim_id": c.id, "treatment_id": t} for c in inputs.claims for t in c.treatments],
        "claim_tags": [{"claim_id": c.id, "tag": tag} for c in inputs.claims for tag in c.tags],
        "claim_evidence": [evidence_row(c.id, link) for c in inputs.claims for link in c.evidence],
        "vocabulary": vocabulary_rows(),
        "evidence_levels": level_rows(),
    }


def condition_row(condition) -> dict:
    row = condition.model_dump()
    row["aliases"] = json.dumps(condition.aliases, ensure_ascii=False)
    return row


def study_rows(references: list[Reference], appraisals: list) -> list[dict]:
    """One row per reference, with its appraisal from studies.yml where there is one."""
    appraisal_by_key = {a.key: a for a in appraisals}
    return [study_row(r, appraisal_by_key.get(r.key)) for r in references]


def study_row(reference: Reference, appraisal) -> dict:
    fields = reference.fields
    year = year_of(reference)
    row = {
        "key": reference.key,
        "entry_type": reference.entry_type,
        "short_citation": short_citation(reference, year),
        "title": fields.get("title", ""),
        "authors": "; ".join([name.display for name in reference.authors] + ["et al."] * reference.more_authors) or None,
        "year": year,
        "journal": fields.get("journal") or fields.get("booktitle"),
        "retracted": 0,
        "bibtex": reference.bibtex,
    }
    for name in ("volume", "number", "pages", "doi", "pmid", "pmcid", "url", "abstract"):
        row[name] = fields.get(name)
    if appraisal:
        row.update(
            design=appraisal.design,
            evidence_level=appraisal.evidence_level,
            level_scheme=appraisal.level_scheme if appraisal.evidence_level else None,
            population=appraisal.population,
            condition_id=appraisal.condition,
            n_participants=appraisal.n_participants,
            pedro_score=appraisal.pedro_score,
            pedro_url=appraisal.pedro_url,
            retracted=int(appraisal.retracted),
            metadata_status=appraisal.metadata_status,
            verified_at=json.dumps(appraisal.verified_at) if appraisal.verified_at else None,
            note=appraisal.note,
        )
    return row


def short_citation(reference: Reference, year: int | None) -> str:
    """'Katz et al. 2024', 'Callaghan & Selfe 2012', 'Buist 2008': how a study is named in tables."""
    families = [name.family for name in reference.authors]
    if len(families) > 2 or (families and reference.more_authors):
        who = f"{families[0]} et al."
    elif families:
        who = " & ".join(families)
    else:
        words = reference.fields.get("title", reference.key).split()
        who = " ".join(words[:4]) + ("…" if len(words) > 4 else "")
    return f"{who} {year}" if year else who


def author_rows(references: list[Reference]) -> tuple[list[dict], list[dict]]:
    """Distinct authors (by family and given name), and each study's authors in order."""
    ids, authors, links = {}, [], []
    for reference in references:
        for position, name in enumerate(reference.authors, 1):
            if name not in ids:
                ids[name] = len(ids) + 1
                authors.append({"id": ids[name], "name": name.display, "family": name.family, "given": name.given or None})
            links.append({"study_key": reference.key, "author_id": ids[name], "position": position})
    return authors, links


def claim_row(claim, position: int) -> dict:
    return {
        "id": claim.id,
        "source_id": claim.source,
        "position": position,
        "quote": claim.quote,
        "text": claim.text,
        "claim_type": claim.claim_type,
        "condition_id": claim.condition,
        "stance": claim.stance,
    }


def evidence_row(claim_id: str, link) -> dict:
    return {
        "claim_id": claim_id,
        "study_key": link.study,
        "relation": link.relation,
        "directness": link.directness,
        "cited_by_source": int(link.cited_by_source),
        "finding": link.finding,
        "note": link.note,
    }


def vocabulary_rows() -> list[dict]:
    return [
        {"field": field, "value": value, "description": description}
        for field, values in v.VOCABULARIES.items()
        for value, description in values.items()
    ]


def level_rows() -> list[dict]:
    return [
        {"scheme": scheme, "level": level, "description": description}
        for scheme, levels in v.LEVEL_SCHEMES.items()
        for level, description in levels.items()
    ]
