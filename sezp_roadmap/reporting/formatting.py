"""How numbers and names read on a report: one decimal for rates, 2025–26 for school years."""

from __future__ import annotations

from markupsafe import Markup, escape

from sezp_roadmap import periods, subgroups

UNIT_WORDS = {
    "percent": "points",
    "days": "days",
    "per_100": "per 100 students",
    "score": "points",
    "rating": "",
    "percentile": "points",
}


def format_value(value: float | None, unit: str) -> str:
    if value is None:
        return ""
    if unit == "percent":
        return f"{value:.1f}%"
    if unit == "rating":
        return f"{value:.2f}"
    return f"{value:.1f}"  # days, per 100 students, scores, and anything else


def shown_number(value: float | None, unit: str) -> float | None:
    """The value to the decimals format_value prints, as a number: a page's sort keys carry no more than it shows."""
    if value is None:
        return None
    return round(value, 2 if unit == "rating" else 1)


def count_of(count: float, plural: str) -> str:
    """A count and its words, singular for one: '3 students', '1 student', '1 fewer chronically absent student'."""
    return f"{count:g} {plural.replace('students', 'student', 1) if count == 1 else plural}"


def fewer_than(threshold: int, who: str = "students") -> str:
    """What a count too small to show reads (docs/metrics.md, "Privacy"): 'fewer than 10 students'."""
    return f"fewer than {threshold} {who}"


COMPLEMENTARY_TEXT = "hidden to protect a smaller group"


def hidden_count(population: str, threshold: int, n: int | None = None) -> str:
    """What a hidden figure reads: 'fewer than 5 respondents' for a survey's, 'fewer than 10 students' for any other.

    A group of `threshold` or more (n, never printed) was hidden only so that a smaller
    group's figure cannot be worked out from it (complementary suppression): saying
    "fewer than 10 students" there would be false.
    """
    if n is not None and n >= threshold:
        return COMPLEMENTARY_TEXT
    return fewer_than(threshold, "respondents" if population == "respondents" else "students")


def difference_size(delta: float, unit: str) -> str:
    """The size of a difference without its unit's words: '4.1', '0.25'."""
    return f"{abs(delta):.2f}" if unit == "rating" else f"{abs(delta):.1f}"


def with_unit_words(number: str, unit: str) -> str:
    """A number as printed, followed by its unit's words where the unit has some: '4.1 points', '0.25'."""
    words = UNIT_WORDS.get(unit, "")
    return f"{number} {words}" if words else number


def format_difference(delta: float, unit: str) -> str:
    """The size of a difference in the metric's unit: '4.1 points', '0.5 days', '0.25'."""
    return with_unit_words(difference_size(delta, unit), unit)


# A subgroup's label and place on a page come from the subgroup registry.
subgroup_label = subgroups.short_label
subgroup_sort_key = subgroups.sort_key


def period_label(period: str, is_complete: bool, data_through) -> str:
    """A running year is never shown as if it were complete."""
    label = periods.label(period)
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


def wrapped(label: str, width: int = CHART_LABEL_WIDTH) -> Markup:
    """A chart label broken into lines of at most `width` characters at spaces (Plotly's <br>); a longer word stays whole.

    Plotly markup: each line is escaped (a label may come from an extract), so the
    figures take it as it is.
    """
    lines: list[str] = []
    for word in label.split(" "):
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return Markup("<br>").join(escape(line) for line in lines)
