"""Target status (met / not met at its period) and the on-pace rule for end-of-year targets at mid-year."""

from __future__ import annotations

import pytest

from sezp_roadmap import targets as t
from sezp_roadmap.reporting.priority_levers import judge


@pytest.mark.parametrize(
    ("value", "target", "direction", "expected"),
    [
        # Higher is better (attendance rate): at or above the target is met.
        (94.0, 94.0, "higher", t.MET),
        (94.1, 94.0, "higher", t.MET),
        (93.9, 94.0, "higher", t.NOT_MET),
        # Lower is better (chronic absence): at or below the target is met.
        (20.0, 20.0, "lower", t.MET),
        (19.9, 20.0, "lower", t.MET),
        (20.1, 20.0, "lower", t.NOT_MET),
        # 78 of 250 students is 31.2% exactly; float noise does not turn equality into a miss.
        (100 * 78 / 250, 31.2, "lower", t.MET),
    ],
)
def test_status_in_both_directions_and_at_the_boundary(value, target, direction, expected):
    assert t.target_status(value, target, direction) == expected


def test_suppressed_and_missing_actuals_cannot_be_judged():
    assert t.target_status(None, 20.0, "lower", suppressed=True) == t.HIDDEN
    # A value that leaked into a suppressed row is still never judged.
    assert t.target_status(12.0, 20.0, "lower", suppressed=True) == t.HIDDEN
    assert t.target_status(None, 20.0, "lower") == t.NO_DATA


def test_the_marts_exact_verdict_wins_over_the_float_comparison():
    assert t.target_status(31.200000000000003, 31.2, "lower", target_met=True) == t.MET
    assert t.target_status(31.2, 31.2, "lower", target_met=False) == t.NOT_MET


def test_on_pace_projects_last_years_second_half_movement():
    # Chronic absence (lower is better) rose 4 points between last mid-year (20) and end of year (24):
    # 25 at mid-year projects to 29.
    pace = t.on_pace(25.0, 30.0, "lower", last_mid_value=20.0, last_end_value=24.0)
    assert (pace.status, pace.projected, pace.last_year_movement) == (t.ON_PACE, 29.0, 4.0)
    assert t.on_pace(25.0, 29.0, "lower", last_mid_value=20.0, last_end_value=24.0).status == t.ON_PACE  # equal
    assert t.on_pace(25.0, 28.0, "lower", last_mid_value=20.0, last_end_value=24.0).status == t.NOT_ON_PACE
    # Attendance rate (higher is better) fell 2 points in last year's second half: 93 projects to 91.
    assert t.on_pace(93.0, 91.0, "higher", last_mid_value=94.0, last_end_value=92.0).status == t.ON_PACE
    assert t.on_pace(93.0, 91.5, "higher", last_mid_value=94.0, last_end_value=92.0).status == t.NOT_ON_PACE
    # A school that improved last spring gets credit for it: 32 projects to 29 against 30.
    assert t.on_pace(32.0, 30.0, "lower", last_mid_value=30.0, last_end_value=27.0).status == t.ON_PACE


def test_without_last_years_movement_the_mid_year_value_must_already_meet_the_target():
    pace = t.on_pace(25.0, 30.0, "lower", last_mid_value=None, last_end_value=24.0)
    assert (pace.status, pace.projected, pace.last_year_movement) == (t.ON_PACE, 25.0, None)
    assert "judged on the mid-year value" in pace.explanation
    assert t.on_pace(31.0, 30.0, "lower").status == t.NOT_ON_PACE
    assert t.on_pace(30.0, 30.0, "lower").status == t.ON_PACE


def test_on_pace_with_a_hidden_or_missing_mid_year_value():
    assert (
        t.on_pace(None, 30.0, "lower", mid_suppressed=True, last_mid_value=20.0, last_end_value=24.0).status == t.HIDDEN
    )
    assert t.on_pace(None, 30.0, "lower").status == t.NO_DATA


def target_row(**overrides) -> dict:
    row = {
        "school_id": "A",
        "school_name": "Alpha",
        "school_year": 2026,
        "period": "mid_year",
        "metric": "chronic_absence_rate",
        "label": "Chronic absence",
        "unit": "percent",
        "direction": "lower",
        "population": "students",
        "subgroup": "swd",
        "target": 30.0,
        "n": 8,
        "value": None,
        "suppressed": True,
        "target_met": None,
        "target_gap": None,
        "target_gap_students": None,
        "mid_n": 8,
        "mid_value": None,
        "mid_suppressed": True,
        "last_mid_value": 20.0,
        "last_end_value": 24.0,
        "period_complete": True,
    }
    return {**row, **overrides}


def judge_row(**overrides) -> dict:
    """judge() of target_row(**overrides), with the default thresholds (10 students, 5 respondents, 20 SGPs)."""
    return judge(target_row(**overrides), min_students=10, min_respondents=5, own_minimums={"mean_sgp": 20})


def test_a_judged_row_never_carries_a_hidden_figure():
    judged = judge_row()
    assert judged["status"] == t.HIDDEN and judged["actual"] == "fewer than 10 students"
    assert judged["n"] is None and judged["sort_value"] is None
    pace = judge_row(period="end_of_year", period_complete=False)
    assert pace["status"] == t.HIDDEN and pace["actual"] == "fewer than 10 students" and pace["sort_value"] is None


