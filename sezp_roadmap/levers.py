"""Priority levers: which of the zone's levers the published data points to, and why.

A lever (sezp_roadmap/levers.yaml, or `levers:` in the zone's settings) names
the metrics that bear on it. For one school and period, every published,
unsuppressed cell of marts.metric_comparisons can yield findings of five kinds;
each finding is worth a fixed number of points, doubled when it is large. Only
a finding that is likely real scores (its comparison's signal is `clear`, its
group has at least `min_finding_n` people: sezp_roadmap.signals); the others
are counted as left out, so that the Teacher Leadership Team sees what was set
aside and why. A measure (the registry's Metric.measure: the family survey
with its topics, one assessment's figure with all its groups) scores at most
once per lever, with its strongest likely real finding; its other likely real
findings are kept as support, with 0 points, so that a figure that can be
compared many ways does not outweigh the others. Nothing here reads a
warehouse: the functions take small rows (dicts shaped like
marts.metric_comparisons with the catalog's label and population), so every
rule can be tested on hand-written rows. docs/priority-levers.md states the rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from fnmatch import fnmatchcase
from functools import cached_property, lru_cache
from pathlib import Path

import yaml

from sezp_roadmap import signals, subgroups
from sezp_roadmap.errors import InputProblem, Problem
from sezp_roadmap.metrics import measure_of

DEFAULT_LEVERS_FILE = Path(__file__).with_name("levers.yaml")

# Points per finding kind, in the order the report lists the kinds.
POINTS = {
    "target_not_met": 3,
    "low_sqr_rating": 3,
    "worse_than_zone": 2,
    "worsening": 2,
    "equity_gap": 1,
}
KIND_ORDER = {kind: position for position, kind in enumerate(POINTS)}
# An SQR domain rated this or lower is a finding; this or lower is a large one.
LOW_SQR_RATING = 2.0
VERY_LOW_SQR_RATING = 1.5
# Why a lever's evidence is thin (LeverEvidence.thin_evidence), judged on likely real findings only.
NO_FIGURES = "no_figures"  # no published figure bears on the lever
NOTHING_LIKELY_REAL = "nothing_likely_real"  # findings, all left out
SINGLE_FINDING = "single_finding"  # one likely real finding
SINGLE_MEASURE = "single_measure"  # several likely real findings, all on one measure
# What to keep in mind about a ranking as a whole (ranking_caveat).
NOTHING_POINTS = "nothing_points"  # no lever scores
TIE_BELOW_TOP = "tie_below_top"  # the second and third levers have the same score


@dataclass(frozen=True)
class Lever:
    id: str
    name: str
    description: str
    patterns: tuple[str, ...]

    def bears_on(self, metric: str) -> bool:
        return _matches(self.patterns, metric)


@lru_cache(maxsize=65536)
def _matches(patterns: tuple[str, ...], metric: str) -> bool:
    # Asked for every finding of every school: the few distinct metric ids are matched once.
    return any(fnmatchcase(metric, pattern) for pattern in patterns)


def _lever(entry: object, where: str, position: int) -> Lever:
    if not isinstance(entry, dict):
        raise InputProblem(
            Problem(
                file=where,
                row=position,
                message="a lever must be a mapping",
                value=str(entry),
                expected="id, name, description, metrics, survey_topics, sqr_domains",
            )
        )
    for key in ("id", "name"):
        if not str(entry.get(key) or "").strip():
            raise InputProblem(
                Problem(
                    file=where,
                    row=position,
                    column=key,
                    message=f"the lever has no {key}",
                    value=str(entry.get(key)),
                    expected="a non-empty text",
                )
            )
    patterns: list[str] = []
    for key in ("metrics", "survey_topics", "sqr_domains"):
        values = entry.get(key) or []
        if not isinstance(values, list):
            raise InputProblem(
                Problem(
                    file=where,
                    row=position,
                    column=key,
                    message="not a list",
                    value=str(values),
                    expected="a list of metric ids or patterns",
                )
            )
        patterns += [str(v) for v in values]
    return Lever(
        str(entry["id"]), str(entry["name"]), " ".join(str(entry.get("description") or "").split()), tuple(patterns)
    )


def parse_levers(entries: object, where: str) -> tuple[Lever, ...]:
    if not isinstance(entries, list) or not entries:
        raise InputProblem(
            Problem(
                file=where,
                column="levers",
                message="the levers must be a non-empty list",
                value=str(entries),
                expected="a list of levers",
            )
        )
    levers = tuple(_lever(e, where, i) for i, e in enumerate(entries, start=1))
    ids = [lever.id for lever in levers]
    duplicate = next((i for i in ids if ids.count(i) > 1), None)
    if duplicate:
        raise InputProblem(
            Problem(
                file=where,
                column="id",
                message="two levers share an id",
                value=duplicate,
                expected="a different id for every lever",
            )
        )
    return levers


def load_levers(settings_raw: dict | None = None) -> tuple[Lever, ...]:
    """The zone's levers (`levers:` in its settings), else the packaged default set."""
    if settings_raw and settings_raw.get("levers") is not None:
        return parse_levers(settings_raw["levers"], "settings: levers")
    return _default_levers()


