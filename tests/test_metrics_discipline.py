"""Discipline metrics on a tiny hand-computed zone (docs/metrics.md).

40 school days from d[0] = 2025-09-02; as of 2025-10-31. School A enrolls d01-d09
(d04 withdrew after d[19]; d06 moved to B after d[9]); school B enrolls d06 and d10.

  I1 at A, d[5]: d01 ISS 1 day and OSS 2 days, d02 (black) OSS 3 days
                 -> one incident, two students, three actions
  I2 at A: d03 OTHER, 1 day (not a removal: not in days removed)
  I3 at A: d03 EXP 5 days
  I4 at A, d[30]: d04, after the withdrawal -> outside enrollment, not counted
  I5 at A, Saturday 2025-09-06: d05 ISS 0.5 day (inside the spell, so counted)
  I6 at A, d[12]: d06, who had moved to B -> outside enrollment at A, not counted
  I1 at B, d[15]: d06 OSS 1 day -> a different incident from A's I1

A (9 enrolled): ISS d01 d05, OSS d01 d02, any 3, incidents I1 I2 I3 I5, days 1+2+3+5+0.5 = 11.5
B (2 enrolled): OSS d06, 1 incident, 1 day
ZONE (10 enrolled): ISS 2, OSS 3, any 4, incidents 5, days 12.5
"""

import datetime as dt
from decimal import Decimal

import pytest

from tests.tinyzone import Student, calendar, cell, comparison, compute, load, settings, warehouse, weekdays

D = weekdays(dt.date(2025, 9, 2), 40)
AS_OF = dt.date(2025, 10, 31)
SATURDAY = dt.date(2025, 9, 6)


@pytest.fixture(scope="module")
def zone():
    con = warehouse()
    load(con, "schools", [("A", "Alpha", "6-8"), ("B", "Beta", "6-8")])
    load(con, "calendar", calendar(["A", "B"], D))
    h = Student()
    spells = [h.spell(f"d0{i}", "A", "7", D[0]) for i in (1, 3, 5, 7, 8, 9)]
    spells += [
        Student(race="B").spell("d02", "A", "7", D[0]),
        h.spell("d04", "A", "7", D[0], D[19]),
        h.spell("d06", "A", "7", D[0], D[9]),
        h.spell("d06", "B", "7", D[10]),
        h.spell("d10", "B", "7", D[0]),
    ]
    load(con, "enrollment", spells)
    load(
        con,
        "discipline",
        [
            ("I1", "d01", "A", D[5], "fight", "ISS", Decimal(1)),
            ("I1", "d01", "A", D[5], "fight", "OSS", Decimal(2)),
            ("I1", "d02", "A", D[5], "fight", "OSS", Decimal(3)),
            ("I2", "d03", "A", D[8], "disruption", "OTHER", Decimal(1)),
            ("I3", "d03", "A", D[9], "weapon", "EXP", Decimal(5)),
            ("I4", "d04", "A", D[30], "disruption", "ISS", Decimal(1)),
            ("I5", "d05", "A", SATURDAY, "event", "ISS", Decimal("0.5")),
            ("I6", "d06", "A", D[12], "trespass", "OSS", Decimal(1)),
            ("I1", "d06", "B", D[15], "fight", "OSS", Decimal(1)),
        ],
    )
    compute(con, settings(AS_OF, suppression={"min_students": 1}))
    yield con
    con.close()


EXPECTED = {
    # (school, metric): (n, numerator)
    ("A", "iss_rate"): (9, 2),
    ("A", "oss_rate"): (9, 2),
    ("A", "any_suspension_rate"): (9, 3),
    ("A", "incidents_per_100"): (9, 4),
    ("A", "days_removed_per_100"): (9, Decimal("11.5")),
    ("B", "iss_rate"): (2, 0),
    ("B", "oss_rate"): (2, 1),
    ("B", "any_suspension_rate"): (2, 1),
    ("B", "incidents_per_100"): (2, 1),
    ("B", "days_removed_per_100"): (2, 1),
    ("ZONE", "iss_rate"): (10, 2),
    ("ZONE", "oss_rate"): (10, 3),
    ("ZONE", "any_suspension_rate"): (10, 4),
    ("ZONE", "incidents_per_100"): (10, 5),
    ("ZONE", "days_removed_per_100"): (10, Decimal("12.5")),
}


@pytest.mark.parametrize(("school", "metric"), sorted(EXPECTED))
@pytest.mark.parametrize("period", ["mid_year", "end_of_year"])
def test_discipline_values(zone, school, metric, period):
    n, numerator = EXPECTED[(school, metric)]
    row = cell(zone, school, metric, period=period)
    assert (row["n"], row["numerator"], row["denominator"]) == (n, numerator, n)
    assert row["value"] == pytest.approx(float(100 * Decimal(numerator) / n), abs=1e-12)


def test_subgroup_cells_count_shared_incidents_once_per_group(zone):
    black = cell(zone, "A", "incidents_per_100", "black")
    assert (black["n"], black["numerator"]) == (1, 1)
    hispanic = cell(zone, "A", "incidents_per_100", "hispanic")
    assert (hispanic["n"], hispanic["numerator"]) == (8, 4)


def test_all_other_students_for_incidents_counts_shared_incidents(zone):
    # Everyone but the black student at A was in I1, I2, I3, I5: 4 incidents for 8 students.
    row = comparison(zone, "A", "incidents_per_100", "black")
    assert row["comparison_group"] == "others"
    assert row["comparison_value"] == pytest.approx(50.0)
    # Everyone but the hispanic students (d02 alone) was in I1 only.
    assert comparison(zone, "A", "incidents_per_100", "hispanic")["comparison_value"] == pytest.approx(100.0)


def test_risk_ratio_is_the_group_rate_over_everyone_elses(zone):
    # Hispanic OSS at A: d01 of 8 = 12.5%; everyone else (d02): 1 of 1 = 100%.
    row = comparison(zone, "A", "oss_rate", "hispanic")
    assert row["comparison_value"] == pytest.approx(100.0)
    assert row["risk_ratio"] == pytest.approx(0.125)
    assert comparison(zone, "A", "incidents_per_100", "hispanic")["risk_ratio"] is None
