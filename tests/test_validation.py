"""The validation machinery itself: the rule registry, the share of bad rows, the pandera schemas."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from ingest_zone import DAYS, ORDER, append, ingest_and_validate, write_zone

from sezp_roadmap.extracts import EXTRACTS
from sezp_roadmap.paths import SQL_DIR
from sezp_roadmap.rules import RULES, RULES_BY_ID
from sezp_roadmap.schemas import schema_of
from sezp_roadmap.subgroups import SUBGROUPS
from sezp_roadmap.validation import run as validation

PACKAGE = Path(validation.__file__).resolve().parent.parent


def test_every_sql_rule_has_its_file_and_every_file_its_rule():
    files = {p.stem for p in (SQL_DIR / "meta" / "checks").glob("*.sql")}
    # The wrong-file guards have two files of their own and run last, on the other rules' findings.
    assert files == {r.id for r in RULES if r.sql} | {"file_shares", "wrong_file"}
    assert set(validation.WRONG_FILE_RULES) <= set(RULES_BY_ID)


def test_every_rule_the_code_writes_is_registered():
    sources = "\n".join(p.read_text() for p in [PACKAGE / "ingest.py", *(PACKAGE / "validation").glob("*.py")])
    used = set(re.findall(r'"([a-z_]+)", (?:ERROR|WARNING|EXCLUDED)', sources))
    assert used and used <= set(RULES_BY_ID)


def test_every_schema_is_the_registry_extract_with_descriptions():
    for name, extract in EXTRACTS.items():
        schema = schema_of(extract)
        assert list(schema.columns) == list(extract.column_names), name
        assert all(column.description for column in schema.columns.values()), name


SQR_ROWS = [
    ("A", 2026, "fall", "Culture", "Safety", 3),
    (None, 2026, "fall", "Culture", "Safety", 2),  # no school: a null where none may be
    ("A", None, "summer", "Culture", "Safety", 7),  # no year, a review that is not one, a rating above 4
    ("A", 2026, "winter", "Culture", "Voice", None),  # no rating
]


@pytest.mark.parametrize("rows", [SQR_ROWS[:1], SQR_ROWS], ids=["clean", "nulls and bad values"])
def test_one_query_per_table_finds_what_pandera_finds_check_by_check(rows):
    import duckdb
    import ibis

    from sezp_roadmap import schemas

    con = duckdb.connect()
    con.execute("create schema staging")
    con.execute(
        "create table staging.sqr (school_id varchar, school_year integer, review varchar, domain varchar, "
        "indicator varchar, rating integer, file_name varchar, row_number integer)"
    )
    con.executemany("insert into staging.sqr values (?, ?, ?, ?, ?, ?, 'sqr.csv', 1)", rows)
    schema = schema_of(EXTRACTS["sqr"])
    staged = ibis.duckdb.from_connection(con).table("sqr", database="staging")

    lighter = schemas.prechecked(schema, staged)
    left_to_pandera = {c for c, column in lighter.columns.items() if not column.nullable}
    assert left_to_pandera == ({"school_id", "school_year", "rating"} if len(rows) > 1 else set())
    checks_left = {c for c, column in lighter.columns.items() if column.checks}
    assert checks_left == ({"review", "rating"} if len(rows) > 1 else set())
    assert not any(column.nullable for column in schema.columns.values())  # the schema given is unchanged
    assert schema.columns["rating"].checks
    found = schemas.verdict(lighter, staged)
    assert found == schemas.verdict(schema, staged)
    if len(rows) > 1:
        # One failure per check (schemas.failures keeps the first of each): the first null column among them.
        assert {(f["check"], f["column"]) for f in found} == {
            ("not_nullable", "school_id"),
            ("isin(['fall', 'winter', 'spring'])", "review"),
            ("in_range(1, 4)", "rating"),
        }
    else:
        assert found is None


KIND_ROWS = [
    ("A", "0012", 3, "12.500", "2025-09-02"),
    ("A", None, None, None, None),  # missing values pass every value check
    ("Z", "12", 4, "0.000", "2026-06-30"),  # code not allowed
    ("A", "x12", 1, "3.000", "2025-09-02"),  # id not matching at its start
    ("A", "12x", 5, "3.000", "2025-09-02"),  # matches at its start; 5 above the range
    ("A", "7", 0, "-0.001", "2026-07-01"),  # below the range, below zero, after the last day
]


@pytest.mark.parametrize(
    ("rows", "failing"),
    [
        (KIND_ROWS[:2], set()),
        (KIND_ROWS[:3], {"code"}),
        (KIND_ROWS[:4], {"code", "id"}),
        (KIND_ROWS[:5], {"code", "id", "n"}),
        (KIND_ROWS, {"code", "id", "n", "amount", "day"}),
    ],
)
def test_the_one_query_tests_each_kind_of_check_as_pandera_does(rows, failing):
    import datetime

    import duckdb
    import ibis
    import ibis.expr.datatypes as dt
    import pandera.ibis as pa

    from sezp_roadmap import schemas

    con = duckdb.connect()
    con.execute("create table t (code varchar, id varchar, n integer, amount decimal(18, 3), day date)")
    con.executemany("insert into t values (?, ?, ?, ?, ?)", rows)
    staged = ibis.duckdb.from_connection(con).table("t")
    schema = pa.DataFrameSchema(
        {
            "code": pa.Column(dt.String(), checks=[pa.Check.isin(["A", "B"])]),
            "id": pa.Column(dt.String(), checks=[pa.Check.str_matches("[0-9]+")], nullable=True),
            "n": pa.Column(dt.Int32(), checks=[pa.Check.in_range(1, 4)], nullable=True),
            "amount": pa.Column(dt.Decimal(18, 3), checks=[pa.Check.ge(0)], nullable=True),
            "day": pa.Column(dt.Date(), checks=[pa.Check.le(datetime.date(2026, 6, 30))], nullable=True),
        }
    )
    lighter = schemas.prechecked(schema, staged)
    assert schemas.verdict(lighter, staged) == schemas.verdict(schema, staged)
    left = {c for c, column in lighter.columns.items() if column.checks}
    failing = {f["column"] for f in schemas.verdict(schema, staged) or []}
    # Only the failing checks are left for pandera to report.
    assert left == failing
    assert (
        failing
        == [set(), {"code"}, {"code", "id"}, {"code", "id", "n"}, {"code", "id", "n", "amount", "day"}][
            [2, 3, 4, 5, 6].index(len(rows))
        ]
    )


def test_subgroup_ids_include_the_data_contract_and_every_grade():
    assert {"all", "hispanic", "high_needs", "non_low_income", "nonbinary", "grade_K", "grade_PK", "grade_12"} <= set(
        SUBGROUPS
    )
    assert "grade_7" in SUBGROUPS and "grade_13" not in SUBGROUPS and "ELL" not in SUBGROUPS


DISCIPLINE = "incident_id,student_id,school_id,incident_date,offense,action,days_removed"


def _discipline_file(folder, total, stray, *, stray_row=None, settings=""):
    """discipline.csv of `total` actions, `stray` of them made by stray_row(i) (by default: before student 0003 entered)."""
    stray_row = stray_row or (lambda i: f"S{i},0003,A,{DAYS[i % 20]},Fighting,ISS,1")
    good = [f"G{i},0001,A,{DAYS[i % 40]},Fighting,ISS,1" for i in range(total - stray)]
    (folder / "discipline.csv").write_text("\n".join([DISCIPLINE, *good, *(stray_row(i) for i in range(stray))]) + "\n")
    if settings:
        (folder / "roadmap.yaml").write_text((folder / "roadmap.yaml").read_text() + "validation:\n" + settings)


def _stops(folder) -> dict[str, str]:
    """The wrong-file errors of discipline.csv, by rule, and no other error."""
    run = ingest_and_validate(folder)
    assert all(r["rule"] in validation.WRONG_FILE_RULES for r in run.errors), run.errors
    return {r["rule"]: r["message"] for r in run.errors if r["file"] == "discipline.csv"}


@pytest.mark.parametrize(("stray", "stops"), [(19, False), (20, False), (21, True)])
def test_a_file_stops_the_run_only_when_most_of_its_rows_cannot_be_counted(tmp_path, stray, stops):
    # 40 actions: half of them (20) is not a majority and publishes; 21 is; the floor is out of the way.
    folder = write_zone(tmp_path / "landing")
    _discipline_file(folder, 40, stray, settings="  tolerated_bad_rows: 0\n")
    errors = _stops(folder)
    assert set(errors) == ({"too_many_bad_rows"} if stops else set())
    if stops:
        message = errors["too_many_bad_rows"]
        assert message.startswith(
            "discipline.csv: 21 of 40 rows (52.5%) cannot be counted (by rule: discipline_outside_enrollment: 21;"
        )
        assert "(expected at most 50% of a file's rows (setting validation.max_bad_row_share: 0.5)" in message
        assert (
            "set validation: {max_bad_row_share: 0.53} in the roadmap.yaml beside the extracts, or in the settings file given with --config"
            in message
        )


@pytest.mark.parametrize(("stray", "stops"), [(9, False), (10, False), (11, True)])
def test_tolerated_bad_rows_still_lets_a_small_file_through(tmp_path, stray, stops):
    # 12 actions: 10 stray rows (83%) are tolerated whatever the share, 11 are not.
    folder = write_zone(tmp_path / "landing")
    _discipline_file(folder, 12, stray)
    assert set(_stops(folder)) == ({"too_many_bad_rows"} if stops else set())


def _last_year(i):
    return f"Y{i},0001,A,2024-10-{1 + i:02d},Fighting,ISS,1"  # 2024-25: the calendar covers 2025-26 only


def _unknown_student(i):
    return f"U{i},X{i:03d},A,{DAYS[i]},Fighting,ISS,1"


@pytest.mark.parametrize(
    ("stray_row", "rule", "setting", "says"),
    [
        (
            _last_year,
            "mostly_outside_calendar_years",
            "max_outside_calendar_share",
            "are dated in school years the calendar extract does not cover",
        ),
        (
            _unknown_student,
            "mostly_unknown_students",
            "max_unknown_student_share",
            "name a student_id the enrollment extract does not have at all",
        ),
    ],
)
@pytest.mark.parametrize(("stray", "stops"), [(9, False), (10, False), (11, True)])
def test_the_signatures_of_a_wrong_file_have_their_own_share(tmp_path, stray_row, rule, setting, says, stray, stops):
    # A quarter of 40 rows (10) is allowed, 11 are not, while the general share (half) is far off.
    folder = write_zone(tmp_path / "landing")
    _discipline_file(folder, 40, stray, stray_row=stray_row, settings=f"  tolerated_bad_rows: 0\n  {setting}: 0.25\n")
    errors = _stops(folder)
    assert set(errors) == ({rule} if stops else set())
    if stops:
        assert errors[rule].startswith(f"discipline.csv: 11 of 40 rows (27.5%) {says}")
        assert f"setting validation.{setting}: 0.25" in errors[rule] and f"{{{setting}: 0.28}}" in errors[rule]


def test_a_wrong_file_gets_its_signature_alone_and_one_change_lets_it_through(tmp_path):
    # Every action of another school year: the signature, not also the general share, and both settings to raise.
    folder = write_zone(tmp_path / "landing")
    _discipline_file(folder, 30, 30, stray_row=_last_year)
    errors = _stops(folder)
    assert set(errors) == {"mostly_outside_calendar_years"}
    message = errors["mostly_outside_calendar_years"]
    assert message.startswith(
        "discipline.csv: 30 of 30 rows (100.0%) are dated in school years the calendar extract does not cover"
    )
    assert "an export of another school year" in message
    settings = re.search(r"set validation: \{(.*?)\}", message).group(1)
    assert settings == "max_outside_calendar_share: 1.00, max_bad_row_share: 1.00"
    # What the message offers, done: the run passes, every row a finding.
    (folder / "roadmap.yaml").write_text(
        (folder / "roadmap.yaml").read_text() + "validation:\n" + "".join(f"  {kv}\n" for kv in settings.split(", "))
    )
    run = ingest_and_validate(folder)
    assert not run.errors
    assert sum(f["rule"] == "date_outside_calendar_years" for f in run.findings) == 30


def test_a_few_dates_outside_the_calendar_years_are_findings_not_counted(tmp_path):
    folder = write_zone(tmp_path / "landing")
    _discipline_file(folder, 40, 2, stray_row=_last_year)
    run = ingest_and_validate(folder)
    assert not run.errors
    found = [(f["rule"], f["severity"], f["row"]) for f in run.findings if f["file"] == "discipline.csv"]
    assert found == [("date_outside_calendar_years", "excluded", 40), ("date_outside_calendar_years", "excluded", 41)]


def test_an_extract_without_errors_passes_with_its_findings_counted(tmp_path):
    folder = write_zone(tmp_path / "landing")
    run = ingest_and_validate(folder)
    from sezp_roadmap.config import load_settings

    outcome = validation.validate(run.con, "attendance", load_settings(None, folder))
    assert outcome.passed
    assert outcome.finding_counts == {"attendance_outside_enrollment": 1}
    assert outcome.description == "attendance: no errors; 1 finding"


def test_an_outcome_tells_many_errors_of_one_column_as_one_summary(tmp_path):
    folder = write_zone(tmp_path / "landing")
    append(folder, "attendance.csv", *(f"0001,A,{DAYS[20]},Q{i}" for i in range(60)))
    run = ingest_and_validate(folder)
    from sezp_roadmap.config import load_settings

    outcome = validation.validate(run.con, "attendance", load_settings(None, folder))
    assert not outcome.passed and outcome.error_count == 60
    # The 60 rows are one summary: the file, column and count, the first three rows, the cause and the fix.
    lines = outcome.description.splitlines()
    assert lines[0] == "attendance: 60 problems to fix"
    assert lines[1].startswith("attendance.csv, column 'code': 60 rows: this code is not one the code table")
    assert "(row 27 'Q0', row 28 'Q1', row 29 'Q2', ...; expected one of A, AE," in lines[1]
    assert "different code list" in lines[2] and "attendance_codes" in lines[2]
    assert len(lines) == 3


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
    assert "in_range(1, 4)" in issues[0].expected


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


def test_every_rule_that_leaves_rows_out_has_its_words_on_the_command_line():
    from sezp_roadmap.findings import EXCLUDED
    from sezp_roadmap.validation.uncounted import PHRASES, sentence, share_text

    assert set(PHRASES) == {r.id for r in RULES if r.severity == EXCLUDED}
    assert sentence({"file": "d.csv", "rule": "discipline_outside_enrollment", "rows_noted": 19, "file_rows": 339}) == (
        "d.csv: 19 of 339 rows (5.6%) are outside every enrollment spell and are not counted"
    )
    assert sentence({"file": "d.csv", "rule": "discipline_outside_enrollment", "rows_noted": 1, "file_rows": 1000}) == (
        "d.csv: 1 of 1,000 rows (0.1%) is outside every enrollment spell and is not counted"
    )
    assert [share_text(1, 20_001), share_text(1, 2_000), share_text(0, 5)] == ["less than 0.1%", "0.1%", "0.0%"]


def _judged(landing: Path, root: Path, threads: str, monkeypatch) -> tuple[dict, list, list]:
    """Every extract's outcome, errors and findings from check_extracts with SEZP_THREADS=threads."""
    import duckdb

    from sezp_roadmap import stages
    from sezp_roadmap.config import load_settings

    monkeypatch.setenv("SEZP_THREADS", threads)
    loc = stages.Locations(landing, root / "wh.duckdb", root / "out")
    settings = load_settings(None, landing)
    stages.prepare_landing(loc)
    stages.ingest_extracts(loc, list(ORDER), settings)
    outcomes = validation.check_extracts(loc.working_warehouse, list(ORDER), settings)
    with duckdb.connect(str(loc.working_warehouse), read_only=True) as con:
        rows = [con.execute(f"select * from meta.{t} order by all").fetchall() for t in ("errors", "findings")]
    return outcomes, *rows


