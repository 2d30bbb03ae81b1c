"""Attendance metrics on a tiny hand-computed zone (docs/metrics.md), checked exactly.

Two schools, 40 school days (d[0] = 2025-09-02 .. d[39]); as of 2025-10-31; the
mid-year period is cut after d[19] for this test.

  s01  A, all 40 days, A on d1-d4: 4/40 = exactly 10% -> chronic (mid-year 4/20 = exactly 20% -> severe)
  s02  A, all 40 days, 3 A + 1 AH = 3.5 days: 8.75%, not chronic (mid-year 17.5%: chronic)
  s03  A, late entry on d20: 20 days, 2 absent = exactly 10% -> chronic; no mid-year membership
  s04  transfer A d0-d9 (1 absent, black, grade 7) then B d10- (3 absent, hispanic, grade 8):
       A 10 days (not attending), B 30 days 10% chronic; zone 40 days, 4 absent, hispanic grade 8
  s05  A, withdrew after 19 days: never attending; an absence after withdrawal is not counted
  s06  B, all 40 days, 8 AE = exactly 20% -> severe (male, swd)
  s07  A, all 40 days, a tardy and an early dismissal: 0 absent
  s08  A, d0-d14, withdrew, re-entered d25-d39: 30 days; A on d2, A on d20 (between spells:
       not counted), AH on d30, A and AH on d35 (one day counts at most 1): 2.5 absent
"""

import datetime as dt
from decimal import Decimal

import pytest

from tests.tinyzone import Student, calendar, cell, compute, has_cell, load, settings, warehouse, weekdays

D = weekdays(dt.date(2025, 9, 2), 40)
AS_OF = dt.date(2025, 10, 31)


def tiny_zone(**overrides):
    con = warehouse()
    load(con, "schools", [("A", "Alpha", "6-8"), ("B", "Beta", "6-8")])
    load(con, "calendar", calendar(["A", "B"], D))
    h, black = Student(), Student(race="B")
    load(
        con,
        "enrollment",
        [
            h.spell("s01", "A", "7", D[0]),
            Student(ell=True, low_income=True).spell("s02", "A", "7", D[0]),
            h.spell("s03", "A", "6", D[20]),
            black.spell("s04", "A", "7", D[0], D[9]),
            h.spell("s04", "B", "8", D[10]),
            h.spell("s05", "A", "6", D[0], D[18]),
            Student(gender="M", swd=True).spell("s06", "B", "8", D[0]),
            h.spell("s07", "A", "8", D[0]),
            h.spell("s08", "A", "8", D[0], D[14]),
            h.spell("s08", "A", "8", D[25]),
        ],
    )
    exceptions = (
        [("s01", "A", D[i], "A") for i in (1, 2, 3, 4)]
        + [("s02", "A", D[i], "A") for i in (5, 6, 7)]
        + [("s02", "A", D[8], "AH")]
        + [("s03", "A", D[i], "A") for i in (21, 22)]
        + [("s04", "A", D[2], "A")]
        + [("s04", "B", D[i], "A") for i in (11, 12, 13)]
        + [("s05", "A", D[25], "A")]
        + [("s06", "B", D[i], "AE") for i in range(10, 18)]
        + [("s07", "A", D[3], "T"), ("s07", "A", D[4], "D")]
        + [
            ("s08", "A", D[2], "A"),
            ("s08", "A", D[20], "A"),
            ("s08", "A", D[30], "AH"),
            ("s08", "A", D[35], "A"),
            ("s08", "A", D[35], "AH"),
        ]
    )
    load(con, "attendance", exceptions)
    s = settings(AS_OF, suppression={"min_students": 1}, mid_year_cutoff={"by_school_year": {2026: D[19]}}, **overrides)
    compute(con, s)
    return con


@pytest.fixture(scope="module")
def zone():
    con = tiny_zone()
    yield con
    con.close()


def exact(row) -> Decimal:
    """The value recomputed from the published numerator and denominator."""
    return Decimal(row["numerator"]) / Decimal(row["denominator"])


END_OF_YEAR = {
    # (school, metric): (n, numerator, denominator)
    ("A", "attendance_rate"): (5, Decimal(158), 170),
    ("A", "chronic_absence_rate"): (5, 2, 5),
    ("A", "severe_absence_rate"): (5, 0, 5),
    ("A", "avg_days_absent"): (5, 12, 5),
    ("B", "attendance_rate"): (2, 59, 70),
    ("B", "chronic_absence_rate"): (2, 2, 2),
    ("B", "severe_absence_rate"): (2, 1, 2),
    ("B", "avg_days_absent"): (2, 11, 2),
    ("ZONE", "attendance_rate"): (7, 226, 250),
    ("ZONE", "chronic_absence_rate"): (7, 4, 7),
    ("ZONE", "severe_absence_rate"): (7, 1, 7),
    ("ZONE", "avg_days_absent"): (7, 24, 7),
}


@pytest.mark.parametrize(("school", "metric"), sorted(END_OF_YEAR))
def test_end_of_year_values(zone, school, metric):
    n, numerator, denominator = END_OF_YEAR[(school, metric)]
    row = cell(zone, school, metric)
    assert (row["n"], row["numerator"], row["denominator"]) == (n, numerator, denominator)
    scale = 1 if metric == "avg_days_absent" else 100
    assert row["value"] == pytest.approx(float(scale * Decimal(numerator) / Decimal(denominator)), abs=1e-12)
    assert row["suppressed"] is False


