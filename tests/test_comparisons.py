"""marts.metric_comparisons on a hand-made zone (docs/metrics.md, "Comparisons").

School A, 2025-26: 250 students, 20 school days each (all attending). 78 are
chronically absent (2 days missed each): 40 of the 100 English learners and 38
of the 150 others, so 31.2%. Ten black students (a240-a249, none chronically
absent); five boys (a245-a249); five students with disabilities (a000-a004);
five former English learners (a100-a104); everyone low income.
A a year earlier: the same students, 50 chronically absent (20%).
School B, 2025-26: 50 students, 5 chronically absent. Zone: 83 of 300.
"""

import datetime as dt
import math
from decimal import Decimal

import pytest

from tests.tinyzone import Student, calendar, comparison, compute, load, settings, warehouse, weekdays

DAYS = {2025: weekdays(dt.date(2024, 9, 3), 20), 2026: weekdays(dt.date(2025, 9, 2), 20)}
AS_OF = dt.date(2026, 6, 30)


def student_a(i: int) -> Student:
    return Student(
        race="B" if i >= 240 else "H",
        gender="M" if i >= 245 else "F",
        ell=i < 100,
        former_ell=100 <= i < 105,
        swd=i < 5,
        low_income=True,
    )


def chronic_a(i: int, year: int) -> bool:
    if year == 2025:
        return i < 50
    return i < 40 or 100 <= i < 138


def build_zone():
    """The zone described above, computed (the analysts' examples run against it too)."""
    con = warehouse()
    load(con, "schools", [("A", "Alpha", "6-8"), ("B", "Beta", "6-8")])
    load(con, "calendar", calendar(["A", "B"], DAYS[2025], 2025) + calendar(["A", "B"], DAYS[2026], 2026))
    spells, absences = [], []
    for year, days in DAYS.items():
        for i in range(250):
            spells.append(student_a(i).spell(f"a{i:03}", "A", "7", days[0], year=year))
            if chronic_a(i, year):
                absences += [(f"a{i:03}", "A", days[3], "A"), (f"a{i:03}", "A", days[4], "AE")]
    for i in range(50):
        spells.append(Student(low_income=True).spell(f"b{i:03}", "B", "7", DAYS[2026][0]))
        if i < 5:
            absences += [(f"b{i:03}", "B", DAYS[2026][3], "A"), (f"b{i:03}", "B", DAYS[2026][4], "A")]
    load(con, "enrollment", spells)
    load(con, "attendance", absences)
    load(
        con,
        "targets",
        [
            ("A", 2026, "end_of_year", "chronic_absence_rate", "all", Decimal(30)),
            ("A", 2026, "mid_year", "chronic_absence_rate", "all", Decimal("31.2")),
            ("A", 2026, "end_of_year", "attendance_rate", "all", Decimal(95)),
            ("A", 2026, "mid_year", "attendance_rate", "all", Decimal(97)),
            ("A", 2026, "end_of_year", "chronic_absence_rate", "female", Decimal(10)),
        ],
    )
    compute(con, settings(AS_OF))
    return con


@pytest.fixture(scope="module")
def zone():
    con = build_zone()
    yield con
    con.close()


def test_prior_year_zone_and_all_students(zone):
    row = comparison(zone, "A", "chronic_absence_rate")
    assert row["value"] == pytest.approx(31.2)
    assert row["prior_value"] == pytest.approx(20.0)
    assert row["change"] == pytest.approx(11.2)
    assert row["zone_value"] == pytest.approx(100 * 83 / 300)
    assert row["diff_vs_zone"] == pytest.approx(31.2 - 100 * 83 / 300)
    assert row["direction"] == "lower"
    assert row["all_value"] is None and row["gap_vs_all"] is None and row["comparison_group"] is None
    assert comparison(zone, "ZONE", "chronic_absence_rate")["zone_value"] is None


def test_target_not_met_and_how_many_students_that_is(zone):
    row = comparison(zone, "A", "chronic_absence_rate")
    assert row["target"] == 30
    assert row["target_met"] is False
    assert row["target_gap"] == pytest.approx(1.2)
    assert row["target_gap_students"] == 3 == math.ceil(250 * (31.2 - 30) / 100)


def test_a_value_equal_to_its_target_meets_it(zone):
    row = comparison(zone, "A", "chronic_absence_rate", period="mid_year")
    assert row["target_met"] is True
    assert row["target_gap"] == 0
    assert row["target_gap_students"] == 0


def test_targets_respect_the_direction(zone):
    # 156 absent days of 5,000: 96.88% attendance; higher is better.
    met = comparison(zone, "A", "attendance_rate")
    assert (met["target_met"], met["direction"]) == (True, "higher")
    assert met["target_gap"] == pytest.approx(95 - 96.88)
    assert met["target_gap_students"] is None  # a rate of days, not of students
    missed = comparison(zone, "A", "attendance_rate", period="mid_year")
    assert missed["target_met"] is False
    assert missed["target_gap"] == pytest.approx(97 - 96.88)


def test_no_target_and_suppressed_values_have_no_verdict(zone):
    assert comparison(zone, "B", "chronic_absence_rate")["target_met"] is None
    female = comparison(zone, "A", "chronic_absence_rate", "female")
    assert female["suppressed"] is True  # complementary: the five boys are hidden
    assert female["target"] == 10
    assert (female["target_met"], female["target_gap"], female["target_gap_students"]) == (None, None, None)


def test_equity_gaps_against_all_and_the_comparison_group(zone):
    ell = comparison(zone, "A", "chronic_absence_rate", "ell")
    assert ell["value"] == pytest.approx(40.0)
    assert ell["gap_vs_all"] == pytest.approx(40 - 31.2)
    assert ell["comparison_group"] == "non_ell"
    assert ell["comparison_value"] == pytest.approx(100 * 38 / 150)
    assert ell["gap_vs_comparison"] == pytest.approx(40 - 100 * 38 / 150)


def test_a_race_group_against_all_other_students(zone):
    black = comparison(zone, "A", "chronic_absence_rate", "black")
    assert black["comparison_group"] == "others"
    assert black["comparison_value"] == pytest.approx(100 * 78 / 240)
    assert black["gap_vs_comparison"] == pytest.approx(-100 * 78 / 240)
    hispanic = comparison(zone, "A", "chronic_absence_rate", "hispanic")
    assert hispanic["comparison_value"] == pytest.approx(0.0)


def test_every_comparison_of_a_hidden_cell_is_empty(zone):
    for subgroup in ("swd", "non_swd", "male", "female", "former_ell"):
        row = comparison(zone, "A", "chronic_absence_rate", subgroup)
        assert row["suppressed"] is True, subgroup
        derived = (
            "value",
            "change",
            "diff_vs_zone",
            "gap_vs_all",
            "comparison_value",
            "gap_vs_comparison",
            "risk_ratio",
            "target_met",
            "target_gap",
            "target_gap_students",
        )
        assert all(row[c] is None for c in derived), subgroup
    # The non-disabled students' own cell is hidden, so their figure is not shown beside swd either.
    assert comparison(zone, "A", "chronic_absence_rate", "non_swd")["comparison_value"] is None


def test_the_comparisons_mart_is_keyed_like_metric_values(zone):
    values, comparisons, mismatched = zone.execute(
        "select (select count(*) from marts.metric_values), (select count(*) from marts.metric_comparisons), "
        "(select count(*) from marts.metric_values v anti join marts.metric_comparisons c "
        "using (school_id, school_year, period, metric, subgroup))"
    ).fetchone()
    assert values == comparisons and mismatched == 0
