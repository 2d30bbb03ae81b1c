"""The data-quality page's reconciliation with DESE: marts.state_reconciliation, what differs first.

The known reasons a figure differs are in the page's template
(`_state_reconciliation.html.j2`); the tolerances are settings
(`state_figures.tolerance`).
"""

from __future__ import annotations

import duckdb

from sezp_roadmap.extracts import STATE_METRICS
from sezp_roadmap.metrics import METRICS_BY_ID
from sezp_roadmap.periods import school_year_label
from sezp_roadmap.reporting.formatting import format_difference, format_value, subgroup_label
from sezp_roadmap.warehouse import query, table_exists

STATUS_WORDS = {
    "differs": "differs",
    "agrees": "agrees",
    "ours_hidden": "ours hidden (fewer students than the privacy threshold)",
    "ours_year_to_date": "ours is year to date",
}


def formatted(metric: str, value: float | None) -> str:
    """As the report prints our own figures (a percent with one decimal, days as a number)."""
    return format_value(value, STATE_METRICS[metric])


def _signed(delta: float | None, unit: str) -> str:
    if delta is None:
        return "—"
    if abs(delta) < 0.05:  # the page prints one decimal
        return "same"
    return ("+" if delta > 0 else "−") + format_difference(delta, unit)


def reconciliation(con: duckdb.DuckDBPyConnection) -> dict:
    """marts.state_reconciliation as the data-quality page lists it: what differs first, with counts by status."""
    if not table_exists(con, "marts.state_reconciliation"):
        return {"rows": [], "counts": {}}
    rows = []
    counts: dict[str, int] = {}
    for r in query(con, "pages/state_reconciliation"):
        counts[r["status"]] = counts.get(r["status"], 0) + 1
        unit = STATE_METRICS[r["metric"]]
        rows.append(
            {
                "school": r["school_name"] or r["school_id"],
                "state_school_id": r["state_school_id"],
                "year": school_year_label(r["school_year"]),
                "group": subgroup_label(r["subgroup"]),
                "measure": METRICS_BY_ID[r["metric"]].label,
                "ours": formatted(r["metric"], r["our_value"]) or "hidden",
                "state": formatted(r["metric"], r["state_value"]),
                "difference": _signed(r["difference"], unit),
                "tolerance": format_difference(r["tolerance"], unit) if r["tolerance"] is not None else "—",
                "status": r["status"],
                "status_words": STATUS_WORDS.get(r["status"], r["status"]),
            }
        )
    return {"rows": rows, "counts": counts}
