"""School year x period partitions of the metric and report assets.

School years are a static range from the configured first year through the
next school year, so a backfill can rebuild any past year and a long-running
daemon crosses one July 1 without a reload. Years without data produce no rows.
Per-school work is a loop inside the report asset, not a third dimension.
"""

import datetime as dt

import dagster as dg

from sezp_roadmap.landing import school_year_of

PERIODS = ("mid_year", "end_of_year")
FIRST_SCHOOL_YEAR = 2017


def school_years(today: dt.date | None = None) -> list[str]:
    last = school_year_of(today or dt.date.today()) + 1
    return [str(year) for year in range(FIRST_SCHOOL_YEAR, last + 1)]


year_period = dg.MultiPartitionsDefinition(
    {
        "school_year": dg.StaticPartitionsDefinition(school_years()),
        "period": dg.StaticPartitionsDefinition(list(PERIODS)),
    }
)


def partition_key(school_year: int, period: str) -> dg.MultiPartitionKey:
    return dg.MultiPartitionKey({"school_year": str(school_year), "period": period})


def partition_of(context: dg.AssetExecutionContext) -> tuple[int, str] | None:
    """The (school year, period) a run is for; None for an unpartitioned run of every period."""
    if not context.has_partition_key:
        return None
    keys = context.partition_key.keys_by_dimension
    return int(keys["school_year"]), keys["period"]


def periods_of(context: dg.AssetExecutionContext) -> list[tuple[int, str]] | None:
    """The library's `periods` argument for this run: [its partition], or None (every period)."""
    partition = partition_of(context)
    return None if partition is None else [partition]
