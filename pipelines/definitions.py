"""The Dagster code location: `dagster dev` from the repository root loads this module.

Nothing here opens the warehouse: assets open it while they run, one at a
time (in-process executor, and dagster_home/dagster.yaml runs one run at a time).
"""

import dagster as dg

from pipelines.defs.checks import extract_checks
from pipelines.defs.ingest import extract_assets, landing_files
from pipelines.defs.metrics import metric_marts, state_reconciliation, student_attendance
from pipelines.defs.reports import published_roadmap, roadmap_reports
from pipelines.resources import default_paths
from pipelines.schedules import build_schedules
from pipelines.sensors import build_landing_sensor

ingest_assets = [landing_files, extract_assets]
# Partitioned by school year x period (pipelines/partitions.py).
partitioned_assets = [student_attendance, metric_marts, roadmap_reports]
all_assets = [*ingest_assets, *partitioned_assets, state_reconciliation, published_roadmap]
# The extracts' blocking validation checks, all run in one step (pipelines/defs/checks.py).
all_assets += [extract_checks]

refresh_roadmap_job = dg.define_asset_job(
    "refresh_roadmap",
    selection=dg.AssetSelection.all(),
    description=(
        "Re-ingest and check the landing folder, compute one school year and period, render its reports, "
        "publish. A backfill over every partition rebuilds everything."
    ),
)

ingest_landing_job = dg.define_asset_job(
    "ingest_landing",
    selection=dg.AssetSelection.assets(*ingest_assets),
    description="Ingest the landing folder and run every extract's checks, without computing or publishing anything.",
)

paths = default_paths()

defs = dg.Definitions(
    assets=all_assets,
    jobs=[refresh_roadmap_job, ingest_landing_job],
    schedules=build_schedules(refresh_roadmap_job, paths.settings()),
    sensors=[build_landing_sensor(refresh_roadmap_job, paths.data_dir, paths.profile)],
    resources={"paths": paths},
    # DuckDB allows one writer per file: steps run one after another in one process.
    executor=dg.in_process_executor,
)
