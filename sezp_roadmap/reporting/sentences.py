"""The plain-language sentences of a report, built only from published (unsuppressed) figures.

Every color on a report has its words here: better or worse, met or not yet
met, and how far a target is, in students.
"""

from __future__ import annotations

from sezp_roadmap.reporting.context import Cell, MetricInfo
from sezp_roadmap.reporting.formatting import LAST_PERIOD, format_difference, format_value, subgroup_label

# What "k students" means for a target, by metric family (the students whose count must change).
TARGET_STUDENTS = {
    "chronic_absence_rate": "fewer chronically absent students",
    "severe_absence_rate": "fewer severely absent students",
    "iss_rate": "fewer students with an in-school suspension",
    "oss_rate": "fewer students with an out-of-school suspension",
    "any_suspension_rate": "fewer suspended students",
}
# Gaps smaller than this (in the metric's unit) are not called out as gaps.
NOTABLE_GAP = {"percent": 3.0, "days": 1.0, "per_100": 3.0, "score": 0.5, "rating": 0.25}


def judgement(info: MetricInfo, delta: float | None) -> str | None:
    """'better' or 'worse' for a difference, by the metric's direction; None when it cannot be said."""
    if delta is None or info.higher_is_better is None or abs(delta) < 0.05:
        return None
    return "better" if (delta > 0) == info.higher_is_better else "worse"


def change_phrase(info: MetricInfo, cell: Cell, period: str) -> str:
    last = LAST_PERIOD.get(period, "last year")
    if cell.prior_value is None:
        return f"no figure from {last} to compare"
    if cell.change is None:
        return f"{last}: {format_value(cell.prior_value, info.unit)}"
    if abs(cell.change) < 0.05:
        return f"about the same as {last}"
    direction = "up" if cell.change > 0 else "down"
    verdict = judgement(info, cell.change)
    tail = f" ({verdict})" if verdict else ""
    return f"{direction} {format_difference(cell.change, info.unit)} from {last}{tail}"


def target_phrase(info: MetricInfo, cell: Cell, min_count: int) -> str | None:
    """The target status in words, or None where the TLT set no target."""
    if cell.target is None:
        return None
    target = format_value(cell.target, info.unit)
    if cell.suppressed:
        return f"target {target} cannot be checked (fewer than {min_count} {info.population})"
    if cell.target_met is None:
        return f"target {target}"
    if cell.target_met:
        return f"target {target} met"
    students = cell.target_gap_students
    if students is not None and students > 0:
        who = TARGET_STUDENTS.get(info.family, "more students")
        return f"target {target} not yet met: {students:g} {who} would meet it"
    if cell.target_gap is not None:
        return f"target {target} not yet met: {format_difference(cell.target_gap, info.unit)} away"
    return f"target {target} not yet met"


def glance_sentence(info: MetricInfo, cell: Cell, period: str, min_count: int) -> str:
    """'Chronic absence 31.2%, down 4.1 points from last mid-year (better); zone 28.0%; target 30.0% not yet met: …'."""
    if cell.suppressed:
        text = f"{info.label}: not shown (fewer than {min_count} {info.population})"
        target = target_phrase(info, cell, min_count)
        return f"{text}; {target}." if target else f"{text}."
    parts = [f"{info.label} {format_value(cell.value, info.unit)}, {change_phrase(info, cell, period)}"]
    if cell.zone_value is not None and cell.school_id != "ZONE":
        parts.append(f"zone {format_value(cell.zone_value, info.unit)}")
    target = target_phrase(info, cell, min_count)
    if target:
        parts.append(target)
    return "; ".join(parts) + "."


def largest_gaps(info: MetricInfo, cells: list[Cell], limit: int = 2) -> list[Cell]:
    """The subgroups furthest on the worse side of all students, by the published gap_vs_all."""
    if info.higher_is_better is None:
        return []
    candidates = [
        c for c in cells
        if c.subgroup != "all" and not c.subgroup.startswith(("non_", "grade_"))
        and not c.suppressed and c.gap_vs_all is not None
        and judgement(info, c.gap_vs_all) == "worse"
        and abs(c.gap_vs_all) >= NOTABLE_GAP.get(info.unit, 0)
    ]
    return sorted(candidates, key=lambda c: -abs(c.gap_vs_all))[:limit]


def gap_sentence(info: MetricInfo, cells: list[Cell], period: str) -> str | None:
    """The largest gaps, with both groups' movement since last year (a gap can close because all students got worse)."""
    gaps = largest_gaps(info, cells)
    if not gaps:
        return None
    last = LAST_PERIOD.get(period, "last year")
    pieces = []
    for c in gaps:
        side = "worse than"
        piece = (
            f"{subgroup_label(c.subgroup)}: {format_value(c.value, info.unit)}, "
            f"{format_difference(c.gap_vs_all, info.unit)} {side} all students ({format_value(c.all_value, info.unit)})"
        )
        if c.prior_value is not None:
            piece += f"; {format_value(c.prior_value, info.unit)} {last}"
        pieces.append(piece)
    return f"Largest gaps in {info.label.lower()}: " + ". ".join(pieces) + "."


def risk_ratio_sentence(info: MetricInfo, cell: Cell) -> str | None:
    if cell.suppressed or cell.risk_ratio is None or cell.subgroup == "all":
        return None
    what = {
        "iss_rate": "to receive an in-school suspension",
        "oss_rate": "to receive an out-of-school suspension",
        "any_suspension_rate": "to be suspended",
    }.get(info.family, f"to be counted in {info.label.lower()}")
    return f"{subgroup_label(cell.subgroup)} were {cell.risk_ratio:.1f} times as likely {what} as all other students."
