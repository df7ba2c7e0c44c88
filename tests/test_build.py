"""The built database: whole rows of every table and view, and builds that fail change nothing."""

import json
import sqlite3
from pathlib import Path

import sqlite_utils
from conftest import FIXTURE_KB, run_ingest

from ingest.check.inputs import read_inputs
from ingest.load import views
from ingest.load.build import build_database
from ingest.load.schema import TABLES

COLUMNS_BUT_TEXT = "id, title, author, publisher, url, published, kind, conflict_of_interest, text_file"


def rows(db_path: Path, sql: str) -> list[dict]:
    return list(sqlite_utils.Database(db_path).query(sql))


def test_sources(fixture_db):
    texts = rows(fixture_db, "select id, text from sources")
    assert [(t["id"], t["text"]) for t in texts] == [
        (source, (FIXTURE_KB / "data" / "sources" / f"{source}.txt").read_text(encoding="utf-8"))
        for source in ["orthoregen-runners-knee", "lombard-pfps-runners"]
    ]
    assert rows(fixture_db, f"select {COLUMNS_BUT_TEXT} from sources") == [
        {
            "id": "orthoregen-runners-knee", "title": "Runner’s Knee Pain", "author": None,
            "publisher": "OrthoRegen", "url": None, "published": None, "kind": "clinic",
            "conflict_of_interest": "Sells the injections it recommends.",
            "text_file": "sources/orthoregen-runners-knee.txt",
        },
        {
            "id": "lombard-pfps-runners",
            "title": "Understanding and Overcoming Patellofemoral Pain Syndrome in Runners: Causes and Remedies",
            "author": "Ben Lombard", "publisher": None, "url": None, "published": "2025-12-17", "kind": "blog",
            "conflict_of_interest": None, "text_file": "sources/lombard-pfps-runners.txt",
        },
    ]


def test_study_row_joins_bibtex_and_appraisal(fixture_db):
    [study] = rows(fixture_db, "select * from studies where key = 'uslu2024dextrose'")
    bibtex = study.pop("bibtex")
    assert bibtex.startswith("@article{uslu2024dextrose,\n  author       = {Y{\\i}ld{\\i}r{\\i}m Uslu, E.},")
    assert study == {
        "key": "uslu2024dextrose", "entry_type": "article", "short_citation": "Yıldırım Uslu 2024",
        "title": "Is Dextrose Prolotherapy More Effective Than Steroids in the Treatment of Distal Semimembranous Tendinopathy?",
        "authors": "Yıldırım Uslu, E.", "year": 2024, "journal": "Cureus", "volume": "16", "number": "10",
        "pages": "e70663", "doi": "10.7759/cureus.70663", "pmid": "39493165", "pmcid": "PMC11528132",
        "url": "https://doi.org/10.7759/cureus.70663", "abstract": None, "design": "non-randomised-trial",
        "evidence_level": 3, "level_scheme": "OCEBM-2011",
        "population": "25 patients with distal semimembranosus tendinopathy.",
        "condition_id": "distal-semimembranosus-tendinopathy", "n_participants": 25, "pedro_score": None,
        "pedro_url": None, "retracted": 0,
        "metadata_status": "verified", "verified_at": None, "note": None, "design_source": "curator",
        "enriched_fields": None,
    }


def test_study_citations_and_unlevelled_designs(fixture_db):
    assert rows(fixture_db, "select key, short_citation, pages, design, evidence_level, level_scheme, verified_at from studies") == [
        {"key": "katz2024advanced", "short_citation": "Katz et al. 2024", "pages": "589–615", "design": "narrative-review", "evidence_level": None, "level_scheme": None, "verified_at": None},
        {"key": "uslu2024dextrose", "short_citation": "Yıldırım Uslu 2024", "pages": "e70663", "design": "non-randomised-trial", "evidence_level": 3, "level_scheme": "OCEBM-2011", "verified_at": None},
        {"key": "chalidis2025role", "short_citation": "Chalidis et al. 2025", "pages": "9006", "design": "systematic-review", "evidence_level": 4, "level_scheme": "OCEBM-2011", "verified_at": None},
        {"key": "smith2015knee", "short_citation": "Smith et al. 2015", "pages": "CD010513", "design": "systematic-review", "evidence_level": 1, "level_scheme": "OCEBM-2011", "verified_at": None},
        {"key": "buist2008no", "short_citation": "Buist et al. 2008", "pages": "33–39", "design": "rct", "evidence_level": 2, "level_scheme": "OCEBM-2011", "verified_at": json.dumps(["https://pubmed.ncbi.nlm.nih.gov/17940147/"])},
        {"key": "bennell2021effect", "short_citation": "Bennell et al. 2021", "pages": "2021–2030", "design": "rct", "evidence_level": 2, "level_scheme": "OCEBM-2011", "verified_at": None},
        # in references.bib but neither appraised nor linked: loaded with an empty appraisal
        {"key": "hossain2011foot", "short_citation": "Hossain et al. 2011", "pages": "CD008402", "design": None, "evidence_level": None, "level_scheme": None, "verified_at": None},
    ]


