"""The metric registry and the engine that runs the metric SQL in `sql/`.

Each metric names the SQL file that computes it (`sql/metrics/<file>.sql`,
which inserts raw cells into work.metric_cells); the engine runs each file
once, then applies the privacy suppression and publishes marts.metric_values.
Adding a metric is adding a SQL file (or a branch in one) and an entry here.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from sezp_roadmap.config import Settings
from sezp_roadmap.warehouse import run_sql


@dataclass(frozen=True)
class Metric:
    id: str
    label: str
    unit: str  # percent, days, per_100, score (0-10), rating (1-4)
    direction: str  # "higher" or "lower" is better
    description: str
    source: str  # the extract it comes from
    sql: str  # sql/metrics/<sql>.sql computes it
    population: str = "students"  # whose count n is: students, respondents, indicators

    @property
    def higher_is_better(self) -> bool:
        return self.direction == "higher"


METRICS: tuple[Metric, ...] = (
    Metric(
        "attendance_rate",
        "Attendance rate",
        "percent",
        "higher",
        "Share of school days students attended, out of the days they were enrolled "
        "(students enrolled at least 20 days).",
        "attendance",
        "attendance",
    ),
    Metric(
        "chronic_absence_rate",
        "Chronic absence",
        "percent",
        "lower",
        "Share of students who missed 10% or more of the days they were enrolled, for any reason.",
        "attendance",
        "attendance",
    ),
    Metric(
        "severe_absence_rate",
        "Severe chronic absence",
        "percent",
        "lower",
        "Share of students who missed 20% or more of the days they were enrolled, for any reason.",
        "attendance",
        "attendance",
    ),
    Metric(
        "avg_days_absent",
        "Average days absent",
        "days",
        "lower",
        "Average number of days a student missed, counting half-day absences as half a day.",
        "attendance",
        "attendance",
    ),
)

METRICS_BY_ID = {m.id: m for m in METRICS}


def metric_for(metric_id: str) -> Metric | None:
    """The registry entry of a metric id (`family_favorable:<topic>` resolves to its family)."""
    return METRICS_BY_ID.get(metric_id) or METRICS_BY_ID.get(metric_id.split(":", 1)[0] + ":*")


def write_settings_tables(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """Configuration the SQL reads: periods per school year and the attendance code table."""
    years = [r[0] for r in con.execute("select distinct school_year from staging.calendar order by 1").fetchall()]
    run_sql(
        con,
        "work/periods",
        {
            "cutoff_years": years,
            "cutoff_dates": [settings.mid_year_cutoff(y) for y in years],
            "as_of_date": settings.as_of_date,
        },
    )
    con.execute("create or replace table meta.attendance_codes (code varchar primary key, absent_days decimal(18,3), label varchar)")
    for code, days in settings.attendance_codes.items():
        con.execute(
            "insert into meta.attendance_codes values (?, ?, ?)", [code, days, settings.attendance_code_labels[code]]
        )
    con.execute(
        "create or replace table meta.metrics as select * from (values "
        + ", ".join(["(?, ?, ?, ?, ?, ?, ?)"] * len(METRICS))
        + ") as m(metric, label, unit, direction, description, source, population)",
        [v for m in METRICS for v in (m.id, m.label, m.unit, m.direction, m.description, m.source, m.population)],
    )


def compute_student_tables(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """Student-level working tables: membership, absences, subgroups (never published)."""
    write_settings_tables(con, settings)
    run_sql(
        con,
        "work/student_attendance",
        {
            "min_membership_days": settings.min_membership_days,
            "chronic_absence_pct": settings.chronic_absence_pct,
            "severe_absence_pct": settings.severe_absence_pct,
        },
    )
    run_sql(con, "work/student_subgroups")


def compute_metric_values(con: duckdb.DuckDBPyConnection, settings: Settings) -> int:
    """Run every metric's SQL, suppress small cells, publish marts.metric_values; returns its row count."""
    run_sql(con, "work/metric_cells")
    for sql_name in dict.fromkeys(m.sql for m in METRICS):
        run_sql(con, f"metrics/{sql_name}")
    run_sql(
        con,
        "marts/metric_values",
        {"min_students": settings.min_students, "min_respondents": settings.min_respondents},
    )
    return con.execute("select count(*) from marts.metric_values").fetchone()[0]
