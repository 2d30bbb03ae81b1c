"""Our end-of-year figures beside the ones DESE published: marts.state_reconciliation.

"Will our numbers match what the state publishes?" For every school mapped to
its DESE code (schools.state_school_id) and every figure of the state_figures
extract, the mart holds ours, the state's, the difference and whether they
agree within the metric's tolerance (settings: state_figures.tolerance). The
SQL is sql/marts/state_reconciliation.sql; the data-quality page lists the
figures that differ first.
"""

from __future__ import annotations

import duckdb

from sezp_roadmap.config import Settings
from sezp_roadmap.errors import InputProblem, Problem
from sezp_roadmap.extracts import STATE_METRICS
from sezp_roadmap.warehouse import run_sql

STATUSES = ("differs", "agrees", "ours_hidden", "ours_year_to_date")


def tolerances(settings: Settings) -> dict[str, float]:
    """Every published metric's tolerance; a metric without one is a settings error, not a silent 'differs'."""
    configured = settings.state_tolerances
    missing = [m for m in STATE_METRICS if m not in configured]
    if missing:
        raise InputProblem(
            [
                Problem(
                    file="settings: state_figures.tolerance",
                    column=m,
                    message="no tolerance is set for this metric",
                    expected="a number in the metric's unit, e.g. 0.5",
                )
                for m in missing
            ]
        )
    return {m: configured[m] for m in STATE_METRICS}


def build_state_reconciliation(con: duckdb.DuckDBPyConnection, settings: Settings) -> dict[str, int]:
    """Rebuild marts.state_reconciliation from every end-of-year period of marts.metric_values; rows by status."""
    chosen = tolerances(settings)
    run_sql(con, "marts/state_reconciliation", {"metrics": list(chosen), "tolerances": list(chosen.values())})
    counts = dict(con.execute("select status, count(*) from marts.state_reconciliation group by status").fetchall())
    return {status: counts.get(status, 0) for status in STATUSES}