def test_authors_are_ordered_and_shared(fixture_db):
    assert rows(fixture_db, """
        select a.name, a.family, a.given, sa.position from study_authors sa join authors a on a.id = sa.author_id
        where sa.study_key in ('chalidis2025role', 'smith2015knee') order by sa.study_key, sa.position""") == [
        {"name": "Chalidis, Byron", "family": "Chalidis", "given": "Byron", "position": 1},
        {"name": "Pitsilos, Charalampos", "family": "Pitsilos", "given": "Charalampos", "position": 2},
        {"name": "Davitis, Vasileios", "family": "Davitis", "given": "Vasileios", "position": 3},
        {"name": "Smith, Toby O.", "family": "Smith", "given": "Toby O.", "position": 1},
    ]
    assert rows(fixture_db, "select authors from studies where key = 'smith2015knee'") == [{"authors": "Smith, Toby O.; et al."}]


def test_claims_and_their_links(fixture_db):
    assert rows(fixture_db, "select id, source_id, position, claim_type, condition_id, stance from claims") == [
        {"id": "ortho-prp-chondromalacia", "source_id": "orthoregen-runners-knee", "position": 1, "claim_type": "treatment-benefit", "condition_id": "chondromalacia-patellae", "stance": "for"},
        {"id": "ortho-regenerative-relieves-pfps", "source_id": "orthoregen-runners-knee", "position": 2, "claim_type": "treatment-benefit", "condition_id": "pfps", "stance": "for"},
        {"id": "ortho-prp-safe-akp", "source_id": "orthoregen-runners-knee", "position": 3, "claim_type": "treatment-benefit", "condition_id": "anterior-knee-pain", "stance": "for"},
        {"id": "ortho-brace-only-temporary", "source_id": "orthoregen-runners-knee", "position": 4, "claim_type": "treatment-benefit", "condition_id": "pfps", "stance": "against"},
        {"id": "ortho-prolotherapy-effective", "source_id": "orthoregen-runners-knee", "position": 5, "claim_type": "treatment-benefit", "condition_id": "pfps", "stance": "for"},
        # then the next source's file (sources in the order of sources.yml)
        {"id": "lombard-ten-percent", "source_id": "lombard-pfps-runners", "position": 6, "claim_type": "prevention", "condition_id": "pfps", "stance": "for"},
        {"id": "lombard-stairs-pain", "source_id": "lombard-pfps-runners", "position": 7, "claim_type": "symptom", "condition_id": "pfps", "stance": "for"},
    ]
    assert rows(fixture_db, "select * from claim_treatments") == [
        {"claim_id": "ortho-prp-chondromalacia", "treatment_id": "prp"},
        {"claim_id": "ortho-regenerative-relieves-pfps", "treatment_id": "prp"},
        {"claim_id": "ortho-regenerative-relieves-pfps", "treatment_id": "prolotherapy"},
        {"claim_id": "ortho-prp-safe-akp", "treatment_id": "prp"},
        {"claim_id": "ortho-brace-only-temporary", "treatment_id": "knee-brace"},
        {"claim_id": "ortho-prolotherapy-effective", "treatment_id": "prolotherapy"},
        {"claim_id": "lombard-ten-percent", "treatment_id": "ten-percent-rule"},
    ]
    assert rows(fixture_db, "select * from claim_tags") == [
        {"claim_id": "ortho-prp-chondromalacia", "tag": "injection"},
        {"claim_id": "ortho-prp-chondromalacia", "tag": "regenerative"},
        {"claim_id": "lombard-ten-percent", "tag": "training-load"},
    ]
    assert rows(fixture_db, "select * from claim_evidence where claim_id = 'ortho-prp-chondromalacia'") == [
        {"id": 1, "claim_id": "ortho-prp-chondromalacia", "study_key": "katz2024advanced", "relation": "mixed", "directness": "direct",
         "cited_by_source": 1, "finding": "Evidence for PRP in chondromalacia is limited.", "note": None,
         "comparator": "none", "result": "inconclusive", "outcome": "pain", "horizon": None, "question": "treatment-benefits",
         "evidence_level": None, "effect_measure": None, "effect_estimate": None, "effect_ci_low": None, "effect_ci_high": None,
         "effect_participants": None, "effect_quote": None, "effect_verified_at": None},
        {"id": 2, "claim_id": "ortho-prp-chondromalacia", "study_key": "bennell2021effect", "relation": "contradicts",
         "directness": "indirect-population", "cited_by_source": 0,
         "finding": "PRP was no better than saline injection in knee osteoarthritis.", "note": "Knee osteoarthritis, not chondromalacia.",
         "comparator": "placebo-sham", "result": "no-benefit", "outcome": "pain", "horizon": "medium-term", "question": "treatment-benefits",
         "evidence_level": 2, "effect_measure": "MD, pain 0-10", "effect_estimate": -0.1, "effect_ci_low": -0.8, "effect_ci_high": 0.6,
         "effect_participants": 288, "effect_quote": "A made-up effect for the tests.", "effect_verified_at": "https://example.org/fixture"},
    ]
    # Uslu tested prolotherapy only: the claim also names PRP, which gets nothing from it.
    assert rows(fixture_db, "select evidence_id, study_key, treatment_id from tested_treatments") == [
        {"evidence_id": 1, "study_key": "katz2024advanced", "treatment_id": "prp"},
        {"evidence_id": 2, "study_key": "bennell2021effect", "treatment_id": "prp"},
        {"evidence_id": 3, "study_key": "uslu2024dextrose", "treatment_id": "prolotherapy"},
        {"evidence_id": 4, "study_key": "chalidis2025role", "treatment_id": "prp"},
        {"evidence_id": 5, "study_key": "smith2015knee", "treatment_id": "knee-brace"},
        {"evidence_id": 6, "study_key": "buist2008no", "treatment_id": "ten-percent-rule"},
    ]


