"""The Dagster code location: `dagster dev` from the repository root loads this module."""

import dagster as dg

from pipelines.defs.checks import extract_checks
from pipelines.defs.ingest import extract_assets, landing_files
from pipelines.defs.metrics import metric_values, student_attendance
from pipelines.defs.reports import published_roadmap, roadmap_reports
from pipelines.resources import default_paths

all_assets = [landing_files, *extract_assets, student_attendance, metric_values, roadmap_reports, published_roadmap]
# The extracts' blocking validation checks run as steps of their own (pipelines/defs/checks.py).
all_assets += extract_checks

build_roadmap_job = dg.define_asset_job(
    "build_roadmap",
    selection=dg.AssetSelection.all(),
    description="Ingest the landing folder, compute every metric, render and publish the reports.",
)

defs = dg.Definitions(
    assets=all_assets,
    jobs=[build_roadmap_job],
    resources={"paths": default_paths()},
    # DuckDB allows one writer per file: steps run one after another in one process.
    executor=dg.in_process_executor,
)
