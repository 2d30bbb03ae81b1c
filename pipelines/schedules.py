"""Schedules: the nightly refresh, the January mid-year publication, the summer end-of-year publication.

Cron strings and the time zone come from the settings (`schedules:` in
defaults.yaml), so a zone moves them without touching code.
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


def build_schedules(job, settings: Settings) -> list[dg.ScheduleDefinition]:
    config = settings.raw["schedules"]
    timezone = config["timezone"]

    @dg.schedule(name="nightly_refresh", cron_schedule=config["nightly"], execution_timezone=timezone, job=job)
    def nightly_refresh(context: dg.ScheduleEvaluationContext):
        """Every school night: this school year's figures to date (and mid-year while corrections arrive)."""
        day = context.scheduled_execution_time.date()
        return _requests(context, refresh.nightly_partitions(day, settings), "nightly")

    @dg.schedule(name="mid_year_publication", cron_schedule=config["mid_year"], execution_timezone=timezone, job=job)
    def mid_year_publication(context: dg.ScheduleEvaluationContext):
        """In January: the mid-year Roadmap the TLTs read to choose their priority levers."""
        return _requests(context, [refresh.mid_year_partition(context.scheduled_execution_time.date())], "mid-year")

    @dg.schedule(
        name="end_of_year_publication", cron_schedule=config["end_of_year"], execution_timezone=timezone, job=job
    )
    def end_of_year_publication(context: dg.ScheduleEvaluationContext):
        """In the summer: the final Roadmap of the school year that ended on June 30."""
        return _requests(
            context, [refresh.end_of_year_partition(context.scheduled_execution_time.date())], "end-of-year"
        )

    return [nightly_refresh, mid_year_publication, end_of_year_publication]
