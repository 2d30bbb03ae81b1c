"""The engine that runs the metric SQL in `sql/`: student tables, metric cells, suppression, the marts.

The metrics themselves are the registry in sezp_roadmap.metrics: the engine
runs each metric's SQL file once, then applies the privacy suppression and
publishes marts.metric_values and marts.metric_comparisons.
"""

from __future__ import annotations

import duckdb

from sezp_roadmap import metrics, subgroups, suppression
from sezp_roadmap.config import Settings
from sezp_roadmap.metrics import METRICS
from sezp_roadmap.periods import PERIODS
from sezp_roadmap.warehouse import create_like, insert_rows, replace_run_periods, run_sql, table_exists, transaction

# A (school year, period) partition; None for a run over every period.
Periods = list[tuple[int, str]] | None


def write_settings_tables(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """Configuration the SQL reads: periods per school year and the attendance code table."""
    years = [r[0] for r in con.execute("select distinct school_year from staging.calendar order by 1").fetchall()]
    run_sql(
        con,
        "meta/periods",
        {
            "periods": list(PERIODS),
            "cutoff_years": years,
            "cutoff_dates": [settings.mid_year_cutoff(y) for y in years],
            "as_of_date": settings.as_of_date,
        },
    )
    con.execute(
        "create or replace table meta.attendance_codes (code varchar primary key, absent_days decimal(18,3), label varchar)"
    )
    insert_rows(
        con,
        "meta.attendance_codes",
        [(code, days, settings.attendance_code_labels[code]) for code, days in settings.attendance_codes.items()],
    )
    write_registry_tables(con, settings)
    write_assessment_tables(con, settings)


def write_assessment_tables(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """meta.assessments and meta.assessment_levels: the assessments of the settings, as tables the SQL joins."""
    assessments = settings.assessments
    con.execute(
        "create or replace table meta.assessments "
        "(assessment varchar primary key, label varchar, subject varchar, kind varchar, meeting_label varchar)"
    )
    con.execute(
        "create or replace table meta.assessment_levels "
        "(assessment varchar, level varchar, level_order integer, is_meeting boolean, primary key (assessment, level))"
    )
    insert_rows(con, "meta.assessments", [(a.id, a.label, a.subject, a.kind, a.meeting_label) for a in assessments])
    insert_rows(
        con,
        "meta.assessment_levels",
        [
            (a.id, level, order, level in a.meeting)
            for a in assessments
            for order, level in enumerate(a.levels, start=1)
        ],
    )


def write_metric_minimums(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """work.metric_minimums: (family, min_n) for the metric families with a minimum n of their own
    (the registry's min_n_setting: the mean growth percentile's 20)."""
    con.execute("create or replace table work.metric_minimums (family varchar, min_n integer)")
    insert_rows(con, "work.metric_minimums", list(metrics.own_minimums(settings).items()))


def write_registry_tables(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """meta.metrics and meta.subgroups: the registries the SQL joins instead of listing ids itself."""
    metrics.write_registry_table(con, settings)
    subgroups.write_registry_table(con)


def write_run_periods(con: duckdb.DuckDBPyConnection, periods: Periods = None) -> int:
    """work.run_periods: the partitions this run computes (every period of meta.periods when None)."""
    chosen = list(periods or [])
    run_sql(
        con,
        "work/run_periods",
        {
            "all_periods": periods is None,
            "years": [year for year, _ in chosen],
            "periods": [period for _, period in chosen],
        },
    )
    return con.execute("select count(*) from work.run_periods").fetchone()[0]


def compute_student_tables(con: duckdb.DuckDBPyConnection, settings: Settings, periods: Periods = None) -> None:
    """Student-level working tables of the run's periods: membership, absences, subgroups (never published).

    periods: the (school year, period) partitions to compute; None computes every period.
    The work schema holds one run's working tables only, so it starts empty: no
    table of an earlier run (or of an earlier version's layout) is ever read.
    """
    con.execute("drop schema if exists work cascade")
    con.execute("create schema work")
    write_settings_tables(con, settings)
    write_run_periods(con, periods)
    run_sql(con, "work/student_tables")
    thresholds = {
        "min_membership_days": settings.min_membership_days,
        "chronic_absence_pct": settings.chronic_absence_pct,
        "severe_absence_pct": settings.severe_absence_pct,
    }
    for years in year_batches(con):
        run_sql(con, "work/student_attendance", {**thresholds, "school_years": years})
    run_sql(con, "work/student_subgroups")


# Above this many attendance exceptions, the student tables are computed one
# school year at a time: a state's tens of millions of rows a third at a time
# keep DuckDB's hash tables in memory (about a third less work in all). Below
# it, one pass over every year is quicker.
ONE_YEAR_AT_A_TIME_ROWS = 10_000_000


def year_batches(con: duckdb.DuckDBPyConnection) -> list[list[int]]:
    """The run's school years in the groups sql/work/student_attendance.sql computes together."""
    years = [row[0] for row in con.execute("select distinct school_year from work.run_periods order by 1").fetchall()]
    exceptions = con.execute("select count(*) from staging.attendance").fetchone()[0]
    return [[year] for year in years] if exceptions > ONE_YEAR_AT_A_TIME_ROWS else [years]


def compute_metric_values(con: duckdb.DuckDBPyConnection, settings: Settings, periods: Periods = None) -> int:
    """Run every metric's SQL for the run's periods, suppress small cells, update the marts.

    Replaces the run's (school year, period) rows of marts.metric_values and
    marts.metric_comparisons in one transaction (other periods' rows stay) and
    rebuilds marts.metric_catalog; returns how many metric_values rows the run wrote.
    Expects compute_student_tables to have run, for the same periods, on this warehouse.
    A period's comparison with the prior year reads that year's rows from
    marts.metric_values, so periods are built in chronological order.
    """
    thresholds = {"min_students": settings.min_students, "min_respondents": settings.min_respondents}
    all_periods = periods is None
    write_registry_tables(con, settings)
    write_assessment_tables(con, settings)
    write_metric_minimums(con, settings)
    write_run_periods(con, periods)
    run_sql(con, "work/metric_cells")
    run_sql(con, "work/administrations")
    for sql_name in dict.fromkeys(m.sql for m in METRICS):
        run_sql(con, f"work/metrics/{sql_name}")
    run_sql(con, "work/metric_catalog")
    _merge_catalog(con, all_periods)
    run_sql(con, "work/other_cells")
    suppression.apply(con, **thresholds)
    run_sql(con, "marts/metric_values")
    # Before the transaction: what it drops frees its memory at once, which a
    # drop inside a transaction does only at the commit.
    run_sql(con, "marts/assessment_levels")
    with transaction(con):
        rows = replace_run_periods(con, "metric_values", all_periods=all_periods)
        run_sql(con, "marts/metric_comparisons", {**thresholds, "false_discovery_rate": settings.false_discovery_rate})
        replace_run_periods(con, "metric_comparisons", all_periods=all_periods)
        replace_run_periods(con, "assessment_levels", all_periods=all_periods)
        # Topics and domains no period publishes any more leave the catalog.
        con.execute(
            "delete from meta.metric_catalog as c where c.metric like '%:%' "
            "and not exists (select 1 from marts.metric_values as v where v.metric = c.metric)"
        )
        run_sql(con, "marts/metric_catalog")
    # In the marts now; the temporary tables would hold memory the next steps need.
    for dropped in (
        "view run_metric_comparisons",
        "table comparison_values",
        "table comparison_discoveries",
        "table school_periods",
        "table run_assessment_levels",
    ):
        con.execute(f"drop {dropped}")
    return rows


def _merge_catalog(con: duckdb.DuckDBPyConnection, all_periods: bool) -> None:
    """meta.metric_catalog: this run's metric ids (work.run_metric_catalog) added to those of earlier runs."""
    if all_periods:
        con.execute("create or replace table meta.metric_catalog as select * from work.run_metric_catalog")
        return
    if not table_exists(con, "meta.metric_catalog"):
        create_like(con, "meta.metric_catalog", "work.run_metric_catalog")
    con.execute(
        "delete from meta.metric_catalog as c where exists (select 1 from work.run_metric_catalog as r where r.metric = c.metric)"
    )
    con.execute("insert into meta.metric_catalog by name select * from work.run_metric_catalog")