@lru_cache(maxsize=1)
def _default_levers() -> tuple[Lever, ...]:
    # Read once per process: every period's reports ask for the levers. Levers are frozen, so sharing them is safe.
    loaded = yaml.safe_load(DEFAULT_LEVERS_FILE.read_text(encoding="utf-8"))
    return parse_levers(loaded["levers"], str(DEFAULT_LEVERS_FILE.name))


@dataclass(frozen=True)
class Finding:
    """One reason a lever may matter: its numbers, and whether it is likely real.

    Only a likely real finding scores (docs/priority-levers.md), and for a
    lever only the strongest of its measure; the others on that measure are
    support, the ones not likely real are kept to say how many were left out,
    and why. The words are reporting's (reporting/priority_levers.py:
    finding_sentence; reporting/lever_words.py: finding_reason).
    """

    kind: str
    metric: str
    subgroup: str
    label: str  # the metric's label
    unit: str
    population: str  # students, respondents or indicators: whom n counts
    n: int | None
    value: float
    reference: float | None = None  # the target, the zone, last year's value, or the rest of the school's
    difference: float | None = None  # how far from it, on the worse side (a target: the distance still to go)
    students: int | None = None  # for a target of a share of students: how many students would meet it
    large: bool = False
    evidence: str = signals.LIKELY_REAL
    direction: str | None = None  # "higher" or "lower" is better: which way is worse, for the words
    # Likely real, but another finding on the same measure scores for the lever: listed under it, 0 points.
    # Set per lever by rank_levers (a finding may score for one lever and support another's).
    support: bool = False

    @property
    def counts(self) -> bool:
        """Likely real (whether it scores or supports the finding that does)."""
        return self.evidence == signals.LIKELY_REAL

    @property
    def scores(self) -> bool:
        return self.counts and not self.support

    @property
    def points(self) -> int:
        return POINTS[self.kind] * (2 if self.large else 1) if self.scores else 0

    @property
    def measure(self) -> str:
        """The measure the finding is about (metrics.measure_of): at most one finding per measure scores."""
        return measure_of(self.metric)


def _worse_by_notable(direction: str, delta: float | None, unit: str) -> bool:
    """A difference on the worse side by at least the notable size."""
    return signals.is_worse(direction, delta) and signals.notable(delta, unit)


def _published(row: dict) -> bool:
    return not row.get("suppressed") and row.get("value") is not None


def _worse_than_the_rest(row: dict) -> bool:
    """A group's figure on the worse side of the rest of the school by a notable size (an equity gap candidate)."""
    return subgroups.equity_group(row["subgroup"]) and _worse_by_notable(
        row["direction"], row.get("gap_vs_comparison"), row["unit"]
    )


def _evidence(row: dict, signal_column: str, min_finding_n: int) -> str:
    return signals.evidence(
        row.get(signal_column), n=row.get("n"), population=row.get("population"), min_finding_n=min_finding_n
    )


def _target_evidence(row: dict, min_finding_n: int) -> str:
    """A missed target counts when the value's whole range misses it; an SQR rating is read as given."""
    if signals.small_group(row.get("n"), row.get("population"), min_finding_n):
        return signals.SMALL_GROUP
    if row.get("population") == "indicators":
        return signals.LIKELY_REAL
    return signals.target_evidence(
        row["value"], float(row["target"]), row.get("ci_low"), row.get("ci_high"), row["direction"]
    )


