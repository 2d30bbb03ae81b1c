"""Metric assets, partitioned by school year x period: student-level working tables, then the marts."""

import dagster as dg

from pipelines.defs.errors import explained_failures
from pipelines.partitions import periods_of, single_run, year_period
from pipelines.resources import RoadmapPaths
from sezp_roadmap import stages


@dg.asset(
    group_name="metrics",
    kinds={"duckdb", "sql"},
    partitions_def=year_period,
    backfill_policy=single_run,
    deps=["calendar", "enrollment", "attendance"],
)
def student_attendance(context: dg.AssetExecutionContext, paths: RoadmapPaths) -> dg.MaterializeResult:
    """Membership and absences of every student per school, zone and period, with their subgroups.

    Working tables (work.*) of the run's partitions only: never published to reports.
    A run of several partitions (a backfill, or `sezp-roadmap build`) computes them
    together; its counts are those of all of them.
    """
    with explained_failures():
        counts = stages.build_student_tables(paths.locations, paths.settings(), periods_of(context))
    return dg.MaterializeResult(metadata={k: dg.MetadataValue.int(v) for k, v in counts.items()})


def _number(value) -> str:
    return "hidden" if value is None else f"{value:,.1f}"


def zone_preview_markdown(rows: list[tuple]) -> str:
    """The zone's headline figures for the partition, all students (hidden cells say so)."""
    lines = ["| school year | period | metric | n | value |", "|---|---|---|---|---|"]
    lines += [f"| {year} | {period} | {metric} | {n:,} | {_number(value)} |" for year, period, metric, n, value in rows]
    return "\n".join(lines)


@dg.asset(
    group_name="metrics",
    kinds={"duckdb", "sql"},
    partitions_def=year_period,
    backfill_policy=single_run,
    deps=[
        student_attendance, "schools", "discipline", "family_survey", "educator_survey", "sqr", "targets", "assessments",
    ],
)
def metric_values(context: dg.AssetExecutionContext, paths: RoadmapPaths) -> dg.MaterializeResult:
    """marts.metric_values: every metric by school (and ZONE), subgroup, for the run's school years and periods.

    Small cells are suppressed here, before anything is published; also updates
    marts.metric_comparisons (prior year, zone, gaps, targets), marts.metric_catalog
    and the report aggregates. Other partitions' rows stay as earlier runs left them.
    """
    with explained_failures():
        counts = stages.build_metric_values(paths.locations, paths.settings(), periods_of(context))
    preview = counts.pop("zone_preview")
    metadata = {k: dg.MetadataValue.int(v) for k, v in counts.items()}
    metadata["zone preview"] = dg.MetadataValue.md(zone_preview_markdown(preview))
    return dg.MaterializeResult(metadata=metadata)


@dg.asset(group_name="metrics", kinds={"duckdb", "sql"}, deps=[metric_values, "state_figures", "schools"])
def state_reconciliation(paths: RoadmapPaths) -> dg.MaterializeResult:
    """marts.state_reconciliation: every end-of-year figure of ours that DESE also published, ours beside the state's.

    Unpartitioned: rebuilt from every end-of-year period of marts.metric_values in every run.
    """
    with explained_failures():
        counts = stages.build_state_reconciliation(paths.locations, paths.settings())
    return dg.MaterializeResult(metadata={status: dg.MetadataValue.int(n) for status, n in counts.items()})
