"""The zone overview: every school side by side on the key figures, and the zone's own equity and attendance.

A zone of a few dozen schools gets, for each key share of students (chronic
absence, suspensions), a funnel plot: each school's share against its number of
students, with the zone's 95% and 99.8% limits (Spiegelhalter 2005), so that a
small school's large swing is not read as a ranking; the attendance rate gets a
bar per school with its range. Past MANY_SCHOOLS (a state has 1,800) it gets how
its schools spread over each figure instead, since a bar chart of them would be
tens of thousands of pixels tall.
"""

from __future__ import annotations

from sezp_roadmap import signals
from sezp_roadmap.metrics import metric_for
from sezp_roadmap.reporting import figures, sentences
from sezp_roadmap.reporting.context import ZONE, Cell, MetricInfo, PeriodData
from sezp_roadmap.reporting.formatting import format_value
from sezp_roadmap.reporting.sections import BAND_METRICS, Chart, Sections

# Up to this many schools the zone overview draws a bar per school, the index lists every school's report
# and the targets page shows every school's targets. A larger zone (a state has 1,800 schools: a bar chart
# of them would be 47,000 pixels tall, its targets 23,000 rows) gets how its schools spread over the values
# instead, the index folds each period's list away until it is opened, and the targets page opens on a
# choice of school.
MANY_SCHOOLS = 40
# The zone overview compares schools on these, in this order (those published).
ZONE_OVERVIEW_METRICS = (
    "attendance_rate",
    "chronic_absence_rate",
    "severe_absence_rate",
    "any_suspension_rate",
    "oss_rate",
    "family_favorable",
    "educator_ici",
)


def overview(data: PeriodData, sections: Sections) -> dict:
    """Every school side by side on the key metrics, one chart per metric, and the zone's equity gaps."""
    metrics = [m for m in ZONE_OVERVIEW_METRICS if m in data.metrics]
    schools = data.schools
    table = []
    for school in [*schools, {"school_id": ZONE, "school_name": "Zone", "grade_span": ""}]:
        table.append(
            {
                "school": school,
                "values": [
                    sections.shown(m, data.cell(school["school_id"], m)) if data.cell(school["school_id"], m) else "—"
                    for m in metrics
                ],
            }
        )
    charts, spreads = [], []
    # The first four key figures, and in a zone of a bar per school every further share of students (a funnel each).
    charted = metrics[:4] + ([m for m in metrics[4:] if is_share(m)] if len(schools) <= MANY_SCHOOLS else [])
    for metric in charted:
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
        if is_share(metric) and zone_value is not None:
            charts.append(funnel_chart(info, pairs, zone_value))
            continue
        spec = figures.subgroup_bars(
            [n for n, _ in pairs],
            [c.value for _, c in pairs],
            all_value=zone_value,
            title=f"{info.label} by school",
            unit=info.unit,
            axis_title=info.label,
            marked_label="Zone",
            lows=[c.ci_low for _, c in pairs],
            highs=[c.ci_high for _, c in pairs],
            clear=[
                sentences.evidence_of(info, c, c.zone_gap_signal, sections.min_finding_n) == signals.LIKELY_REAL
                for _, c in pairs
            ],
            dots=metric in BAND_METRICS,
        )
        # The marks say "gap" of a group; here a school differs from the rest of the zone.
        for trace in spec["data"]:
            trace["name"] = trace["name"].replace("gap", "difference from the rest of the zone")
        div_id = f"zone-{metric.replace('_', '-')}"
        drawn = "Dot chart" if metric in BAND_METRICS else "Bar chart"
        summary = (
            f"{drawn} of {info.label.lower()} by school, each with its likely range and the schools whose "
            "difference from the rest of the zone is likely real marked, with the zone as a dashed line; "
            "the numbers are in the table that follows."
        )
        rows = [[name, sections.count(c), sections.with_range(c), sections.versus_rest_of_zone(c)] for name, c in pairs]
        charts.append(
            Chart(
                div_id,
                f"{info.label} by school",
                summary,
                figures.figure_html(spec, div_id, summary),
                ["School", "Students", info.label, "vs the rest of the zone"],
                rows,
                note=sections.no_range_note([c for _, c in pairs]),
            )
        )
    return {
        "metrics": [data.metrics[m] for m in metrics],
        "table": table,
        "charts": charts,
        "spreads": spreads,
        "funnel_note": FUNNEL_NOTE if any(c.id.startswith("zone-funnel-") for c in charts) else None,
        "equity": sections.equity(ZONE),
        "attendance": sections.attendance(ZONE),
        "discipline_in_extract": sections.discipline_in_extract,
    }


