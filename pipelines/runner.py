"""Materializing every asset in process: what `sezp-roadmap build` runs.

This is the same set of assets `dagster dev` shows, not a second pipeline.
"""

import warnings
from dataclasses import dataclass, field

import dagster as dg

from pipelines.definitions import all_assets, ingest_assets
from pipelines.defs.checks import NOTES, extract_checks
from pipelines.defs.reports import roadmap_reports
from pipelines.instance import build_instance
from pipelines.partitions import range_tags, school_years
from pipelines.resources import RoadmapPaths
from sezp_roadmap import stages


@dataclass
class BuildOutcome:
    success: bool
    problems: list[str] = field(default_factory=list)
    # Rows the passed checks left out of the figures, and files read as zero rows (validation.uncounted).
    notes: list[str] = field(default_factory=list)
    step_seconds: dict[str, float] = field(default_factory=dict)
    # Per asset, from its materialization. A run of several partitions materializes
    # each of them with the same metadata: the counts of the whole run, kept once.
    metadata: dict[str, dict] = field(default_factory=dict)

    def total(self, asset: str, key: str) -> int:
        """A count the asset's materialization reported (0 when it did not run)."""
        return int(self.metadata.get(asset, {}).get(key, 0))

    @property
    def stage_seconds(self) -> dict[str, float]:
        """Seconds per stage (ingest, validation, metrics, reports, publish), in pipeline order."""
        totals: dict[str, float] = {}
        for step, seconds in self.step_seconds.items():
            stage = STAGE_OF_STEP.get(step, "validation")
            totals[stage] = round(totals.get(stage, 0.0) + seconds, 2)
        order = ["ingest", "validation", "metrics", "reports", "publish"]
        return {k: totals[k] for k in sorted(totals, key=lambda s: order.index(s) if s in order else len(order))}


# Asset checks run as steps of their own: any step that is not an asset is validation.
# The marts are the metric stage's output.
STAGE_OF_STEP = {
    assets_def.op.name: (
        "publish" if key.to_user_string() == "published_roadmap" else {"marts": "metrics"}.get(group, group)
    )
    for assets_def in all_assets
    for key, group in assets_def.group_names_by_key.items()
}


# The assets of a build's first run: the landing folder, the extracts and their checks.
INGEST_RUN = [*ingest_assets, extract_checks]


def materialize_all(paths: RoadmapPaths, *, skip_reports: bool = False) -> BuildOutcome:
    """Run the pipeline; bad input comes back as problems, never as a traceback.

    Every asset, as a backfill of Dagster's refresh_roadmap job over every
    school year computes them, in two Dagster runs on one instance: the first
    ingests and checks the landing folder; the second computes every
    (school year, period) partition of the school years the calendar holds in
    one go (each comparison with the prior year finds it), renders their
    reports and publishes. The first failure stops the build and nothing is
    published. skip_reports refreshes (and publishes) the warehouse only; the
    published reports stay as they are.
    """
    outcome = BuildOutcome(success=True)
    selected = [a for a in all_assets if not (skip_reports and a is roadmap_reports)]
    instance = build_instance()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _run(outcome, instance, paths, INGEST_RUN, {})
        if outcome.success:
            rest = [a for a in selected if a not in INGEST_RUN]
            _run(outcome, instance, paths, rest, computed_partitions(paths))
    return outcome


def computed_partitions(paths: RoadmapPaths) -> dict[str, str]:
    """The run tags of the partitions the ingested calendar holds: both periods of its first to its last school year.

    The metric engine computes only the periods of the calendar's school years
    (meta.periods), so a run over these partitions writes what a run over every
    partition would, with a fraction of Dagster's events (one per asset and
    partition). A calendar with no school year among the partitions gets every
    partition, which computes nothing, as before.
    """
    held = stages.calendar_school_years(paths.locations)
    return range_tags(held) or range_tags([int(year) for year in school_years()])


def _run(
    outcome: BuildOutcome, instance: dg.DagsterInstance, paths: RoadmapPaths, selected: list, tags: dict[str, str]
) -> None:
    """Materialize the selected assets (and their checks) in one run; record timings, metadata and problems."""
    result = dg.materialize(
        all_assets,
        selection=dg.AssetSelection.assets(*[k for a in selected for k in a.keys])
        | dg.AssetSelection.checks(*[k for a in selected for k in a.check_keys]),
        resources={"paths": paths},
        instance=instance,
        tags=tags,
        raise_on_error=False,
        # Dagster's own event log would bury the user's message; failures are reported below.
        run_config={"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}},
    )
    outcome.success = outcome.success and result.success
    starts: dict[str, float] = {}
    for entry in instance.all_logs(result.run_id):
        event = entry.dagster_event
        if event is None:
            continue
        if event.event_type_value == "STEP_START":
            starts[event.step_key] = entry.timestamp
        elif event.event_type_value in ("STEP_SUCCESS", "STEP_FAILURE") and event.step_key in starts:
            outcome.step_seconds[event.step_key] = round(entry.timestamp - starts[event.step_key], 2)
    for event in result.all_events:
        step = event.step_key
        if event.is_step_materialization:
            mat = event.event_specific_data.materialization
            outcome.metadata.setdefault(mat.asset_key.to_user_string(), {k: v.value for k, v in mat.metadata.items()})
        if event.event_type_value == "ASSET_CHECK_EVALUATION":
            evaluation = event.event_specific_data
            if not evaluation.passed and evaluation.description:
                outcome.problems.append(evaluation.description)
            notes = evaluation.metadata.get(NOTES)
            if evaluation.passed and notes is not None:
                outcome.notes += notes.value.splitlines()
        if event.is_step_failure:
            data = event.step_failure_data
            if data.error is not None and data.error.cls_name == "DagsterAssetCheckFailedError":
                continue  # explained by the failed check's own description, just above
            if data.user_failure_data is not None and data.user_failure_data.description:
                outcome.problems.append(data.user_failure_data.description)
            else:
                error = data.error.cause if data.error and data.error.cause else data.error
                outcome.problems.append(
                    f"internal error in step {step}: {error.message.strip() if error else 'unknown'}"
                )
