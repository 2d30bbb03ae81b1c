"""Signal and noise on the page (issue 16): the words for a change or gap, the whiskers, the funnel plot's limits."""

from __future__ import annotations

from statistics import NormalDist

import plotly.graph_objects as go
import pytest

from sezp_roadmap import signals
from sezp_roadmap.reporting import figures
from sezp_roadmap.reporting.context import Cell, MetricInfo
from sezp_roadmap.reporting.sections import Sections
from sezp_roadmap.reporting.sentences import (
    change_phrase,
    difference_words,
    glance_status,
    risk_ratio_sentence,
    risk_ratio_text,
)
from sezp_roadmap.reporting.zone_overview import funnel_words

CHRONIC = MetricInfo("chronic_absence_rate", "Chronic absence", "percent", "lower", "Missed 10% or more.")
EDUCATOR = MetricInfo(
    "educator_ici", "Educator survey: Instructional Culture Index", "score", "higher", "", "respondents"
)
SQR = MetricInfo("sqr:instruction", "School Quality Review: Instruction", "rating", "higher", "", "indicators")
SUSPENSION = MetricInfo("any_suspension_rate", "Any suspension", "percent", "lower", "")


def cell(n: int | None = 45, metric: str = "chronic_absence_rate", **kw) -> Cell:
    return Cell("A", metric, kw.pop("subgroup", "all"), n, kw.pop("value", 30.0), False, **kw)


# -- a change in words ----------------------------------------------------------------------


def test_a_change_within_normal_variation_reads_about_the_same_with_its_range():
    c = cell(prior_value=32.4, change=-2.4, change_low=-9.0, change_high=4.0, change_signal="unclear")
    assert change_phrase(CHRONIC, c, "mid_year", 30) == (
        "about the same as last mid-year: a change this size is within normal variation for 45 students "
        "(range −9.0 to +4.0 points)"
    )
    assert glance_status(CHRONIC, c) is None  # no mark: neither better nor worse


def test_an_unclear_change_whose_range_leaves_out_zero_is_not_called_the_same_but_chance():
    c = cell(n=963, prior_value=9.5, change=-2.6, change_low=-5.1, change_high=-0.2, change_signal="unclear")
    assert change_phrase(CHRONIC, c, "mid_year", 30) == (
        "down 2.6 points from last mid-year, but this could be chance among the report's many comparisons "
        "(range −5.1 to −0.2 points)"
    )
    assert glance_status(CHRONIC, c) is None


def test_only_a_clear_change_is_better_or_worse():
    worse = cell(n=400, prior_value=24.0, change=6.0, change_low=1.5, change_high=10.5, change_signal="clear")
    assert change_phrase(CHRONIC, worse, "end_of_year", 30) == (
        "up 6.0 points from the same point last year: worse, likely real (range +1.5 to +10.5 points)"
    )
    assert glance_status(CHRONIC, worse) == "worse"
    better = cell(n=400, prior_value=36.0, change=-6.0, change_low=-10.5, change_high=-1.5, change_signal="clear")
    assert glance_status(CHRONIC, better) == "better"
    # A target's status wins the mark over the change.
    assert glance_status(CHRONIC, cell(target=25.0, target_met=False, change=6.0, change_signal="clear")) == "not-met"


@pytest.mark.parametrize(("n", "small"), [(10, True), (29, True), (30, False)])
def test_a_group_of_ten_to_twenty_nine_is_a_clue_not_a_finding_whatever_its_signal(n, small):
    c = cell(
        n=n, subgroup="swd", prior_value=20.0, change=10.0, change_low=1.0, change_high=19.0, change_signal="clear"
    )
    phrase = change_phrase(CHRONIC, c, "mid_year", 30)
    assert (phrase == "up 10.0 points from last mid-year (small group: a clue, not a finding)") == small
    assert ("worse" in phrase) == (not small)
    assert difference_words(CHRONIC, c, c.change, c.change_low, c.change_high, c.change_signal, 30) == (
        "too few students to tell: +10.0 points"
        if small
        else "clearly higher, worse: +10.0 points (range +1.0 to +19.0)"
    )


def test_a_measure_without_a_range_says_so_in_a_few_words_and_never_better_or_worse():
    c = cell(n=40, metric="educator_ici", value=6.2, prior_value=5.9, change=0.3)
    assert change_phrase(EDUCATOR, c, "mid_year", 30) == (
        "up 0.3 points from last mid-year (no range: the survey reports only its averages)"
    )
    assert glance_status(EDUCATOR, c) is None
    assert difference_words(EDUCATOR, c, c.change, None, None, None, 30) == "+0.3 points"
    review = cell(n=4, metric="sqr:instruction", value=2.5, prior_value=3.0, change=-0.5)
    assert change_phrase(SQR, review, "mid_year", 30) == (
        "down 0.50 from last mid-year (no range: a reviewer's rating, not a sample)"
    )


