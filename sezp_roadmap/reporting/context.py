"""Everything one school year and period of reports needs, read once from the published tables.

Reports read only published, suppressed tables: marts.metric_values (or
marts.metric_comparisons where it is built), the small aggregates of
`reporting.aggregates`, meta.periods, staging.schools and meta.load_files.
Nothing here reads a student-level table.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from operator import itemgetter

import duckdb

from sezp_roadmap.metrics import metric_for
from sezp_roadmap.findings import EXCLUDED
from sezp_roadmap.warehouse import query, read_sql, table_exists

ZONE = "ZONE"
# Where other stages publish metric labels for suffixed ids (topics, domains), first found wins.
CATALOG_TABLES = ("meta.metric_catalog", "marts.metric_labels", "marts.metric_catalog", "meta.metric_labels")
COMPARISON_FIELDS = (
    "prior_value", "change", "zone_value", "diff_vs_zone", "all_value", "gap_vs_all", "comparison_group",
    "comparison_value", "gap_vs_comparison", "risk_ratio", "target", "target_met", "target_gap",
    "target_gap_students", "direction",
)
# 95% intervals and signals (docs/metrics.md, "Uncertainty"): the cell's own interval,
# and for the change, the gap with the rest of the school and the gap with the rest of the zone.
UNCERTAINTY_FIELDS = (
    "ci_low", "ci_high", "change_low", "change_high", "change_signal", "gap_low", "gap_high", "gap_signal",
    "rest_of_zone_value", "zone_gap", "zone_gap_low", "zone_gap_high", "zone_gap_signal",
    "risk_ratio_low", "risk_ratio_high",
)
# The columns a Cell is made of, in the order of Cell's fields.
CELL_COLUMNS = ("school_id", "metric", "subgroup", "n", "value", "suppressed", *COMPARISON_FIELDS, *UNCERTAINTY_FIELDS)
# Figures worked out from a cell's value: a suppressed cell must not carry them either.
DERIVED_FROM_VALUE = ("change", "diff_vs_zone", "gap_vs_all", "gap_vs_comparison", "risk_ratio", "target_met",
                      "target_gap", "target_gap_students", *UNCERTAINTY_FIELDS)


def existing_tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Every table and view as 'schema.name': one query for a period, instead of one per table asked about."""
    return {f"{schema}.{name}" for schema, name in
            con.execute("select table_schema, table_name from information_schema.tables").fetchall()}


def table_columns(con: duckdb.DuckDBPyConnection, qualified: str) -> list[str]:
    schema, name = qualified.split(".", 1)
    rows = con.execute(
        "select column_name from information_schema.columns where table_schema = ? and table_name = ? order by ordinal_position",
        [schema, name],
    ).fetchall()
    return [r[0] for r in rows]


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
    def published(cls, school_id: str, metric: str, subgroup: str, n: int | None, value: float | None,
                  suppressed: bool | None, *comparisons) -> "Cell":
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
    def from_row(cls, row: dict) -> "Cell":
        return cls.published(*(row.get(name) for name in CELL_COLUMNS))


@dataclass
class PeriodData:
    school_year: int
    period: str
    period_row: dict
    schools: list[dict]
    cells: dict[tuple[str, str, str], Cell]
    metrics: dict[str, MetricInfo]
    has_comparisons: bool
    enrollment: dict[str, int]
    monthly_attendance: dict[str, dict[int, list[dict]]] = field(default_factory=dict)
    absence_bands: dict[str, list[dict]] = field(default_factory=dict)
    monthly_discipline: dict[str, dict[int, list[dict]]] = field(default_factory=dict)
    findings: dict[str, list[dict]] = field(default_factory=dict)
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


