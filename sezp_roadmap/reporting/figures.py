"""Plotly figures built from small aggregate rows (never from student-level data).

Figures are plain Plotly JSON specs (data, layout), written straight into the
page for plotly.js to draw: building and validating `plotly.graph_objects`
figures costs milliseconds each, which over hundreds of charts made rendering
the zone take minutes. The tests validate every spec with graph_objects.

The layout is slim instead of Plotly's default template (7 KB per chart).
Colors come from the Okabe-Ito palette (distinguishable with every common
color-vision deficiency), restricted to those with at least 3:1 contrast on
white (WCAG 1.4.11 for graphics); every chart also has its numbers in a table.
"""

from __future__ import annotations

import json
import math

from markupsafe import Markup, escape

from sezp_roadmap import subgroups
from sezp_roadmap.reporting.table_rows import escaped

PALETTE = {
    "school": "#0072B2",  # blue: this school, this year
    "zone": "#D55E00",  # vermillion: the zone
    "prior": "#6B6B6B",  # gray: the same point last year
    "second": "#CC79A7",  # reddish purple: a second series (out-of-school suspensions)
    "reference": "#1A1A1A",  # the all-students line
    "limit": "#6B6B6B",  # a funnel plot's control limits
}
INK = "#1A1A1A"
# The scales of the units that have one: SQR ratings (1 to 4) and survey scores (0 to 10), drawn from 0.
FULL_SCALES = {"rating": (0, 4), "score": (0, 10)}
FONT = "system-ui, -apple-system, Segoe UI, Roboto, sans-serif"
CONFIG = {"displayModeBar": False, "responsive": True, "displaylogo": False}


def plotly_text(value) -> str:
    """Text for a Plotly label, name, title or hover: Plotly draws a subset of HTML in them, and a
    label may come from an extract (a school name, a survey topic, an SQR domain), so it is
    escaped; Plotly shows the entities as the characters they stand for. A Markup value is
    markup already made safe (formatting.wrapped's line breaks) and is kept as it is.
    """
    return escaped(value)


def _texts(values: list[str]) -> list[str]:
    return [plotly_text(v) for v in values]


def _round(values: list[float | None]) -> list[float | None]:
    # Two decimals are more than a reader needs and keep the page small.
    return [None if v is None else round(float(v), 2) for v in values]


def _hover(unit: str) -> str:
    return {"percent": "%{y:.1f}%", "rating": "%{y:.2f}"}.get(unit, "%{y:.1f}")


def _layout(title: str, axis_title: str, *, height: int = 300, horizontal: bool = False, legend: bool = True) -> dict:
    value_axis = {
        "title": {"text": plotly_text(axis_title)},
        "gridcolor": "#D9D9D9",
        "rangemode": "tozero",
        "zeroline": False,
    }
    category_axis = {"automargin": True, "type": "category"}
    # The title is the heading above the chart on the page; `title` only names the chart for screen readers.
    return {
        "meta": {"title": plotly_text(title)},
        "font": {"family": FONT, "size": 13, "color": INK},
        "height": height,
        "margin": {"l": 10, "r": 20, "t": 36 if legend else 24, "b": 40},
        "showlegend": legend,
        "legend": {"orientation": "h", "x": 0, "y": 1.02, "xanchor": "left", "yanchor": "bottom"},
        "xaxis": value_axis if horizontal else category_axis,
        "yaxis": {**category_axis, "autorange": "reversed"} if horizontal else {**value_axis, "automargin": True},
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "barmode": "group",
        "hoverlabel": {"font": {"family": FONT}},
    }


def whiskers(
    values: list[float | None], lows: list[float | None] | None, highs: list[float | None] | None
) -> dict | None:
    """A bar's 95% range as a whisker (Plotly error bars measured from the value); None without any range.

    A value without a range gets no whisker (null), not a zero-length one.
    """
    if not lows or not highs or all(low is None for low in lows):
        return None
    above = [None if v is None or h is None else round(float(h) - float(v), 2) for v, h in zip(values, highs)]
    below = [None if v is None or lo is None else round(float(v) - float(lo), 2) for v, lo in zip(values, lows)]
    return {
        "type": "data",
        "symmetric": False,
        "array": above,
        "arrayminus": below,
        "color": INK,
        "thickness": 1.5,
        "width": 4,
    }


