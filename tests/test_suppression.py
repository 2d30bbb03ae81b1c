"""Small-cell suppression (docs/metrics.md, "Privacy"): hand-made cases, then properties on random zones."""

import datetime as dt

import hypothesis.strategies as st
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings

from tests.tinyzone import Student, calendar, cell, compute, has_cell, load, settings, warehouse, weekdays

DAYS = weekdays(dt.date(2025, 9, 2), 20)
AS_OF = dt.date(2025, 10, 31)
RACES = {"H": "hispanic", "B": "black", "W": "white", "A": "asian"}
PARTITIONS = {
    "race": set(RACES.values()) | {"native_american", "pacific_islander", "multirace"},
    "gender": {"female", "male", "nonbinary"},
    "ell": {"ell", "non_ell"},
    "swd": {"swd", "non_swd"},
    "low_income": {"low_income", "non_low_income"},
}


def zone_of(students: list[tuple], **overrides):
    """students: (school, Student, grade, absent_days, suspended) tuples, one spell each, all 20 days."""
    con = warehouse()
    load(con, "schools", [("A", "Alpha", "6-8"), ("B", "Beta", "6-8")])
    load(con, "calendar", calendar(["A", "B"], DAYS))
    spells, absences, discipline = [], [], []
    for i, (school, who, grade, absent, suspended) in enumerate(students):
        sid = f"{i:04}"
        spells.append(who.spell(sid, school, grade, DAYS[0]))
        absences += [(sid, school, DAYS[d], "A") for d in range(absent)]
        if suspended:
            discipline.append((f"I{i}", sid, school, DAYS[5], "fight", "ISS", 1))
    load(con, "enrollment", spells)
    load(con, "attendance", absences)
    load(con, "discipline", discipline)
    compute(con, settings(AS_OF, **overrides))
    return con


def test_primary_and_complementary_suppression_by_hand():
    # A: 30 hispanic, 12 black, 3 white. White (3) is hidden; hidden alone, it would be
    # all - hispanic - black, so the smallest other race cell (black, 12) is hidden too.
    students = (
        [("A", Student(race="H"), "7", 0, False)] * 30
        + [("A", Student(race="B"), "7", 0, False)] * 12
        + [("A", Student(race="W"), "7", 2, False)] * 3
    )
    con = zone_of(students)
    white = cell(con, "A", "chronic_absence_rate", "white")
    assert (white["n"], white["value"], white["numerator"], white["denominator"], white["suppressed"]) == (
        3,
        None,
        None,
        None,
        True,
    )
    black = cell(con, "A", "chronic_absence_rate", "black")
    assert (black["n"], black["value"], black["suppressed"]) == (12, None, True)
    assert cell(con, "A", "chronic_absence_rate", "hispanic")["suppressed"] is False
    assert cell(con, "A", "chronic_absence_rate")["value"] == pytest.approx(100 * 3 / 45)
    # Nobody is male: n = 0 has no row, and a set with no hidden cell hides nothing.
    assert not has_cell(con, "A", "chronic_absence_rate", "male")
    assert cell(con, "A", "chronic_absence_rate", "female")["suppressed"] is False


def test_a_school_cell_the_zone_would_give_away_is_hidden_too():
    # A has 4 white students (hidden), B 15: the zone's 19 minus B's 15 would show A's 4,
    # so B's white cell, the smallest other school's, is hidden too. The zone's is published.
    students = (
        [("A", Student(race="H"), "7", 0, False)] * 30
        + [("A", Student(race="W"), "7", 2, False)] * 4
        + [("B", Student(race="H"), "7", 0, False)] * 30
        + [("B", Student(race="W"), "7", 1, False)] * 15
    )
    con = zone_of(students)
    assert cell(con, "A", "chronic_absence_rate", "white")["suppressed"] is True
    b_white = cell(con, "B", "chronic_absence_rate", "white")
    assert (b_white["n"], b_white["value"], b_white["numerator"], b_white["suppressed"]) == (15, None, None, True)
    zone_white = cell(con, "ZONE", "chronic_absence_rate", "white")
    assert (zone_white["n"], zone_white["suppressed"]) == (19, False)
    assert zone_white["value"] == pytest.approx(100 * 4 / 19)
    # Every school's all-students cell is large: none is hidden, at either school or the zone.
    assert not any(cell(con, school, "chronic_absence_rate")["suppressed"] for school in ("A", "B", "ZONE"))


