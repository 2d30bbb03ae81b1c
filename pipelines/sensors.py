"""The landing-folder sensor: a new or changed extract file starts a run for the partitions it touches.

The cursor keeps every file's name and modification time; an unchanged file
starts nothing. The sensor only lists the folder and reads the changed files'
year columns in memory: it never opens the warehouse (whose lock belongs to runs).
"""

import datetime as dt
import hashlib
import json
from pathlib import Path

import dagster as dg

from pipelines.partitions import partition_key
from sezp_roadmap.landing import changed_files, school_years_in, snapshot
from sezp_roadmap.periods import school_year_of
from sezp_roadmap.refresh import partitions_for_years


def partitions_for_changes(folder: Path, changed: list[str], today: dt.date) -> list[tuple[int, str]]:
    """Both periods of every school year the changed files have rows for.

    A file with no year of its own (the schools list, a district's export read
    through a source profile) or one that cannot be read touches the current
    school year, so the run that explains it happens.
    """
    years: set[int] = set()
    for name in changed:
        found = school_years_in(folder / name)
        years.update(found or [school_year_of(today)])
    return partitions_for_years(sorted(years), today)


def build_landing_sensor(job, folder: str, profile: str | None = None) -> dg.SensorDefinition:
    @dg.sensor(
        name="landing_folder_sensor",
        job=job,
        minimum_interval_seconds=60,
        default_status=dg.DefaultSensorStatus.STOPPED,
    )
    def landing_folder_sensor(context: dg.SensorEvaluationContext):
        """Starts a refresh when an extract file, or a file the source profile reads, is new or changed."""
        previous = json.loads(context.cursor) if context.cursor else {}
        current = snapshot(Path(folder), profile)
        changed = changed_files(previous, current)
        if not changed:
            return dg.SkipReason(f"no new or changed extract files in {folder}")
        fingerprint = hashlib.sha256(json.dumps({n: current[n] for n in changed}, sort_keys=True).encode()).hexdigest()[
            :16
        ]
        requests = [
            dg.RunRequest(
                run_key=f"landing-{fingerprint}-{year}-{period}",
                partition_key=partition_key(year, period),
                tags={"sezp/trigger": "landing", "sezp/files": ",".join(changed)[:200]},
            )
            for year, period in partitions_for_changes(Path(folder), changed, dt.date.today())
        ]
        return dg.SensorResult(run_requests=requests, cursor=json.dumps(current, sort_keys=True))

    return landing_folder_sensor
