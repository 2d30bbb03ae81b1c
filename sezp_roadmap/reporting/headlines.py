"""The first layer of a school's report: its few likely-real findings, ranked by how many students they touch,
and the questions they raise for the Teacher Leadership Team.

A finding here is a comparison of a share of students (chronic absence, a
suspension rate, the share meeting expectations) that the marts call `clear`,
about a group of at least `min_finding_n` students, and at least the notable
size (sezp_roadmap.signals). Its size in students is how many more (or fewer)
students it is than at the comparison's rate:

    students = n × (rate − comparison rate) / 100, rounded

n being the students the figure is about (the group, or the school). Measures
that are not a share of students (the attendance rate, a share of days; days
absent; incidents per 100; survey scores; SQR ratings) have no such count and
are left out of this ranking; their figures are one click away. docs/metrics.md
states the rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sezp_roadmap import periods, signals, subgroups
from sezp_roadmap import targets as target_words
from sezp_roadmap.levers import LeverEvidence
from sezp_roadmap.metrics import metric_for
from sezp_roadmap.reporting import lever_words
from sezp_roadmap.reporting.context import Cell, MetricInfo, PeriodData
from sezp_roadmap.reporting.formatting import format_value
from sezp_roadmap.reporting.lever_words import lever_texts

# The first layer shows at most this many findings.
MOST = 5
# Measures that count some of the same students are one topic: a group is named once per topic
# (an out-of-school suspension is also a suspension; a severely absent student is also chronically absent).
TOPICS = {
    "iss_rate": "suspension",
    "oss_rate": "suspension",
    "any_suspension_rate": "suspension",
    "chronic_absence_rate": "absence",
    "severe_absence_rate": "absence",
}
# What the students a measure counts did, in the past tense.
DID = {
    "chronic_absence_rate": "were chronically absent",
    "severe_absence_rate": "were severely absent",
    "iss_rate": "got an in-school suspension",
    "oss_rate": "got an out-of-school suspension",
    "any_suspension_rate": "were suspended",
    "meeting_rate": "met expectations",
    "typical_growth_rate": "met typical growth",
}
# The same, said again after "than if they": a suspension is "one" the second time.
DID_AGAIN = {"iss_rate": "got one", "oss_rate": "got one"}
# A measure as a question names it.
TOPIC_WORDS = {
    "chronic_absence_rate": "chronic absence",
    "severe_absence_rate": "severe absence",
    "iss_rate": "in-school suspensions",
    "oss_rate": "out-of-school suspensions",
    "any_suspension_rate": "suspensions",
}
# A group as a sentence names its students; groups whose label is not already a noun for people get "students".
# (English learners' registry label is one: people() reads it from there.)
PEOPLE = {
    "all": "students",
    "swd": "students with disabilities",
    "non_swd": "students without disabilities",
    "former_ell": "former English learners",
    "low_income": "low-income students",
    "high_needs": "high-needs students",
    "female": "girls",
    "male": "boys",
    "nonbinary": "non-binary students",
    "multirace": "multi-race students",
}
# The comparisons a finding can come from: (kind, difference field, reference field, signal field).
COMPARISONS = (
    ("gap", "gap_vs_comparison", "comparison_value", "gap_signal"),
    ("change", "change", "prior_value", "change_signal"),
    ("zone", "zone_gap", "rest_of_zone_value", "zone_gap_signal"),
)


@dataclass(frozen=True)
class Headline:
    """One likely-real finding of the first layer; `students` is signed: more (+) or fewer (−) students counted."""

    metric: str
    subgroup: str
    kind: str  # gap, change or zone
    students: int
    better: bool
    sentence: str
    numbers: str  # the two rates, in a few words
    question: str

    @property
    def key(self) -> str:
        return f"{self.metric}|{self.subgroup}"


def people(subgroup: str) -> str:
    """'students with disabilities', 'Hispanic or Latino students', 'English learners'."""
    if subgroup in PEOPLE:
        return PEOPLE[subgroup]
    label = subgroups.short_label(subgroup)
    return label if subgroup == "ell" else f"{label} students"


def did(info: MetricInfo, assessment_label: str | None = None) -> str:
    words = DID.get(info.family, f"were counted in {info.label.lower()}")
    return f"{words} on {assessment_label}" if assessment_label else words


def students_touched(n: int, value: float, reference: float) -> int:
    """How many more (+) or fewer (−) of n students a rate counts than the reference rate would (percents)."""
    return round(n * (value - reference) / 100)


def _counts_students(info: MetricInfo) -> bool:
    registered = metric_for(info.id)
    return bool(registered and registered.counts_students) and info.population == "students"


def _about(count: int, more: bool, who: str) -> str:
    word = "more" if more else "fewer"
    if count == 1:
        who = re.sub(r"\b(student|learner|girl|boy)s\b", r"\1", who, count=1)
    return f"About {count} {word} {who}"


def _assessment_of(info: MetricInfo) -> str | None:
    """'Interim reading assessment' for meeting_rate:interim_reading: the catalog's label less the measure's words."""
    if ":" not in info.id:
        return None
    name = info.label.split(":", 1)[0].strip()
    if not name:
        return None
    first = name.split(" ", 1)[0]
    # "the interim reading assessment", but "MCAS English Language Arts", a name, as it is.
    return name if first.isupper() else "the " + name[0].lower() + name[1:]


def _words(info: MetricInfo, cell: Cell, kind: str, count: int, reference: float, period: str) -> tuple[str, str]:
    more = count > 0
    action = did(info, _assessment_of(info))
    if abs(count) == 1:
        action = re.sub(r"^were\b", "was", action)
    shown, ref = format_value(cell.value, info.unit), format_value(reference, info.unit)
    if kind == "gap":
        again = DID_AGAIN.get(info.family) or did(info)
        sentence = (
            f"{_about(abs(count), more, people(cell.subgroup))} {action} than if they {again} as often as their "
            "schoolmates."
        )
        numbers = f"{shown} of them, against {ref} of their schoolmates"
    elif kind == "change":
        last = periods.last_period(period)
        sentence = f"{_about(abs(count), more, 'students')} {action} than if the rate had not changed since {last}."
        numbers = f"{shown} now, against {ref} {last if last.startswith('last') else 'at ' + last}"
    else:
        sentence = f"{_about(abs(count), more, 'students')} {action} than if the school matched the rest of the zone."
        numbers = f"{shown} here, against {ref} in the rest of the zone"
    return sentence, numbers


def topic(info: MetricInfo) -> str:
    """A measure as a question names it: 'chronic absence', 'the interim math assessment results'."""
    assessment = _assessment_of(info)
    if assessment:
        return f"{assessment} results"
    return TOPIC_WORDS.get(info.family, info.label.lower())


def _question(info: MetricInfo, cell: Cell, kind: str, better: bool, period: str) -> str:
    what = topic(info)
    if better:
        return f"What helped with {what}, and how do we keep it going?"
    if kind == "gap":
        return f"What do {people(cell.subgroup)} tell us about {what}, and what would we try first?"
    if kind == "change":
        return f"What changed since {periods.last_period(period)} for {what}?"
    return f"What do other zone schools do about {what} that we could try?"


def candidates(data: PeriodData, school_id: str, min_finding_n: int) -> list[Headline]:
    """Every likely-real, notable finding on a share of students, one per measure, group and comparison."""
    found = []
    for cell in data.school_cells(school_id):
        info = data.metrics[cell.metric]
        if cell.suppressed or cell.value is None or cell.n is None or not _counts_students(info):
            continue
        for kind, difference, reference_field, signal in COMPARISONS:
            if (kind == "gap") != (cell.subgroup != "all"):
                continue  # a group is read against its schoolmates; the school against last year and the zone
            if kind == "gap" and not subgroups.equity_group(cell.subgroup):
                continue
            delta, reference = getattr(cell, difference), getattr(cell, reference_field)
            if delta is None or reference is None or not signals.notable(delta, info.unit):
                continue
            evidence = signals.evidence(
                getattr(cell, signal), n=cell.n, population=info.population, min_finding_n=min_finding_n
            )
            if evidence != signals.LIKELY_REAL:
                continue
            count = students_touched(cell.n, cell.value, reference)
            if count == 0:
                continue
            better = not signals.is_worse(info.direction, delta)
            sentence, numbers = _words(info, cell, kind, count, reference, data.period)
            question = _question(info, cell, kind, better, data.period)
            found.append(Headline(cell.metric, cell.subgroup, kind, count, better, sentence, numbers, question))
    return found


def ranked(data: PeriodData, school_id: str, min_finding_n: int, most: int = MOST) -> list[Headline]:
    """The findings touching the most students first (a worse one before a better one of the same size);
    a group is named once per topic (TOPICS), with its largest finding."""
    order = sorted(
        candidates(data, school_id, min_finding_n),
        key=lambda h: (-abs(h.students), h.better, h.metric, subgroups.sort_key(h.subgroup), h.kind),
    )
    chosen, seen = [], set()
    for h in order:
        topic = (TOPICS.get(h.metric.split(":", 1)[0], h.metric), h.subgroup)
        if topic in seen:
            continue
        seen.add(topic)
        chosen.append(h)
    return chosen[:most]


def questions(found: list[Headline], targets_not_met: int, has_levers: bool) -> list[str]:
    """What the team should discuss: a question for each of the top findings of a different kind
    (a gap, a change, the zone; better or worse), then the targets and the levers."""
    asked, kinds = [], set()
    for h in found:
        if (h.kind, h.better) in kinds or len(asked) == 3:
            continue
        kinds.add((h.kind, h.better))
        asked.append(h.question)
    if targets_not_met:
        asked.append("Which missed target can we still reach this year, and what will it take?")
    if has_levers:
        asked.append("Do the top levers match what we see in classrooms? Which two will we choose?")
    if not found:
        asked.insert(0, "The figures show no large, likely-real difference. What do we see that they do not?")
    return asked


# A lever's strongest finding, by its kind, in a few words.
REASONS = {
    "target_not_met": f"target {target_words.NOT_MET}",
    "low_sqr_rating": "rated low by the School Quality Review",
    "worse_than_zone": lever_words.KIND_LABELS["worse_than_zone"],
    "worsening": "worse than last year",
    "equity_gap": "a gap for",
}


def lever_reason(e: LeverEvidence) -> str:
    """One line on why a lever ranks where it does: its strongest likely-real finding, and how many more."""
    if not e.findings:
        return lever_texts(e).caution or "No likely-real finding points to it."
    # The finding the lever's score rests on (one voice per measure: its strongest); the others are its other measures.
    top = e.strongest or e.findings[0]
    # "Interim math assessment, on grade level": the catalog's colon would read as the reason's own.
    what = top.label.replace(": ", ", ") if ":" in top.metric else top.label.lower()
    if top.kind == "equity_gap":
        reason = f"{what}: {REASONS['equity_gap']} {people(top.subgroup)}"
    elif top.subgroup != "all":
        reason = f"{what} of {people(top.subgroup)}: {REASONS[top.kind]}"
    else:
        reason = f"{what}: {REASONS[top.kind]}"
    reason = reason[0].upper() + reason[1:]
    more = len(e.findings) - 1
    if more:
        reason += f", and {more} more finding{'s' if more != 1 else ''}"
    return reason + "."