@pytest.mark.parametrize("lost_zeros", [False, True], ids=["errors and findings", "ids that lost their zeros"])
def test_extracts_judged_side_by_side_get_the_verdicts_of_one_after_another(tmp_path, monkeypatch, lost_zeros):
    """On two cores the extracts are judged side by side (validation.run._validate_all): the same outcomes,
    errors and findings as one after another; with ids that lost their zeros, the order's own verdicts."""
    from test_first_hour_mistakes import excel_saved

    folder = write_zone(tmp_path / "landing")
    d = DAYS
    # Errors (a code and a date that are not ones) and findings of several rules.
    append(folder, "attendance.csv", f"0001,A,{d[3]},UNKNOWN", "0002,A,2025-13-01,A", "0003,B,2025-11-29,A")
    append(folder, "discipline.csv", f"I3,0099,A,{d[6]},Fighting,OSS,1")
    if lost_zeros:
        excel_saved(folder / "enrollment.csv", 0)
    one = _judged(folder, tmp_path / "built", "1", monkeypatch)
    shutil.rmtree(tmp_path / "built")  # the same paths, which the outcomes name
    judged_in_turn = []
    real_validate = validation.validate

    def validate(con, name, *args, **kwargs):
        judged_in_turn.append(name)
        return real_validate(con, name, *args, **kwargs)

    monkeypatch.setattr(validation, "validate", validate)
    side_by_side = _judged(folder, tmp_path / "built", "2", monkeypatch)
    assert side_by_side == one
    # Lost zeros silence rules of the extracts judged after them: then every extract is judged again, in order.
    assert judged_in_turn[len(EXTRACTS) :] == (list(ORDER) if lost_zeros else [])
    outcomes, errors, found = one
    assert errors and found and not all(o.passed for o in outcomes.values())
    assert any(e[1] == "id_leading_zeros" for e in errors) == lost_zeros