def test_evidence_table_has_a_row_per_treatment_claim_and_study(fixture_db):
    assert rows(fixture_db, "select treatment_id, claim_id, study, evidence_level, relation, directness, cited_by_source, tested from evidence_table order by claim_id, treatment_id, study") == [
        {"treatment_id": None, "claim_id": "lombard-stairs-pain", "study": None, "evidence_level": None, "relation": None, "directness": None, "cited_by_source": None, "tested": None},
        {"treatment_id": "ten-percent-rule", "claim_id": "lombard-ten-percent", "study": "Buist et al. 2008", "evidence_level": 2, "relation": "no-difference-vs-active", "directness": "indirect-population", "cited_by_source": 0, "tested": 1},
        {"treatment_id": "knee-brace", "claim_id": "ortho-brace-only-temporary", "study": "Smith et al. 2015", "evidence_level": 1, "relation": "supports", "directness": "direct", "cited_by_source": 0, "tested": 1},
        {"treatment_id": "prolotherapy", "claim_id": "ortho-prolotherapy-effective", "study": None, "evidence_level": None, "relation": None, "directness": None, "cited_by_source": None, "tested": None},
        {"treatment_id": "prp", "claim_id": "ortho-prp-chondromalacia", "study": "Bennell et al. 2021", "evidence_level": 2, "relation": "contradicts", "directness": "indirect-population", "cited_by_source": 0, "tested": 1},
        {"treatment_id": "prp", "claim_id": "ortho-prp-chondromalacia", "study": "Katz et al. 2024", "evidence_level": None, "relation": "mixed", "directness": "direct", "cited_by_source": 1, "tested": 1},
        {"treatment_id": "prp", "claim_id": "ortho-prp-safe-akp", "study": "Chalidis et al. 2025", "evidence_level": 4, "relation": "supports", "directness": "direct", "cited_by_source": 1, "tested": 1},
        {"treatment_id": "prolotherapy", "claim_id": "ortho-regenerative-relieves-pfps", "study": "Yıldırım Uslu 2024", "evidence_level": 3, "relation": "supports", "directness": "indirect-population", "cited_by_source": 1, "tested": 1},
        {"treatment_id": "prp", "claim_id": "ortho-regenerative-relieves-pfps", "study": "Yıldırım Uslu 2024", "evidence_level": 3, "relation": "supports", "directness": "indirect-population", "cited_by_source": 1, "tested": 0},
    ]


