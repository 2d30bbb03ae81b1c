"""Academic metrics on a tiny hand-computed zone (docs/metrics.md, "Academics").

School year 2026; school days are the weekdays from 2025-09-02 to 2026-06-19;
as of 2026-06-30; mid-year runs through 2025-12-31.

Interim reading (interim_reading; fall 2025-09-15, winter 2025-12-10, spring 2026-05-12):

  student  school   fall            winter                 spring
  a01      A        1 below         at/above, growth Y     at/above, Y
  a02      A        2 below         1 below, N (boundary)  at/above, Y
  a03      A        (missed fall)   at/above, Y            1 below, N     -> never in the growth population
  a04      A -> B   1 below (at A)  at/above at B, Y       at/above at B, N   -> tested at two schools
  a05      A        at/above        at A after leaving A   (missed)       -> winter outside enrollment: a finding,
                                    on 2025-11-20                            not counted
  b01      B        3+ below        3+ below, N            2 below, Y

  mid-year (winter):  A meeting 2 of 3 (a01 a03), growth 1 of 2 (a01; a02 no; a03 no fall)
                      B meeting 1 of 2 (a04), growth 1 of 2 (a04 from A's fall; b01 no)
                      ZONE meeting 3 of 5, growth 2 of 4
  end of year (spring): A meeting 2 of 3 (a01 a02), growth 2 of 2
                      B meeting 1 of 2 (a04), growth 1 of 2 (b01)
                      ZONE meeting 3 of 5, growth 3 of 4

MCAS ELA (state, spring 2026-05-05): A tests m01-m21 (grade 8), SGP 4·i for m01-m20
and none for m21 (no prior score); B tests n01-n19, SGP 50 + (i mod 3) - 1.
Levels cycle Not, Partially, Meeting, Exceeding from i = 1: A meets 10 of 21,
B 9 of 19, the zone 19 of 40. Mean SGP: B hidden with 19 students (DESE's 20);
A's 42 over 20 students hidden too, as the zone's mean over 39 minus A's would
give B's away (published when the minimum is 19: zone_sgp19).
"""

import datetime as dt
import math
from decimal import Decimal

import pytest
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from tests.tinyzone import Student, calendar, cell, comparison, compute, has_cell, load, settings, warehouse

Z = 1.959964
AS_OF = dt.date(2026, 6, 30)
FALL, WINTER, SPRING, MCAS_DAY = dt.date(2025, 9, 15), dt.date(2025, 12, 10), dt.date(2026, 5, 12), dt.date(2026, 5, 5)
LEVELS = ["3+ grade levels below", "2 grade levels below", "1 grade level below", "At or above grade level"]
BELOW3, BELOW2, BELOW1, AT = LEVELS
MCAS_LEVELS = [
    "Not Meeting Expectations",
    "Partially Meeting Expectations",
    "Meeting Expectations",
    "Exceeding Expectations",
]


def school_days() -> list[dt.date]:
    days, day = [], dt.date(2025, 9, 2)
    while day <= dt.date(2026, 6, 19):
        if day.weekday() < 5:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def result(
    student, school, administration, date, level, *, grade="7", sgp=None, growth=None, assessment="interim_reading"
):
    return (student, school, 2026, assessment, administration, date, grade, Decimal(500), level, None, sgp, growth)


def mcas_sgp_b(i: int) -> int:
    return 50 + (i % 3) - 1


def interim_rows() -> list[tuple]:
    return [
        result("a01", "A", "fall", FALL, BELOW1),
        result("a01", "A", "winter", WINTER, AT, growth=True),
        result("a01", "A", "spring", SPRING, AT, growth=True),
        result("a02", "A", "fall", FALL, BELOW2),
        result("a02", "A", "winter", WINTER, BELOW1, growth=False),
        result("a02", "A", "spring", SPRING, AT, growth=True),
        result("a03", "A", "winter", WINTER, AT, growth=True),
        result("a03", "A", "spring", SPRING, BELOW1, growth=False),
        result("a04", "A", "fall", FALL, BELOW1),
        result("a04", "B", "winter", WINTER, AT, growth=True),
        result("a04", "B", "spring", SPRING, AT, growth=False),
        result("a05", "A", "fall", FALL, AT),
        result("a05", "A", "winter", WINTER, AT, growth=True),
        result("b01", "B", "fall", FALL, BELOW3),
        result("b01", "B", "winter", WINTER, BELOW3, growth=False),
        result("b01", "B", "spring", SPRING, BELOW2, growth=True),
    ]