def _finding(kind: str, row: dict, **numbers) -> Finding:
    return Finding(
        kind,
        row["metric"],
        row["subgroup"],
        row["label"],
        row["unit"],
        row.get("population") or "students",
        row.get("n"),
        row["value"],
        direction=row["direction"],
        **numbers,
    )


def _comparison_finding(kind: str, row: dict, difference: str, reference: str, evidence: str) -> Finding:
    """A finding on one of the row's comparisons: its figure worse than row[reference] by row[difference]."""
    return _finding(
        kind,
        row,
        reference=row[reference],
        difference=row[difference],
        large=signals.large(row[difference], row["unit"]),
        evidence=evidence,
    )


def _margin(f: Finding) -> float:
    """How far the figure is on the worse side: the difference, or how far an SQR rating is below 2 or at it."""
    if f.difference is not None:
        return abs(f.difference)
    if f.kind == "low_sqr_rating" and f.reference is not None:
        return f.reference - f.value
    return 0.0


def strength(f: Finding) -> tuple:
    """Sort key, strongest first: the most points it would score (a large finding's double); then the kind
    in the order of POINTS (a missed target before a low rating, before the zone, last year, an equity gap);
    then all students before a group; then the larger difference (the lower SQR rating); then metric and
    group ids, so that every tie has one answer. The measure's strongest likely real finding scores."""
    return (
        -POINTS[f.kind] * (2 if f.large else 1),
        KIND_ORDER[f.kind],
        f.subgroup != "all",
        -_margin(f),
        f.metric,
        f.subgroup,
    )


# The all-students comparisons a finding can come from, in the order they are found:
# (finding kind, the difference's column, the reference's column, the signal's column).
ALL_STUDENTS_COMPARISONS = (
    ("worse_than_zone", "diff_vs_zone", "zone_value", "zone_gap_signal"),
    ("worsening", "change", "prior_value", "change_signal"),
)


def findings_for(rows: list[dict], *, min_finding_n: int) -> list[Finding]:
    """Every finding in one school's rows of one period, likely real or not (suppressed rows yield none)."""
    found: list[Finding] = []
    gaps: dict[str, list[dict]] = {}
    for row in rows:
        if not _published(row):
            continue
        if _worse_than_the_rest(row):
            gaps.setdefault(row["metric"], []).append(row)
        if row["subgroup"] != "all" and row.get("target") is None:
            continue  # a group's figure without a target can only be an equity gap
        unit, direction, value = row["unit"], row["direction"], row["value"]
        if row.get("target") is not None and row.get("target_met") is False:
            gap = row.get("target_gap")
            found.append(
                _finding(
                    "target_not_met",
                    row,
                    reference=float(row["target"]),
                    difference=gap,
                    students=row.get("target_gap_students"),
                    large=gap is not None and signals.large(gap, unit),
                    evidence=_target_evidence(row, min_finding_n),
                )
            )
        if row["metric"].startswith("sqr:") and row["subgroup"] == "all" and value <= LOW_SQR_RATING:
            # A reviewer's rating is the measure itself, not a sample of it: it counts as given.
            found.append(_finding("low_sqr_rating", row, reference=LOW_SQR_RATING, large=value <= VERY_LOW_SQR_RATING))
        if row["subgroup"] == "all":
            for kind, difference, reference, signal in ALL_STUDENTS_COMPARISONS:
                if _worse_by_notable(direction, row.get(difference), unit):
                    evidence = _evidence(row, signal, min_finding_n)
                    found.append(_comparison_finding(kind, row, difference, reference, evidence))
    # One gap per metric, so a metric with many groups does not outweigh the others: the largest likely
    # real one, or, when none is, the largest of those left out.
    for candidates in gaps.values():
        judged = [(_evidence(r, "gap_signal", min_finding_n), r) for r in candidates]
        real = [pair for pair in judged if pair[0] == signals.LIKELY_REAL]
        evidence, row = max(real or judged, key=lambda pair: (abs(pair[1]["gap_vs_comparison"]), pair[1]["subgroup"]))
        found.append(_comparison_finding("equity_gap", row, "gap_vs_comparison", "comparison_value", evidence))
    return found


