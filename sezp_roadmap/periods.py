"""The reporting periods of a school year, and how periods and school years are named, in one place.

A school year is named by the calendar year it ends in (2026 is 2025–26, data
contract). Extracts, validation messages, reports, exports and the benchmarks
read the names from here.
"""

from __future__ import annotations

import datetime as dt

PERIODS = ("mid_year", "end_of_year")

# As a heading or table cell: "Mid-year 2025–26".
LABELS = {"mid_year": "Mid-year", "end_of_year": "End of year"}
# In a sentence: "the mid-year figure", "at the end of year".
IN_TEXT = {"mid_year": "mid-year", "end_of_year": "end of year"}
# Before a noun: "the end-of-year target".
ADJECTIVES = {"mid_year": "mid-year", "end_of_year": "end-of-year"}
# How a sentence names the period a change is measured from: "down 4.1 points from last mid-year".
LAST = {"mid_year": "last mid-year", "end_of_year": "the same point last year"}


def label(period: str) -> str:
    return LABELS.get(period, period)


def last_period(period: str) -> str:
    """The period a change is measured from, in a sentence ('last year' for a period outside the registry)."""
    return LAST.get(period, "last year")


def school_year_label(school_year: int) -> str:
    """2026 -> '2025–26' (the school year ends in the calendar year given)."""
    return f"{school_year - 1}–{str(school_year)[-2:]}"


# The school-year rule: July 1 starts the next school year. The SQL macros of the same
# names (sql/macros/school_year_of.sql) state it for queries; tests/test_refresh_rules.py
# holds the two to the same answers.
def school_year_of(day: dt.date) -> int:
    """The school year a date belongs to (2025-09-02 -> 2026)."""
    return day.year + 1 if day.month >= 7 else day.year


def school_year_start(school_year: int) -> dt.date:
    return dt.date(school_year - 1, 7, 1)


def school_year_end(school_year: int) -> dt.date:
    return dt.date(school_year, 6, 30)


def date_in_school_year(school_year: int, month: int, day: int) -> dt.date:
    """The date of a month and day within a school year (2026, 9, 2 -> 2025-09-02; 2024, 2, 29 -> 2024-02-29)."""
    start = school_year_start(school_year)
    return dt.date(start.year if (month, day) >= (start.month, start.day) else school_year, month, day)
