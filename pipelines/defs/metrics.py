"""Metric assets: student-level working tables, then the published metric mart."""

import dagster as dg

from pipelines.defs.errors import explained_failures
from pipelines.resources import RoadmapPaths
from sezp_roadmap import stages


@dg.asset(group_name="metrics", kinds={"duckdb", "sql"}, deps=["calendar", "enrollment", "attendance"])
def student_attendance(paths: RoadmapPaths) -> dg.MaterializeResult:
    """Membership and absences of every student per school, zone and period, with their subgroups.

    Working tables (work.*): never published to reports.
    """
    with explained_failures():
        counts = stages.build_student_tables(paths.locations, paths.settings())
    return dg.MaterializeResult(metadata={k: dg.MetadataValue.int(v) for k, v in counts.items()})


@dg.asset(
    group_name="metrics",
    kinds={"duckdb", "sql"},
    deps=[
        student_attendance, "schools", "discipline", "family_survey", "educator_survey", "sqr", "targets",
    ],
)
def metric_values(paths: RoadmapPaths) -> dg.MaterializeResult:
    """marts.metric_values: every metric by school (and ZONE), school year, period and subgroup.

    Small cells are suppressed here, before anything is published; also builds
    marts.metric_comparisons (prior year, zone, gaps, targets) and marts.metric_catalog.
    """
    with explained_failures():
        counts = stages.build_metric_values(paths.locations, paths.settings())
    return dg.MaterializeResult(metadata={k: dg.MetadataValue.int(v) for k, v in counts.items()})
