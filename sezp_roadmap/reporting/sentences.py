"""The plain-language sentences of a report, built only from published (unsuppressed) figures.

Every color on a report has its words here: better or worse, met or not yet
met, how far a target is, in students, and whether a difference is likely
real. "Better" and "worse" are said only of a difference the marts call
`clear` (its 95% range excludes zero and it survives the false-discovery
check); any other difference reads "within normal variation", with its range,
and a group of fewer than `min_finding_n` students reads "small group: a clue,
not a finding". The decisions are sezp_roadmap.signals'; only the words are here.
"""

from __future__ import annotations

from sezp_roadmap import periods, signals, subgroups
from sezp_roadmap import targets as target_rules
from sezp_roadmap.reporting.context import ZONE, Cell, MetricInfo
from sezp_roadmap.reporting.formatting import (
    count_of,
    difference_size,
    format_difference,
    format_value,
    hidden_count,
    subgroup_label,
    with_unit_words,
)

# What "k students" means for a target, by metric family (the students whose count must change).
TARGET_STUDENTS = {
    "chronic_absence_rate": "fewer chronically absent students",
    "severe_absence_rate": "fewer severely absent students",
    "iss_rate": "fewer students with an in-school suspension",
    "oss_rate": "fewer students with an out-of-school suspension",
    "any_suspension_rate": "fewer suspended students",
}
SMALL_GROUP_WORDS = "small group: a clue, not a finding"


def students_to_target(count: float, family: str) -> str:
    """The students a target's distance is: '3 fewer chronically absent students', '1 more student'."""
    return count_of(count, TARGET_STUDENTS.get(family, "more students"))


# A difference smaller than this shows as "same" where it has no range to be read against.
SAME = 0.05


def no_range_words(info: MetricInfo) -> str:
    """Why a measure has no range, in a few words (docs/metrics.md: educator survey, SQR)."""
    if info.population == "indicators":
        return "no range: a reviewer's rating, not a sample"
    return "no range: the survey reports only its averages"


def judgement(info: MetricInfo, delta: float | None) -> str | None:
    """'better' or 'worse' for a difference, by the metric's direction; None when it cannot be said."""
    if delta is None or info.higher_is_better is None or abs(delta) < SAME:
        return None
    return "better" if (delta > 0) == info.higher_is_better else "worse"


def verdict(info: MetricInfo, delta: float | None, signal: str | None) -> str | None:
    """'better' or 'worse', only for a clear difference."""
    return judgement(info, delta) if signal == signals.CLEAR else None


def signed(delta: float, unit: str, *, words: bool = True) -> str:
    """'+4.1 points', '−0.3 days' (a true minus sign); words=False leaves the unit's words off."""
    size = difference_size(delta, unit)
    # A difference that rounds to zero has no sign: "−0.0" would read as a loss.
    sign = "" if float(size) == 0 else ("+" if delta > 0 else "−")
    return sign + (with_unit_words(size, unit) if words else size)


def difference_range(low: float | None, high: float | None, unit: str, *, words: bool = True) -> str | None:
    """'range −9.0 to +4.0 points': the 95% range of a difference; None without one.

    words=False leaves the unit's words off (a table cell, whose difference already says them).
    """
    if low is None or high is None:
        return None
    return f"range {signed(low, unit, words=False)} to {signed(high, unit, words=words)}"


# An unclear difference whose range leaves out zero did not survive the false-discovery check: among the
# many comparisons of one report, a few that size are expected by chance alone.
CHANCE_WORDS = "could be chance among the report's many comparisons"


def unclear_words(low: float | None, high: float | None) -> str:
    """Why an unclear difference is not called: within normal variation, or chance among many comparisons."""
    if low is not None and high is not None and (low > 0 or high < 0):
        return CHANCE_WORDS
    return signals.NORMAL_VARIATION


def value_range(low: float | None, high: float | None, unit: str) -> str | None:
    """'28.5–34.0': the 95% range of a value, in the unit of the value it follows; None without one.

    A value is never negative, so the dash cannot be read as a minus sign.
    """
    if low is None or high is None:
        return None
    return f"{format_value(low, unit).rstrip('%')}–{format_value(high, unit).rstrip('%')}"


