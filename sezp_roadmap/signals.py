"""Whether a difference is likely real: the one home of the rules every report and lever reads.

The marts carry, for every comparison, a 95% range and a signal ('clear' or
'unclear', NULL where there is no comparison or no range; docs/metrics.md).
This module turns those into decisions, with no words: a report (reporting/
sentences.py) and the lever scoring (levers.py) ask the same questions here,
so a sentence never calls "worse" what the score left out, or the reverse.
"""

from __future__ import annotations

CLEAR = "clear"
UNCLEAR = "unclear"

# The smallest difference (in the metric's unit) a report calls out or a lever counts;
# one at least twice this size is a large finding.
NOTABLE = {"percent": 3.0, "days": 1.0, "per_100": 3.0, "score": 0.5, "rating": 0.25, "percentile": 5.0}

# Why a difference is, or is not, the basis of a finding.
LIKELY_REAL = "likely real"
NORMAL_VARIATION = "within normal variation"
SMALL_GROUP = "small group"
NO_RANGE = "no range"


def small_group(n: int | None, population: str | None, min_finding_n: int) -> bool:
    """A group of people too small to be the basis of a finding (SQR indicators are not people)."""
    return population != "indicators" and n is not None and n < min_finding_n


def evidence(signal: str | None, *, n: int | None, population: str | None, min_finding_n: int) -> str:
    """How far a comparison can be trusted: likely real, within normal variation, small group or no range.

    A small group is never a finding, whatever its signal. A comparison without a
    signal (educator survey, SQR: no range) is shown, but never called likely real.
    """
    if small_group(n, population, min_finding_n):
        return SMALL_GROUP
    if signal == CLEAR:
        return LIKELY_REAL
    if signal == UNCLEAR:
        return NORMAL_VARIATION
    return NO_RANGE


def is_worse(direction: str | None, delta: float | None) -> bool:
    if delta is None or direction not in ("higher", "lower"):
        return False
    return delta < 0 if direction == "higher" else delta > 0


def notable(delta: float | None, unit: str) -> bool:
    return delta is not None and abs(delta) >= NOTABLE.get(unit, 0)


def large(delta: float, unit: str) -> bool:
    return abs(delta) >= 2 * NOTABLE.get(unit, 0)


def target_evidence(value: float, target: float, low: float | None, high: float | None, direction: str) -> str:
    """Whether a missed target is missed beyond doubt: the value's whole range is on the wrong side.

    Without a range the verdict rests on the value alone (NO_RANGE).
    """
    if low is None or high is None:
        return NO_RANGE
    clear = low > target if direction == "lower" else high < target
    return LIKELY_REAL if clear else NORMAL_VARIATION
