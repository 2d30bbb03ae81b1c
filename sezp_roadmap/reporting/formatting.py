"""How numbers read on a report: one decimal for rates, 2025–26 for school years."""

from __future__ import annotations

PERIOD_LABELS = {"mid_year": "Mid-year", "end_of_year": "End of year"}


def school_year_label(school_year: int) -> str:
    """2026 -> '2025–26' (the school year ends in the calendar year given)."""
    return f"{school_year - 1}–{str(school_year)[-2:]}"


def format_value(value: float | None, unit: str) -> str:
    if value is None:
        return ""
    if unit == "percent":
        return f"{value:.1f}%"
    if unit in ("days", "per_100"):
        return f"{value:.1f}"
    if unit in ("score", "rating"):
        return f"{value:.2f}" if unit == "rating" else f"{value:.1f}"
    return f"{value:g}"


def period_label(period: str, is_complete: bool, data_through) -> str:
    """A running year is never shown as if it were complete."""
    label = PERIOD_LABELS.get(period, period)
    if is_complete:
        return label
    if period == "end_of_year":
        return f"Year to date (through {data_through:%B %-d, %Y})"
    return f"{label} so far (through {data_through:%B %-d, %Y})"
