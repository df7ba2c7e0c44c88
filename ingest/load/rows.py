"""Turn validated inputs into table rows: pure functions, no database."""

import json
from dataclasses import asdict

from ingest.check import grading
from ingest.check import vocabulary as v
from ingest.read.bibtex import Reference

RETRACTING_NOTICES = {"retraction", "withdrawal", "removal"}


def table_rows(inputs):
    """(table, rows) for every table, parents first; rows are made as they are inserted."""
    enrichment = list(inputs.enrichment.values())
    yield "sources", ({**asdict(s), "text": inputs.source_texts.get(s.id)} for s in inputs.sources)
    yield "conditions", (condition_row(c) for c in inputs.conditions)
    yield "treatments", (treatment_row(t) for t in inputs.treatments)
    yield "studies", study_rows(inputs.references, inputs.studies, inputs.enrichment)
    author_ids = author_id_map(inputs.references)
    yield "authors", author_rows(author_ids)
    yield "study_authors", study_author_rows(inputs.references, author_ids)
    yield "claims", (claim_row(c, position) for position, c in enumerate(inputs.claims, 1))
    yield "claim_treatments", ({"claim_id": c.id, "treatment_id": t} for c in inputs.claims for t in c.treatments)
    yield "claim_tags", ({"claim_id": c.id, "tag": tag} for c in inputs.claims for tag in c.tags)
    levels = {study.key: study.evidence_level for study in inputs.studies}
    yield "claim_evidence", (evidence_row(i, claim, link, levels) for i, claim, link in numbered_links(inputs.claims))
    yield "tested_treatments", (
        {"evidence_id": i, "claim_id": claim.id, "study_key": link.study, "treatment_id": treatment}
        for i, claim, link in numbered_links(inputs.claims) for treatment in link.tested or []
    )
    yield "certainty_ratings", certainty_rows(inputs.certainty)
    yield "grade_statements", statement_rows()
    yield "study_publication_types", ({"study_key": e.key, "publication_type": t} for e in enrichment for t in dict.fromkeys(e.publication_types))
    yield "study_mesh_terms", ({"study_key": e.key, "term": t} for e in enrichment for t in dict.fromkeys(e.mesh_terms))
    yield "study_notices", (
        {"study_key": e.key, "notice_type": n["type"], "notice_doi": n["doi"], "notice_date": n["date"]}
        for e in enrichment for n in e.notices
    )
    yield "metadata_conflicts", (
        {"study_key": e.key, "field": name, "bib_value": ours, "record_value": theirs, "source": source}
        for e in enrichment for name, ours, theirs, source in e.conflicts
    )
    yield "vocabulary", vocabulary_rows()
    yield "evidence_levels", level_rows()


def condition_row(condition) -> dict:
    row = asdict(condition)
    row["aliases"] = json.dumps(condition.aliases, ensure_ascii=False)
    return row


def treatment_row(treatment) -> dict:
    row = asdict(treatment)
    row["synonyms"] = json.dumps(treatment.synonyms, ensure_ascii=False)
    return row


def study_rows(references: list[Reference], appraisals: list, enrichment: dict):
    """One row per reference, with its appraisal from studies.yml and what enrichment adds."""
    appraisal_by_key = {a.key: a for a in appraisals}
    for reference in references:
        row = study_row(reference, appraisal_by_key.get(reference.key))
        if reference.key in enrichment:
            enrich_row(row, enrichment[reference.key])
        yield row


def enrich_row(row: dict, enrichment) -> None:
    """Fill gaps only: what the curator wrote is never overwritten."""
    filled = [name for name, value in enrichment.fields.items() if value and not row.get(name)]
    for name in filled:
        row[name] = enrichment.fields[name]
    if "doi" in filled and not row.get("url"):
        row["url"] = f"https://doi.org/{row['doi']}"
    if filled and row.get("metadata_status") is None:
        row["metadata_status"] = "enriched"
    row["enriched_fields"] = ", ".join(filled) or None
    if any(notice["type"] in RETRACTING_NOTICES for notice in enrichment.notices):
        row["retracted"] = 1
    if row.get("design") is None and enrichment.suggested_design:
        row["design"], row["design_source"] = enrichment.suggested_design, "pubmed"