def test_a_large_group_hidden_to_protect_a_smaller_one_does_not_read_fewer_than_10():
    # 104 students, hidden only so that a smaller group's figure cannot be worked out: "fewer than 10" would be false.
    judged = judge_row(n=104)
    assert judged["status"] == t.HIDDEN and judged["actual"] == "hidden to protect a smaller group"
    assert judged["n"] is None
    pace = judge_row(period="end_of_year", period_complete=False, mid_n=98)
    assert pace["actual"] == "hidden to protect a smaller group" and pace["mid_n"] is None


def test_a_hidden_mean_growth_percentile_reads_deses_minimum_of_20():
    judged = judge_row(
        metric="mean_sgp:mcas_math",
        label="MCAS Mathematics: mean growth percentile",
        unit="percentile",
        direction="higher",
        n=15,
    )
    assert judged["status"] == t.HIDDEN and judged["actual"] == "fewer than 20 students"


def test_judged_rows_say_how_they_were_judged():
    met = judge_row(subgroup="all", n=250, value=31.2, suppressed=False, target=31.2, target_met=True)
    assert (met["status"], met["actual"], met["target_text"], met["how"]) == (t.MET, "31.2%", "31.2%", "—")
    # The sort key is the figure as shown, not the warehouse's unrounded value.
    unrounded = judge_row(
        subgroup="all", n=250, value=91.9029042045947, suppressed=False, target=90.0, target_met=False
    )
    assert unrounded["sort_value"] == 91.9
    missed = judge_row(
        subgroup="all", n=250, value=31.2, suppressed=False, target_met=False, target_gap=1.2, target_gap_students=3
    )
    assert (missed["status"], missed["how"]) == (t.NOT_MET, "1.2 points to go (3 students)")
    one = judge_row(
        subgroup="all", n=250, value=30.3, suppressed=False, target_met=False, target_gap=0.3, target_gap_students=1
    )
    assert one["how"] == "0.3 points to go (1 student)"
    pace = judge_row(subgroup="all", period="end_of_year", period_complete=False, mid_value=25.0, mid_suppressed=False)
    assert pace["status"] == t.ON_PACE
    assert pace["how"] == (
        "projected 29.0% = mid-year 25.0% + 4.0 points (last year's mid-year to end-of-year movement)"
    )
    # Once the year is over, an end-of-year target is judged on its own cell.
    over = judge_row(
        subgroup="all",
        period="end_of_year",
        period_complete=True,
        value=31.0,
        suppressed=False,
        target_met=False,
        target_gap=1.0,
    )
    assert over["status"] == t.NOT_MET


# -- too close to call: the projection's range straddles the target ---------------------------


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        # Chronic absence (lower is better) at 25.0%, range 21.0% to 29.5%, moved +4 by last year's second half:
        # projected 29.0%, range 25.0% to 33.5%.
        (34.0, t.ON_PACE),  # the whole range meets it
        (33.5, t.ON_PACE),  # the worst end equals the target: equal counts as met
        (33.4, t.TOO_CLOSE),  # the projection meets it, the range's worst end does not
        (29.0, t.TOO_CLOSE),  # at the projection itself
        (25.0, t.TOO_CLOSE),  # only the best end meets it
        (24.9, t.NOT_ON_PACE),  # no part of the range meets it
    ],
)
def test_a_projection_whose_range_straddles_the_target_is_too_close_to_call(target, expected):
    pace = t.on_pace(25.0, target, "lower", last_mid_value=20.0, last_end_value=24.0, mid_low=21.0, mid_high=29.5)
    assert pace.status == expected
    assert (pace.projected, pace.projected_low, pace.projected_high) == (29.0, 25.0, 33.5)


def test_too_close_to_call_when_higher_is_better_and_without_last_years_movement():
    # Attendance rate 93.0%, range 92.0% to 94.0%, fell 2 points last spring: projected 91.0%, range 90.0% to 92.0%.
    kw = {"last_mid_value": 94.0, "last_end_value": 92.0, "mid_low": 92.0, "mid_high": 94.0}
    assert t.on_pace(93.0, 90.0, "higher", **kw).status == t.ON_PACE
    assert t.on_pace(93.0, 90.5, "higher", **kw).status == t.TOO_CLOSE
    assert t.on_pace(93.0, 92.0, "higher", **kw).status == t.TOO_CLOSE
    assert t.on_pace(93.0, 92.1, "higher", **kw).status == t.NOT_ON_PACE
    # No movement published: the mid-year range itself is read against the target.
    assert t.on_pace(93.0, 93.5, "higher", mid_low=92.0, mid_high=94.0).status == t.TOO_CLOSE
    # No range (the educator survey): the two-state rule.
    assert t.on_pace(93.0, 93.5, "higher").status == t.NOT_ON_PACE


def test_the_targets_page_says_how_a_target_too_close_to_call_was_judged():
    pace = judge_row(
        subgroup="all",
        period="end_of_year",
        period_complete=False,
        mid_value=25.0,
        mid_suppressed=False,
        mid_ci_low=21.0,
        mid_ci_high=29.5,
        target=30.0,
    )
    assert pace["status"] == t.TOO_CLOSE
    assert pace["how"] == (
        "projected 29.0% = mid-year 25.0% + 4.0 points (last year's mid-year to end-of-year "
        "movement); likely range 25.0% to 33.5%, on both sides of the target"
    )