def test_difference_words_for_a_table_cell():
    c = cell(n=200)
    words = lambda delta, low, high, signal: difference_words(CHRONIC, c, delta, low, high, signal, 30)  # noqa: E731
    assert words(None, None, None, None) == "—"
    # The verdict first, in a teacher's words; the number and its range beside it.
    assert words(0.3, -2.1, 2.7, "unclear") == "about the same: +0.3 points (range −2.1 to +2.7)"
    assert words(-4.1, -7.0, -1.2, "clear") == "clearly lower, better: −4.1 points (range −7.0 to −1.2)"
    # A range that leaves out zero, but the difference did not survive the false-discovery check.
    assert words(-2.6, -5.1, -0.2, "unclear") == ("about the same, could be chance: −2.6 points (range −5.1 to −0.2)")
    assert words(0.01, None, None, None) == "same"
    # A difference or range end that rounds to zero carries no sign.
    assert words(-0.04, -0.5, 0.02, "unclear") == "about the same: 0.0 points (range −0.5 to 0.0)"


def test_a_risk_ratio_is_said_in_words_only_when_its_range_excludes_equally_likely():
    clear = cell(
        n=60, subgroup="swd", metric="any_suspension_rate", risk_ratio=2.1, risk_ratio_low=1.3, risk_ratio_high=3.4
    )
    assert risk_ratio_text(clear) == "2.10 (range 1.30 to 3.40)"
    assert risk_ratio_sentence(SUSPENSION, clear) == (
        "Students with disabilities were 2.1 times as likely to be suspended as all other students (range 1.3 to 3.4)."
    )

    class Data:  # the little of PeriodData that Sections.risk_ratios reads
        period, metrics = "mid_year", {"any_suspension_rate": SUSPENSION}
        cells = [
            clear,
            cell(
                n=60,
                subgroup="ell",
                metric="any_suspension_rate",
                risk_ratio=2.1,
                risk_ratio_low=0.8,
                risk_ratio_high=5.5,
            ),
            cell(
                n=20,
                subgroup="black",
                metric="any_suspension_rate",
                risk_ratio=3.0,
                risk_ratio_low=1.1,
                risk_ratio_high=8.2,
            ),
        ]

        def school_cells(self, school_id, metric=None):
            return list(self.cells)

    said = Sections(Data(), 10, 5, 30).risk_ratios("A")
    assert len(said["rows"]) == 3
    assert said["sentences"] == [risk_ratio_sentence(SUSPENSION, clear)]  # not the unclear one, not the small group


# -- charts: whiskers and the funnel plot --------------------------------------------------------


def test_whiskers_are_measured_from_each_value_and_absent_where_there_is_no_range():
    assert figures.whiskers([30.0, 40.0], [25.0, None], [36.0, None]) == {
        "type": "data",
        "symmetric": False,
        "array": [6.0, None],
        "arrayminus": [5.0, None],
        "color": figures.INK,
        "thickness": 1.5,
        "width": 4,
    }
    assert figures.whiskers([30.0], [None], [None]) is None
    spec = figures.subgroup_bars(
        ["A", "B"],
        [30.0, 40.0],
        all_value=35.0,
        title="t",
        unit="percent",
        axis_title="%",
        lows=[25.0, 33.0],
        highs=[36.0, 47.5],
    )
    assert spec["data"][0]["error_x"]["array"] == [6.0, 7.5]
    go.Figure(spec)  # a valid Plotly figure
    bars = figures.grouped_bars(
        ["x"],
        [("This school", [60.0], "school"), ("Zone", [55.0], "zone")],
        title="t",
        unit="percent",
        axis_title="%",
        horizontal=True,
        ranges={"This school": ([52.0], [67.0])},
    )
    assert bars["data"][0]["error_x"]["arrayminus"] == [8.0] and "error_x" not in bars["data"][1]
    go.Figure(bars)


def test_funnel_limits_by_hand():
    # The z values are the two-sided 95% and 99.8% points of the normal distribution.
    assert pytest.approx(NormalDist().inv_cdf(0.975), abs=1e-6) == figures.Z95
    assert pytest.approx(NormalDist().inv_cdf(0.999), abs=1e-6) == figures.Z998
    # p0 = 0.2, n = 100: sqrt(0.2 x 0.8 / 100) = 0.04; 1.959964 x 0.04 = 0.07839856; 3.090232 x 0.04 = 0.12360928.
    assert figures.funnel_limits(0.2, 100, figures.Z95) == pytest.approx((0.12160144, 0.27839856), abs=1e-12)
    assert figures.funnel_limits(0.2, 100, figures.Z998) == pytest.approx((0.07639072, 0.32360928), abs=1e-12)
    # n = 25: 0.08; the 99.8% lower limit 0.2 - 0.24721856 is below zero and stops at zero.
    assert figures.funnel_limits(0.2, 25, figures.Z95) == pytest.approx((0.04320288, 0.35679712), abs=1e-12)
    assert figures.funnel_limits(0.2, 25, figures.Z998) == pytest.approx((0.0, 0.44721856), abs=1e-12)
    # Narrower as n grows.
    widths = [h - lo for lo, h in (figures.funnel_limits(0.3, n, figures.Z95) for n in (20, 50, 200, 1000))]
    assert widths == sorted(widths, reverse=True)


