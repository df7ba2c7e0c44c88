"""The coverage report printed by `python -m ingest report`."""

from click.testing import CliRunner

from ingest.cli import cli
from ingest.export.report import coverage_report

EXPECTED = """\
## Evidence per treatment

| treatment                            | verdict       |   claims |   studies |   for |   against |   other |   best_level | claims_with_no_study         |
|--------------------------------------|---------------|----------|-----------|-------|-----------|---------|--------------|------------------------------|
| Dextrose prolotherapy                | indirect only |        2 |         1 |     0 |         0 |       1 |            3 | ortho-prolotherapy-effective |
| Knee brace                           | weak          |        1 |         1 |     0 |         0 |       1 |            1 |                              |
| Platelet-rich plasma (PRP) injection | weak          |        3 |         3 |     1 |         1 |       1 |            2 |                              |
| The 10% rule                         | indirect only |        1 |         1 |     0 |         0 |       1 |            2 |                              |

## Claims with no study (2)

| source                  | claim                        | type              | text                                                      |
|-------------------------|------------------------------|-------------------|-----------------------------------------------------------|
| lombard-pfps-runners    | lombard-stairs-pain          | symptom           | Pain from runner's knee worsens on stairs.                |
| orthoregen-runners-knee | ortho-prolotherapy-effective | treatment-benefit | Prolotherapy is an effective treatment for runner's knee. |

## Totals

- claims about treatments, harms, prevention, causes or epidemiology with at least one study (background links aside): 5 of 6 (83%)
- claims: 7; studies appraised: 6
- evidence links: 3 supports, 1 contradicts, 1 mixed, 0 inconclusive, 1 no-difference-vs-active, 0 background
"""


def test_coverage_report(fixture_db):
    assert coverage_report(fixture_db) == EXPECTED


def test_report_command(fixture_db):
    result = CliRunner().invoke(cli, ["report", "--db", str(fixture_db)])
    assert result.exit_code == 0
    assert result.output == EXPECTED


def test_report_without_a_database(tmp_path):
    result = CliRunner().invoke(cli, ["report", "--db", str(tmp_path / "evidence.db")])
    assert result.exit_code == 1
    assert result.output == f"Error: {tmp_path / 'evidence.db'} not found: build it first with `make ingest` or `python -m ingest build`\n"