def mcas_rows() -> list[tuple]:
    rows = [
        result(
            f"m{i:02d}",
            "A",
            "spring",
            MCAS_DAY,
            MCAS_LEVELS[(i - 1) % 4],
            grade="8",
            sgp=4 * i if i <= 20 else None,
            assessment="mcas_ela",
        )
        for i in range(1, 22)
    ]
    rows += [
        result(
            f"n{i:02d}",
            "B",
            "spring",
            MCAS_DAY,
            MCAS_LEVELS[(i - 1) % 4],
            grade="8",
            sgp=mcas_sgp_b(i),
            assessment="mcas_ela",
        )
        for i in range(1, 20)
    ]
    return rows


def build(extra_settings: dict | None = None):
    d = school_days()
    con = warehouse()
    load(con, "schools", [("A", "Alpha", "6-8"), ("B", "Beta", "6-8")])
    load(con, "calendar", calendar(["A", "B"], d))
    h, ell = Student(), Student(ell=True)
    spells = [
        ell.spell("a01", "A", "7", d[0]),
        h.spell("a02", "A", "7", d[0]),
        h.spell("a03", "A", "7", dt.date(2025, 10, 1)),
        h.spell("a04", "A", "7", d[0], dt.date(2025, 10, 31)),
        h.spell("a04", "B", "7", dt.date(2025, 11, 3)),
        h.spell("a05", "A", "7", d[0], dt.date(2025, 11, 20)),
        h.spell("b01", "B", "7", d[0]),
    ]
    spells += [h.spell(f"m{i:02d}", "A", "8", d[0]) for i in range(1, 22)]
    spells += [h.spell(f"n{i:02d}", "B", "8", d[0]) for i in range(1, 20)]
    load(con, "enrollment", spells)
    load(con, "assessments", interim_rows() + mcas_rows())
    compute(con, settings(AS_OF, **{"suppression": {"min_students": 1}, **(extra_settings or {})}))
    return con


@pytest.fixture(scope="module")
def zone():
    con = build()
    yield con
    con.close()


EXPECTED = {
    # (school, period, metric): (n, numerator)
    ("A", "mid_year", "meeting_rate:interim_reading"): (3, 2),
    ("B", "mid_year", "meeting_rate:interim_reading"): (2, 1),
    ("ZONE", "mid_year", "meeting_rate:interim_reading"): (5, 3),
    ("A", "mid_year", "typical_growth_rate:interim_reading"): (2, 1),
    ("B", "mid_year", "typical_growth_rate:interim_reading"): (2, 1),
    ("ZONE", "mid_year", "typical_growth_rate:interim_reading"): (4, 2),
    ("A", "end_of_year", "meeting_rate:interim_reading"): (3, 2),
    ("B", "end_of_year", "meeting_rate:interim_reading"): (2, 1),
    ("ZONE", "end_of_year", "meeting_rate:interim_reading"): (5, 3),
    ("A", "end_of_year", "typical_growth_rate:interim_reading"): (2, 2),
    ("B", "end_of_year", "typical_growth_rate:interim_reading"): (2, 1),
    ("ZONE", "end_of_year", "typical_growth_rate:interim_reading"): (4, 3),
    ("A", "end_of_year", "meeting_rate:mcas_ela"): (21, 10),
    ("B", "end_of_year", "meeting_rate:mcas_ela"): (19, 9),
    ("ZONE", "end_of_year", "meeting_rate:mcas_ela"): (40, 19),
    ("ZONE", "end_of_year", "mean_sgp:mcas_ela"): (
        39,
        sum(4 * i for i in range(1, 21)) + sum(mcas_sgp_b(i) for i in range(1, 20)),
    ),
}


@pytest.mark.parametrize(("school", "period", "metric"), list(EXPECTED))
def test_each_cell_by_hand(zone, school, period, metric):
    n, numerator = EXPECTED[(school, period, metric)]
    row = cell(zone, school, metric, period=period)
    assert row["n"] == n
    assert row["numerator"] == pytest.approx(numerator)
    scale = 1 if metric.startswith("mean_sgp") else 100
    assert row["value"] == pytest.approx(scale * numerator / n)
    assert not row["suppressed"]


def test_the_state_test_counts_at_the_end_of_the_year_only(zone):
    assert not has_cell(zone, "A", "meeting_rate:mcas_ela", period="mid_year")
    assert not has_cell(zone, "ZONE", "mean_sgp:mcas_ela", period="mid_year")