def _people(info: MetricInfo, n: int | None) -> str:
    return f" for {n:,} {info.population}" if n is not None else ""


def evidence_of(info: MetricInfo, cell: Cell, signal: str | None, min_finding_n: int) -> str:
    return signals.evidence(signal, n=cell.n, population=info.population, min_finding_n=min_finding_n)


# Under a table whose differences are written the short way (difference_words).
TABLE_NOTE = (
    '"Clearly" higher or lower: the difference is likely real. "About the same": chance alone moves a group '
    'of that size this much. "Could be chance": its range leaves out zero, but among a report\'s many '
    "comparisons a few that size happen by chance."
)


def difference_words(
    info: MetricInfo,
    cell: Cell,
    delta: float | None,
    low: float | None,
    high: float | None,
    signal: str | None,
    min_finding_n: int,
) -> str:
    """A difference as a table cell reads it, the verdict first in a teacher's words and the number and range
    beside it (the column says what it is measured against): 'clearly lower, better: −4.1 points (range −7.0
    to −1.2)', 'about the same: +0.3 points (range −2.1 to +2.7)', 'about the same, could be chance: −2.6
    points (range …)', 'too few students to tell: +8.8 points', or the number alone for a measure with no
    range (its chart says why once)."""
    if delta is None:
        return "—"
    evidence = evidence_of(info, cell, signal, min_finding_n)
    if evidence == signals.SMALL_GROUP:
        return f"too few {info.population} to tell: {signed(delta, info.unit)}"
    if evidence == signals.NO_RANGE:
        return "same" if abs(delta) < SAME else signed(delta, info.unit)
    spread = difference_range(low, high, info.unit, words=False)
    if evidence == signals.LIKELY_REAL:
        judged = verdict(info, delta, signal)
        words = f"clearly {'higher' if delta > 0 else 'lower'}" + (f", {judged}" if judged else "")
    else:
        words = "about the same" + (", could be chance" if unclear_words(low, high) == CHANCE_WORDS else "")
    return f"{words}: {signed(delta, info.unit)}" + (f" ({spread})" if spread else "")


# Whom a difference is measured against, after "than": by DIFFERENCES kind of reporting/sections.py.
def against_words(kind: str, period: str, school_id: str = "") -> str:
    if kind == "change":
        return periods.last_period(period)
    if kind == "zone_gap":
        return "the rest of the zone"
    return rest_of(school_id)


def verdict_words(
    info: MetricInfo, cell: Cell, delta: float | None, signal: str | None, min_finding_n: int, against: str
) -> str:
    """A difference as a teacher says it: 'clearly lower than last mid-year', 'about the same as the rest of
    the zone', 'too few students to tell'. Only a likely-real difference is 'clearly' anything."""
    evidence = evidence_of(info, cell, signal, min_finding_n)
    if evidence == signals.SMALL_GROUP:
        return f"too few {info.population} to tell"
    if abs(delta) < SAME:
        return f"about the same as {against}"
    side = "higher" if delta > 0 else "lower"
    if evidence == signals.LIKELY_REAL:
        judged = judgement(info, delta)
        return f"clearly {side} than {against}" + (f", which is {judged}" if judged else "")
    if evidence == signals.NO_RANGE:
        return f"{side} than {against}, with no range to tell if it is real"
    return f"about the same as {against}"


def verdict_with_numbers(
    info: MetricInfo,
    cell: Cell,
    delta: float | None,
    low: float | None,
    high: float | None,
    signal: str | None,
    min_finding_n: int,
    against: str,
) -> str:
    """The verdict, then the number and its range beside it (the detail layer):
    'clearly lower than last mid-year, which is better: −4.1 points (range −7.0 to −1.2)'."""
    if delta is None:
        return "—"
    words = verdict_words(info, cell, delta, signal, min_finding_n, against)
    spread = difference_range(low, high, info.unit, words=False)
    numbers = signed(delta, info.unit) + (f" ({spread})" if spread else "")
    if evidence_of(info, cell, signal, min_finding_n) == signals.NORMAL_VARIATION and (
        unclear_words(low, high) == CHANCE_WORDS
    ):
        numbers += f"; {CHANCE_WORDS}"
    return f"{words}: {numbers}"