# A rate that sits in a narrow band (the attendance rate: every school between about 85% and 97%) is drawn
# as dots on an axis that shows the band: bars from 0 would make a 10-point difference look like nothing.
BAND_MARGIN = 2.0
# How a group chart marks the groups whose gap is likely real, and the others.
MARKED = ("Likely-real gap", "No likely-real gap")
# The room a legend of the two marks takes under a chart's axis title, in pixels.
LEGEND_BELOW = 64


def band_range(
    values: list[float | None],
    lows: list[float | None] | None,
    highs: list[float | None] | None,
    reference: float | None,
) -> list[float]:
    """An axis that holds every value, range and the reference line, with a little room, within 0 and 100."""
    seen = [v for v in [*values, *(lows or []), *(highs or []), reference] if v is not None]
    low, high = min(seen) - BAND_MARGIN, max(seen) + BAND_MARGIN
    return [max(0.0, math.floor(low)), min(100.0, math.ceil(high))]


def subgroup_bars(
    labels: list[str],
    values: list[float],
    *,
    all_value: float | None,
    title: str,
    unit: str,
    axis_title: str,
    marked_label: str = subgroups.short_label("all"),
    lows: list[float | None] | None = None,
    highs: list[float | None] | None = None,
    clear: list[bool] | None = None,
    dots: bool = False,
) -> dict:
    """Horizontal bars, one per subgroup (suppressed subgroups are left out), with a line at all students,
    and each bar's 95% range as a whisker where lows and highs are given.

    clear: which groups' gaps are likely real; they are drawn in the school's color, the others in gray,
    each set named in the legend. dots: a dot per group on an axis fitted to the values (a narrow band,
    BAND_MARGIN), instead of a bar from 0. Groups keep the order given, top to bottom.
    The zone overview draws a bar per school the same way, its line at the zone (marked_label "Zone").
    """
    hover = _hover(unit).replace("%{y", "%{x")
    sets = [(None, list(range(len(labels))), "school")]
    if clear is not None:
        sets = [
            (MARKED[0], [i for i, c in enumerate(clear) if c], "school"),
            (MARKED[1], [i for i, c in enumerate(clear) if not c], "prior"),
        ]
    data = []
    for name, positions, color in sets:
        if not positions:
            continue
        trace = {
            "name": name or "Subgroup",
            "y": _texts([labels[i] for i in positions]),
            "x": _round([values[i] for i in positions]),
            "marker": {"color": PALETTE[color]},
            "hovertemplate": "%{y}: " + hover + "<extra></extra>",
        }
        if dots:
            trace.update(type="scatter", mode="markers")
            trace["marker"].update(size=11, symbol="circle" if color == "school" else "diamond")
        else:
            trace.update(type="bar", orientation="h")
        error = whiskers(
            [values[i] for i in positions],
            [lows[i] for i in positions] if lows else None,
            [highs[i] for i in positions] if highs else None,
        )
        if error:
            trace["error_x"] = error
        data.append(trace)
    legend = clear is not None and len(data) > 1
    rows_height = max(180, 50 + 24 * len(labels))
    layout = _layout(
        title, axis_title, height=rows_height + (LEGEND_BELOW if legend else 0), horizontal=True, legend=False
    )
    # Several traces share the category axis: it keeps the order given, not the order the traces name them.
    layout["yaxis"].update(categoryorder="array", categoryarray=_texts(list(labels)), dtick=1)
    layout["barmode"] = "overlay"
    if legend:  # under the axis title, clear of the reference line's name above the chart
        layout["showlegend"] = True
        layout["margin"]["b"] = 40 + LEGEND_BELOW
        plot_height = layout["height"] - layout["margin"]["t"] - layout["margin"]["b"]
        layout["legend"].update(y=-62 / plot_height, yanchor="top", orientation="v")
    if dots:
        layout["xaxis"].pop("rangemode", None)
        layout["xaxis"]["range"] = band_range(values, lows, highs, all_value)
    if all_value is not None:
        _mark(layout, all_value, marked_label)
    return {"data": data, "layout": layout}


