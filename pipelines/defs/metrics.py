"""Metric assets, partitioned by school year x period: student-level working tables, then every published mart."""

import dagster as dg

from pipelines.defs.errors import explained_failures
from pipelines.partitions import periods_of, single_run, year_period
from pipelines.resources import RoadmapPaths
from sezp_roadmap import stages
from sezp_roadmap.dictionary import published_tables
from sezp_roadmap.reporting.aggregates import AGGREGATES


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


def mart_spec(name: str, deps: list) -> dg.AssetSpec:
    """A published marts.<name> table, described and with its columns as the data dictionary gives them."""
    doc = published_tables()[name]
    columns = [dg.TableColumn(column, kind, description=meaning) for column, kind, meaning in doc.columns]
    return dg.AssetSpec(
        name,
        group_name="marts",
        kinds={"duckdb", "sql"},
        description=doc.description,
        deps=deps,
        metadata={"dagster/table_name": doc.name, "dagster/column_schema": dg.TableSchema(columns=columns)},
    )


EXTRACT_DEPS = [
    "schools",
    "discipline",
    "family_survey",
    "family_survey_summary",
    "educator_survey",
    "sqr",
    "targets",
    "assessments",
]
# The tables one run of the metric SQL writes, for the run's partitions, in one transaction each.
METRIC_MARTS = [
    mart_spec("metric_values", [student_attendance, *EXTRACT_DEPS]),
    mart_spec("metric_comparisons", ["metric_values", "targets"]),
    mart_spec("metric_catalog", ["metric_values"]),
    mart_spec("assessment_levels", ["metric_values", "assessments"]),
    *(mart_spec(name, [student_attendance]) for name in AGGREGATES),
]


@dg.multi_asset(
    name="metric_marts",
    specs=METRIC_MARTS,
    partitions_def=year_period,
    backfill_policy=single_run,
    can_subset=False,
)
def metric_marts(context: dg.AssetExecutionContext, paths: RoadmapPaths):
    """Every metric by school (and ZONE) and subgroup for the run's school years and periods, and what reports compare and chart.

    Small cells are suppressed before anything is written. Other partitions' rows stay as earlier runs left them.
    """
    with explained_failures():
        counts = stages.build_metric_values(paths.locations, paths.settings(), periods_of(context))
    preview = counts.pop("zone_preview")
    yield dg.MaterializeResult(
        asset_key="metric_values",
        metadata={
            "rows": dg.MetadataValue.int(counts["rows"]),
            "suppressed": dg.MetadataValue.int(counts["suppressed"]),
            "rows_all_periods": dg.MetadataValue.int(counts["rows_all_periods"]),
            "zone preview": dg.MetadataValue.md(zone_preview_markdown(preview)),
        },
    )
    yield dg.MaterializeResult(asset_key="metric_comparisons", metadata={"rows": dg.MetadataValue.int(counts["rows"])})
    yield dg.MaterializeResult(
        asset_key="metric_catalog", metadata={"metrics": dg.MetadataValue.int(counts["metrics"])}
    )
    yield dg.MaterializeResult(asset_key="assessment_levels")
    for name in AGGREGATES:
        yield dg.MaterializeResult(asset_key=name, metadata={"rows": dg.MetadataValue.int(counts[name])})


_reconciliation = mart_spec("state_reconciliation", ["metric_values", "state_figures", "schools"])


@dg.asset(
    group_name="marts",
    kinds={"duckdb", "sql"},
    deps=_reconciliation.deps,
    description=_reconciliation.description,
    metadata=_reconciliation.metadata,
)
def state_reconciliation(paths: RoadmapPaths) -> dg.MaterializeResult:
    """marts.state_reconciliation: every end-of-year figure of ours that DESE also published, ours beside the state's.

    Unpartitioned: rebuilt from every end-of-year period of marts.metric_values in every run.
    """
    with explained_failures():
        counts = stages.build_state_reconciliation(paths.locations, paths.settings())
    return dg.MaterializeResult(metadata={status: dg.MetadataValue.int(n) for status, n in counts.items()})
