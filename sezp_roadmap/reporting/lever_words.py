"""How a lever's score, its reason, its support, what it left out and why its evidence is thin read
(sezp_roadmap.levers decides them)."""

from __future__ import annotations

from dataclasses import dataclass

from sezp_roadmap import levers, signals
from sezp_roadmap.levers import Finding, LeverEvidence
from sezp_roadmap.reporting.formatting import format_value, subgroup_label
from sezp_roadmap.reporting.sentences import students_to_target

# Each finding kind of levers.POINTS, as the score's breakdown and the scoring rule name it.
KIND_LABELS = {
    "target_not_met": "target not met",
    "low_sqr_rating": "low School Quality Review rating",
    "worse_than_zone": "worse than the zone",
    "worsening": "worse than the same point last year",
    "equity_gap": "equity gap",
}
# Why a finding was left out of the score, in the order a lever's note counts them.
LEFT_OUT_WORDS = {
    signals.NORMAL_VARIATION: "within normal variation",
    signals.SMALL_GROUP: "about a small group",
    signals.NO_RANGE: "with no range to judge",
}
THIN_EVIDENCE_WORDS = {
    levers.NO_FIGURES: "No published figure of this period bears on this lever: the data cannot speak to it.",
    levers.NOTHING_LIKELY_REAL: "Thin evidence: no finding is likely real.",
    levers.SINGLE_FINDING: "Thin evidence: a single likely real finding.",
    levers.SINGLE_MEASURE: "Thin evidence: every likely real finding is on one measure.",
}
# A finding's comparison, as its reason names it ("clearly lower than the zone").
AGAINST = {
    "worse_than_zone": "than the zone",
    "worsening": "than at this point last year",
    "equity_gap": "than for the rest of the school",
}


@dataclass(frozen=True)
class LeverTexts:
    breakdown: str  # how the score adds up
    left_out: str | None  # what was left out, None when nothing was
    caution: str | None  # why the evidence is thin, None when it is not
    reason: str | None = None  # the strongest scoring finding in plain words, None when nothing scores
    support: str | None = None  # how many likely real findings only support another, None when none do


def lever_texts(e: LeverEvidence) -> LeverTexts:
    return LeverTexts(
        _breakdown(e),
        _left_out(e),
        THIN_EVIDENCE_WORDS.get(e.thin_evidence),
        finding_reason(e.strongest) if e.strongest else None,
        _support(e),
    )


def finding_reason(f: Finding) -> str:
    """A finding in plain words, for a lever's one-line reason: 'Chronic absence is clearly higher than the
    zone: 38.0% against 26.0%.' The same numbers as its full sentence (reporting.priority_levers), fewer words."""
    value, reference = format_value(f.value, f.unit), format_value(f.reference, f.unit)
    subject = f.label if f.subgroup == "all" else f"{f.label} ({subgroup_label(f.subgroup)})"
    # A finding is always on the worse side: a worse figure is higher where lower is better.
    side = "higher" if f.direction == "lower" else "lower"
    if f.kind == "target_not_met":
        side = "above" if f.direction == "lower" else "below"
        students = f"; {students_to_target(f.students, f.metric)} would meet it" if f.students else ""
        return f"{subject} is {side} its target: {value} against {reference}{students}."
    if f.kind == "low_sqr_rating":
        return f"{subject} is rated low: {value} out of 4."
    return f"{subject} is clearly {side} {AGAINST[f.kind]}: {value} against {reference}."


def _support(e: LeverEvidence) -> str | None:
    """'Support, 0 points: 4 more likely real findings on measures that already score.'; None when none."""
    if not e.support:
        return None
    count = len(e.support)
    findings = "finding" if count == 1 else "findings"
    return f"Support, 0 points: {count} more likely real {findings} on measures that already score."


def _breakdown(e: LeverEvidence) -> str:
    if not e.findings:
        return "no likely real findings: 0 points."
    parts = []
    for b in e.breakdown:
        large = f" ({b['large']} large, counted double)" if b["large"] else ""
        each = f"{b['points_each']} point" + ("s" if b["points_each"] != 1 else "")
        parts.append(f"{b['count']} × {KIND_LABELS[b['kind']]} at {each}{large} = {b['points']}")
    return "; ".join(parts) + f". Total {e.score} points."


def _left_out(e: LeverEvidence) -> str | None:
    """'Left out, 0 points: 3 within normal variation, 1 about a small group.'; None when nothing was."""
    if not e.left_out:
        return None
    counts = [(sum(f.evidence == reason for f in e.left_out), words) for reason, words in LEFT_OUT_WORDS.items()]
    return "Left out, 0 points: " + ", ".join(f"{count} {words}" for count, words in counts if count) + "."


def ranking_note(ranked: list[LeverEvidence]) -> str | None:
    """What to keep in mind about the ranking as a whole (levers.ranking_caveat), or None."""
    caveat = levers.ranking_caveat(ranked)
    if caveat == levers.NOTHING_POINTS:
        return (
            "No likely real finding points to any lever in this period's published data; the ranking says nothing here."
        )
    if caveat == levers.TIE_BELOW_TOP:
        return (
            f"{ranked[1].lever.name} and {ranked[2].lever.name} have the same score: "
            "the data alone does not choose between them."
        )
    return None