def test_claim_verdicts(fixture_db):
    counts = "Direct studies: {df} for, 0 against, {dm} mixed, 0 inconclusive, 0 no different from another active treatment; indirect: {i_f} for, {ia} against, 0 mixed. Studies in all: {n}."
    assert rows(fixture_db, "select claim_id, direct_supporting, direct_contradicting, direct_mixed, indirect_supporting, indirect_contradicting, indirect_mixed, best_direct_support_level, best_direct_contradiction_level, direct_studies, studies, verdict, verdict_reason from claim_verdicts order by claim_id") == [
        {"claim_id": "lombard-stairs-pain", "direct_supporting": 0, "direct_contradicting": 0, "direct_mixed": 0,
         "indirect_supporting": 0, "indirect_contradicting": 0, "indirect_mixed": 0,
         "best_direct_support_level": None, "best_direct_contradiction_level": None, "direct_studies": 0, "studies": 0, "verdict": "no evidence",
         "verdict_reason": "No study is linked to this claim. " + counts.format(df=0, dm=0, i_f=0, ia=0, n=0)},
        # the one study did about as well as another programme: not evidence against, but indirect
        {"claim_id": "lombard-ten-percent", "direct_supporting": 0, "direct_contradicting": 0, "direct_mixed": 0,
         "indirect_supporting": 0, "indirect_contradicting": 0, "indirect_mixed": 0,
         "best_direct_support_level": None, "best_direct_contradiction_level": None, "direct_studies": 0, "studies": 1, "verdict": "indirect only",
         "verdict_reason": "Every linked study is indirect evidence (another population, intervention or outcome). " + counts.format(df=0, dm=0, i_f=0, ia=0, n=1)},
        {"claim_id": "ortho-brace-only-temporary", "direct_supporting": 1, "direct_contradicting": 0, "direct_mixed": 0,
         "indirect_supporting": 0, "indirect_contradicting": 0, "indirect_mixed": 0,
         "best_direct_support_level": 1, "best_direct_contradiction_level": None, "direct_studies": 1, "studies": 1, "verdict": "supported",
         "verdict_reason": "A direct study at level 1 supports it, and no direct study at level 1-2 contradicts it. " + counts.format(df=1, dm=0, i_f=0, ia=0, n=1)},
        {"claim_id": "ortho-prolotherapy-effective", "direct_supporting": 0, "direct_contradicting": 0, "direct_mixed": 0,
         "indirect_supporting": 0, "indirect_contradicting": 0, "indirect_mixed": 0,
         "best_direct_support_level": None, "best_direct_contradiction_level": None, "direct_studies": 0, "studies": 0, "verdict": "no evidence",
         "verdict_reason": "No study is linked to this claim. " + counts.format(df=0, dm=0, i_f=0, ia=0, n=0)},
        {"claim_id": "ortho-prp-chondromalacia", "direct_supporting": 0, "direct_contradicting": 0, "direct_mixed": 1,
         "indirect_supporting": 0, "indirect_contradicting": 1, "indirect_mixed": 0,
         "best_direct_support_level": None, "best_direct_contradiction_level": None, "direct_studies": 1, "studies": 2, "verdict": "weak",
         "verdict_reason": "No direct study at level 1-2 supports or contradicts it: the direct evidence is mixed, inconclusive or a comparison with another active treatment. " + counts.format(df=0, dm=1, i_f=0, ia=1, n=2)},
        {"claim_id": "ortho-prp-safe-akp", "direct_supporting": 1, "direct_contradicting": 0, "direct_mixed": 0,
         "indirect_supporting": 0, "indirect_contradicting": 0, "indirect_mixed": 0,
         "best_direct_support_level": 4, "best_direct_contradiction_level": None, "direct_studies": 1, "studies": 1, "verdict": "weak",
         "verdict_reason": "No direct study at level 1-2 supports or contradicts it: the direct evidence is at level 3-5 or not levelled. " + counts.format(df=1, dm=0, i_f=0, ia=0, n=1)},
        {"claim_id": "ortho-regenerative-relieves-pfps", "direct_supporting": 0, "direct_contradicting": 0, "direct_mixed": 0,
         "indirect_supporting": 1, "indirect_contradicting": 0, "indirect_mixed": 0,
         "best_direct_support_level": None, "best_direct_contradiction_level": None, "direct_studies": 0, "studies": 1, "verdict": "indirect only",
         "verdict_reason": "Every linked study is indirect evidence (another population, intervention or outcome). " + counts.format(df=0, dm=0, i_f=1, ia=0, n=1)},
    ]