def test_mid_year_counts_only_days_through_the_cutoff(zone):
    # A: s01 (4/20 severe), s02 (3.5/20 chronic), s07 (0/20); s08 has only 15 days (not
    # attending) and s03 is not yet enrolled.
    assert cell(zone, "A", "chronic_absence_rate", period="mid_year")["numerator"] == 2
    assert cell(zone, "A", "severe_absence_rate", period="mid_year")["numerator"] == 1
    assert cell(zone, "A", "attendance_rate", period="mid_year")["denominator"] == 60
    # Zone: s04 has 10 + 10 days (attending only at the zone), 4 absent = exactly 20%.
    row = cell(zone, "ZONE", "severe_absence_rate", period="mid_year")
    assert (row["n"], row["numerator"]) == (5, 3)
    assert cell(zone, "ZONE", "chronic_absence_rate", period="mid_year")["numerator"] == 4


def test_student_table_thresholds_are_exact(zone):
    rows = {
        (r[0], r[1]): r[2:]
        for r in zone.execute(
            "select student_id, school_id, membership_days, absent_days, is_attending, is_chronic, is_severe "
            "from work.student_attendance where period = 'end_of_year'"
        ).fetchall()
    }
    assert rows[("s01", "A")] == (40, Decimal(4), True, True, False)  # exactly 10%
    assert rows[("s03", "A")] == (20, Decimal(2), True, True, False)  # late entry, exactly 10%
    assert rows[("s06", "B")] == (40, Decimal(8), True, True, True)  # exactly 20%
    assert rows[("s05", "A")][:3] == (19, Decimal(0), False)  # 19 days; the later absence is outside
    assert rows[("s04", "A")][:3] == (10, Decimal(1), False)
    assert rows[("s04", "ZONE")] == (40, Decimal(4), True, True, False)
    assert rows[("s08", "A")][:2] == (30, Decimal("2.5"))  # re-entry; half days; capped day


def test_transfer_student_counts_at_each_school_once_at_the_zone(zone):
    assert (
        zone.execute(
            "select count(*) from work.student_attendance where student_id = 's04' and period = 'end_of_year'"
        ).fetchone()[0]
        == 3
    )
    assert cell(zone, "B", "chronic_absence_rate", "hispanic")["n"] == 2


def test_disagreeing_spells_take_the_latest_entry(zone):
    # s04 was black at A and hispanic at B: the zone uses the later spell (B), grade 8.
    subgroups = {
        (school, subgroup)
        for school, subgroup in zone.execute(
            "select school_id, subgroup from work.student_subgroups where student_id = 's04' and period = 'end_of_year'"
        ).fetchall()
    }
    assert ("A", "black") in subgroups and ("A", "grade_7") in subgroups
    assert ("ZONE", "hispanic") in subgroups and ("ZONE", "grade_8") in subgroups
    assert ("ZONE", "black") not in subgroups and ("ZONE", "grade_7") not in subgroups


def test_subgroup_cells(zone):
    ell = cell(zone, "A", "avg_days_absent", "ell")
    assert (ell["n"], ell["numerator"]) == (1, 3.5)
    non_ell = cell(zone, "A", "avg_days_absent", "non_ell")
    assert (non_ell["n"], non_ell["numerator"]) == (4, 8.5)
    assert cell(zone, "A", "chronic_absence_rate", "high_needs")["n"] == 1
    assert cell(zone, "ZONE", "severe_absence_rate", "swd")["value"] == 100
    # The black student at A was never attending there: n = 0 has no row.
    assert not has_cell(zone, "A", "attendance_rate", "black")
    assert not has_cell(zone, "A", "attendance_rate", "male")


def test_thresholds_and_code_table_are_configuration():
    con = tiny_zone(
        attendance={"min_membership_days": 19, "chronic_absence_pct": 8},
        attendance_codes={"T": {"absent_days": 0.5, "label": "Tardy counted as half a day"}},
    )
    # s05 (19 days) now attends at A; s07's tardy counts half a day; at 8%, s02 (8.75%) and
    # s08 (2.5/30) join s01 and s03 in chronic absence.
    row = cell(con, "A", "avg_days_absent")
    assert (row["n"], row["numerator"]) == (6, 12.5)
    assert cell(con, "A", "chronic_absence_rate")["numerator"] == 4


def test_monthly_sums_count_a_transfer_once_at_the_zone_with_all_their_days(zone):
    # September (d0-d20). s04 spent 10 days at A (not attending there) and 11 at B; at the zone
    # the 21 days and the absences at both schools count, and s04 is one student. s05 (19 days)
    # is enrolled but attends nowhere; s03 entered on the last September day.
    rows = {
        r[0]: r[1:]
        for r in zone.execute(
            "select school_id, enrolled_students, attending_students, membership_days, absent_days from work.school_months "
            "where period = 'end_of_year' and month = '2025-09-01'"
        ).fetchall()
    }
    assert rows["A"] == (
        7,
        5,
        21 + 21 + 1 + 21 + 15,
        Decimal("8.5"),
    )  # s01 s02 s03 s07 s08; absences s01 4, s02 3.5, s08 1
    assert rows["B"] == (2, 2, 11 + 21, Decimal(11))  # s04 at B, s06
    assert rows["ZONE"] == (8, 7, 21 + 21 + 1 + 21 + 21 + 21 + 15, Decimal("20.5"))
