"""Signals on a synthetic zone where the truth is known (issue 16: known effects, known non-effects).

Four schools of 240 students each, two school years of 100 school days. Every
student, each year, is drawn afresh from the same population: an absence
propensity from Beta(1.2, 14) (about 8% of days missed on average, a long tail
of chronic absence), a number of discipline incidents from a gamma-Poisson
mixture, each an in- or out-of-school suspension of 1 to 3 days. Nothing changes
from one year to the next, so every year-over-year change the marts compute is
sampling noise and should almost never read 'clear'.

One effect is planted, in both years so that it is no change: at school A the
English learners (a third of its students) miss days at four times the rate.
Their gap with the non-English learners must read 'clear'.
"""

import datetime as dt
from decimal import Decimal

import numpy as np
import pytest

from sezp_roadmap import metric_engine
from sezp_roadmap.warehouse import add_macros
from tests.tinyzone import Student, calendar, comparison, compute, load, settings, warehouse, weekdays

SCHOOLS = ("A", "B", "C", "D")
STUDENTS = 240
DAYS = {2025: weekdays(dt.date(2024, 9, 3), 100), 2026: weekdays(dt.date(2025, 9, 2), 100)}
AS_OF = dt.date(2026, 6, 30)


def build_zone(seed: int = 20260116, false_discovery_rate: float = 0.10):
    rng = np.random.default_rng(seed)
    con = warehouse()
    load(con, "schools", [(s, f"School {s}", "6-8") for s in SCHOOLS])
    load(con, "calendar", [row for year, days in DAYS.items() for row in calendar(list(SCHOOLS), days, year)])
    spells, absences, discipline = [], [], []
    for year, days in DAYS.items():
        for school in SCHOOLS:
            for i in range(STUDENTS):
                sid = f"{school}{year}-{i:03}"
                who = Student(
                    race=rng.choice(["H", "B", "W"], p=[0.6, 0.25, 0.15]),
                    gender=rng.choice(["F", "M"]),
                    ell=i % 3 == 0,
                    swd=rng.random() < 0.15,
                    low_income=rng.random() < 0.7,
                )
                spells.append(who.spell(sid, school, str(6 + i * 3 // STUDENTS), days[0], year=year))
                propensity = rng.beta(1.2, 14)
                if school == "A" and who.ell:
                    propensity = min(4 * propensity, 0.9)  # the planted gap
                for day in np.flatnonzero(rng.random(len(days)) < propensity):
                    absences.append((sid, school, days[day], "A"))
                for k in range(rng.poisson(rng.gamma(0.5, 0.6))):
                    action = "OSS" if rng.random() < 0.5 else "ISS"
                    day = days[rng.integers(len(days))]
                    discipline.append(
                        (f"{sid}-{k}", sid, school, day, "disruption", action, Decimal(int(rng.integers(1, 4))))
                    )
    load(con, "enrollment", spells)
    load(con, "attendance", absences)
    load(con, "discipline", discipline)
    compute(con, settings(AS_OF, signals={"false_discovery_rate": false_discovery_rate}))
    return con


def with_false_discovery_rate(zone, false_discovery_rate: float):
    """The zone's marts computed again with another rate, on a copy (a cursor of the same DuckDB instance).

    The rate is read only by compute_metric_values (marts.metric_comparisons): the
    student tables it starts from are the zone's. A twentieth of building the zone again.
    """
    copy = zone.cursor()
    database = copy.execute("select current_database()").fetchone()[0]
    copy.execute("attach ':memory:' as other_rate")
    copy.execute(f"copy from database {database} to other_rate")
    copy.execute("use other_rate")
    add_macros(copy)
    metric_engine.compute_metric_values(copy, settings(AS_OF, signals={"false_discovery_rate": false_discovery_rate}))
    return copy


@pytest.fixture(scope="module")
def zone():
    con = build_zone()
    yield con
    con.close()


@pytest.mark.bench
def test_no_true_change_reads_clear_almost_never(zone):
    tested, clear, nominal = zone.execute(
        "select count(change_signal), count(*) filter (where change_signal = 'clear'), "
        "count(*) filter (where change_low > 0 or change_high < 0) "
        "from marts.metric_comparisons where school_year = 2026"
    ).fetchone()
    assert tested > 1000  # 9 metrics × about 15 subgroups × 5 families × 2 periods
    # A 95% interval alone would exclude 0 for about one change in twenty by chance
    # (fewer here: subgroups overlap and Newcombe's interval is a little wide);
    # Benjamini-Hochberg keeps the 'clear' ones to a handful at most.
    assert nominal > clear
    assert clear <= 0.005 * tested, (clear, tested)


def test_the_planted_gap_is_found(zone):
    for period in ("mid_year", "end_of_year"):
        for metric in ("chronic_absence_rate", "attendance_rate", "avg_days_absent"):
            ell = comparison(zone, "A", metric, "ell", period=period)
            assert ell["comparison_group"] == "non_ell"
            assert ell["gap_signal"] == "clear", (period, metric, ell["gap_vs_comparison"], ell["gap_p"])
            assert ell["gap_low"] <= ell["gap_vs_comparison"] <= ell["gap_high"]
        # The same groups at the other schools differ by chance only.
        for school in ("B", "C", "D"):
            assert comparison(zone, school, "chronic_absence_rate", "ell", period=period)["gap_signal"] == "unclear"


def test_no_true_gap_reads_clear_rarely(zone):
    tested, clear = zone.execute(
        "select count(gap_signal), count(*) filter (where gap_signal = 'clear') "
        "from marts.metric_comparisons where school_id in ('B', 'C', 'D')"
    ).fetchone()
    assert tested > 500
    # Each of the twelve families (three schools, two years, two periods) has at most
    # a one-in-ten chance of any 'clear' gap at all, and a pair's two gaps (ell and
    # non_ell) are one comparison read both ways.
    assert clear <= 0.01 * tested, (clear, tested)


def test_the_false_discovery_rate_setting_reaches_the_signals(zone):
    def clear(con):
        return con.execute(
            "select count(*) from marts.metric_comparisons "
            "where 'clear' in (change_signal, gap_signal, zone_gap_signal)"
        ).fetchone()[0]

    strict = with_false_discovery_rate(zone, 1e-30)
    try:
        assert clear(zone) > 50 and clear(strict) == 0
        # Only the signals differ: the intervals and p-values do not depend on q.
        assert strict.execute(
            "select sum(gap_p), sum(zone_gap_high) from marts.metric_comparisons"
        ).fetchone() == pytest.approx(
            zone.execute("select sum(gap_p), sum(zone_gap_high) from marts.metric_comparisons").fetchone()
        )
    finally:
        strict.close()
        zone.execute("detach other_rate")