def test_an_administration_whose_every_result_is_outside_enrollment_is_not_the_one_read():
    # c01 left A on 2025-11-20 and was still sent a winter result: the only winter result
    # of the zone is outside enrollment, so mid-year reads fall (c01 at/above, c02 below).
    d = school_days()
    con = warehouse()
    load(con, "schools", [("A", "Alpha", "6-8")])
    load(con, "calendar", calendar(["A"], d))
    h = Student()
    load(con, "enrollment", [h.spell("c01", "A", "7", d[0], dt.date(2025, 11, 20)), h.spell("c02", "A", "7", d[0])])
    load(
        con,
        "assessments",
        [result("c01", "A", "fall", FALL, AT), result("c02", "A", "fall", FALL, BELOW1)]
        + [result("c01", "A", "winter", WINTER, AT, growth=True)],
    )
    compute(con, settings(AS_OF, suppression={"min_students": 1}))
    row = cell(con, "A", "meeting_rate:interim_reading", period="mid_year")
    assert (row["n"], row["numerator"]) == (2, 1)
    assert not has_cell(con, "A", "typical_growth_rate:interim_reading", period="mid_year")
    con.close()


def test_mean_sgp_needs_20_students_as_dese_publishes_it(zone):
    hidden = cell(zone, "B", "mean_sgp:mcas_ela")  # 19 students
    assert hidden["suppressed"] and hidden["value"] is None and hidden["ci_low"] is None
    # Its meeting rate, a share of 19 students, is published: the 20 is the growth percentile's own rule.
    assert not cell(zone, "B", "meeting_rate:mcas_ela")["suppressed"]


def test_a_school_cell_the_zone_would_give_away_is_hidden_too(zone):
    # The zone's mean over 39 students minus A's over 20 would be B's hidden mean over 19:
    # A's cell, the smallest other school's, is hidden with it; the zone's is published.
    a = cell(zone, "A", "mean_sgp:mcas_ela")
    assert a["n"] == 20 and a["suppressed"] and a["value"] is None and a["numerator"] is None
    assert cell(zone, "ZONE", "mean_sgp:mcas_ela")["value"] == pytest.approx(
        (sum(4 * i for i in range(1, 21)) + sum(mcas_sgp_b(i) for i in range(1, 20))) / 39
    )


@pytest.fixture(scope="module")
def zone_sgp19():
    con = build({"academics": {"min_sgp_students": 19}})
    yield con
    con.close()


def test_the_sgp_minimum_is_a_setting(zone_sgp19):
    assert cell(zone_sgp19, "B", "mean_sgp:mcas_ela")["value"] == pytest.approx(
        sum(mcas_sgp_b(i) for i in range(1, 20)) / 19
    )
    a = cell(zone_sgp19, "A", "mean_sgp:mcas_ela")
    assert (a["n"], a["numerator"], a["value"]) == (20, pytest.approx(sum(4 * i for i in range(1, 21))), 42)


def test_a_student_tested_at_two_schools_counts_where_tested_with_their_fall_from_the_other(zone):
    # a04 took the fall test at A and the winter one at B: B's winter cell, with a04's growth flag.
    assert cell(zone, "B", "typical_growth_rate:interim_reading", period="mid_year")["numerator"] == 1
    # a04 is in no A winter cell and counts once at the zone.
    assert cell(zone, "ZONE", "meeting_rate:interim_reading", period="mid_year")["n"] == 5


def test_subgroups_come_from_the_spells_at_the_testing_school(zone):
    # a01 is the one English learner: at/above grade level in winter, growth met.
    ell = cell(zone, "A", "meeting_rate:interim_reading", "ell", period="mid_year")
    assert (ell["n"], ell["numerator"]) == (1, 1)
    non_ell = cell(zone, "A", "meeting_rate:interim_reading", "non_ell", period="mid_year")
    assert (non_ell["n"], non_ell["numerator"]) == (2, 1)
    assert cell(zone, "A", "meeting_rate:mcas_ela", "grade_8")["n"] == 21


def test_labels_come_from_the_settings(zone):
    labels = dict(
        zone.execute("select metric, label from marts.metric_catalog where metric like '%:mcas_ela'").fetchall()
    )
    assert labels["meeting_rate:mcas_ela"] == "MCAS English Language Arts: meeting or exceeding expectations"
    assert labels["mean_sgp:mcas_ela"] == "MCAS English Language Arts: mean student growth percentile"


def wilson(x: int, n: int) -> tuple[float, float]:
    p = x / n
    centre = (x + Z * Z / 2) / (n + Z * Z)
    half = Z * math.sqrt(x * (n - x) / n + Z * Z / 4) / (n + Z * Z)
    assert 0 <= p <= 1
    return 100 * (centre - half), 100 * (centre + half)


