"""Small published aggregates the reports chart besides the metric mart.

The monthly attendance trend, the spread of students across absence bands and
discipline by month are computed in SQL (`sql/pages/*.sql`) from the working
tables, with small-cell suppression applied there, so the renderer never reads
a student-level row.
"""

from __future__ import annotations

import duckdb

from sezp_roadmap.config import Settings
from sezp_roadmap.warehouse import replace_run_periods, run_sql, transaction

# Students who miss 5% of their days are one bad month away from chronic
# absence: the band below chronic absence that schools watch.
WATCH_ABSENCE_PCT = 5
AGGREGATES = ("monthly_attendance", "absence_bands", "monthly_discipline")


def build_report_aggregates(
    con: duckdb.DuckDBPyConnection, settings: Settings, *, all_periods: bool = True
) -> dict[str, int]:
    """marts.monthly_attendance, marts.absence_bands and marts.monthly_discipline for the run's periods.

    Reads the working tables of the periods in work.run_periods and replaces
    those periods' rows of each mart in one transaction; returns the rows written per table.
    all_periods: the run covers every period (a mart whose columns changed is then simply rebuilt).
    """
    params = {
        "min_students": settings.min_students,
        "watch_absence_pct": WATCH_ABSENCE_PCT,
        "chronic_absence_pct": settings.chronic_absence_pct,
        "severe_absence_pct": settings.severe_absence_pct,
    }
    for name in AGGREGATES:
        run_sql(con, f"marts/{name}", params)
    with transaction(con):
        return {name: replace_run_periods(con, name, all_periods=all_periods) for name in AGGREGATES}
