"""Which (school year, period) partitions a scheduled run should refresh on a given day.

The rules, so the data team can predict what runs when:
- nightly, during the school year: the current school year's end-of-year
  (year to date), and its mid-year until a month after the mid-year cutoff,
  because late attendance corrections still arrive in January;
- mid-year publication (January): the current school year's mid-year;
- end-of-year publication (summer): the school year that ended on June 30.
"""

from __future__ import annotations

import datetime as dt

from sezp_roadmap.config import Settings
from sezp_roadmap.periods import school_year_of, school_year_start

LATE_CORRECTIONS = dt.timedelta(days=31)


def nightly_partitions(today: dt.date, settings: Settings) -> list[tuple[int, str]]:
    year = school_year_of(today)
    partitions = [(year, "end_of_year")]
    if today <= settings.mid_year_cutoff(year) + LATE_CORRECTIONS:
        partitions.insert(0, (year, "mid_year"))
    return partitions


def mid_year_partition(today: dt.date) -> tuple[int, str]:
    return (school_year_of(today), "mid_year")


def end_of_year_partition(today: dt.date) -> tuple[int, str]:
    """In July or August, the school year that just ended; earlier in the year, the one ending this June."""
    year = school_year_of(today)
    return (year - 1 if today.month >= 7 else year, "end_of_year")


def partitions_for_years(years: list[int], today: dt.date) -> list[tuple[int, str]]:
    """Both periods of every school year given, leaving out periods that have not started by today."""
    partitions = []
    for year in sorted(set(years)):
        if school_year_start(year) <= today:
            partitions += [(year, "mid_year"), (year, "end_of_year")]
    return partitions
