"""Small published aggregates the reports chart besides the metric mart.

The monthly attendance trend, the spread of students across absence bands and
discipline by month are computed in SQL (`sql/reports/*.sql`) from the working
tables, with small-cell suppression applied there, so the renderer never reads
a student-level row.
"""

from __future__ import annotations

import duckdb

from sezp_roadmap.config import Settings
from sezp_roadmap.warehouse import run_sql

# Students who miss 5% of their days are one bad month away from chronic
# absence: the band below chronic absence that schools watch.
WATCH_ABSENCE_PCT = 5
AGGREGATES = ("monthly_attendance", "absence_bands", "monthly_discipline")


def build_report_aggregates(con: duckdb.DuckDBPyConnection, settings: Settings) -> dict[str, int]:
    """Create marts.monthly_attendance, marts.absence_bands and marts.monthly_discipline; returns their row counts."""
    params = {
        "min_students": settings.min_students,
        "watch_absence_pct": WATCH_ABSENCE_PCT,
        "chronic_absence_pct": settings.chronic_absence_pct,
        "severe_absence_pct": settings.severe_absence_pct,
    }
    counts = {}
    for name in AGGREGATES:
        run_sql(con, f"reports/{name}", params)
        counts[name] = con.execute(f"select count(*) from marts.{name}").fetchone()[0]
    return counts