def test_two_hidden_cells_need_no_third():
    students = (
        [("A", Student(race="H"), "7", 0, False)] * 30
        + [("A", Student(race="B"), "7", 0, False)] * 4
        + [("A", Student(race="W"), "7", 0, False)] * 3
    )
    con = zone_of(students)
    assert cell(con, "A", "attendance_rate", "hispanic")["suppressed"] is False
    assert cell(con, "A", "attendance_rate", "black")["suppressed"] is True


def test_a_group_whose_unpublished_complement_is_small_is_hidden():
    # 12 of 15 are high needs: all minus high needs would show the other three students.
    students = [("A", Student(low_income=True), "7", 0, False)] * 12 + [("A", Student(), "7", 0, False)] * 3
    con = zone_of(students)
    assert cell(con, "A", "attendance_rate", "high_needs")["suppressed"] is True
    assert cell(con, "A", "attendance_rate", "low_income")["suppressed"] is True  # its pair has 3
    assert cell(con, "A", "attendance_rate")["suppressed"] is False


def test_threshold_is_configuration():
    students = [("A", Student(race="H"), "7", 0, False)] * 12 + [("A", Student(race="B"), "7", 0, False)] * 6
    assert cell(zone_of(students), "A", "attendance_rate", "black")["suppressed"] is True
    shown = zone_of(students, suppression={"min_students": 5})
    assert cell(shown, "A", "attendance_rate", "black")["suppressed"] is False


student_strategy = st.tuples(
    st.sampled_from(["A", "B"]),
    st.builds(
        Student,
        race=st.sampled_from(list(RACES)),
        gender=st.sampled_from(["F", "M", "N"]),
        ell=st.booleans(),
        former_ell=st.booleans(),
        swd=st.booleans(),
        low_income=st.booleans(),
    ),
    st.sampled_from(["6", "7", "8"]),
    st.integers(min_value=0, max_value=5),
    st.booleans(),
)


@pytest.mark.bench
@hypothesis_settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(student_strategy, min_size=1, max_size=60))
def test_suppression_properties_on_random_zones(students):
    con = zone_of(students)
    rows = con.execute(
        "select school_id, period, metric, subgroup, n, value, numerator, denominator, suppressed "
        "from marts.metric_values where school_year = 2026"
    ).fetchall()
    cells = {(r[0], r[1], r[2], r[3]): r for r in rows}
    # 1. No published cell below the threshold carries a figure.
    for *_, n, value, numerator, denominator, suppressed in rows:
        if n < 10:
            assert suppressed and value is None and numerator is None and denominator is None
        if suppressed:
            assert value is None and numerator is None and denominator is None
    # 2. No partition of all students holds exactly one hidden cell.
    for school, period, metric in {(r[0], r[1], r[2]) for r in rows}:
        present = {sub: c for (s, p, m, sub), c in cells.items() if (s, p, m) == (school, period, metric)}
        sets = [*PARTITIONS.values(), {sub for sub in present if sub.startswith("grade_")}]
        for members in sets:
            hidden = [sub for sub in members if sub in present and present[sub][8]]
            assert len(hidden) != 1 or len([sub for sub in members if sub in present]) == 1, (school, metric, hidden)
        # A published group with no published complement must not leave a few students outside it.
        for group in ("high_needs", "former_ell"):
            if group in present and not present[group][8] and not present["all"][8]:
                outside = present["all"][4] - present[group][4]
                assert outside == 0 or outside >= 10
    # 3. The zone's cell minus the other schools' never gives a single hidden school cell away.
    for period, metric, subgroup in {(r[1], r[2], r[3]) for r in rows}:
        schools = [
            c for (s, p, m, sub), c in cells.items() if (p, m, sub) == (period, metric, subgroup) and s != "ZONE"
        ]
        assert [c[8] for c in schools].count(True) != 1 or len(schools) == 1, (period, metric, subgroup)
    # 4. With no transfers, school cells add up to the zone (before suppression).
    sums = con.execute(
        "select metric, period, subgroup, sum(n) filter (where school_id <> 'ZONE'), "
        "sum(numerator) filter (where school_id <> 'ZONE'), sum(denominator) filter (where school_id <> 'ZONE'), "
        "sum(n) filter (where school_id = 'ZONE'), sum(numerator) filter (where school_id = 'ZONE'), "
        "sum(denominator) filter (where school_id = 'ZONE') "
        "from work.metric_cells group by all"
    ).fetchall()
    for metric, period, subgroup, n, numerator, denominator, zone_n, zone_numerator, zone_denominator in sums:
        assert (n, denominator) == (zone_n, zone_denominator), (metric, period, subgroup)
        assert numerator == pytest.approx(zone_numerator), (metric, period, subgroup)
    con.close()
