"""Everything one school year and period of reports needs, read once from the published tables.

Reports read only published, suppressed tables: marts.metric_comparisons
(every cell of marts.metric_values with its comparisons), the small aggregates of
`reporting.aggregates`, meta.periods, staging.schools and meta.load_files.
Nothing here reads a student-level table.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from operator import itemgetter

import duckdb

from sezp_roadmap.findings import EXCLUDED
from sezp_roadmap.metrics import metric_for
from sezp_roadmap.warehouse import execute_query, query

ZONE = "ZONE"
COMPARISON_FIELDS = (
    "prior_value",
    "change",
    "zone_value",
    "diff_vs_zone",
    "all_value",
    "gap_vs_all",
    "comparison_group",
    "comparison_value",
    "gap_vs_comparison",
    "risk_ratio",
    "target",
    "target_met",
    "target_gap",
    "target_gap_students",
    "direction",
)
# 95% intervals and signals (docs/metrics.md, "Uncertainty"): the cell's own interval,
# and for the change, the gap with the rest of the school and the gap with the rest of the zone.
UNCERTAINTY_FIELDS = (
    "ci_low",
    "ci_high",
    "change_low",
    "change_high",
    "change_signal",
    "gap_low",
    "gap_high",
    "gap_signal",
    "rest_of_zone_value",
    "zone_gap",
    "zone_gap_low",
    "zone_gap_high",
    "zone_gap_signal",
    "risk_ratio_low",
    "risk_ratio_high",
)
# The columns a Cell is made of, in the order of Cell's fields.
CELL_COLUMNS = ("school_id", "metric", "subgroup", "n", "value", "suppressed", *COMPARISON_FIELDS, *UNCERTAINTY_FIELDS)
# Figures worked out from a cell's value: a suppressed cell must not carry them either.
DERIVED_FROM_VALUE = (
    "change",
    "diff_vs_zone",
    "gap_vs_all",
    "gap_vs_comparison",
    "risk_ratio",
    "target_met",
    "target_gap",
    "target_gap_students",
    *UNCERTAINTY_FIELDS,
)


@dataclass(frozen=True)
class MetricInfo:
    """What a report says about a metric: from the registry, with a catalog label for topics and domains."""

    id: str
    label: str
    unit: str
    direction: str | None
    description: str
    population: str = "students"

    @property
    def family(self) -> str:
        return self.id.split(":", 1)[0]

    @cached_property  # asked for every difference on every page
    def higher_is_better(self) -> bool | None:
        return None if self.direction not in ("higher", "lower") else self.direction == "higher"


def _label_from_slug(slug: str) -> str:
    return slug.replace("_", " ").replace("-", " ").strip().capitalize()


def describe(metric_id: str, catalog: dict[str, dict]) -> MetricInfo:
    metric = metric_for(metric_id)
    entry = catalog.get(metric_id, {})
    suffix = metric_id.split(":", 1)[1] if ":" in metric_id else None
    label = entry.get("label") or (metric.label if metric and not suffix else None)
    if not label:
        label = _label_from_slug(suffix) if suffix else _label_from_slug(metric_id)
    return MetricInfo(
        id=metric_id,
        label=label,
        unit=entry.get("unit") or (metric.unit if metric else ""),
        direction=entry.get("direction") or (metric.direction if metric else None),
        description=entry.get("description") or (metric.description if metric else ""),
        population=entry.get("population") or (metric.population if metric else "students"),
    )


@dataclass(slots=True)  # a period has tens of thousands of cells: slots make them quicker to build and read
class Cell:
    """One published cell with the figures it is read against (None where not published)."""

    school_id: str
    metric: str
    subgroup: str
    n: int | None
    value: float | None
    suppressed: bool
    prior_value: float | None = None
    change: float | None = None
    zone_value: float | None = None
    diff_vs_zone: float | None = None
    all_value: float | None = None
    gap_vs_all: float | None = None
    comparison_group: str | None = None
    comparison_value: float | None = None
    gap_vs_comparison: float | None = None
    risk_ratio: float | None = None
    target: float | None = None
    target_met: bool | None = None
    target_gap: float | None = None
    target_gap_students: int | None = None
    direction: str | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    change_low: float | None = None
    change_high: float | None = None
    change_signal: str | None = None  # 'clear' or 'unclear'; None without an interval
    gap_low: float | None = None
    gap_high: float | None = None
    gap_signal: str | None = None
    rest_of_zone_value: float | None = None
    zone_gap: float | None = None
    zone_gap_low: float | None = None
    zone_gap_high: float | None = None
    zone_gap_signal: str | None = None
    risk_ratio_low: float | None = None
    risk_ratio_high: float | None = None
    # Kept only to tell a small hidden group from a large one hidden to protect it; never printed.
    hidden_n: int | None = field(default=None, repr=False)

    @classmethod
    def published(
        cls,
        school_id: str,
        metric: str,
        subgroup: str,
        n: int | None,
        value: float | None,
        suppressed: bool | None,
        *comparisons,
    ) -> Cell:
        """A cell from its CELL_COLUMNS values, as a page may use it."""
        if not suppressed:
            return cls(school_id, metric, subgroup, n, value, False, *comparisons)
        # A suppressed cell's n would say how few students there are: it is never shown.
        cell = cls(school_id, metric, subgroup, None, None, True, *comparisons, hidden_n=n)
        # Nothing derived from a hidden value may reach the page.
        for name in DERIVED_FROM_VALUE:
            setattr(cell, name, None)
        return cell

    @classmethod
    def from_row(cls, row: dict) -> Cell:
        return cls.published(*(row.get(name) for name in CELL_COLUMNS))


@dataclass
class PeriodData:
    school_year: int
    period: str
    period_row: dict
    schools: list[dict]
    cells: dict[tuple[str, str, str], Cell]
    metrics: dict[str, MetricInfo]
    # {school: {"enrolled": n, "attending": n}} (sql/pages/enrollment.sql); either may be None.
    enrollment: dict[str, dict]
    monthly_attendance: dict[str, dict[int, list[dict]]] = field(default_factory=dict)
    absence_bands: dict[str, list[dict]] = field(default_factory=dict)
    monthly_discipline: dict[str, dict[int, list[dict]]] = field(default_factory=dict)
    findings: dict[str, list[dict]] = field(default_factory=dict)
    # Tested students by performance level: {(school, assessment, subgroup): rows from the lowest level up}.
    assessment_levels: dict[tuple[str, str, str], list[dict]] = field(default_factory=dict)
    # At mid-year, the state test figures of the previous school year's end (last spring), which
    # the mid-year period has none of: their cells and levels, read like the period's own.
    last_spring: PeriodData | None = None
    # Cells by school and by (school, metric): every section asks for one school's cells,
    # and scanning all cells per question made rendering quadratic in the number of schools.
    _by_school: dict[str, list[Cell]] = field(default_factory=dict, init=False, repr=False)
    _by_school_metric: dict[tuple[str, str], list[Cell]] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        by_school: dict[str, list[Cell]] = defaultdict(list)
        by_school_metric: dict[tuple[str, str], list[Cell]] = defaultdict(list)
        for (school_id, metric, _), c in self.cells.items():
            by_school[school_id].append(c)
            by_school_metric[(school_id, metric)].append(c)
        self._by_school, self._by_school_metric = dict(by_school), dict(by_school_metric)

    def cell(self, school_id: str, metric: str, subgroup: str = "all") -> Cell | None:
        return self.cells.get((school_id, metric, subgroup))

    def school_cells(self, school_id: str, metric: str | None = None) -> list[Cell]:
        """One school's cells of one metric (of every metric when None), in the mart's order."""
        if metric is None:
            return list(self._by_school.get(school_id, ()))
        return list(self._by_school_metric.get((school_id, metric), ()))

    def metric_ids(self, family: str) -> list[str]:
        """The metrics of a family present in the period (`family_favorable` gives the topics), in label order."""
        ids = [m for m in self.metrics if m.split(":", 1)[0] == family and ":" in m]
        return sorted(ids, key=lambda m: self.metrics[m].label)


CATALOG_COLUMNS = ("label", "unit", "direction", "description", "population")


def load_catalog(con: duckdb.DuckDBPyConnection) -> dict[str, dict]:
    """Every metric's label, unit, direction, description and population (meta.metric_catalog), by id."""
    rows = con.execute(f"select metric, {', '.join(CATALOG_COLUMNS)} from meta.metric_catalog").fetchall()
    return {r[0]: {c: v for c, v in zip(CATALOG_COLUMNS, r[1:]) if v is not None} for r in rows}


