"""Charts that answer a question (issue 27): groups sorted by their gap, likely-real gaps marked, the rest folded;
a rate in a narrow band drawn as dots on its band. Hand-written cells and hand-computed axes."""

from __future__ import annotations

import plotly.graph_objects as go

from sezp_roadmap.reporting import figures
from sezp_roadmap.reporting.context import Cell, MetricInfo, PeriodData
from sezp_roadmap.reporting.sections import Sections

CHRONIC = MetricInfo("chronic_absence_rate", "Chronic absence", "percent", "lower", "")
ATTENDANCE = MetricInfo("attendance_rate", "Attendance rate", "percent", "higher", "")


def group(metric: str, subgroup: str, n: int, value: float, gap: float | None, signal: str | None) -> Cell:
    return Cell(
        "A", metric, subgroup, n, value, False, comparison_value=None if gap is None else value - gap,
        gap_vs_comparison=gap, gap_signal=signal, ci_low=value - 2, ci_high=value + 2,
    )  # fmt: skip


def sections_for(cells: list[Cell], infos: list[MetricInfo]) -> Sections:
    data = PeriodData(
        2026,
        "mid_year",
        {"school_year": 2026, "period": "mid_year"},
        [{"school_id": "A", "school_name": "Alpha"}],
        {(c.school_id, c.metric, c.subgroup): c for c in cells},
        {i.id: i for i in infos},
        {"A": 400},
    )
    return Sections(data, 10, 5, 30)


def chronic_cells() -> list[Cell]:
    return [
        Cell("A", "chronic_absence_rate", "all", 400, 30.0, False),
        group("chronic_absence_rate", "ell", 80, 31.0, 1.0, "unclear"),  # within normal variation
        group("chronic_absence_rate", "swd", 100, 37.0, 8.0, "clear"),  # likely real, worse
        group("chronic_absence_rate", "low_income", 150, 27.0, -4.0, "clear"),  # likely real, better
        group("chronic_absence_rate", "white", 20, 40.0, 10.0, "clear"),  # a small group: a clue
        group("chronic_absence_rate", "non_swd", 300, 29.0, None, None),  # a complement: no gap of its own
    ]


def test_groups_are_sorted_by_their_gap_worse_side_first_and_the_quiet_ones_folded():
    chart = sections_for(chronic_cells(), [CHRONIC]).subgroup_chart(
        "A", "chronic_absence_rate", grades=False, id_prefix="equity"
    )
    # Lower is better: the largest gap above the rest of the school first; a group without a gap last.
    plotted = [label for trace in _spec(chart)["data"] for label in trace["y"]]
    order = _spec(chart)["layout"]["yaxis"]["categoryarray"]
    assert order == ["White", "Students with disabilities", "English learners", "Low income",
                     "Students without disabilities"]  # fmt: skip
    assert sorted(plotted) == sorted(order)
    # The likely-real gaps are marked: one trace for them, one for the others, named in the legend.
    marked = {trace["name"]: trace["y"] for trace in _spec(chart)["data"]}
    assert marked == {
        "Likely-real gap": ["Students with disabilities", "Low income"],
        "No likely-real gap": ["White", "English learners", "Students without disabilities"],
    }
    # The table: all students, then the groups with something to say; the others folded under it.
    assert [row[0] for row in chart.rows] == ["All students", "Students with disabilities", "Low income"]
    assert [row[0] for row in chart.quiet_rows] == ["White", "English learners", "Students without disabilities"]
    assert chart.quiet_keys[0] == "chronic_absence_rate|white" and chart.all_quiet is None
    assert "largest gap first, likely-real gaps marked" in chart.summary
    go.Figure(_spec(chart))


def test_a_group_chart_with_nothing_likely_real_is_folded_whole_with_every_row_in_one_table():
    cells = [c for c in chronic_cells() if c.subgroup not in ("swd", "low_income")]
    chart = sections_for(cells, [CHRONIC]).subgroup_chart("A", "chronic_absence_rate", grades=False, id_prefix="e")
    assert chart.all_quiet == "Chronic absence by student group: no group's gap is likely real"
    assert [row[0] for row in chart.rows] == ["All students", "White", "English learners",
                                              "Students without disabilities"]  # fmt: skip
    assert chart.quiet_rows == []


def test_the_attendance_rate_is_drawn_as_dots_on_an_axis_that_shows_its_band():
    cells = [
        Cell("A", "attendance_rate", "all", 400, 90.5, False),
        group("attendance_rate", "swd", 100, 86.3, -4.5, "clear"),
        group("attendance_rate", "ell", 80, 92.1, 1.8, "unclear"),
    ]
    chart = sections_for(cells, [ATTENDANCE]).subgroup_chart("A", "attendance_rate", grades=False, id_prefix="e")
    spec = _spec(chart)
    assert {trace["type"] for trace in spec["data"]} == {"scatter"}
    assert all(trace["mode"] == "markers" for trace in spec["data"])
    # Values 86.3 and 92.1, ranges 84.3–88.3 and 90.1–94.1, the all-students line at 90.5, with 2 points of room:
    # from floor(84.3 − 2) = 82 to ceil(94.1 + 2) = 97, not from 0.
    assert spec["layout"]["xaxis"]["range"] == [82, 97] and "rangemode" not in spec["layout"]["xaxis"]
    assert chart.summary.startswith("Dot chart of attendance rate by student group")
    go.Figure(spec)


def test_a_band_axis_stays_within_0_and_100():
    assert figures.band_range([99.5], [98.9], [100.0], 99.0) == [96, 100]
    assert figures.band_range([1.0], [0.0], [2.5], None) == [0, 5]


def test_a_bar_chart_without_marks_keeps_one_trace_and_no_legend():
    spec = figures.subgroup_bars(["A", "B"], [30.0, 40.0], all_value=35.0, title="t", unit="percent", axis_title="%")
    assert len(spec["data"]) == 1 and spec["data"][0]["type"] == "bar" and not spec["layout"]["showlegend"]
    assert spec["layout"]["xaxis"]["rangemode"] == "tozero"


def _spec(chart) -> dict:
    """The Plotly spec written into a chart's figure (data, layout)."""
    import json

    text = str(chart.figure)
    call = text[text.index("Plotly.newPlot(") + len("Plotly.newPlot(") : text.rindex(");")]
    data_and_layout = json.loads("[" + call.split(",", 1)[1].rsplit(",{", 1)[0] + "]")
    return {"data": data_and_layout[0], "layout": data_and_layout[1]}
