"""The zone overview: every school side by side on the key figures, and the zone's own equity and attendance.

A zone of a few dozen schools gets a bar per school; past MANY_SCHOOLS (a state
has 1,800) it gets how its schools spread over each figure instead, since a bar
chart of them would be tens of thousands of pixels tall.
"""

from __future__ import annotations

from sezp_roadmap.reporting import figures
from sezp_roadmap.reporting.context import ZONE, MetricInfo, PeriodData
from sezp_roadmap.reporting.formatting import format_value
from sezp_roadmap.reporting.sections import Chart, Sections

# Up to this many schools the zone overview draws a bar per school, the index lists every school's report
# and the targets page shows every school's targets. A larger zone (a state has 1,800 schools: a bar chart
# of them would be 47,000 pixels tall, its targets 23,000 rows) gets how its schools spread over the values
# instead, the index folds each period's list away until it is opened, and the targets page opens on a
# choice of school.
MANY_SCHOOLS = 40
# The zone overview compares schools on these, in this order (those published).
ZONE_OVERVIEW_METRICS = (
    "attendance_rate", "chronic_absence_rate", "severe_absence_rate", "any_suspension_rate", "oss_rate",
    "family_favorable", "educator_ici",
)


def overview(data: PeriodData, sections: Sections) -> dict:
    """Every school side by side on the key metrics, one chart per metric, and the zone's equity gaps."""
    metrics = [m for m in ZONE_OVERVIEW_METRICS if m in data.metrics]
    schools = data.schools
    table = []
    for school in [*schools, {"school_id": ZONE, "school_name": "Zone", "grade_span": ""}]:
        table.append({
            "school": school,
            "values": [sections.shown(m, data.cell(school["school_id"], m)) if data.cell(school["school_id"], m) else "—"
                       for m in metrics],
        })
    charts, spreads = [], []
    for metric in metrics[:4]:
        info = data.metrics[metric]
        pairs = [(s["school_name"], data.cell(s["school_id"], metric)) for s in schools]
        pairs = [(name, c) for name, c in pairs if c is not None and not c.suppressed and c.value is not None]
        if not pairs:
            continue
        zone_cell = data.cell(ZONE, metric)
        zone_value = None if zone_cell is None or zone_cell.suppressed else zone_cell.value
        if len(pairs) > MANY_SCHOOLS:
            spreads.append(spread_chart(info, [c.value for _, c in pairs], zone_value, len(schools)))
            continue
        spec = figures.subgroup_bars([n for n, _ in pairs], [c.value for _, c in pairs], all_value=zone_value,
                                     title=f"{info.label} by school", unit=info.unit, axis_title=info.label,
                                     marked_label="Zone")
        div_id = f"zone-{metric.replace('_', '-')}"
        summary = f"Bar chart of {info.label.lower()} by school, with the zone as a dashed line; the numbers are in the table above."
        charts.append({"id": div_id, "title": info.label, "figure": figures.figure_html(spec, div_id, summary)})
    return {
        "metrics": [data.metrics[m] for m in metrics],
        "table": table,
        "charts": charts,
        "spreads": spreads,
        "equity": sections.equity(ZONE),
        "attendance": sections.attendance(ZONE),
        "discipline_in_extract": sections.discipline_in_extract,
    }


def spread_chart(info: MetricInfo, values: list[float], zone_value: float | None, schools: int) -> Chart:
    """How the schools spread over a metric's values: the chart for a zone too large for a bar per school."""
    edges, counts = figures.bins(values)
    title = f"{info.label} across schools"
    div_id = f"zone-spread-{info.id.replace(':', '-').replace('_', '-')}"
    spec = figures.spread_histogram(edges, counts, marked=zone_value, marked_label="Zone", title=title,
                                    axis_title=info.label)
    summary = (f"Bar chart of how many schools have each range of {info.label.lower()}, with the zone as a dashed "
               "line; the numbers are in the table that follows.")
    rows = [[f"{format_value(low, info.unit)} to {format_value(high, info.unit)}", f"{count:,}"]
            for low, high, count in zip(edges, edges[1:], counts)]
    shown = len(values)
    note = (f"{shown:,} schools with a published figure" + (f" of {schools:,}" if shown < schools else "")
            + ". Each range holds the schools from its lower end up to, not including, its upper end; the last also "
            "holds its upper end. Each school's own figure is in the list of every school's key figures below.")
    return Chart(div_id, title, summary, figures.figure_html(spec, div_id, summary), ["Range", "Schools"], rows, note=note)
