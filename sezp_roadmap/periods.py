"""The reporting periods of a school year, and how periods and school years are named, in one place.

A school year is named by the calendar year it ends in (2026 is 2025–26, data
contract). Extracts, validation messages, reports, exports and the benchmarks
read the names from here.
"""

from __future__ import annotations

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