def _mark(layout: dict, x: float, label: str) -> None:
    """A dashed reference line across the chart at x on the value axis, named above the chart."""
    layout["shapes"] = [
        {
            "type": "line",
            "xref": "x",
            "yref": "paper",
            "x0": round(x, 2),
            "x1": round(x, 2),
            "y0": 0,
            "y1": 1,
            "line": {"color": PALETTE["reference"], "width": 2, "dash": "dash"},
        }
    ]
    layout["annotations"] = [
        {
            "x": round(x, 2),
            "y": 1,
            "xref": "x",
            "yref": "paper",
            "yanchor": "bottom",
            "showarrow": False,
            "text": plotly_text(label),
            "font": {"size": 12, "color": INK},
        }
    ]


# Performance levels from the lowest up: warm colors below expectations, blues at or above them;
# every color has at least 3:1 contrast on white, and the table beside the chart has the numbers.
LEVELS_BELOW = ("#8A3B12", "#D55E00", "#6B6B6B", "#4D4D4D")
LEVELS_MEETING = ("#0072B2", "#004C77", "#00324F")


def stacked_levels(labels: list[str], levels: list[tuple[str, bool]], shares: list[list[float]], *, title: str) -> dict:
    """One horizontal bar per group, split into the shares of students at each performance level.

    levels: (name, counts as meeting) from the lowest level up; shares[g][k]: percent of group g at level k.
    """
    data, below, above, labels = [], 0, 0, _texts(labels)
    for k, (level, meeting) in enumerate(levels):
        name = plotly_text(level)
        if meeting:
            color, above = LEVELS_MEETING[min(above, len(LEVELS_MEETING) - 1)], above + 1
        else:
            color, below = LEVELS_BELOW[min(below, len(LEVELS_BELOW) - 1)], below + 1
        data.append(
            {
                "type": "bar",
                "orientation": "h",
                "name": name,
                "y": labels,
                "x": _round([row[k] for row in shares]),
                "marker": {"color": color, "line": {"color": "white", "width": 1}},
                "hovertemplate": "%{y}: %{x:.1f}% " + name.replace("%", "%%") + "<extra></extra>",
            }
        )
    layout = _layout(title, "Percent of tested students", height=max(200, 80 + 26 * len(labels)), horizontal=True)
    layout["barmode"] = "stack"
    layout["xaxis"]["range"] = [0, 100]
    # Levels read left to right from the lowest, in the legend as in the bars.
    layout["legend"]["traceorder"] = "normal"
    return {"data": data, "layout": layout}


def grouped_bars(
    categories: list[str],
    series: list[tuple[str, list[float | None], str]],
    *,
    title: str,
    unit: str,
    axis_title: str,
    horizontal: bool = False,
    ranges: dict[str, tuple[list[float | None], list[float | None]]] | None = None,
) -> dict:
    """Bars side by side per category; series are (name, values, palette key).

    ranges: {series name: (lows, highs)}, each bar's 95% range drawn as a whisker.
    """
    data, categories = [], _texts(categories)
    for series_name, values, color in series:
        if all(v is None for v in values):
            continue
        name = plotly_text(series_name)
        trace = {"type": "bar", "name": name, "marker": {"color": PALETTE[color]}}
        error = whiskers(values, *(ranges or {}).get(series_name, (None, None)))
        if error:
            trace["error_x" if horizontal else "error_y"] = error
        if horizontal:
            trace.update(
                orientation="h",
                y=categories,
                x=_round(values),
                hovertemplate="%{y}, " + name + ": " + _hover(unit).replace("%{y", "%{x") + "<extra></extra>",
            )
        else:
            trace.update(
                x=categories, y=_round(values), hovertemplate="%{x}, " + name + ": " + _hover(unit) + "<extra></extra>"
            )
        data.append(trace)
    height = max(200, 80 + 22 * len(categories) * max(1, len(data))) if horizontal else 300
    layout = _layout(title, axis_title, height=height, horizontal=horizontal)
    if unit in FULL_SCALES:  # a rating or a score is read against its whole scale, not against the highest bar
        layout["xaxis" if horizontal else "yaxis"]["range"] = list(FULL_SCALES[unit])
    return {"data": data, "layout": layout}