def test_treatment_summary(fixture_db):
    """Only studies that tested the treatment count: Uslu tested prolotherapy, not PRP, though its
    claim names both; and the knee brace's review could not tell, whatever the claim against it says."""
    common = {"claims_conflicting": 0}
    assert rows(fixture_db, "select * from treatment_summary order by treatment_id") == [
        {"treatment_id": "knee-brace", "treatment": "Knee brace", "category": "orthosis", "claims": 1,
         "supporting_studies": 0, "contradicting_studies": 0, "mixed_studies": 1, "direct_studies": 1, "indirect_studies": 0,
         "best_evidence_level": 1, "claims_supported": 0, "claims_contradicted": 1, **common, "claims_weak": 0,
         "claims_indirect_only": 0, "claims_no_evidence": 0, "verdict": "weak",
         "verdict_reason": "1 study tested it (1 direct). pain: inconclusive, 1 study, low certainty.", "cite_pack": "knee-brace", "studies": 1},
        {"treatment_id": "prolotherapy", "treatment": "Dextrose prolotherapy", "category": "injection", "claims": 2,
         "supporting_studies": 0, "contradicting_studies": 0, "mixed_studies": 1, "direct_studies": 0, "indirect_studies": 1,
         "best_evidence_level": 3, "claims_supported": 0, "claims_contradicted": 0, **common, "claims_weak": 0,
         "claims_indirect_only": 1, "claims_no_evidence": 1, "verdict": "indirect only",
         "verdict_reason": "1 study tested it (0 direct). pain (short-term): no-difference-vs-active, 1 study, very low certainty.",
         "cite_pack": "prolotherapy", "studies": 1},
        {"treatment_id": "prp", "treatment": "Platelet-rich plasma (PRP) injection", "category": "injection", "claims": 3,
         "supporting_studies": 1, "contradicting_studies": 1, "mixed_studies": 1, "direct_studies": 2, "indirect_studies": 1,
         "best_evidence_level": 2, "claims_supported": 0, "claims_contradicted": 0, **common, "claims_weak": 2,
         "claims_indirect_only": 1, "claims_no_evidence": 0, "verdict": "weak",
         "verdict_reason": "3 studies tested it (2 direct). pain: inconclusive, 1 study, very low certainty; pain (medium-term): no-benefit, "
                           "1 study, very low certainty; pain (short-term): benefit, 1 study, very low certainty.",
         "cite_pack": "prp", "studies": 3},
        {"treatment_id": "ten-percent-rule", "treatment": "The 10% rule", "category": "education-and-load", "claims": 1,
         "supporting_studies": 0, "contradicting_studies": 0, "mixed_studies": 1, "direct_studies": 0, "indirect_studies": 1,
         "best_evidence_level": 2, "claims_supported": 0, "claims_contradicted": 0, **common, "claims_weak": 0,
         "claims_indirect_only": 1, "claims_no_evidence": 0, "verdict": "indirect only",
         "verdict_reason": "1 study tested it (0 direct). injury: no-difference-vs-active, 1 study, low certainty.",
         "cite_pack": "ten-percent-rule", "studies": 1},
    ]


def test_foreign_keys_hold_and_are_indexed(fixture_db):
    connection = sqlite3.connect(fixture_db)
    assert connection.execute("pragma foreign_key_check").fetchall() == []
    db = sqlite_utils.Database(connection)
    assert {(fk.table, fk.column, fk.other_table) for fk in db["claim_evidence"].foreign_keys} == {
        ("claim_evidence", "claim_id", "claims"), ("claim_evidence", "study_key", "studies"),
    }
    indexed = {tuple(index.columns) for index in db["claim_evidence"].indexes}
    assert ("study_key",) in indexed