def study_row(reference: Reference, appraisal) -> dict:
    fields = reference.fields
    row = {
        "key": reference.key,
        "entry_type": reference.entry_type,
        "short_citation": short_citation(reference),
        "title": fields.get("title", ""),
        "authors": "; ".join([name.display for name in reference.authors] + ["et al."] * reference.more_authors) or None,
        "year": reference.year,
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
            design_source="curator",
        )
    return row


def short_citation(reference: Reference) -> str:
    """'Katz et al. 2024', 'Callaghan & Selfe 2012', 'Buist 2008': how a study is named in tables."""
    families = [name.family for name in reference.authors]
    if len(families) > 2 or (families and reference.more_authors):
        who = f"{families[0]} et al."
    elif families:
        who = " & ".join(families)
    else:
        words = reference.fields.get("title", reference.key).split()
        who = " ".join(words[:4]) + ("…" if len(words) > 4 else "")
    return f"{who} {reference.year}" if reference.year else who


def author_id_map(references: list[Reference]) -> dict:
    """Distinct authors (by family and given name), numbered in order of first appearance."""
    ids: dict = {}
    for reference in references:
        for name in reference.authors:
            ids.setdefault(name, len(ids) + 1)
    return ids


def author_rows(ids: dict):
    for name, author_id in ids.items():
        yield {"id": author_id, "name": name.display, "family": name.family, "given": name.given or None}


def study_author_rows(references: list[Reference], ids: dict):
    """Each study's authors, in order."""
    for reference in references:
        for position, name in enumerate(reference.authors, 1):
            yield {"study_key": reference.key, "author_id": ids[name], "position": position}


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
        "evidence_gap": claim.evidence_gap,
    }


def numbered_links(claims):
    """(id, claim, link) for every evidence link, numbered from 1 in file order."""
    links = ((claim, link) for claim in claims for link in claim.evidence)
    return ((i, claim, link) for i, (claim, link) in enumerate(links, 1))


def evidence_row(evidence_id: int, claim, link, study_levels: dict) -> dict:
    """A link, levelled by its claim's question: the level the curator gave it, else its study's."""
    effect = asdict(link.effect) if link.effect else {}
    return {
        "id": evidence_id,
        "claim_id": claim.id,
        "study_key": link.study,
        "relation": link.relation,
        "directness": link.directness,
        "cited_by_source": int(link.cited_by_source),
        "finding": link.finding,
        "note": link.note,
        "comparator": link.comparator,
        "result": link.result,
        "outcome": link.outcome,
        "horizon": link.horizon,
        "question": grading.CLAIM_QUESTIONS[claim.claim_type],
        "evidence_level": link.level or study_levels.get(link.study),
        **{f"effect_{name}": effect.get(name) for name in ("measure", "estimate", "ci_low", "ci_high", "participants", "quote", "verified_at")},
    }


def certainty_rows(judgements):
    for judgement in judgements:
        for domain in grading.DOMAINS:
            rating = getattr(judgement, domain)
            if rating is not None:
                yield {"treatment_id": judgement.treatment, "outcome": judgement.outcome, "horizon": judgement.horizon,
                       "domain": domain, "rate_down": rating.rate_down, "reason": rating.reason,
                       "source_study": judgement.source, "quote": judgement.quote, "verified_at": judgement.verified_at}


def statement_rows() -> list[dict]:
    return [{"direction": direction, "certainty": certainty, "template": template}
            for (direction, certainty), template in grading.STATEMENTS.items()]


def vocabulary_rows() -> list[dict]:
    return [
        {"field": field, "value": value, "description": description}
        for field, values in v.VOCABULARIES.items()
        for value, description in values.items()
    ]


def level_rows() -> list[dict]:
    return [
        {"scheme": v.DEFAULT_LEVEL_SCHEME, "level": level, "description": description, "question": question,
         "question_text": text, "source": grading.OCEBM_2011_SOURCE}
        for question, (text, levels) in grading.QUESTIONS.items()
        for level, description in levels.items()
    ]
