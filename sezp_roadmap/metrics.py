"""The metric registry: every metric the Roadmap computes, in one place.

Each metric names the SQL file that computes it (`sql/work/metrics/<file>.sql`,
which inserts raw cells into work.metric_cells); the engine
(sezp_roadmap.metric_engine) runs each file once, then applies the privacy
suppression and publishes marts.metric_values. Adding a metric is adding a SQL
file (or a branch in one) and an entry here; the entry declares the measure it
belongs to when it is another view of an existing one (a new survey topic is
the family survey), so the lever score counts that measure once.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass

import duckdb


@dataclass(frozen=True)
class Metric:
    """One metric, or one family of metrics whose id ends in `:*` (one per survey topic or domain).

    value = scale × numerator / denominator for every metric, which lets the
    comparisons compare a value with a target exactly, in decimals.
    """

    id: str
    label: str
    unit: str  # percent, days, per_100, score (0-10), rating (1-4), percentile (1-99)
    direction: str  # "higher" or "lower" is better
    # A threshold of the settings is written {its_setting} (an attribute of config.Settings), never as its number:
    # described() fills it in, so a zone that changes the threshold reads its own.
    description: str
    source: str  # the extract it comes from
    sql: str  # sql/work/metrics/<sql>.sql computes it
    population: str = "students"  # whose count n is: students, respondents, indicators
    scale: int = 100  # value = scale × numerator / denominator
    # The value is a share of students, so a distance to a target is a number of students.
    counts_students: bool = False
    # Discipline rates: the risk ratio (subgroup rate / rate of all other students) is published.
    risk_ratio: bool = False
    # Numerators and denominators of disjoint groups add up, so "all other students"
    # is all minus the group; incidents do not (one incident can involve several groups).
    additive: bool = True
    # The 95% interval of a value (docs/metrics.md, "Uncertainty"): "wilson" for shares of
    # students, "ratio" for per-student (per-respondent) ratios and means, None where
    # sampling makes no sense (a vendor's aggregate score, a reviewer's rating).
    interval_kind: str | None = "ratio"
    # A minimum number of students of the family's own, larger than suppression.min_students: the name
    # of the setting (an attribute of config.Settings) that gives it. Suppression
    # (work.metric_minimums) and every "fewer than N" a report writes read it from here.
    min_n_setting: str | None = None
    # The measure the metric belongs to, for the lever score (docs/priority-levers.md, "One measure, one
    # voice"): metrics of one measure are one figure seen several ways (a survey's overall figure and its
    # topics), so a measure scores at most once per lever. None: every metric id is a measure on its own
    # (for a family, each member: meeting_rate:mcas_ela and meeting_rate:mcas_math are two measures).
    measure: str | None = None

    @property
    def higher_is_better(self) -> bool:
        return self.direction == "higher"

    def described(self, settings) -> str:
        """The description with the settings' thresholds in it."""
        fields = {name for _, name, _, _ in string.Formatter().parse(self.description) if name}
        return self.description.format(**{name: getattr(settings, name) for name in fields})

    @property
    def family(self) -> str:
        """'mean_sgp' for 'mean_sgp:*'; a metric that is no family is its own."""
        return family(self.id)


# The measures several metrics share (Metric.measure): one survey with its topics or domains, one review
# with its domains.
FAMILY_SURVEY = "family_survey"
EDUCATOR_SURVEY = "educator_survey"
SCHOOL_QUALITY_REVIEW = "sqr"


def _attendance(id: str, label: str, unit: str, direction: str, description: str, **kw) -> Metric:
    return Metric(id, label, unit, direction, description, "attendance", "attendance", **kw)


def _discipline(id: str, label: str, unit: str, description: str, **kw) -> Metric:
    return Metric(id, label, unit, "lower", description, "discipline", "discipline", **kw)


def _assessment(id: str, label: str, unit: str, description: str, **kw) -> Metric:
    return Metric(id, label, unit, "higher", description, "assessments", "assessments", **kw)


def _family_survey(id: str, label: str, description: str, source: str = "family_survey", **kw) -> Metric:
    # A share of the respondents' answers that were favorable; the overall figure and its topics are one measure,
    # and so are the vendor's figures where the survey came as its report (the lever score counts the survey once).
    return Metric(
        id,
        label,
        "percent",
        "higher",
        description,
        source,
        source,
        population="respondents",
        measure=FAMILY_SURVEY,
        **kw,
    )