def is_share(metric: str) -> bool:
    """A share of students (chronic absence, suspensions): the measures a funnel plot is made for."""
    registered = metric_for(metric)
    return bool(registered and registered.counts_students)


# Said once above the funnel plots (zone.html.j2), not under each.
FUNNEL_NOTE = (
    "Each dot is a school, placed by its number of students. Inside the dashed curves, a school's "
    "difference from the zone is within normal variation for a school of its size; outside them it is "
    "likely real, and outside the dotted curves very likely. Small schools swing more by chance, so "
    "their curves are wider."
)


# Where a school can fall in a funnel plot, from below the lower 99.8% limit to above the upper one.
FUNNEL_POSITIONS = ("below 99.8%", "below 95%", "within", "above 95%", "above 99.8%")


def funnel_words(info: MetricInfo, position: str) -> str:
    """A school's place in the funnel in words: 'within normal variation', 'worse than the zone, likely real'."""
    if position == "within":
        return "within normal variation"
    above = position.startswith("above")
    word = sentences.judgement(info, 1.0 if above else -1.0) or ("higher" if above else "lower")
    strength = "very likely real" if position.endswith("99.8%") else "likely real"
    return f"{word} than the zone, {strength}"


def funnel_chart(info: MetricInfo, pairs: list[tuple[str, Cell]], zone_value: float) -> Chart:
    """Each school's share against its number of students, with the zone's 95% and 99.8% limits."""
    pairs = [(name, c) for name, c in pairs if c.n]
    title = f"{info.label}: each school against its size"
    div_id = f"zone-funnel-{info.id.replace(':', '-').replace('_', '-')}"
    spec = figures.funnel_plot(
        [name for name, _ in pairs],
        [c.value for _, c in pairs],
        [c.n for _, c in pairs],
        zone_value=zone_value,
        title=title,
        axis_title=info.label,
    )
    summary = (
        f"Funnel plot of {info.label.lower()} by school against the number of students, with the zone "
        f"({format_value(zone_value, info.unit)}) and its 95% and 99.8% limits; the numbers are in the table "
        "that follows."
    )
    # The table groups the schools by where they fall, worst first: short enough to read, and every school's
    # figure and size are in it (the chart's full text alternative).
    groups: dict[str, list[str]] = {}
    for name, c in sorted(pairs, key=lambda pair: pair[1].value, reverse=info.higher_is_better is False):
        words = funnel_words(info, figures.funnel_position(c.value, c.n, zone_value))
        groups.setdefault(words, []).append(f"{name} {format_value(c.value, info.unit)} ({c.n:,} students)")
    order = [funnel_words(info, p) for p in FUNNEL_POSITIONS]
    if info.higher_is_better is False:  # worse (higher) first
        order = order[::-1]
    rows = [[words, "; ".join(groups[words])] for words in order if words in groups]
    return Chart(
        div_id, title, summary, figures.figure_html(spec, div_id, summary), ["Compared with the zone", "Schools"], rows
    )


def spread_chart(info: MetricInfo, values: list[float], zone_value: float | None, schools: int) -> Chart:
    """How the schools spread over a metric's values: the chart for a zone too large for a bar per school."""
    edges, counts = figures.bins(values)
    title = f"{info.label} across schools"
    div_id = f"zone-spread-{info.id.replace(':', '-').replace('_', '-')}"
    spec = figures.spread_histogram(
        edges, counts, marked=zone_value, marked_label="Zone", title=title, axis_title=info.label
    )
    summary = (
        f"Bar chart of how many schools have each range of {info.label.lower()}, with the zone as a dashed "
        "line; the numbers are in the table that follows."
    )
    rows = [
        [f"{format_value(low, info.unit)} to {format_value(high, info.unit)}", f"{count:,}"]
        for low, high, count in zip(edges, edges[1:], counts)
    ]
    shown = len(values)
    note = (
        f"{shown:,} schools with a published figure"
        + (f" of {schools:,}" if shown < schools else "")
        + ". Each range holds the schools from its lower end up to, not including, its upper end; the last also "
        "holds its upper end. Each school's own figure is in the list of every school's key figures below."
    )
    return Chart(
        div_id, title, summary, figures.figure_html(spec, div_id, summary), ["Range", "Schools"], rows, note=note
    )