def monthly_lines(
    months: list[str], series: list[tuple[str, list[float | None], str]], *, title: str, unit: str, axis_title: str
) -> dict:
    """One line per series over the months of the school year (September first)."""
    data, months = [], _texts(months)
    for series_name, values, color in series:
        if all(v is None for v in values):
            continue
        name = plotly_text(series_name)
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": name,
                "x": months,
                "y": _round(values),
                "line": {"color": PALETTE[color], "width": 3, "dash": "dot" if color == "prior" else "solid"},
                "marker": {"size": 8, "symbol": "square" if color == "prior" else "circle"},
                "connectgaps": False,
                "hovertemplate": "%{x}, " + name + ": " + _hover(unit) + "<extra></extra>",
            }
        )
    layout = _layout(title, axis_title)
    layout["yaxis"]["rangemode"] = "normal"
    return {"data": data, "layout": layout}


# Bin widths a reader can add up in their head; the narrowest that gives at most MAX_BINS bins is used.
NICE_STEPS = (0.05, 0.1, 0.2, 0.25, 0.5, 1, 2, 2.5, 5, 10, 20, 25, 50, 100)
MAX_BINS = 20


def bins(values: list[float], max_bins: int = MAX_BINS) -> tuple[list[float], list[int]]:
    """Equal bins of a nice width over the values: (edges, counts), len(edges) == len(counts) + 1.

    Each bin holds the values from its lower edge up to, not including, its
    upper edge; the last bin also holds its upper edge. Edges are multiples of
    the width, so the same values always fall in the same bins.
    """
    if not values:
        return [], []
    low, high = min(values), max(values)
    for step in NICE_STEPS:
        first = math.floor(round(low / step, 9)) * step
        count = max(1, math.ceil(round((high - first) / step, 9)))
        if count <= max_bins:
            break
    edges = [round(first + i * step, 6) for i in range(count + 1)]
    counts = [0] * count
    for v in values:
        counts[min(count - 1, int(round((v - first) / step, 9) // 1))] += 1
    return edges, counts


def spread_histogram(
    edges: list[float], counts: list[int], *, marked: float | None, marked_label: str, title: str, axis_title: str
) -> dict:
    """How many schools fall in each range of a metric (bars touching, one per bin), a dashed line at `marked`."""
    centers = [round((a + b) / 2, 6) for a, b in zip(edges, edges[1:])]
    width = edges[1] - edges[0] if len(edges) > 1 else 1
    data = [
        {
            "type": "bar",
            "name": "Schools",
            "x": centers,
            "y": counts,
            "width": [width] * len(counts),
            "marker": {"color": PALETTE["school"], "line": {"color": "white", "width": 1}},
            "hovertemplate": "%{y} schools<extra></extra>",
        }
    ]
    layout = _layout(title, axis_title, legend=False)
    layout["xaxis"] = {"title": {"text": plotly_text(axis_title)}, "gridcolor": "#D9D9D9", "zeroline": False}
    layout["yaxis"] = {"title": {"text": "Schools"}, "gridcolor": "#D9D9D9", "rangemode": "tozero", "automargin": True}
    if marked is not None:
        _mark(layout, marked, marked_label)
    return {"data": data, "layout": layout}


# Spiegelhalter (2005): the z of a two-sided 95% and 99.8% limit.
Z95 = 1.959964
Z998 = 3.090232
# Points along n at which a funnel's limits are drawn: enough for a smooth curve on any width.
FUNNEL_POINTS = 60


def funnel_limits(p0: float, n: float, z: float) -> tuple[float, float]:
    """A funnel plot's control limits for a share at n: p0 ± z·sqrt(p0(1 − p0)/n), within 0 and 1 (shares, 0–1)."""
    half = z * math.sqrt(p0 * (1 - p0) / n)
    return max(0.0, p0 - half), min(1.0, p0 + half)


def funnel_position(value_pct: float, n: int, p0_pct: float) -> str:
    """Where a school's share falls: 'within', 'above 95%', 'above 99.8%', 'below 95%', 'below 99.8%'."""
    p, p0 = value_pct / 100, p0_pct / 100
    for z, name in ((Z998, "99.8%"), (Z95, "95%")):
        low, high = funnel_limits(p0, n, z)
        if p > high:
            return f"above {name}"
        if p < low:
            return f"below {name}"
    return "within"


def _funnel_grid(ns: list[int]) -> list[float]:
    """n from a little below the smallest school to a little above the largest, evenly on a log scale."""
    low, high = max(1.0, min(ns) / 1.25), max(ns) * 1.25
    step = (math.log(high) - math.log(low)) / (FUNNEL_POINTS - 1)
    return [math.exp(math.log(low) + i * step) for i in range(FUNNEL_POINTS)]


def funnel_plot(
    names: list[str], values: list[float], ns: list[int], *, zone_value: float, title: str, axis_title: str
) -> dict:
    """Each school's share (percent) against its number of students, with the zone's 95% and 99.8% limits as curves.

    A school outside the curves differs from the zone by more than chance explains
    at its size; one inside does not, however far it sits from the zone's line.
    """
    grid = _funnel_grid(ns)
    p0 = zone_value / 100
    data = []
    for z, label, dash in ((Z998, "99.8% limits", "dot"), (Z95, "95% limits", "dash")):
        limits = [funnel_limits(p0, n, z) for n in grid]
        for position in range(2):  # the lower limit, then the upper
            data.append(
                {
                    "type": "scatter",
                    "mode": "lines",
                    "name": label,
                    "legendgroup": label,
                    "showlegend": position == 0,
                    "x": _round(grid),
                    "y": _round([100 * pair[position] for pair in limits]),
                    "line": {"color": PALETTE["limit"], "width": 1.5, "dash": dash, "shape": "spline"},
                    "hoverinfo": "skip",
                }
            )
    data.append(
        {
            "type": "scatter",
            "mode": "lines",
            "name": "Zone",
            "x": [round(grid[0], 2), round(grid[-1], 2)],
            "y": [round(zone_value, 2)] * 2,
            "line": {"color": PALETTE["zone"], "width": 2},
            "hoverinfo": "skip",
        }
    )
    data.append(
        {
            "type": "scatter",
            "mode": "markers",
            "name": "Schools",
            "x": list(ns),
            "y": _round(values),
            "text": _texts(names),
            "marker": {"color": PALETTE["school"], "size": 10, "line": {"color": "white", "width": 1}},
            "hovertemplate": "%{text}: %{y:.1f}%, %{x:,} students<extra></extra>",
        }
    )
    layout = _layout(title, axis_title, height=340)
    layout["xaxis"] = {"title": {"text": "Students in the school"}, "gridcolor": "#D9D9D9", "zeroline": False}
    layout["yaxis"] = {
        "title": {"text": plotly_text(axis_title)},
        "gridcolor": "#D9D9D9",
        "rangemode": "tozero",
        "automargin": True,
    }
    return {"data": data, "layout": layout}


# One encoder for every chart (json.dumps with these options builds a new one per call). A spec is a
# tree of fresh dicts and lists, never a cycle: the encoder need not track the containers it is in.
_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, check_circular=False)


def _script_json(value) -> str:
    """JSON safe inside a <script> element: no '<', '>' or '&' can end it or open a comment."""
    text = _ENCODER.encode(value)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


_CONFIG_JSON = _script_json(CONFIG)


def figure_html(spec: dict, div_id: str, summary: str) -> Markup:
    """The chart's element and the call that draws it.

    The div is an image to assistive technology, labelled with a one-line
    summary; the full numbers are in the table beside every chart. The mode
    bar is off, so the chart holds no focusable control to trap the keyboard.
    """
    # "[data,layout]" encoded in one call, less its brackets, is the call's two arguments.
    data_and_layout = _script_json([spec["data"], spec["layout"]])[1:-1]
    # The id is escaped for each place it goes: an HTML attribute, and a string inside the script.
    return Markup(
        f'<div id="{escape(div_id)}" class="plot" role="img" aria-label="{escape(summary)}"></div>\n'
        f"<script>Plotly.newPlot({_script_json(str(div_id))},{data_and_layout},{_CONFIG_JSON});</script>"
    )