def _vendor_family_survey(id: str, label: str, description: str) -> Metric:
    # The vendor's percent favorable (family_survey_summary), where the answers behind it are not in the landing
    # folder: its interval is Wilson's over the respondents, an approximation (docs/metrics.md).
    return _family_survey(id, label, description, "family_survey_summary", interval_kind="wilson")


def _educator_survey(id: str, label: str, description: str) -> Metric:
    # The vendor's aggregate 0-10 score: no interval (sampling makes no sense for it).
    return Metric(
        id,
        label,
        "score",
        "higher",
        description,
        "educator_survey",
        "educator_survey",
        population="respondents",
        scale=1,
        interval_kind=None,
        measure=EDUCATOR_SURVEY,
    )


METRICS: tuple[Metric, ...] = (
    _attendance(
        "attendance_rate",
        "Attendance rate",
        "percent",
        "higher",
        "Share of school days students attended, out of the days they were enrolled "
        "(students enrolled at least {min_membership_days} days).",
    ),
    _attendance(
        "chronic_absence_rate",
        "Chronic absence",
        "percent",
        "lower",
        "Share of students who missed {chronic_absence_pct}% or more of the days they were enrolled, for any reason.",
        counts_students=True,
        interval_kind="wilson",
    ),
    _attendance(
        "severe_absence_rate",
        "Severe chronic absence",
        "percent",
        "lower",
        "Share of students who missed {severe_absence_pct}% or more of the days they were enrolled, for any reason.",
        counts_students=True,
        interval_kind="wilson",
    ),
    _attendance(
        "avg_days_absent",
        "Average days absent",
        "days",
        "lower",
        "Average number of days a student missed, counting half-day absences as half a day.",
        scale=1,
    ),
    _discipline(
        "iss_rate",
        "In-school suspension",
        "percent",
        "Share of enrolled students who received at least one in-school suspension.",
        counts_students=True,
        risk_ratio=True,
        interval_kind="wilson",
    ),
    _discipline(
        "oss_rate",
        "Out-of-school suspension",
        "percent",
        "Share of enrolled students who received at least one out-of-school suspension.",
        counts_students=True,
        risk_ratio=True,
        interval_kind="wilson",
    ),
    _discipline(
        "any_suspension_rate",
        "Any suspension",
        "percent",
        "Share of enrolled students who were suspended at least once, in school or out of school.",
        counts_students=True,
        risk_ratio=True,
        interval_kind="wilson",
    ),
    _discipline(
        "incidents_per_100",
        "Discipline incidents per 100 students",
        "per_100",
        "Discipline incidents involving the school's students, for every 100 students enrolled.",
        additive=False,
    ),
    _discipline(
        "days_removed_per_100",
        "Days removed from class per 100 students",
        "per_100",
        "School days students spent removed from class (suspensions, expulsions, emergency removals, "
        "alternative settings), for every 100 students enrolled.",
    ),
    # Academics: one metric per assessment of the settings (meeting_rate:mcas_ela, ...).
    _assessment(
        "meeting_rate:*",
        "Assessment: share meeting expectations",
        "percent",
        "Share of the students tested on the period's administration whose performance level counts as meeting "
        "expectations (on grade level).",
        counts_students=True,
        interval_kind="wilson",
    ),
    _assessment(
        "mean_sgp:*",
        "Assessment: mean student growth percentile",
        "percentile",
        "Average student growth percentile (1-99; 50 is typical growth): how much students grew compared with "
        "students statewide who scored alike before. Shown for {min_sgp_students} students or more, as DESE does.",
        scale=1,
        # DESE publishes a mean growth percentile only for 20 students or more.
        min_n_setting="min_sgp_students",
    ),
    _assessment(
        "typical_growth_rate:*",
        "Assessment: share meeting typical growth",
        "percent",
        "Share of the students tested in fall and on the period's later administration who met the typical growth "
        "the assessment expects from fall.",
        counts_students=True,
        interval_kind="wilson",
    ),
    _family_survey(
        "family_favorable",
        "Family survey: percent favorable",
        "Share of answers to the family survey that were favorable (4 or 5 on the 5-point scale), all questions.",
    ),
    _family_survey(
        "family_favorable:*",
        "Family survey: percent favorable, by topic",
        "Share of answers to the family survey's questions on one topic that were favorable (4 or 5).",
    ),
    _vendor_family_survey(
        "family_vendor_favorable",
        "Family survey: percent favorable (vendor's figure)",
        "The survey vendor's percent favorable over every question, as its report gives it.",
    ),
    _vendor_family_survey(
        "family_vendor_favorable:*",
        "Family survey: percent favorable by topic (vendor's figure)",
        "The survey vendor's percent favorable for one topic, as its report gives it, with the number of families "
        "who answered. Its range treats each family as one yes-or-no answer, an approximation: the answers behind "
        "the vendor's figure are not in the extracts.",
    ),
    _educator_survey(
        "educator_ici",
        "Educator survey: Instructional Culture Index",
        "How teachers rate the school's instructional culture, on a 0-10 scale (the survey's overall index).",
    ),
    _educator_survey(
        "educator:*",
        "Educator survey, by domain",
        "How teachers rate one area of the school's culture, on a 0-10 scale.",
    ),
    Metric(
        "sqr:*",
        "School Quality Review, by domain",
        "rating",
        "higher",
        "Average rating the School Quality Review gave the domain's indicators, from 1 (not yet evident) "
        "to 4 (exemplary).",
        "sqr",
        "sqr",
        population="indicators",
        scale=1,
        interval_kind=None,
        measure=SCHOOL_QUALITY_REVIEW,
    ),
)