def change_phrase(info: MetricInfo, cell: Cell, period: str, min_finding_n: int) -> str:
    """'down 4.1 points from last mid-year: better, likely real (range −7.0 to −1.2 points)' or
    'about the same as last mid-year: a change this size is within normal variation for 45 students (range …)'."""
    last = periods.last_period(period)
    if cell.prior_value is None:
        return f"no figure from {last} to compare"
    if cell.change is None:
        return f"{last}: {format_value(cell.prior_value, info.unit)}"
    moved = f"{'up' if cell.change > 0 else 'down'} {format_difference(cell.change, info.unit)} from {last}"
    evidence = evidence_of(info, cell, cell.change_signal, min_finding_n)
    spread = difference_range(cell.change_low, cell.change_high, info.unit)
    if evidence == signals.SMALL_GROUP:
        return f"{moved} ({SMALL_GROUP_WORDS})"
    if evidence == signals.NO_RANGE:
        return f"about the same as {last}" if abs(cell.change) < SAME else f"{moved} ({no_range_words(info)})"
    if evidence == signals.NORMAL_VARIATION:
        if unclear_words(cell.change_low, cell.change_high) == CHANCE_WORDS:
            return f"{moved}, but this {CHANCE_WORDS} ({spread})"
        return f"about the same as {last}: a change this size is within normal variation{_people(info, cell.n)}" + (
            f" ({spread})" if spread else ""
        )
    return f"{moved}: {verdict(info, cell.change, cell.change_signal)}, likely real" + (
        f" ({spread})" if spread else ""
    )


def zone_phrase(info: MetricInfo, cell: Cell, min_finding_n: int) -> str | None:
    """'zone 28.0%' and, where the school is compared with the rest of the zone, whether the difference is likely real."""
    if cell.zone_value is None or cell.school_id == "ZONE":
        return None
    zone = f"zone {format_value(cell.zone_value, info.unit)}"
    if cell.zone_gap is None:
        return zone
    evidence = evidence_of(info, cell, cell.zone_gap_signal, min_finding_n)
    if evidence == signals.NORMAL_VARIATION:
        why = unclear_words(cell.zone_gap_low, cell.zone_gap_high)
        return (
            f"{zone} (the difference from the rest of the zone {'is ' if why == signals.NORMAL_VARIATION else ''}{why})"
        )
    if evidence == signals.LIKELY_REAL:
        word = verdict(info, cell.zone_gap, cell.zone_gap_signal)
        return f"{zone} ({word} here than in the rest of the zone, likely real)" if word else zone
    return zone


def target_phrase(info: MetricInfo, cell: Cell, min_count: int, judged: str | None = None) -> str | None:
    """The target status in words (sezp_roadmap.targets' words), or None where the TLT set no target.

    judged: the status the targets page gives an end-of-year target while the year runs (on pace, ...),
    which the school page repeats rather than judging the figure to date against the year's target.
    """
    if cell.target is None:
        return None
    target = format_value(cell.target, info.unit)
    if judged is not None:
        return f"target {target} {judged} (judged from the mid-year figure)"
    if cell.suppressed:
        return f"target {target} {target_rules.HIDDEN} ({hidden_count(info.population, min_count, cell.hidden_n)})"
    if cell.target_met is None:
        return f"target {target}"
    if cell.target_met:
        return f"target {target} {target_rules.MET}"
    missed = f"target {target} {target_rules.NOT_MET}"
    students = cell.target_gap_students
    if students is not None and students > 0:
        return f"{missed}: {students_to_target(students, info.family)} would meet it"
    if cell.target_gap is not None:
        return f"{missed}: {format_difference(cell.target_gap, info.unit)} away"
    return missed


def glance_sentence(
    info: MetricInfo, cell: Cell, period: str, min_count: int, min_finding_n: int, judged: str | None = None
) -> str:
    """'Chronic absence 31.2%, about the same as last mid-year: …; zone 28.0% (…); target 30.0% not met: …'."""
    if cell.suppressed:
        text = f"{info.label}: not shown ({hidden_count(info.population, min_count, cell.hidden_n)})"
        target = target_phrase(info, cell, min_count, judged)
        return f"{text}; {target}." if target else f"{text}."
    parts = [f"{info.label} {format_value(cell.value, info.unit)}, {change_phrase(info, cell, period, min_finding_n)}"]
    zone = zone_phrase(info, cell, min_finding_n)
    if zone:
        parts.append(zone)
    target = target_phrase(info, cell, min_count, judged)
    if target:
        parts.append(target)
    return "; ".join(parts) + "."