def test_shares_get_wilson_intervals_by_hand_and_as_statsmodels_computes_them(zone):
    row = cell(zone, "A", "meeting_rate:mcas_ela")
    low, high = wilson(10, 21)
    assert (row["ci_low"], row["ci_high"]) == (pytest.approx(low), pytest.approx(high))
    sm_low, sm_high = proportion_confint(10, 21, alpha=0.05, method="wilson")
    assert (row["ci_low"], row["ci_high"]) == (
        pytest.approx(100 * sm_low, abs=1e-4),
        pytest.approx(100 * sm_high, abs=1e-4),
    )
    growth = cell(zone, "A", "typical_growth_rate:interim_reading")  # 2 of 2: the upper end is exactly 100
    assert growth["ci_high"] == pytest.approx(100) and growth["ci_low"] == pytest.approx(wilson(2, 2)[0])


def test_mean_sgp_gets_the_cluster_interval_by_hand_and_as_scipy_computes_it(zone_sgp19):
    row = cell(zone_sgp19, "A", "mean_sgp:mcas_ela")
    # a_i = 4i, m_i = 1, R = 42: Σ(a_i − R)² = 16 · Σ(i − 10.5)² = 16 · 665 = 10,640;
    # SE = sqrt(20/19 · 10,640) / 20 = sqrt(11,200) / 20.
    se = math.sqrt(11_200) / 20
    assert row["se"] == pytest.approx(se)
    assert (row["ci_low"], row["ci_high"]) == (pytest.approx(42 - Z * se), pytest.approx(42 + Z * se))
    assert se == pytest.approx(stats.sem([4 * i for i in range(1, 21)]))


def test_comparisons_work_for_academic_metrics(zone):
    gap = comparison(zone, "A", "meeting_rate:interim_reading", "ell", period="mid_year")
    assert gap["gap_vs_comparison"] == pytest.approx(100 - 50)
    zone_gap = comparison(zone, "A", "meeting_rate:mcas_ela")
    assert zone_gap["rest_of_zone_value"] == pytest.approx(100 * 9 / 19)


def test_levels_partition_the_meeting_rate_students_and_hide_with_it(zone):
    rows = zone.execute(
        "select level, students, is_meeting from marts.assessment_levels where school_id = 'A' and period = 'mid_year' "
        "and assessment = 'interim_reading' and subgroup = 'all' order by level_order"
    ).fetchall()
    # Winter at A: a01 and a03 at or above grade level, a02 one grade level below.
    assert rows == [(BELOW3, 0, False), (BELOW2, 0, False), (BELOW1, 1, False), (AT, 2, True)]
    b_sgp = zone.execute(
        "select count(*) from marts.assessment_levels where school_id = 'B' and assessment = 'mcas_ela' "
        "and subgroup = 'all' and students is not null"
    ).fetchone()[0]
    assert b_sgp == 4  # B's meeting rate (19 students) is published, so are its levels


def test_a_hidden_meeting_rate_hides_its_levels():
    con = build({"suppression": {"min_students": 3}})
    try:
        assert cell(con, "B", "meeting_rate:interim_reading", period="mid_year")["suppressed"]  # 2 students
        rows = con.execute(
            "select students, share, n, suppressed from marts.assessment_levels where school_id = 'B' "
            "and period = 'mid_year' and assessment = 'interim_reading' and subgroup = 'all'"
        ).fetchall()
        assert rows and all(r == (None, None, None, True) for r in rows)
    finally:
        con.close()


def test_targets_on_academic_metrics_are_judged_like_any_other():
    d = school_days()
    con = warehouse()
    load(con, "schools", [("A", "Alpha", "6-8"), ("B", "Beta", "6-8")])
    load(con, "calendar", calendar(["A", "B"], d))
    h = Student()
    load(
        con,
        "enrollment",
        [h.spell(f"m{i:02d}", "A", "8", d[0]) for i in range(1, 22)]
        + [h.spell(f"n{i:02d}", "B", "8", d[0]) for i in range(1, 20)],
    )
    load(con, "assessments", mcas_rows())
    load(
        con,
        "targets",
        [
            ("A", 2026, "end_of_year", "meeting_rate:mcas_ela", "all", Decimal(50)),  # 10 of 21 = 47.6%: not met
            ("A", 2026, "end_of_year", "mean_sgp:mcas_ela", "all", Decimal(40)),  # 42: met
        ],
    )
    # B's 19 growth percentiles are published with a minimum of 19, so A's is too (not hidden to protect B's).
    compute(con, settings(AS_OF, suppression={"min_students": 1}, academics={"min_sgp_students": 19}))
    try:
        meeting = comparison(con, "A", "meeting_rate:mcas_ela")
        assert meeting["target_met"] is False
        # 50% of 21 students is 10.5: one more student meeting expectations would meet it.
        assert meeting["target_gap_students"] == 1
        assert comparison(con, "A", "mean_sgp:mcas_ela")["target_met"] is True
    finally:
        con.close()