METRICS_BY_ID = {m.id: m for m in METRICS}


def metric_for(metric_id: str) -> Metric | None:
    """The registry entry of a metric id (`family_favorable:<topic>` resolves to `family_favorable:*`)."""
    return METRICS_BY_ID.get(metric_id) or METRICS_BY_ID.get(family(metric_id) + ":*")


def measure_of(metric_id: str) -> str:
    """The measure a metric id belongs to: its registry entry's measure, else the id itself (a measure on its
    own, with all its groups). 'family_favorable:communication' -> 'family_survey'; 'chronic_absence_rate' ->
    'chronic_absence_rate'; an id outside the registry is its own measure."""
    entry = metric_for(metric_id)
    return entry.measure if entry is not None and entry.measure else metric_id


def family(metric_id: str) -> str:
    """'mean_sgp' for 'mean_sgp:mcas_ela' (and for 'mean_sgp:*'); a metric that is no family is its own."""
    return metric_id.split(":", 1)[0]


def own_minimums(settings) -> dict[str, int]:
    """{family: minimum n} of the families with a minimum of their own, read from their settings."""
    return {m.family: getattr(settings, m.min_n_setting) for m in METRICS if m.min_n_setting}


def minimum_for(
    metric_id: str, population: str, min_students: int, min_respondents: int, own: Mapping[str, int]
) -> int:
    """The fewest behind a published figure of this metric, as sql/work/suppression_cells.sql hides them:
    respondents for a survey; for students, the larger of min_students and the family's own minimum
    (`own`, from own_minimums)."""
    if population == "respondents":
        return min_respondents
    return max(min_students, own.get(family(metric_id), 0))


REGISTRY_COLUMNS = (
    "metric",
    "label",
    "unit",
    "direction",
    "description",
    "source",
    "population",
    "scale",
    "counts_students",
    "risk_ratio",
    "additive",
    "interval_kind",
)


def _registry_row(m: Metric, settings) -> tuple:
    """Each column is the Metric field of its name, but for the id and the description with its thresholds."""
    own = {"metric": m.id, "description": m.described(settings)}
    return tuple(own[c] if c in own else getattr(m, c) for c in REGISTRY_COLUMNS)


def write_registry_table(con: duckdb.DuckDBPyConnection, settings) -> None:
    """meta.metrics: the registry as a table, so the SQL reads units, directions and populations from it
    (descriptions with the settings' thresholds)."""
    rows = [_registry_row(m, settings) for m in METRICS]
    placeholders = "(" + ", ".join(["?"] * len(REGISTRY_COLUMNS)) + ")"
    con.execute(
        "create or replace table meta.metrics as select * from (values "
        + ", ".join([placeholders] * len(rows))
        + f") as m({', '.join(REGISTRY_COLUMNS)})",
        [v for row in rows for v in row],
    )