@pytest.mark.parametrize(
    ("value", "position"),
    [
        (20.0, "within"),
        (27.8, "within"),
        (28.0, "above 95%"),
        (32.3, "above 95%"),
        (32.4, "above 99.8%"),
        (12.2, "within"),
        (12.1, "below 95%"),
        (7.6, "below 99.8%"),
    ],
)
def test_a_schools_place_in_the_funnel(value, position):
    # Zone 20%, a school of 100: 95% limits 12.16% and 27.84%, 99.8% limits 7.64% and 32.36% (by hand above).
    assert figures.funnel_position(value, 100, 20.0) == position


def test_a_funnel_position_in_words_follows_the_measures_direction():
    assert funnel_words(CHRONIC, "within") == "within normal variation"
    assert funnel_words(CHRONIC, "above 95%") == "worse than the zone, likely real"
    assert funnel_words(CHRONIC, "below 99.8%") == "better than the zone, very likely real"


def test_the_funnel_plot_draws_its_limits_as_smooth_curves_over_n():
    spec = figures.funnel_plot(
        ["Alpha", "Beta", "Gamma"],
        [31.0, 18.0, 25.0],
        [80, 400, 1200],
        zone_value=22.0,
        title="Chronic absence",
        axis_title="Percent",
    )
    go.Figure(spec)
    curves = [t for t in spec["data"] if t["mode"] == "lines" and t["name"] != "Zone"]
    assert [(t["name"], t["showlegend"]) for t in curves] == [
        ("99.8% limits", True),
        ("99.8% limits", False),
        ("95% limits", True),
        ("95% limits", False),
    ]
    upper95 = curves[3]
    assert len(upper95["x"]) == figures.FUNNEL_POINTS
    assert upper95["x"][0] < 80 and upper95["x"][-1] > 1200  # the curves run past the smallest and largest school
    for n, y in zip(upper95["x"], upper95["y"]):
        assert y == pytest.approx(100 * figures.funnel_limits(0.22, n, figures.Z95)[1], abs=0.01)
    assert upper95["y"] == sorted(upper95["y"], reverse=True)  # the funnel narrows as n grows
    schools = spec["data"][-1]
    assert (schools["x"], schools["y"], schools["text"]) == (
        [80, 400, 1200],
        [31.0, 18.0, 25.0],
        ["Alpha", "Beta", "Gamma"],
    )


def test_evidence_is_one_rule_for_reports_and_levers():
    assert signals.evidence("clear", n=45, population="students", min_finding_n=30) == signals.LIKELY_REAL
    assert signals.evidence("unclear", n=45, population="students", min_finding_n=30) == signals.NORMAL_VARIATION
    assert signals.evidence("clear", n=29, population="respondents", min_finding_n=30) == signals.SMALL_GROUP
    assert signals.evidence(None, n=4, population="indicators", min_finding_n=30) == signals.NO_RANGE
    assert signals.target_evidence(31.2, 30.0, 25.8, 37.1, "lower") == signals.NORMAL_VARIATION
    assert signals.target_evidence(31.2, 25.0, 25.8, 37.1, "lower") == signals.LIKELY_REAL
    assert signals.target_evidence(88.0, 92.0, 85.0, 91.0, "higher") == signals.LIKELY_REAL
    assert signals.target_evidence(88.0, 92.0, None, None, "higher") == signals.NO_RANGE


def test_a_subgroup_tables_cells_give_the_range_in_the_same_words():
    class Data:  # the little of PeriodData these cells read
        period, metrics = "mid_year", {"chronic_absence_rate": CHRONIC}

    sections = Sections(Data(), 10, 5, 30)
    c = cell(
        n=217,
        subgroup="ell",
        value=6.5,
        ci_low=3.9,
        ci_high=10.5,
        prior_value=5.2,
        change=1.3,
        change_low=-3.2,
        change_high=5.9,
        change_signal="unclear",
        gap_vs_comparison=-0.1,
        gap_low=-3.4,
        gap_high=4.3,
        gap_signal="unclear",
    )
    assert sections.with_range(c) == "6.5% (range 3.9–10.5)"
    assert sections.since(c) == "about the same: +1.3 points (range −3.2 to +5.9); was 5.2%"
    assert sections.gap(c) == "about the same: −0.1 points (range −3.4 to +4.3)"
    assert sections.count(c) == "217"
    small = cell(n=20, subgroup="multirace", value=15.0)
    assert sections.count(small) == "20 (small group: a clue, not a finding)"
    # Without a range (the educator survey), the value stands alone.
    assert sections.with_range(cell(n=40, value=6.2)) == "6.2%"