@dataclass
class LeverEvidence:
    """A lever's findings for one school and period: those that score, their support, and those left out.

    `findings` holds one finding per measure, the one that scores (strongest
    first); `support` the other likely real findings on those measures (0
    points); `left_out` those that are not likely real. The score, breakdown
    and caution are worked out once, when first asked: the ranking, the page
    and both exports all read them, and a lever's findings do not change once
    it is ranked.
    """

    lever: Lever
    rank: int
    findings: list[Finding] = field(default_factory=list)  # likely real, one per measure: they score
    metrics_with_data: int = 0
    left_out: list[Finding] = field(default_factory=list)  # within normal variation, small group, no range
    support: list[Finding] = field(default_factory=list)  # likely real, on a measure that already scores: 0 points

    @cached_property
    def score(self) -> int:
        return sum(f.points for f in self.findings)

    @property
    def strongest(self) -> Finding | None:
        """The finding that scores most for the lever (its one-line reason), None when none scores."""
        return self.findings[0] if self.findings else None

    def support_of(self, finding: Finding) -> list[Finding]:
        """The support listed under a scoring finding: the lever's other likely real findings on its measure."""
        return [f for f in self.support if f.measure == finding.measure]

    @cached_property
    def breakdown(self) -> list[dict]:
        """Per finding kind, in the order of POINTS: how many score, how many large, and the points they add up to."""
        rows = []
        for kind in POINTS:
            of_kind = [f for f in self.findings if f.kind == kind]
            if of_kind:
                rows.append(
                    {
                        "kind": kind,
                        "count": len(of_kind),
                        "large": sum(f.large for f in of_kind),
                        "points_each": POINTS[kind],
                        "points": sum(f.points for f in of_kind),
                    }
                )
        return rows

    @cached_property
    def thin_evidence(self) -> str | None:
        """Why this lever's evidence is thin (judged on likely real findings only), or None when it is not."""
        if self.metrics_with_data == 0:
            return NO_FIGURES
        if not self.findings:
            return NOTHING_LIKELY_REAL if self.left_out else None
        if len(self.findings) < 2:
            return SINGLE_MEASURE if self.support else SINGLE_FINDING
        return None


def one_voice_per_measure(likely_real: list[Finding]) -> tuple[list[Finding], list[Finding]]:
    """(scoring, support) of one lever's likely real findings: each measure's strongest scores, strongest
    first; the rest of its findings are support (0 points), listed in their scoring finding's order."""
    by_measure: dict[str, list[Finding]] = {}
    for f in sorted(likely_real, key=strength):
        by_measure.setdefault(f.measure, []).append(f)
    scoring = [found[0] for found in by_measure.values()]
    support = [replace(f, support=True) for found in by_measure.values() for f in found[1:]]
    return scoring, support


def rank_levers(levers: tuple[Lever, ...], findings: list[Finding], metrics_present: set[str]) -> list[LeverEvidence]:
    """Levers by score (highest first), then by number of measures that score, then in the configured order."""
    evidence = []
    for lever in levers:
        mine = sorted((f for f in findings if lever.bears_on(f.metric)), key=strength)
        scoring, support = one_voice_per_measure([f for f in mine if f.counts])
        evidence.append(
            LeverEvidence(
                lever,
                0,
                scoring,
                sum(lever.bears_on(m) for m in metrics_present),
                [f for f in mine if not f.counts],
                support,
            )
        )
    order = sorted(range(len(evidence)), key=lambda i: (-evidence[i].score, -len(evidence[i].findings), i))
    ranked = [evidence[i] for i in order]
    for position, item in enumerate(ranked, start=1):
        item.rank = position
    return ranked


def ranking_caveat(ranked: list[LeverEvidence]) -> str | None:
    """What to keep in mind about the ranking as a whole: no lever scores, or the second and third tie."""
    if not ranked or all(e.score == 0 for e in ranked):
        return NOTHING_POINTS
    if len(ranked) > 2 and ranked[1].score == ranked[2].score and ranked[1].score > 0:
        return TIE_BELOW_TOP
    return None
