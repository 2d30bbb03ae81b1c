"""Plotly figures built from small aggregate rows (never from student-level data).

Figures use a slim layout instead of Plotly's default template (which adds
7 KB to every chart) and a color-blind-safe palette (Okabe-Ito).
"""

from __future__ import annotations

import plotly.graph_objects as go

# Okabe-Ito: distinguishable with every common color-vision deficiency.
PALETTE = {"school": "#0072B2", "zone": "#E69F00", "prior": "#999999", "accent": "#D55E00", "good": "#009E73"}
FONT = "system-ui, -apple-system, Segoe UI, Roboto, sans-serif"


def _layout(fig: go.Figure, *, title: str, yaxis_title: str, height: int = 320) -> go.Figure:
    fig.update_layout(
        template="none",
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 16}},
        font={"family": FONT, "size": 13, "color": "#1a1a1a"},
        height=height,
        margin={"l": 60, "r": 20, "t": 50, "b": 50},
        legend={"orientation": "h", "y": -0.2},
        yaxis={"title": {"text": yaxis_title}, "gridcolor": "#dddddd", "rangemode": "tozero"},
        paper_bgcolor="white",
        plot_bgcolor="white",
        barmode="group",
    )
    return fig


def school_vs_zone_bars(rows: list[dict], *, title: str, unit_label: str) -> go.Figure:
    """Grouped bars: this school, the zone, and this school a year earlier, one group per metric.

    rows: {"label", "school", "zone", "prior"} with None for a missing or suppressed value.
    """
    labels = [r["label"] for r in rows]
    fig = go.Figure()
    for key, name in (("school", "This school"), ("prior", "This school, last year"), ("zone", "Zone")):
        values = [r.get(key) for r in rows]
        if all(v is None for v in values):
            continue
        fig.add_bar(
            name=name,
            x=labels,
            y=values,
            marker_color=PALETTE[key],
            text=[f"{v:.1f}" if v is not None else "" for v in values],
            textposition="outside",
            hovertemplate="%{x}: %{y:.1f}<extra>" + name + "</extra>",
        )
    return _layout(fig, title=title, yaxis_title=unit_label)


def figure_html(fig: go.Figure, div_id: str) -> str:
    """The chart's HTML fragment; plotly.js itself is loaded once from the shared assets folder."""
    return fig.to_html(
        full_html=False,
        include_plotlyjs=False,
        div_id=div_id,
        config={"displaylogo": False, "responsive": True, "modeBarButtonsToRemove": ["lasso2d", "select2d"]},
    )
