"""The state_figures extract (DESE's published figures), schools.state_school_id and the reconciliation with ours.

Validation: every rule of the new extract, each on one bad row, named by file,
row, column, value and what was expected. Reconciliation: hand-made marts at
the tolerance boundary (exactly the tolerance agrees, a hundredth more
differs), hidden and year-to-date cells, rows that must not appear.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest
from ingest_zone import ingest_and_validate, write_zone
from tinyzone import load, settings

from sezp_roadmap.errors import InputProblem
from sezp_roadmap.reconciliation import build_state_reconciliation
from sezp_roadmap.warehouse import SCHEMAS, add_macros, connection_config

HEADER = "school_year,org_code,subgroup,metric,value,source"


def with_state_figures(tmp_path, *rows: str, schools: str | None = None):
    folder = write_zone(tmp_path / "landing")
    (folder / "schools.csv").write_text(
        schools or "school_id,school_name,grade_span,state_school_id\nA,Alpha,6-8,02810315\nB,Beta,9-12,\n"
    )
    (folder / "state_figures.csv").write_text(HEADER + "\n" + "".join(r + "\n" for r in rows))
    return folder


def errors_of(run) -> list[tuple]:
    return [(e["rule"], e["file"], e["row"], e["column_name"], e["value"]) for e in run.errors]


def test_a_valid_file_with_school_district_and_state_rows_passes(tmp_path):
    folder = with_state_figures(
        tmp_path,
        "2025,02810315,all,attendance_rate,91.6,DESE profiles",
        "2025,02810315,hispanic,chronic_absence_rate,30.2,DESE profiles",
        "2025,02810000,all,avg_days_absent,17.9,DESE profiles",
        "2025,00000000,all,oss_rate,2.6,DESE SSDR",
    )
    run = ingest_and_validate(folder)
    assert not run.errors
    assert run.count("staging.state_figures") == 4
    assert run.con.execute("select state_school_id from staging.schools order by school_id").fetchall() == [
        ("02810315",),
        (None,),
    ]


def test_schools_without_the_optional_column_are_read_as_before(tmp_path):
    folder = write_zone(tmp_path / "landing")
    assert (folder / "schools.csv").read_text().splitlines()[0] == "school_id,school_name,grade_span"
    run = ingest_and_validate(folder)
    assert not run.errors
    assert run.con.execute("select count(*) from staging.schools where state_school_id is null").fetchone()[0] == 2


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        # an unknown metric
        ("2025,02810315,all,suspension_rate,3.0,x", ("unknown_code", 2, "metric", "suspension_rate")),
        # an unknown subgroup
        ("2025,02810315,everyone,oss_rate,3.0,x", ("unknown_code", 2, "subgroup", "everyone")),
        # a rate above 100 percent
        ("2025,02810315,all,chronic_absence_rate,100.1,x", ("state_figures_out_of_range", 2, "value", "100.1")),
        # a negative value and more days than a year has
        ("2025,02810315,all,avg_days_absent,-1,x", ("out_of_range", 2, "value", "-1")),
        ("2025,02810315,all,avg_days_absent,367,x", ("out_of_range", 2, "value", "367")),
        # not a number
        ("2025,02810315,all,oss_rate,n/a,x", ("value_format", 2, "value", "n/a")),
        # a school code that no school of schools.csv has
        ("2025,02810999,all,oss_rate,3.0,x", ("state_figures_unknown_school", 2, "org_code", "02810999")),
        # fewer than 8 digits: a spreadsheet dropped the leading zero
        ("2025,2810315,all,oss_rate,3.0,x", ("id_leading_zeros", 2, "org_code", "2810315")),
        # not an 8-digit code otherwise
        ("2025,028103150,all,oss_rate,3.0,x", ("state_figures_org_code_format", 2, "org_code", "028103150")),
        ("2025,0281031A,all,oss_rate,3.0,x", ("state_figures_org_code_format", 2, "org_code", "0281031A")),
        # a bad school year: DESE's label instead of the year it ends, and a year not started
        ("2024-25,02810315,all,oss_rate,3.0,x", ("value_format", 2, "school_year", "2024-25")),
        ("2027,02810315,all,oss_rate,3.0,x", ("school_year_in_future", 2, "school_year", "2027")),
        # a source left empty
        ("2025,02810315,all,oss_rate,3.0,", ("required_value", 2, "source", None)),
    ],
)
def test_each_rule_of_the_extract_names_file_row_column_and_value(tmp_path, row, expected):
    run = ingest_and_validate(with_state_figures(tmp_path, row))
    assert not run.read_problems
    rule, line, column, value = expected
    assert errors_of(run) == [(rule, "state_figures.csv", line, column, value)]
    assert run.errors[0]["expected"]


def test_the_same_figure_twice_with_different_values_is_an_error_naming_both_rows(tmp_path):
    run = ingest_and_validate(
        with_state_figures(
            tmp_path,
            "2025,02810315,all,oss_rate,3.0,x",
            "2025,02810315,all,oss_rate,3.4,x",
            "2025,02810315,all,oss_rate,3.0,x",
        )
    )
    assert errors_of(run) == [("duplicate_key", "state_figures.csv", 3, "value", "3.4")]
    assert "state_figures.csv, row 2" in run.errors[0]["expected"]
    assert sorted(f["rule"] for f in run.findings) == ["attendance_outside_enrollment", "duplicate_row"]


def test_a_district_code_and_the_state_code_need_no_school(tmp_path):
    run = ingest_and_validate(
        with_state_figures(
            tmp_path,
            "2025,02810000,all,oss_rate,3.0,x",
            "2025,00000000,all,oss_rate,2.6,x",
        )
    )
    assert not run.errors


@pytest.mark.parametrize(
    ("schools", "expected"),
    [
        (
            "school_id,school_name,grade_span,state_school_id\nA,Alpha,6-8,02810315X\nB,Beta,9-12,\n",
            [("schools_state_id_format", "schools.csv", 2, "state_school_id", "02810315X")],
        ),
        # fewer than 8 digits: the leading zero a spreadsheet dropped (sezp_roadmap.validation.id_zeros)
        (
            "school_id,school_name,grade_span,state_school_id\nA,Alpha,6-8,2810315\nB,Beta,9-12,\n",
            [("id_leading_zeros", "schools.csv", 2, "state_school_id", "2810315")],
        ),
        (
            "school_id,school_name,grade_span,state_school_id\nA,Alpha,6-8,02810315\nB,Beta,9-12,02810315\n",
            [("schools_state_id_duplicate", "schools.csv", 3, "state_school_id", "02810315")],
        ),
    ],
)
def test_state_school_id_is_eight_digits_and_one_school_each(tmp_path, schools, expected):
    run = ingest_and_validate(with_state_figures(tmp_path, "2025,02810000,all,oss_rate,3.0,x", schools=schools))
    assert not run.read_problems
    assert [e for e in errors_of(run) if e[0].startswith("schools_") or e[0] == "id_leading_zeros"] == expected
    if expected[0][0] == "schools_state_id_duplicate":
        assert "A (schools.csv, row 2)" in run.errors[0]["expected"]


# --- reconciliation ------------------------------------------------------------------------------


def reconciliation_warehouse(
    ours: list[tuple], state: list[tuple], *, complete: bool = True
) -> duckdb.DuckDBPyConnection:
    """Schools A (02810315), B (02810316) and C (no code); marts.metric_values holds `ours`
    (school, year, period, metric, subgroup, value, suppressed); staging.state_figures holds `state`."""
    con = add_macros(duckdb.connect(config=connection_config()))
    for schema in SCHEMAS:
        con.execute(f"create schema {schema}")
    load(con, "schools", [("A", "Alpha", "6-8", "02810315"), ("B", "Beta", "6-8", "02810316"), ("C", "Gamma", "6-8")])
    load(con, "state_figures", state)
    con.execute(
        "create table marts.metric_values (school_id varchar, school_year integer, period varchar, metric varchar, "
        "subgroup varchar, n bigint, numerator double, denominator double, value double, suppressed boolean)"
    )
    for school, year, period, metric, subgroup, value, suppressed in ours:
        con.execute(
            "insert into marts.metric_values values (?, ?, ?, ?, ?, 50, null, null, ?, ?)",
            [school, year, period, metric, subgroup, None if suppressed else value, suppressed],
        )
    con.execute("create table meta.periods (school_year integer, period varchar, is_complete boolean)")
    con.execute(
        "insert into meta.periods values (2025, 'mid_year', true), (2025, 'end_of_year', true), (2026, 'end_of_year', ?)",
        [complete],
    )
    return con


def figure(code: str, metric: str, value: float, year: int = 2025, subgroup: str = "all") -> tuple:
    return (year, code, subgroup, metric, value, "DESE")


def ours_row(
    school: str,
    metric: str,
    value: float,
    year: int = 2025,
    subgroup: str = "all",
    suppressed: bool = False,
    period: str = "end_of_year",
) -> tuple:
    return (school, year, period, metric, subgroup, value, suppressed)


def statuses(con) -> list[tuple]:
    return con.execute(
        "select school_id, school_year, subgroup, metric, our_value, state_value, difference, status "
        "from marts.state_reconciliation order by school_id, school_year, subgroup, metric"
    ).fetchall()


AS_OF = dt.date(2026, 1, 16)


def test_exactly_the_tolerance_agrees_and_a_hundredth_more_differs():
    con = reconciliation_warehouse(
        [
            ours_row("A", "attendance_rate", 92.1),  # 92.1 − 91.6 = 0.5 = the tolerance: agrees
            ours_row("B", "attendance_rate", 92.11),  # 0.51: differs
            ours_row("A", "chronic_absence_rate", 29.0),  # 29.0 − 30.0 = −1.0, tolerance 1.0: agrees
            ours_row("B", "chronic_absence_rate", 28.99),  # −1.01: differs
            ours_row("A", "avg_days_absent", 15.4),  # +1.0 day, tolerance 1.0: agrees
            ours_row("A", "oss_rate", 20.0),  # same as DESE's
        ],
        [
            figure("02810315", "attendance_rate", 91.6),
            figure("02810316", "attendance_rate", 91.6),
            figure("02810315", "chronic_absence_rate", 30.0),
            figure("02810316", "chronic_absence_rate", 30.0),
            figure("02810315", "avg_days_absent", 14.4),
            figure("02810315", "oss_rate", 20.0),
        ],
    )
    assert build_state_reconciliation(con, settings(AS_OF)) == {
        "differs": 2,
        "agrees": 4,
        "ours_hidden": 0,
        "ours_year_to_date": 0,
    }
    assert statuses(con) == [
        ("A", 2025, "all", "attendance_rate", 92.1, 91.6, 0.5, "agrees"),
        ("A", 2025, "all", "avg_days_absent", 15.4, 14.4, 1.0, "agrees"),
        ("A", 2025, "all", "chronic_absence_rate", 29.0, 30.0, -1.0, "agrees"),
        ("A", 2025, "all", "oss_rate", 20.0, 20.0, 0.0, "agrees"),
        ("B", 2025, "all", "attendance_rate", 92.11, 91.6, 0.51, "differs"),
        ("B", 2025, "all", "chronic_absence_rate", 28.99, 30.0, -1.01, "differs"),
    ]


def test_the_tolerance_is_a_setting():
    con = reconciliation_warehouse(
        [ours_row("A", "attendance_rate", 92.1)], [figure("02810315", "attendance_rate", 91.6)]
    )
    build_state_reconciliation(con, settings(AS_OF, state_figures={"tolerance": {"attendance_rate": 0.49}}))
    assert statuses(con)[0][-1] == "differs"
    with pytest.raises(InputProblem, match="no tolerance is set"):
        raw = settings(AS_OF)
        del raw.raw["state_figures"]["tolerance"]["oss_rate"]
        build_state_reconciliation(con, raw)


def test_hidden_and_year_to_date_figures_are_not_compared():
    con = reconciliation_warehouse(
        [
            ours_row("A", "chronic_absence_rate", 12.5, subgroup="ell", suppressed=True),
            ours_row("A", "chronic_absence_rate", 20.0, year=2026),
        ],
        [
            figure("02810315", "chronic_absence_rate", 40.0, subgroup="ell"),
            figure("02810315", "chronic_absence_rate", 35.0, year=2026),
        ],
        complete=False,
    )
    build_state_reconciliation(con, settings(AS_OF))
    assert statuses(con) == [
        ("A", 2025, "ell", "chronic_absence_rate", None, 40.0, None, "ours_hidden"),
        ("A", 2026, "all", "chronic_absence_rate", 20.0, 35.0, -15.0, "ours_year_to_date"),
    ]


def test_only_figures_present_on_both_sides_of_a_mapped_school_at_the_end_of_the_year():
    con = reconciliation_warehouse(
        [
            ours_row("A", "attendance_rate", 92.0, period="mid_year"),  # mid-year: DESE's figures are end-of-year
            ours_row("B", "oss_rate", 5.0),  # no DESE figure for it
            ours_row("C", "oss_rate", 5.0),  # no DESE code
        ],
        [
            figure("02810315", "attendance_rate", 91.6),
            figure("02810000", "oss_rate", 5.0),  # the district
            figure("00000000", "oss_rate", 2.6),  # the state
            figure("02810316", "iss_rate", 1.0),  # no figure of ours
        ],
    )
    build_state_reconciliation(con, settings(AS_OF))
    assert statuses(con) == []


def test_the_data_dictionary_documents_every_column_of_the_mart():
    from test_examples import documented_columns

    con = reconciliation_warehouse(
        [ours_row("A", "attendance_rate", 92.1)], [figure("02810315", "attendance_rate", 91.6)]
    )
    build_state_reconciliation(con, settings(AS_OF))
    published = {
        c
        for (c,) in con.execute(
            "select column_name from information_schema.columns where table_schema = 'marts' and table_name = 'state_reconciliation'"
        ).fetchall()
    }
    assert published == documented_columns()["marts.state_reconciliation"]


def test_a_changed_state_figures_file_refreshes_its_years_and_the_next(tmp_path):
    from sezp_roadmap.landing import school_years_in

    path = tmp_path / "state_figures.csv"
    path.write_text(HEADER + "\n2024,00000000,all,oss_rate,2.6,x\n2025,00000000,all,oss_rate,2.5,x\n")
    assert school_years_in(path) == [2024, 2025, 2026]
