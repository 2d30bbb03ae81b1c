"""The pipeline's stages as plain functions; each Dagster asset calls exactly one.

Every stage opens the working warehouse, does its work and closes it again,
so no connection (and no DuckDB lock) outlives a step.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from sezp_roadmap import ingest, metric_engine, problem_list, reconciliation
from sezp_roadmap.config import Settings
from sezp_roadmap.errors import InputProblem
from sezp_roadmap.extracts import EXTRACTS
from sezp_roadmap.metric_engine import Periods
from sezp_roadmap.reporting.aggregates import build_report_aggregates
from sezp_roadmap.reporting.render import render_reports
from sezp_roadmap.unread import lines as unread_lines
from sezp_roadmap.warehouse import connect, open_working_copy, publish_directory, publish_warehouse, query, working_path


@dataclass(frozen=True)
class Locations:
    """Where a run reads and writes."""

    data_dir: Path
    warehouse: Path
    reports_dir: Path

    @property
    def working_warehouse(self) -> Path:
        return working_path(self.warehouse)

    @property
    def working_reports(self) -> Path:
        return self.reports_dir.with_name(self.reports_dir.name + ".building")


def prepare_landing(loc: Locations) -> dict:
    """Find the extract files and record them in the working warehouse."""
    problem_list.forget(loc.warehouse)
    files, unread = ingest.discover(loc.data_dir)
    path = open_working_copy(loc.warehouse)
    # Reports left by an earlier failed run must never be published by this one.
    if loc.working_reports.exists():
        shutil.rmtree(loc.working_reports)
    with connect(path) as con:
        ingest.record_files(con, files, unread)
    return {"files": [(f.extract, f.path.name, f.size) for f in files], "not_read": unread_lines(unread)}


def ingest_extracts(loc: Locations, names: list[str], settings: Settings) -> dict[str, dict]:
    """staging.<name> of every extract named (an empty table for one that is absent), with one connection.

    Every extract is read even when one cannot be: the problems of all of them
    stop the run together, told once per rule, file and column, and listed in
    full in the problems file beside the warehouse.
    """
    counts, problems = {}, []
    with connect(loc.working_warehouse) as con:
        for name in names:
            files = [
                ingest.LandingFile(name, loc.data_dir / file_name, sha, size)
                for file_name, sha, size in con.execute(
                    "select file_name, sha256, bytes from meta.load_files where extract = ? order by file_name", [name]
                ).fetchall()
            ]
            try:
                # Values are typed here and judged by the extract's validation check (sezp_roadmap.validation).
                loaded = ingest.load_staging(con, EXTRACTS[name], files, settings.id_widths)
            except InputProblem as problem:
                problems += problem.problems
                continue
            counts[name] = {
                "files": len(files),
                "rows_read": loaded.rows_read,
                "staging_rows": loaded.staged,
                "repeated_rows": loaded.repeats,
            }
        if problems:
            listed_in = problem_list.write(con, loc.warehouse)
            raise InputProblem(problem_list.summaries(con, listed_in=listed_in))
    return counts


def build_student_tables(loc: Locations, settings: Settings, periods: Periods = None) -> dict:
    """Student-level working tables of the given periods (every period when None)."""
    with connect(loc.working_warehouse) as con:
        metric_engine.compute_student_tables(con, settings, periods)
        return {
            "student_periods": con.execute("select count(*) from work.student_attendance").fetchone()[0],
            "membership_days": con.execute(
                "select coalesce(sum(membership_days), 0) from work.student_attendance where school_id <> 'ZONE'"
            ).fetchone()[0],
        }


# The zone's headline figures shown as the preview of a metric_values materialization.
PREVIEW_METRICS = ("attendance_rate", "chronic_absence_rate", "any_suspension_rate", "family_favorable", "educator_ici")


def build_metric_values(loc: Locations, settings: Settings, periods: Periods = None) -> dict:
    """The marts of the given periods (every period when None); other periods' rows stay."""
    with connect(loc.working_warehouse) as con:
        rows = metric_engine.compute_metric_values(con, settings, periods)
        suppressed = con.execute("select count(*) from work.run_metric_values where suppressed").fetchone()[0]
        aggregates = build_report_aggregates(con, settings, all_periods=periods is None)
        preview = con.execute(
            "select school_year, period, metric, n, value from work.run_metric_values "
            "where school_id = 'ZONE' and subgroup = 'all' and metric in (select unnest($metrics::varchar[])) "
            "order by school_year, period, metric",
            {"metrics": list(PREVIEW_METRICS)},
        ).fetchall()
        total = con.execute("select count(*) from marts.metric_values").fetchone()[0]
        catalog = con.execute("select count(*) from marts.metric_catalog").fetchone()[0]
    return {
        "rows": rows,
        "suppressed": suppressed,
        "rows_all_periods": total,
        "metrics": catalog,
        **aggregates,
        "zone_preview": preview,
    }


def build_state_reconciliation(loc: Locations, settings: Settings) -> dict[str, int]:
    """marts.state_reconciliation: our end-of-year figures beside DESE's, every school year (rows by status)."""
    with connect(loc.working_warehouse) as con:
        return reconciliation.build_state_reconciliation(con, settings)


def render(loc: Locations, settings: Settings, *, self_contained: bool = False, periods: Periods = None) -> list[Path]:
    """Write the given periods' reports (every period when None) into a working folder beside the published one.

    The working folder starts as a copy of the published reports, so pages of
    periods this run does not render stay; pages of periods that no longer
    have metrics are removed. The index is always rewritten.
    """
    target = loc.working_reports
    if periods is None and target.exists():
        shutil.rmtree(target)
    if not target.exists() and periods is not None and loc.reports_dir.is_dir():
        shutil.copytree(loc.reports_dir, target)
    with connect(loc.working_warehouse, read_only=True) as con:
        written = render_reports(con, target, settings, self_contained=self_contained, periods=periods)
        present = {(str(r["school_year"]), r["period"]) for r in query(con, "pages/report_periods")}
    for period_dir in target.glob("*/*"):
        year, period = period_dir.parent.name, period_dir.name
        if year.isdigit() and period_dir.is_dir() and (year, period) not in present:
            shutil.rmtree(period_dir)
    return [loc.reports_dir / p.relative_to(target) for p in written]


def publish(loc: Locations) -> dict:
    """Swap the working warehouse and reports in; the previous ones stay until this moment."""
    publish_warehouse(loc.warehouse)
    if loc.working_reports.exists():
        publish_directory(loc.working_reports, loc.reports_dir)
    return {"warehouse": str(loc.warehouse), "reports": str(loc.reports_dir)}
