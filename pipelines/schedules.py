"""Schedules: the nightly refresh, the January mid-year publication, the summer end-of-year publication.

Cron strings and the time zone come from the settings (`schedules:` in
defaults.yaml), so a zone moves them without touching code.

Every schedule is on from the start (RUNNING): the publications are what the
service is for, so a daemon that starts runs them without anyone remembering
to switch them on. Turned off in the UI or with `dagster schedule stop`, a
schedule stays off: that choice is kept in the instance, not here.
"""

import datetime as dt

import dagster as dg

from pipelines.partitions import partition_key
from sezp_roadmap import refresh
from sezp_roadmap.config import Settings


def _requests(
    context: dg.ScheduleEvaluationContext, partitions: list[tuple[int, str]], kind: str
) -> list[dg.RunRequest]:
    day = context.scheduled_execution_time.date() if context.scheduled_execution_time else dt.date.today()
    return [
        dg.RunRequest(
            run_key=f"{kind}-{day.isoformat()}-{year}-{period}",
            partition_key=partition_key(year, period),
            tags={"sezp/trigger": kind},
        )
        for year, period in partitions
    ]


ON_FROM_THE_START = dg.DefaultScheduleStatus.RUNNING


def build_schedules(job, settings: Settings) -> list[dg.ScheduleDefinition]:
    config = settings.raw["schedules"]
    timezone = config["timezone"]
    common = {"execution_timezone": timezone, "job": job, "default_status": ON_FROM_THE_START}

    @dg.schedule(name="nightly_refresh", cron_schedule=config["nightly"], **common)
    def nightly_refresh(context: dg.ScheduleEvaluationContext):
        """Every school night: this school year's figures to date (and mid-year while corrections arrive)."""
        day = context.scheduled_execution_time.date()
        return _requests(context, refresh.nightly_partitions(day, settings), "nightly")

    @dg.schedule(name="mid_year_publication", cron_schedule=config["mid_year"], **common)
    def mid_year_publication(context: dg.ScheduleEvaluationContext):
        """In January: the mid-year Roadmap the TLTs read to choose their priority levers."""
        return _requests(context, [refresh.mid_year_partition(context.scheduled_execution_time.date())], "mid-year")

    @dg.schedule(name="end_of_year_publication", cron_schedule=config["end_of_year"], **common)
    def end_of_year_publication(context: dg.ScheduleEvaluationContext):
        """In the summer: the final Roadmap of the school year that ended on June 30."""
        return _requests(
            context, [refresh.end_of_year_partition(context.scheduled_execution_time.date())], "end-of-year"
        )

    return [nightly_refresh, mid_year_publication, end_of_year_publication]
