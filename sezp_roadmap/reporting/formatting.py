"""How numbers and names read on a report: one decimal for rates, 2025–26 for school years."""

from __future__ import annotations

from functools import cache

PERIOD_LABELS = {"mid_year": "Mid-year", "end_of_year": "End of year"}
# "from last mid-year" / "from last year": how a sentence names the comparison period.
LAST_PERIOD = {"mid_year": "last mid-year", "end_of_year": "the same point last year"}

SUBGROUP_LABELS = {
    "all": "All students",
    "hispanic": "Hispanic or Latino",
    "black": "Black or African American",
    "white": "White",
    "asian": "Asian",
    "native_american": "American Indian or Alaska Native",
    "pacific_islander": "Native Hawaiian or Pacific Islander",
    "multirace": "Multi-race",
    "ell": "English learners",
    "former_ell": "Former English learners",
    "non_ell": "Not English learners",
    "swd": "Students with disabilities",
    "non_swd": "Students without disabilities",
    "low_income": "Low income",
    "non_low_income": "Not low income",
    "high_needs": "High needs",
    "female": "Female",
    "male": "Male",
    "nonbinary": "Non-binary",
}
# The order subgroups are listed in, as DESE's profiles list them.
SUBGROUP_ORDER = (
    "all", "hispanic", "black", "white", "asian", "native_american", "pacific_islander", "multirace",
    "ell", "non_ell", "former_ell", "swd", "non_swd", "low_income", "non_low_income", "high_needs",
    "female", "male", "nonbinary",
)
GRADE_ORDER = ("PK", "K", *(str(g) for g in range(1, 13)))
UNIT_WORDS = {
    "percent": "points", "days": "days", "per_100": "per 100 students", "score": "points", "rating": "", "percentile": "points",
}


def school_year_label(school_year: int) -> str:
    """2026 -> '2025–26' (the school year ends in the calendar year given)."""
    return f"{school_year - 1}–{str(school_year)[-2:]}"


def format_value(value: float | None, unit: str) -> str:
    if value is None:
        return ""
    if unit == "percent":
        return f"{value:.1f}%"
    if unit == "rating":
        return f"{value:.2f}"
    return f"{value:.1f}"  # days, per 100 students, scores, and anything else


def format_difference(delta: float, unit: str) -> str:
    """The size of a difference in the metric's unit: '4.1 points', '0.5 days', '0.25'."""
    size = f"{abs(delta):.2f}" if unit == "rating" else f"{abs(delta):.1f}"
    words = UNIT_WORDS.get(unit, "")
    return f"{size} {words}".strip()


# The two functions below are asked about every cell of every page, for a few dozen distinct subgroups:
# each answer is worked out once per process (they depend on the subgroup's name only).
@cache
def subgroup_label(subgroup: str) -> str:
    if subgroup.startswith("grade_"):
        return f"Grade {subgroup.removeprefix('grade_')}"
    return SUBGROUP_LABELS.get(subgroup, subgroup.replace("_", " ").capitalize())


@cache
def subgroup_sort_key(subgroup: str) -> tuple:
    if subgroup.startswith("grade_"):
        grade = subgroup.removeprefix("grade_")
        return (1, GRADE_ORDER.index(grade) if grade in GRADE_ORDER else len(GRADE_ORDER), grade)
    return (0, SUBGROUP_ORDER.index(subgroup) if subgroup in SUBGROUP_ORDER else len(SUBGROUP_ORDER), subgroup)


def period_label(period: str, is_complete: bool, data_through) -> str:
    """A running year is never shown as if it were complete."""
    label = PERIOD_LABELS.get(period, period)
    if is_complete:
        return label
    if period == "end_of_year":
        return f"Year to date (through {data_through:%B %-d, %Y})"
    return f"{label} so far (through {data_through:%B %-d, %Y})"


def long_date(day) -> str:
    return f"{day:%B %-d, %Y}" if day else ""


def without_shared_prefix(labels: list[str]) -> list[str]:
    """Labels that all begin with the same 'Family survey: ' lose it, as the chart's title already says it.

    ['Educator survey: Evaluation', 'Educator survey: Peer Culture'] -> ['Evaluation', 'Peer Culture'];
    labels with different prefixes, or without one, are left as they are.
    """
    prefixes = {label.partition(": ")[0] for label in labels if ": " in label}
    if len(prefixes) != 1 or not all(": " in label for label in labels):
        return list(labels)
    rests = [label.partition(": ")[2] for label in labels]
    return [rest[:1].upper() + rest[1:] for rest in rests]


# A bar chart's category labels longer than this are wrapped, so that they leave the bars room in a narrow chart.
CHART_LABEL_WIDTH = 24


def wrapped(label: str, width: int = CHART_LABEL_WIDTH) -> str:
    """A chart label broken into lines of at most `width` characters at spaces (Plotly's <br>); a longer word stays whole."""
    lines: list[str] = []
    for word in label.split(" "):
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines)
