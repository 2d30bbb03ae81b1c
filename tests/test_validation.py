"""The validation machinery itself: the rule registry, the share of bad rows, the pandera schemas."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ingest_zone import DAYS, append, ingest_and_validate, write_zone
from sezp_roadmap.extracts import EXTRACTS
from sezp_roadmap.schemas import schema_of
from sezp_roadmap.subgroups import SUBGROUPS
from sezp_roadmap.validation import run as validation
from sezp_roadmap.validation.rules import RULES, RULES_BY_ID
from sezp_roadmap.warehouse import SQL_DIR

PACKAGE = Path(validation.__file__).resolve().parent.parent


def test_every_sql_rule_has_its_file_and_every_file_its_rule():
    files = {p.stem for p in (SQL_DIR / "checks").glob("*.sql")}
    # too_many_bad_rows has a file too, but runs last, on the other rules' findings.
    assert files == {r.id for r in RULES if r.sql} | {"too_many_bad_rows"}


def test_every_rule_the_code_writes_is_registered():
    sources = "\n".join(p.read_text() for p in [PACKAGE / "ingest.py", *(PACKAGE / "validation").glob("*.py")])
    used = set(re.findall(r'"([a-z_]+)", (?:ERROR|WARNING|EXCLUDED)', sources))
    assert used and used <= set(RULES_BY_ID)


def test_every_schema_is_the_registry_extract_with_descriptions():
    for name, extract in EXTRACTS.items():
        schema = schema_of(extract)
        assert list(schema.columns) == list(extract.column_names), name
        assert all(column.description for column in schema.columns.values()), name


def test_subgroup_ids_include_the_data_contract_and_every_grade():
    assert {"all", "hispanic", "high_needs", "non_low_income", "nonbinary", "grade_K", "grade_PK", "grade_12"} <= set(SUBGROUPS)
    assert "grade_7" in SUBGROUPS and "grade_13" not in SUBGROUPS and "ELL" not in SUBGROUPS


def _absences_before_entry(folder, count):
    # Student 0003 entered on school day 21: absences on the days before are outside enrollment.
    append(folder, "attendance.csv", *(f"0003,A,{DAYS[i]},A" for i in range(count)))


@pytest.mark.parametrize(
    ("extra_bad_rows", "share", "stops"),
    [
        # With the base zone's one bad row: 10 of 34 rows are tolerated whatever the share ...
        (9, 0.01, False),
        # ... 11 of 35 rows (31%) are more than 1% and more than 10 rows ...
        (10, 0.01, True),
        # ... but not more than a 40% share.
        (10, 0.40, False),
    ],
)
def test_too_many_bad_rows_stop_the_run(tmp_path, extra_bad_rows, share, stops):
    folder = write_zone(tmp_path / "landing")
    (folder / "roadmap.yaml").write_text((folder / "roadmap.yaml").read_text() + f"validation:\n  max_bad_row_share: {share}\n")
    _absences_before_entry(folder, extra_bad_rows)
    run = ingest_and_validate(folder)
    errors = [r for r in run.errors if r["rule"] == "too_many_bad_rows"]
    assert bool(errors) == stops
    if stops:
        assert errors[0]["message"].startswith("attendance.csv: 11 of 35 rows (31.4%) cannot be counted")


def test_an_extract_without_errors_passes_with_its_findings_counted(tmp_path):
    folder = write_zone(tmp_path / "landing")
    run = ingest_and_validate(folder)
    from sezp_roadmap.config import load_settings

    outcome = validation.validate(run.con, "attendance", load_settings(None, folder))
    assert outcome.passed
    assert outcome.finding_counts == {"attendance_outside_enrollment": 1}
    assert outcome.description == "attendance: no errors; 1 finding"


def test_an_outcome_lists_its_first_errors_and_how_many_more(tmp_path):
    folder = write_zone(tmp_path / "landing")
    append(folder, "attendance.csv", *(f"0001,A,{DAYS[20]},Q{i}" for i in range(60)))
    run = ingest_and_validate(folder)
    from sezp_roadmap.config import load_settings

    outcome = validation.validate(run.con, "attendance", load_settings(None, folder))
    assert not outcome.passed and outcome.error_count == 60
    lines = outcome.description.splitlines()
    assert lines[0] == "attendance: 60 problems to fix"
    assert lines[1].startswith("attendance.csv, row 27, column 'code': this code is not one the code table")
    assert lines[-1] == "... and 10 more (all are in the warehouse table meta.errors)"


def test_a_district_code_added_in_the_settings_is_accepted(tmp_path):
    folder = write_zone(tmp_path / "landing")
    (folder / "roadmap.yaml").write_text(
        (folder / "roadmap.yaml").read_text() + "attendance_codes:\n  AV: {absent_days: 1.0, label: Virtual absence}\n"
    )
    append(folder, "attendance.csv", f"0001,A,{DAYS[20]},AV")
    assert not ingest_and_validate(folder).errors


def test_the_pandera_schema_reads_the_typed_table_independently(tmp_path):
    folder = write_zone(tmp_path / "landing")
    run = ingest_and_validate(folder)
    # A value the SQL rules would have caught, slipped into staging behind their back.
    run.con.execute("update staging.sqr set rating = 9 where _source_row = 2")
    issues = validation.schema_issues(run.con, EXTRACTS["sqr"], run.settings)
    assert [(i.rule, i.file, i.row, i.column, i.value) for i in issues] == [("schema", "sqr.csv", 2, "rating", "9")]
    assert "less_than_or_equal_to(4" in issues[0].expected


def test_the_schema_checks_every_row_codes_from_the_settings_patterns_and_nulls(tmp_path):
    folder = write_zone(tmp_path / "landing")
    run = ingest_and_validate(folder)
    attendance = EXTRACTS["attendance"]
    assert validation.schema_issues(run.con, attendance, run.settings) == []
    # The last row of the file: a sample of the first rows would not see it.
    last = run.con.execute("select max(_source_row) from staging.attendance").fetchone()[0]
    run.con.execute("update staging.attendance set code = 'ZZ' where _source_row = ?", [last])
    (issue,) = validation.schema_issues(run.con, attendance, run.settings)
    assert (issue.row, issue.column, issue.value) == (last, "code", "ZZ") and "isin" in issue.expected
    run.con.execute("update staging.attendance set code = 'A', student_id = 'a b' where _source_row = ?", [last])
    (issue,) = validation.schema_issues(run.con, attendance, run.settings)
    assert (issue.row, issue.column, issue.value) == (last, "student_id", "a b") and "str_matches" in issue.expected
    run.con.execute("update staging.enrollment set grade = null where _source_row = 2")
    (issue,) = validation.schema_issues(run.con, EXTRACTS["enrollment"], run.settings)
    assert (issue.file, issue.row, issue.column, issue.value) == ("enrollment.csv", 2, "grade", None)
    run.con.execute("delete from staging.discipline")
    assert validation.schema_issues(run.con, EXTRACTS["discipline"], run.settings) == []



def test_the_users_data_contract_names_every_column_rule_and_subgroup():
    text = (SQL_DIR.parent / "docs" / "data-contract.md").read_text()
    for name, extract in EXTRACTS.items():
        row = next(line for line in text.splitlines() if line.startswith(f"| `{name}` |"))
        for column in extract.column_names:
            bold = f"**{column}**"
            assert (bold in row) == (column in extract.key), (name, column)
            assert column in row, (name, column)
    for rule in RULES:
        assert f"| `{rule.id}` |" in text, rule.id
    for subgroup in SUBGROUPS:
        assert subgroup.startswith("grade_") or f"`{subgroup}`" in text, subgroup