def load_catalog(con: duckdb.DuckDBPyConnection) -> dict[str, dict]:
    for table in CATALOG_TABLES:
        if table_exists(con, table):
            columns = set(table_columns(con, table))
            key = "metric" if "metric" in columns else ("metric_id" if "metric_id" in columns else None)
            if key is None or "label" not in columns:
                continue
            wanted = [c for c in ("label", "unit", "direction", "description", "population") if c in columns]
            rows = con.execute(f"select {key}, {', '.join(wanted)} from {table}").fetchall()
            return {r[0]: {c: v for c, v in zip(wanted, r[1:]) if v is not None} for r in rows}
    return {}


def _by_school_and_year(rows: list[dict]) -> dict[str, dict[int, list[dict]]]:
    grouped: dict[str, dict[int, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        grouped[row["school_id"]][row["school_year"]].append(row)
    return grouped


def _findings(con: duckdb.DuckDBPyConnection, school_year: int, tables: set[str]) -> dict[str, list[dict]]:
    """Counts of data-quality findings per school, extract and rule (sql/reports/school_findings.sql)."""
    if "meta.findings" not in tables:  # a warehouse built before findings were recorded
        return {}
    found: dict[str, list[dict]] = defaultdict(list)
    for row in query(con, "reports/school_findings", {"school_year": school_year, "excluded": EXCLUDED}):
        found[row.pop("school_id")].append(row)
    return found


def _period_cells(con: duckdb.DuckDBPyConnection, name: str, params: dict) -> dict[tuple[str, str, str], Cell]:
    """The period's cells by (school, metric, subgroup), in the query's order.

    Rows are read as tuples, not dictionaries: a period has tens of thousands of
    cells, and a dictionary per row cost as much as the rest of loading.
    A column the query does not have (period_cells has no comparisons) reads as None.
    """
    sql = read_sql(name)
    cursor = con.execute(sql, {k: v for k, v in params.items() if f"${k}" in sql})
    columns = [d[0] for d in cursor.description]
    positions = [columns.index(c) if c in columns else None for c in CELL_COLUMNS]
    if None in positions:
        def pick(row: tuple) -> tuple:
            return tuple(None if p is None else row[p] for p in positions)
    else:
        pick = itemgetter(*positions)
    suppressed = CELL_COLUMNS.index("suppressed")
    cells = {}
    for row in cursor.fetchall():
        values = pick(row)
        # Most cells are shown as they are; Cell.published hides what a suppressed (or unflagged) cell must not show.
        cell = Cell(*values) if values[suppressed] is False else Cell.published(*values)
        cells[(cell.school_id, cell.metric, cell.subgroup)] = cell
    return cells


def load_period(con: duckdb.DuckDBPyConnection, period_row: dict, catalog: dict[str, dict]) -> PeriodData:
    school_year, period = period_row["school_year"], period_row["period"]
    params = {"school_year": school_year, "period": period}
    tables = existing_tables(con)
    has_comparisons = "marts.metric_comparisons" in tables
    cells = _period_cells(con, "reports/period_comparisons" if has_comparisons else "reports/period_cells", params)
    metric_ids = sorted({metric for _, metric, _ in cells})
    data = PeriodData(
        school_year=school_year,
        period=period,
        period_row=period_row,
        schools=query(con, "reports/schools", params),
        cells=cells,
        metrics={m: describe(m, catalog) for m in metric_ids},
        has_comparisons=has_comparisons,
        enrollment={r["school_id"]: r["students"] for r in query(con, "reports/enrollment", params)},
    )
    if "marts.monthly_attendance" in tables:
        data.monthly_attendance = _by_school_and_year(query(con, "reports/period_monthly_attendance", params))
    if "marts.absence_bands" in tables:
        bands: dict[str, list[dict]] = defaultdict(list)
        for row in query(con, "reports/period_absence_bands", params):
            bands[row["school_id"]].append(row)
        data.absence_bands = bands
    if "marts.monthly_discipline" in tables:
        data.monthly_discipline = _by_school_and_year(query(con, "reports/period_monthly_discipline", params))
    data.findings = _findings(con, school_year, tables)
    return data