def test_full_text_search(fixture_db):
    assert rows(fixture_db, "select claims.id from claims_fts join claims on claims.rowid = claims_fts.rowid where claims_fts match 'stair'") == [
        {"id": "lombard-stairs-pain"}
    ]
    assert rows(fixture_db, "select studies.key from studies_fts join studies on studies.rowid = studies_fts.rowid where studies_fts match 'orthoses' order by studies.key") == [
        {"key": "hossain2011foot"}, {"key": "smith2015knee"},
    ]


def test_empty_inputs_still_give_the_full_schema(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    for name in ["sources", "conditions", "treatments", "studies"]:
        (data / f"{name}.yml").write_text("", encoding="utf-8")
    (data / "claims").mkdir()
    (tmp_path / "references.bib").write_text("", encoding="utf-8")
    db_path = tmp_path / "evidence.db"
    build_database(read_inputs(tmp_path / "references.bib", data), db_path)
    db = sqlite_utils.Database(db_path)
    assert set(TABLES) <= set(db.table_names())
    assert set(views.TABLES) | set(views.KEYED_TABLES) <= set(db.table_names())
    assert rows(db_path, "select count(*) as n from evidence_table") == [{"n": 0}]


def test_failed_build_leaves_the_database_untouched(kb):
    assert run_ingest("build", cwd=kb).returncode == 0
    before = (kb / "evidence.db").read_bytes()
    claims = kb / "data" / "claims" / "orthoregen-runners-knee.yml"
    claims.write_text(claims.read_text(encoding="utf-8").replace("relation: mixed", "relation: maybe"), encoding="utf-8")

    result = run_ingest("build", cwd=kb)

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        "data/claims/orthoregen-runners-knee.yml:13: claim 'ortho-prp-chondromalacia': evidence[0].relation 'maybe' is not allowed: use one of 'supports', 'contradicts', 'mixed', 'inconclusive', 'no-difference-vs-active' or 'background'",
        "1 problem found; evidence.db was not changed.",
    ]
    assert (kb / "evidence.db").read_bytes() == before
    assert sorted(p.name for p in kb.iterdir()) == ["data", "evidence.db", "references.bib"]


def test_build_replaces_the_database_and_leaves_no_temporary_files(kb):
    (kb / "evidence.db").write_bytes(b"an old database")
    result = run_ingest("build", "--db", "evidence.db", cwd=kb)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Built evidence.db: 7 studies, 7 claims, 6 claim evidence, 4 treatments, 6 conditions, 2 sources\n"
    assert rows(kb / "evidence.db", "select count(*) as n from claims") == [{"n": 7}]
    assert sorted(p.name for p in kb.iterdir()) == ["data", "evidence.db", "references.bib"]


def test_check_writes_nothing(kb):
    result = run_ingest("check", cwd=kb)
    assert result.returncode == 0
    assert not (kb / "evidence.db").exists()


def test_an_unchanged_build_is_skipped(kb):
    assert run_ingest("build", cwd=kb).returncode == 0
    before = (kb / "evidence.db").read_bytes()
    again = run_ingest("build", cwd=kb)
    assert (again.returncode, again.stdout) == (0, "evidence.db is up to date: references.bib, data/ and the code are unchanged since it was built.\n")
    assert (kb / "evidence.db").read_bytes() == before
    (kb / "data" / "treatments.yml").write_text((kb / "data" / "treatments.yml").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert run_ingest("build", cwd=kb).stdout.startswith("Built evidence.db")  # any change rebuilds
    assert run_ingest("build", "--force", cwd=kb).stdout.startswith("Built evidence.db")


def test_a_row_with_an_undeclared_column_is_a_bug_not_silently_dropped(tmp_path):
    from ingest.load.build import create_tables, insert_rows

    db = sqlite_utils.Database(tmp_path / "x.db")
    create_tables(db)
    try:
        insert_rows(db, "treatments", [{"id": "t", "name": "T", "category": "other", "colour": "red"}])
    except ValueError as error:
        assert str(error) == "treatments has no column ['colour']"
    else:
        raise AssertionError("an undeclared column must not be dropped silently")
