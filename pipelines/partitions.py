"""School year x period partitions of the metric and report assets.

School years are a static range from the configured first year through the
next school year, so a backfill can rebuild any past year and a long-running
daemon crosses one July 1 without a reload. Years without data produce no rows.
Per-school work is a loop inside the report asset, not a third dimension.
"""

import datetime as dt
import warnings

import dagster as dg

from sezp_roadmap.periods import PERIODS, school_year_of

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


# Dagster's run tags for a run that covers a range of partitions. A range of a
# two-dimensional definition is a box: every key whose school year and period
# each lie between the start's and the end's.
RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"

# The partitioned assets compute many partitions in one run (a backfill of every
# school year is one run): the SQL is set-based, and one school year's periods
# share their student-level work. Dagster 1.13 marks the asset parameter as beta;
# its behaviour is covered by our tests, so the warning is not repeated at every import.
single_run = dg.BackfillPolicy.single_run()
warnings.filterwarnings("ignore", message="Parameter `backfill_policy`", category=dg.BetaWarning)


def range_tags(years: list[int]) -> dict[str, str]:
    """Tags for one run of both periods of every school year from the first to the last given.

    Years outside the partitions (before FIRST_SCHOOL_YEAR, after next year) are left out.
    """
    known = [int(y) for y in school_years()]
    wanted = [y for y in years if known[0] <= y <= known[-1]]
    if not wanted:
        return {}
    return {
        RANGE_START_TAG: str(partition_key(min(wanted), PERIODS[0])),
        RANGE_END_TAG: str(partition_key(max(wanted), PERIODS[-1])),
    }


def periods_of(context: dg.AssetExecutionContext) -> list[tuple[int, str]] | None:
    """The library's `periods` argument for this run: its (school year, period) partitions, or None (every period)."""
    if not (context.has_partition_key or context.has_partition_key_range):
        return None
    keys = [year_period.get_partition_key_from_str(key).keys_by_dimension for key in context.partition_keys]
    return sorted((int(k["school_year"]), k["period"]) for k in keys)