def glance_status(info: MetricInfo, cell: Cell, judged: str | None = None) -> str | None:
    """The mark beside a glance sentence: the target's status (as a class: 'not-met', 'on-pace'), else better or
    worse for a clear change only; judged as in target_phrase."""
    if judged is not None and cell.target is not None:
        return target_rules.css_class(judged)
    if cell.target_met is not None:
        return target_rules.css_class(target_rules.MET if cell.target_met else target_rules.NOT_MET)
    return verdict(info, cell.change, cell.change_signal)


def largest_gaps(info: MetricInfo, cells: list[Cell], min_finding_n: int, limit: int = 2) -> list[Cell]:
    """The groups furthest on the worse side of the rest of the school, by a notable and likely real gap."""
    if info.higher_is_better is None:
        return []
    candidates = [
        c
        for c in cells
        if subgroups.equity_group(c.subgroup)
        and not c.suppressed
        and c.gap_vs_comparison is not None
        and signals.is_worse(info.direction, c.gap_vs_comparison)
        and signals.notable(c.gap_vs_comparison, info.unit)
        and evidence_of(info, c, c.gap_signal, min_finding_n) == signals.LIKELY_REAL
    ]
    return sorted(candidates, key=lambda c: -abs(c.gap_vs_comparison))[:limit]


def rest_of(school_id: str) -> str:
    """Whom a group is compared with: the rest of its school, or on the zone's page the rest of the zone's students."""
    return "the rest of the zone's students" if school_id == ZONE else "the rest of the school"


def gap_sentence(info: MetricInfo, cells: list[Cell], period: str, min_finding_n: int) -> str | None:
    """The largest likely real gaps, with the group's figure a year ago (a gap can close because the rest got worse)."""
    gaps = largest_gaps(info, cells, min_finding_n)
    if not gaps:
        return None
    last = periods.last_period(period)
    pieces = []
    for c in gaps:
        spread = difference_range(c.gap_low, c.gap_high, info.unit)
        piece = (
            f"{subgroup_label(c.subgroup)}: {format_value(c.value, info.unit)}, "
            f"{format_difference(c.gap_vs_comparison, info.unit)} worse than {rest_of(c.school_id)} "
            f"({format_value(c.comparison_value, info.unit)}{'; ' + spread if spread else ''})"
        )
        if c.prior_value is not None:
            piece += f"; {format_value(c.prior_value, info.unit)} {last}"
        pieces.append(piece)
    return f"Largest gaps in {info.label.lower()}, likely real: " + ". ".join(pieces) + "."


def risk_ratio_clear(cell: Cell) -> bool:
    """A risk ratio whose range excludes 1 (equally likely)."""
    return cell.risk_ratio_low is not None and (cell.risk_ratio_low > 1 or cell.risk_ratio_high < 1)


def risk_ratio_text(cell: Cell) -> str:
    """'2.10 (range 1.30 to 3.40)', or the ratio alone without a range."""
    text = f"{cell.risk_ratio:.2f}"
    if cell.risk_ratio_low is not None and cell.risk_ratio_high is not None:
        text += f" (range {cell.risk_ratio_low:.2f} to {cell.risk_ratio_high:.2f})"
    return text


def risk_ratio_sentence(info: MetricInfo, cell: Cell) -> str | None:
    if cell.suppressed or cell.risk_ratio is None or cell.subgroup == "all":
        return None
    what = {
        "iss_rate": "to receive an in-school suspension",
        "oss_rate": "to receive an out-of-school suspension",
        "any_suspension_rate": "to be suspended",
    }.get(info.family, f"to be counted in {info.label.lower()}")
    spread = (
        f" (range {cell.risk_ratio_low:.1f} to {cell.risk_ratio_high:.1f})"
        if cell.risk_ratio_low is not None and cell.risk_ratio_high is not None
        else ""
    )
    return f"{subgroup_label(cell.subgroup)} were {cell.risk_ratio:.1f} times as likely {what} as all other students{spread}."
