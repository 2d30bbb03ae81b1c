"""The assessments a zone gives (settings `assessments:`), read and checked.

An assessment is data, not code: its id, label, subject, kind (the state test
or an interim), its ordered performance levels and which of them count as
meeting expectations all come from the settings, so a district with another
interim vendor edits its YAML, not the pipeline. A setting that cannot be used
stops the run with a message naming the entry and the key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sezp_roadmap.errors import setting_problem

KINDS = ("state", "interim")
ID_PATTERN = re.compile(r"^[a-z0-9_]+$")


@dataclass(frozen=True)
class Assessment:
    id: str
    label: str
    subject: str
    kind: str  # state or interim
    levels: tuple[str, ...]  # lowest to highest
    meeting: tuple[str, ...]  # the levels that count as meeting expectations (on grade level)
    meeting_label: str

    @property
    def is_state(self) -> bool:
        return self.kind == "state"

    @property
    def metric_ids(self) -> tuple[str, str]:
        """The share meeting expectations and the growth figure the assessment is read by (docs/metrics.md)."""
        growth = "mean_sgp" if self.is_state else "typical_growth_rate"
        return f"meeting_rate:{self.id}", f"{growth}:{self.id}"


def _text(entry: dict, key: str, where: str) -> str:
    value = entry.get(key)
    if value is None or not str(value).strip():
        raise setting_problem(f"{where}.{key}", "a required setting is empty", "", "a text")
    return str(value).strip()


def _levels(entry: dict, key: str, where: str) -> tuple[str, ...]:
    value = entry.get(key)
    if not isinstance(value, list) or not value:
        raise setting_problem(
            f"{where}.{key}", "not a list of levels", value, "a list such as [Not Meeting Expectations, ...]"
        )
    levels = tuple(str(v).strip() for v in value)
    if any(not level for level in levels):
        raise setting_problem(f"{where}.{key}", "a level is empty", value, "non-empty level names")
    if len(set(levels)) != len(levels):
        raise setting_problem(f"{where}.{key}", "a level is listed twice", value, "each level once")
    return levels


def parse_assessments(raw: object) -> tuple[Assessment, ...]:
    """The settings' `assessments:` list as Assessments; an unusable entry stops the run."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise setting_problem("assessments", "not a list of assessments", raw, "a YAML list, one entry per assessment")
    assessments = []
    for number, entry in enumerate(raw, start=1):
        where = f"assessments[{number}]"
        if not isinstance(entry, dict):
            raise setting_problem(where, "not a mapping", entry, "id, label, subject, kind, levels and meeting")
        assessment_id = _text(entry, "id", where)
        if not ID_PATTERN.match(assessment_id):
            raise setting_problem(f"{where}.id", "not a usable id", assessment_id, "lower-case letters, digits and _")
        where = f"assessments[{number}] ({assessment_id})"
        kind = _text(entry, "kind", where)
        if kind not in KINDS:
            raise setting_problem(f"{where}.kind", "not a kind of assessment", kind, "state or interim")
        levels = _levels(entry, "levels", where)
        meeting = _levels(entry, "meeting", where)
        unknown = [level for level in meeting if level not in levels]
        if unknown:
            raise setting_problem(
                f"{where}.meeting",
                "a meeting level is not one of the levels",
                unknown[0],
                "one of " + ", ".join(levels),
            )
        assessments.append(
            Assessment(
                id=assessment_id,
                label=_text(entry, "label", where),
                subject=_text(entry, "subject", where),
                kind=kind,
                levels=levels,
                meeting=meeting,
                meeting_label=str(entry.get("meeting_label") or "meeting expectations").strip(),
            )
        )
    ids = [a.id for a in assessments]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise setting_problem("assessments", "an id is listed twice", repeated[0], "each assessment id once")
    return tuple(assessments)
