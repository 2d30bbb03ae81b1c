"""The metric registry and the engine that runs the metric SQL in `sql/`.

Each metric names the SQL file that computes it (`sql/work/metrics/<file>.sql`,
which inserts raw cells into work.metric_cells); the engine runs each file
once, then applies the privacy suppression and publishes marts.metric_values.
Adding a metric is adding a SQL file (or a branch in one) and an entry here.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from sezp_roadmap import suppression
from sezp_roadmap.config import Settings
from sezp_roadmap.warehouse import create_like, replace_run_periods, run_sql, table_exists, transaction

# A (school year, period) partition; None for a run over every period.
Periods = list[tuple[int, str]] | None


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

    @property
    def higher_is_better(self) -> bool:
        return self.direction == "higher"


def _attendance(id: str, label: str, unit: str, direction: str, description: str, **kw) -> Metric:
    return Metric(id, label, unit, direction, description, "attendance", "attendance", **kw)


def _discipline(id: str, label: str, unit: str, description: str, **kw) -> Metric:
    return Metric(id, label, unit, "lower", description, "discipline", "discipline", **kw)


def _assessment(id: str, label: str, unit: str, description: str, **kw) -> Metric:
    return Metric(id, label, unit, "higher", description, "assessments", "assessments", **kw)


METRICS: tuple[Metric, ...] = (
    _attendance(
        "attendance_rate",
        "Attendance rate",
        "percent",
        "higher",
        "Share of school days students attended, out of the days they were enrolled "
        "(students enrolled at least 20 days).",
    ),
    _attendance(
        "chronic_absence_rate",
        "Chronic absence",
        "percent",
        "lower",
        "Share of students who missed 10% or more of the days they were enrolled, for any reason.",
        counts_students=True,
        interval_kind="wilson",
    ),
    _attendance(
        "severe_absence_rate",
        "Severe chronic absence",
        "percent",
        "lower",
        "Share of students who missed 20% or more of the days they were enrolled, for any reason.",
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
        "students statewide who scored alike before. Shown for 20 students or more, as DESE does.",
        scale=1,
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
    Metric(
        "family_favorable",
        "Family survey: percent favorable",
        "percent",
        "higher",
        "Share of answers to the family survey that were favorable (4 or 5 on the 5-point scale), all questions.",
        "family_survey",
        "family_survey",
        population="respondents",
    ),
    Metric(
        "family_favorable:*",
        "Family survey: percent favorable, by topic",
        "percent",
        "higher",
        "Share of answers to the family survey's questions on one topic that were favorable (4 or 5).",
        "family_survey",
        "family_survey",
        population="respondents",
    ),
    Metric(
        "educator_ici",
        "Educator survey: Instructional Culture Index",
        "score",
        "higher",
        "How teachers rate the school's instructional culture, on a 0-10 scale (the survey's overall index).",
        "educator_survey",
        "educator_survey",
        population="respondents",
        scale=1,
        interval_kind=None,
    ),
    Metric(
        "educator:*",
        "Educator survey, by domain",
        "score",
        "higher",
        "How teachers rate one area of the school's culture, on a 0-10 scale.",
        "educator_survey",
        "educator_survey",
        population="respondents",
        scale=1,
        interval_kind=None,
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
    ),
)

METRICS_BY_ID = {m.id: m for m in METRICS}


def metric_for(metric_id: str) -> Metric | None:
    """The registry entry of a metric id (`family_favorable:<topic>` resolves to `family_favorable:*`)."""
    return METRICS_BY_ID.get(metric_id) or METRICS_BY_ID.get(metric_id.split(":", 1)[0] + ":*")


def write_settings_tables(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """Configuration the SQL reads: periods per school year and the attendance code table."""
    years = [r[0] for r in con.execute("select distinct school_year from staging.calendar order by 1").fetchall()]
    run_sql(
        con,
        "meta/periods",
        {
            "cutoff_years": years,
            "cutoff_dates": [settings.mid_year_cutoff(y) for y in years],
            "as_of_date": settings.as_of_date,
        },
    )
    con.execute("create or replace table meta.attendance_codes (code varchar primary key, absent_days decimal(18,3), label varchar)")
    for code, days in settings.attendance_codes.items():
        con.execute(
            "insert into meta.attendance_codes values (?, ?, ?)", [code, days, settings.attendance_code_labels[code]]
        )
    write_registry_table(con)
    write_assessment_tables(con, settings)


def write_assessment_tables(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """meta.assessments and meta.assessment_levels: the assessments of the settings, as tables the SQL joins."""
    assessments = settings.assessments
    con.execute(
        "create or replace table meta.assessments "
        "(assessment varchar primary key, label varchar, subject varchar, kind varchar, meeting_label varchar)"
    )
    con.execute(
        "create or replace table meta.assessment_levels "
        "(assessment varchar, level varchar, level_order integer, is_meeting boolean, primary key (assessment, level))"
    )
    for a in assessments:
        con.execute("insert into meta.assessments values (?, ?, ?, ?, ?)", [a.id, a.label, a.subject, a.kind, a.meeting_label])
        con.executemany(
            "insert into meta.assessment_levels values (?, ?, ?, ?)",
            [[a.id, level, order, level in a.meeting] for order, level in enumerate(a.levels, start=1)],
        )


# Families of metrics hidden below a minimum of their own, larger than the
# students' one (its setting): DESE publishes a mean growth percentile only for
# 20 students or more.
def write_metric_minimums(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """work.metric_minimums: (family, min_n) for metric families with a minimum n of their own."""
    con.execute("create or replace table work.metric_minimums (family varchar, min_n integer)")
    con.execute("insert into work.metric_minimums values ('mean_sgp', ?)", [settings.min_sgp_students])


REGISTRY_COLUMNS = (
    "metric", "label", "unit", "direction", "description", "source", "population",
    "scale", "counts_students", "risk_ratio", "additive", "interval_kind",
)


def write_registry_table(con: duckdb.DuckDBPyConnection) -> None:
    """meta.metrics: the registry as a table, so the SQL reads units, directions and populations from it."""
    rows = [
        (m.id, m.label, m.unit, m.direction, m.description, m.source, m.population,
         m.scale, m.counts_students, m.risk_ratio, m.additive, m.interval_kind)
        for m in METRICS
    ]
    placeholders = "(" + ", ".join(["?"] * len(REGISTRY_COLUMNS)) + ")"
    con.execute(
        "create or replace table meta.metrics as select * from (values "
        + ", ".join([placeholders] * len(rows))
        + f") as m({', '.join(REGISTRY_COLUMNS)})",
        [v for row in rows for v in row],
    )


def write_run_periods(con: duckdb.DuckDBPyConnection, periods: Periods = None) -> int:
    """work.run_periods: the partitions this run computes (every period of meta.periods when None)."""
    chosen = list(periods or [])
    run_sql(
        con,
        "work/run_periods",
        {
            "all_periods": periods is None,
            "years": [year for year, _ in chosen],
            "periods": [period for _, period in chosen],
        },
    )
    return con.execute("select count(*) from work.run_periods").fetchone()[0]


def compute_student_tables(con: duckdb.DuckDBPyConnection, settings: Settings, periods: Periods = None) -> None:
    """Student-level working tables of the run's periods: membership, absences, subgroups (never published).

    periods: the (school year, period) partitions to compute; None computes every period.
    The work schema holds one run's working tables only, so it starts empty: no
    table of an earlier run (or of an earlier version's layout) is ever read.
    """
    con.execute("drop schema if exists work cascade")
    con.execute("create schema work")
    write_settings_tables(con, settings)
    write_run_periods(con, periods)
    run_sql(con, "work/student_tables")
    thresholds = {
        "min_membership_days": settings.min_membership_days,
        "chronic_absence_pct": settings.chronic_absence_pct,
        "severe_absence_pct": settings.severe_absence_pct,
    }
    for years in year_batches(con):
        run_sql(con, "work/student_attendance", {**thresholds, "school_years": years})
    run_sql(con, "work/student_subgroups")


# Above this many attendance exceptions, the student tables are computed one
# school year at a time: a state's tens of millions of rows a third at a time
# keep DuckDB's hash tables in memory (about a third less work in all). Below
# it, one pass over every year is quicker (a tenth at a district of 5 M rows).
ONE_YEAR_AT_A_TIME_ROWS = 10_000_000


def year_batches(con: duckdb.DuckDBPyConnection) -> list[list[int]]:
    """The run's school years in the groups sql/work/student_attendance.sql computes together."""
    years = [row[0] for row in con.execute("select distinct school_year from work.run_periods order by 1").fetchall()]
    exceptions = con.execute("select count(*) from staging.attendance").fetchone()[0]
    return [[year] for year in years] if exceptions > ONE_YEAR_AT_A_TIME_ROWS else [years]


def compute_metric_values(con: duckdb.DuckDBPyConnection, settings: Settings, periods: Periods = None) -> int:
    """Run every metric's SQL for the run's periods, suppress small cells, update the marts.

    Replaces the run's (school year, period) rows of marts.metric_values and
    marts.metric_comparisons in one transaction (other periods' rows stay) and
    rebuilds marts.metric_catalog; returns how many metric_values rows the run wrote.
    Expects compute_student_tables to have run, for the same periods, on this warehouse.
    A period's comparison with the prior year reads that year's rows from
    marts.metric_values, so periods are built in chronological order.
    """
    thresholds = {"min_students": settings.min_students, "min_respondents": settings.min_respondents}
    all_periods = periods is None
    write_registry_table(con)
    write_assessment_tables(con, settings)
    write_metric_minimums(con, settings)
    write_run_periods(con, periods)
    run_sql(con, "work/metric_cells")
    run_sql(con, "work/administrations")
    for sql_name in dict.fromkeys(m.sql for m in METRICS):
        run_sql(con, f"work/metrics/{sql_name}")
    run_sql(con, "work/metric_catalog")
    _merge_catalog(con, all_periods)
    run_sql(con, "work/other_cells")
    suppression.apply(con, **thresholds)
    run_sql(con, "marts/metric_values")
    with transaction(con):
        rows = replace_run_periods(con, "metric_values", all_periods=all_periods)
        run_sql(con, "marts/metric_comparisons", {**thresholds, "false_discovery_rate": settings.false_discovery_rate})
        replace_run_periods(con, "metric_comparisons", all_periods=all_periods)
        run_sql(con, "marts/assessment_levels")
        replace_run_periods(con, "assessment_levels", all_periods=all_periods)
        # Topics and domains no period publishes any more leave the catalog.
        con.execute(
            "delete from meta.metric_catalog as c where c.metric like '%:%' "
            "and not exists (select 1 from marts.metric_values as v where v.metric = c.metric)"
        )
        run_sql(con, "marts/metric_catalog")
    return rows


def _merge_catalog(con: duckdb.DuckDBPyConnection, all_periods: bool) -> None:
    """meta.metric_catalog: this run's metric ids (work.run_metric_catalog) added to those of earlier runs."""
    if all_periods:
        con.execute("create or replace table meta.metric_catalog as select * from work.run_metric_catalog")
        return
    if not table_exists(con, "meta.metric_catalog"):
        create_like(con, "meta.metric_catalog", "work.run_metric_catalog")
    con.execute(
        "delete from meta.metric_catalog as c where exists (select 1 from work.run_metric_catalog as r where r.metric = c.metric)"
    )
    con.execute("insert into meta.metric_catalog by name select * from work.run_metric_catalog")
