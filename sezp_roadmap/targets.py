"""The status of a TLT's target: met or not at its period, on pace or not at mid-year.

Pure functions over published figures (suppressed figures arrive as None and a
flag). The on-pace rule, stated in docs/priority-levers.md:

    projected end of year = this year's mid-year value
                            + (last year's end-of-year value − last year's mid-year value)

The school is on pace when the projection meets the end-of-year target in the
metric's direction (equal counts). When last year's movement is not published
(no figures, or hidden), the projection is the mid-year value itself: the
school is on pace when it already meets the end-of-year target.

Where the mid-year value has a 95% range, the projection has one too: the
mid-year range shifted by the same movement. When that range straddles the
target (part of it meets the target and part does not), the target is "too
close to call": the data cannot yet say which side the school will end on.
"""

from __future__ import annotations

from dataclasses import dataclass

# The one registry of a target's status words: every page (school reports, the targets page, the
# glance sentences) and the example SQL's comments use these, so one state reads the same everywhere.
MET = "met"
NOT_MET = "not met"
ON_PACE = "on pace"
NOT_ON_PACE = "not on pace"
TOO_CLOSE = "too close to call"  # the projection's range straddles the target
HIDDEN = "cannot be checked"  # the actual is suppressed for privacy
NO_DATA = "no result yet"  # no published figure for the cell
STATUSES = (MET, NOT_MET, ON_PACE, NOT_ON_PACE, TOO_CLOSE, HIDDEN, NO_DATA)
# The glance's mark: a target reached (or on its way), or not.
REACHED = frozenset({MET, ON_PACE})
MISSED = frozenset({NOT_MET, NOT_ON_PACE})
# Float noise below this is equality (values are sums of whole days and students).
TOLERANCE = 1e-9


def meets(value: float, target: float, direction: str) -> bool:
    """Whether a value reaches the target in the metric's direction; equal is met."""
    if direction == "lower":
        return value <= target + TOLERANCE
    return value >= target - TOLERANCE


def target_status(
    value: float | None, target: float, direction: str, *, suppressed: bool = False, target_met: bool | None = None
) -> str:
    """met / not met / cannot be checked / no result yet.

    `target_met` is the comparisons mart's exact decimal verdict; when given it wins over the float comparison.
    """
    if suppressed:
        return HIDDEN
    if value is None:
        return NO_DATA
    met = target_met if target_met is not None else meets(value, float(target), direction)
    return MET if met else NOT_MET


@dataclass(frozen=True)
class Pace:
    status: str  # on pace / not on pace / too close to call / cannot be checked / no result yet
    projected: float | None
    last_year_movement: float | None
    projected_low: float | None = None
    projected_high: float | None = None

    @property
    def explanation(self) -> str:
        if self.status in (HIDDEN, NO_DATA):
            return "no published mid-year figure"
        if self.last_year_movement is None:
            return "judged on the mid-year value (last year's mid-year to end-of-year movement is not published)"
        return "projected from the mid-year value plus last year's mid-year to end-of-year movement"


def on_pace(
    mid_value: float | None,
    target: float,
    direction: str,
    *,
    mid_suppressed: bool = False,
    last_mid_value: float | None = None,
    last_end_value: float | None = None,
    mid_low: float | None = None,
    mid_high: float | None = None,
) -> Pace:
    """Whether an end-of-year target is on pace at mid-year (module docstring).

    mid_low, mid_high: the mid-year value's 95% range, when it has one.
    """
    if mid_suppressed:
        return Pace(HIDDEN, None, None)
    if mid_value is None:
        return Pace(NO_DATA, None, None)
    movement = None if last_mid_value is None or last_end_value is None else last_end_value - last_mid_value
    shift = movement or 0.0
    projected = mid_value + shift
    status = ON_PACE if meets(projected, float(target), direction) else NOT_ON_PACE
    if mid_low is None or mid_high is None:
        return Pace(status, projected, movement)
    low, high = mid_low + shift, mid_high + shift
    # The end of the range furthest from meeting the target, and the nearest.
    worst, best = (high, low) if direction == "lower" else (low, high)
    if meets(worst, float(target), direction):
        status = ON_PACE
    elif not meets(best, float(target), direction):
        status = NOT_ON_PACE
    else:
        status = TOO_CLOSE
    return Pace(status, projected, movement, low, high)


def css_class(status: str) -> str:
    """'not on pace' → 'not-on-pace', the class the stylesheet colours a status by."""
    return status.replace(" ", "-")