def _by_school_and_year(rows: list[dict]) -> dict[str, dict[int, list[dict]]]:
    grouped: dict[str, dict[int, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        grouped[row["school_id"]][row["school_year"]].append(row)
    return grouped


def _findings(con: duckdb.DuckDBPyConnection, school_year: int) -> dict[str, list[dict]]:
    """Counts of data-quality findings per school, extract and rule (sql/pages/school_findings.sql)."""
    found: dict[str, list[dict]] = defaultdict(list)
    for row in query(con, "pages/school_findings", {"school_year": school_year, "excluded": EXCLUDED}):
        found[row.pop("school_id")].append(row)
    return found


def _period_cells(con: duckdb.DuckDBPyConnection, name: str, params: dict) -> dict[tuple[str, str, str], Cell]:
    """The period's cells by (school, metric, subgroup), in the query's order.

    Rows are read as tuples, not dictionaries: a period has tens of thousands of
    cells, and a dictionary per row cost as much as the rest of loading.
    """
    cursor = execute_query(con, name, params)
    columns = [d[0] for d in cursor.description]
    pick = itemgetter(*(columns.index(c) for c in CELL_COLUMNS))
    suppressed = CELL_COLUMNS.index("suppressed")
    cells = {}
    for row in cursor.fetchall():
        values = pick(row)
        # Most cells are shown as they are; Cell.published hides what a suppressed (or unflagged) cell must not show.
        cell = Cell(*values) if values[suppressed] is False else Cell.published(*values)
        cells[(cell.school_id, cell.metric, cell.subgroup)] = cell
    return cells


def load_period(
    con: duckdb.DuckDBPyConnection,
    period_row: dict,
    catalog: dict[str, dict],
    *,
    load_last_spring: bool = True,
    schools: list[str] | None = None,
    every_school_all: bool = True,
) -> PeriodData:
    """One period as its pages read it: every school's, or one share of the schools' (`schools`, with the zone).

    A share that also writes the zone overview (`every_school_all`) reads every school's all-students cells
    too. The period's metrics are always all of them: a page's sections list the period's metrics.
    """
    school_year, period = period_row["school_year"], period_row["period"]
    share = {"schools": schools or [], "every_school_all": every_school_all}
    params = {"school_year": school_year, "period": period, "assessments": [], "families": [], **share}
    cells = _period_cells(con, "pages/period_comparisons", params)
    data = PeriodData(
        school_year=school_year,
        period=period,
        period_row=period_row,
        schools=query(con, "pages/schools", params),
        cells=cells,
        metrics=_metrics(con, params, cells if not schools else None, catalog),
        enrollment={r["school_id"]: r for r in query(con, "pages/enrollment", params)},
    )
    data.monthly_attendance = _by_school_and_year(query(con, "pages/period_monthly_attendance", params))
    bands: dict[str, list[dict]] = defaultdict(list)
    for row in query(con, "pages/period_absence_bands", params):
        bands[row["school_id"]].append(row)
    data.absence_bands = bands
    data.monthly_discipline = _by_school_and_year(query(con, "pages/period_monthly_discipline", params))
    data.findings = _findings(con, school_year)
    data.assessment_levels = _assessment_levels(con, params)
    # Only the state test is read from last spring (reporting.academics): read in SQL, not filtered here,
    # as the whole period's cells and levels were half of loading a mid-year period.
    state_tests = [row[0] for row in con.execute(STATE_TESTS_SQL).fetchall()] if period == "mid_year" else []
    if state_tests and load_last_spring:
        spring_row = {"school_year": school_year - 1, "period": "end_of_year"}
        spring = {**spring_row, **share, "assessments": state_tests, "families": list(ACADEMIC_FAMILIES)}
        spring_cells = _period_cells(con, "pages/period_comparisons", spring)
        data.last_spring = PeriodData(
            school_year=school_year - 1,
            period="end_of_year",
            period_row=spring_row,
            schools=data.schools,
            cells=spring_cells,
            metrics=_metrics(con, spring, spring_cells if not schools else None, catalog),
            enrollment={},
        )
        data.last_spring.assessment_levels = _assessment_levels(con, spring)
    return data


def _metrics(
    con: duckdb.DuckDBPyConnection, params: dict, cells: dict | None, catalog: dict[str, dict]
) -> dict[str, MetricInfo]:
    """The period's metrics, in id order: those of its cells when every school's were read, else from the mart."""
    if cells is not None:
        ids = sorted({metric for _, metric, _ in cells})
    else:
        ids = [row["metric"] for row in query(con, "pages/period_metrics", params)]
    return {m: describe(m, catalog) for m in ids}


# The metric families of the assessments (docs/metrics.md, "Academics").
ACADEMIC_FAMILIES = ("meeting_rate", "mean_sgp", "typical_growth_rate")
# The state tests among the run's assessments (meta.assessments, from the settings).
STATE_TESTS_SQL = "select assessment from meta.assessments where kind = 'state' order by assessment"


# What a performance level's row holds for the Academics section's bars (sql/pages/period_assessment_levels.sql).
LEVEL_COLUMNS = ("administration", "level", "is_meeting", "share", "suppressed")


def _assessment_levels(con: duckdb.DuckDBPyConnection, params: dict) -> dict[tuple[str, str, str], list[dict]]:
    """The period's levels by (school, assessment, subgroup), in level order; read as tuples, as cells are."""
    rows = execute_query(con, "pages/period_assessment_levels", params).fetchall()
    levels: dict[tuple[str, str, str], list[dict]] = defaultdict(list)
    for school_id, assessment, subgroup, *values in rows:
        levels[(school_id, assessment, subgroup)].append(dict(zip(LEVEL_COLUMNS, values)))
    return dict(levels)
