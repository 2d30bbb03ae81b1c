"""The pipeline's stages as plain functions; each Dagster asset calls exactly one.

Every stage opens the working warehouse, does its work and closes it again,
so no connection (and no DuckDB lock) outlives a step.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from sezp_roadmap import ingest, metric_engine, problem_list, reconciliation, sources
from sezp_roadmap.config import Settings, load_settings
from sezp_roadmap.errors import InputProblem
from sezp_roadmap.extracts import EXTRACTS
from sezp_roadmap.metric_engine import Periods
from sezp_roadmap.reporting.aggregates import build_report_aggregates
from sezp_roadmap.reporting.render import render_reports
from sezp_roadmap.sources import direct, provenance
from sezp_roadmap.unread import lines as unread_lines
from sezp_roadmap.warehouse import connect, open_working_copy, publish_directory, publish_warehouse, query, working_path


@dataclass(frozen=True)
class Locations:
    """Where a run reads and writes."""

    data_dir: Path
    warehouse: Path
    reports_dir: Path
    # A source profile named for the run (bundled name or file); else the landing folder's roadmap-profile.yaml, if any.
    profile: str | None = None
    # A source read without a profile (sezp_roadmap.sources.direct): auto (the folder's files tell), canonical, edfi.
    source: str = "auto"

    @property
    def direct_source(self) -> str:
        return direct.detect(self.data_dir, self.source, self.profile)

    @property
    def direct_dir(self) -> Path:
        """Where a direct source (Ed-Fi) writes the canonical extracts of the folder's files."""
        return self.warehouse.with_name(self.warehouse.name + ".extracts")

    @property
    def working_warehouse(self) -> Path:
        return working_path(self.warehouse)

    @property
    def sources_dir(self) -> Path:
        """Where a source profile writes the canonical extracts of the district's files."""
        return self.warehouse.with_name(self.warehouse.name + ".sources")

    @property
    def read_dir(self) -> Path:
        """The folder ingest reads: the profile's canonical extracts when a profile applies, else the landing folder."""
        if provenance.manifest(self.sources_dir) is not None:
            return self.sources_dir
        return self.data_dir if self.direct_source == direct.CANONICAL else self.direct_dir

    @property
    def working_reports(self) -> Path:
        return self.reports_dir.with_name(self.reports_dir.name + ".building")


def prepare_landing(loc: Locations, settings: Settings | None = None) -> dict:
    """Find the extract files (through the source profile or the direct source, when one applies) and record them,
    with every entry of the landing folder the build does not read."""
    problem_list.forget(loc.warehouse)
    source, notes = loc.direct_source, []
    if source == direct.CANONICAL:
        read_dir, conversion = sources.prepare(loc.data_dir, loc.profile, loc.sources_dir)
    else:
        # An earlier run's profile folder must not be read in place of this run's direct source.
        shutil.rmtree(loc.sources_dir, ignore_errors=True)
        settings = settings or load_settings(None, loc.data_dir)
        notes = direct.DIRECT[source].write_extracts(loc.data_dir, loc.direct_dir, settings).notes
        read_dir, conversion = loc.direct_dir, None
    if conversion is not None and sources.missing_required(conversion):
        # Named by the district's files the profile looks for, not by the working folder ingest would read.
        raise InputProblem(sources.missing_required(conversion))
    files, unread = ingest.discover(read_dir)
    if read_dir != loc.data_dir:
        # What the landing folder holds that neither the profile nor the direct source read (the working
        # folder's own entries are the build's, not the district's).
        unread = ingest.unread_in_landing(loc.data_dir, _read_by_source(loc, source, conversion))
    path = open_working_copy(loc.warehouse)
    # Reports left by an earlier failed run must never be published by this one.
    if loc.working_reports.exists():
        shutil.rmtree(loc.working_reports)
    with connect(path, macros=False) as con:
        ingest.record_files(con, files, unread)
        provenance.reset(con)
    return {
        "files": [(f.extract, provenance.district_name(read_dir, f.path.name), f.size) for f in files],
        "warnings": notes + (conversion.warnings if conversion else []),
        "not_read": unread_lines(unread),
        "profile": conversion.profile.name if conversion else None,
        "source": source,
    }


def _read_by_source(loc: Locations, source: str, conversion) -> set[str]:
    """The names of the landing folder's files a profile or a direct source read."""
    if conversion is not None:
        return {f.name for f in conversion.files} | {p.name for p in conversion.canonical}
    return {p.name for p in loc.data_dir.iterdir() if p.is_file() and direct.DIRECT[source].reads(p)}


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
                ingest.LandingFile(name, loc.read_dir / file_name, sha, size)
                for file_name, sha, size in con.execute(
                    "select file_name, sha256, bytes from meta.load_files where extract = ? order by file_name", [name]
                ).fetchall()
            ]
            try:
                # Values are typed here and judged by the extract's validation check (sezp_roadmap.validation).
                loaded = ingest.load_staging(con, EXTRACTS[name], files, settings.id_widths)
            except InputProblem as problem:
                problems += provenance.translate_problems(loc.read_dir, problem.problems)
                continue
            provenance.restore(con, loc.read_dir, name)
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


def calendar_school_years(loc: Locations) -> list[int]:
    """The school years of the ingested calendar: the years whose periods the metric engine computes (meta.periods)."""
    with connect(loc.working_warehouse, read_only=True, macros=False) as con:
        return [
            row[0] for row in con.execute("select distinct school_year from staging.calendar order by 1").fetchall()
        ]


# The zone's headline figures shown as the preview of a metric_values materialization.
PREVIEW_METRICS = ("attendance_rate", "chronic_absence_rate", "any_suspension_rate", "family_favorable", "educator_ici")


def build_metric_values(loc: Locations, settings: Settings, periods: Periods = None) -> dict:
    """The marts of the given periods (every period when None); other periods' rows stay."""
    with connect(loc.working_warehouse) as con:
        rows = metric_engine.compute_metric_values(con, settings, periods)
        suppressed = con.execute("select count(*) from run_metric_values where suppressed").fetchone()[0]
        aggregates = build_report_aggregates(con, settings, all_periods=periods is None)
        preview = con.execute(
            "select school_year, period, metric, n, value from run_metric_values "
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
    with connect(loc.working_warehouse, macros=False) as con:
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
    # render_reports adds the macros itself (it also serves an analyst's plain connection).
    with connect(loc.working_warehouse, read_only=True, macros=False) as con:
        written = render_reports(con, target, settings, self_contained=self_contained, periods=periods)
        present = {(str(r["school_year"]), r["period"]) for r in query(con, "pages/report_periods")}
    for period_dir in target.glob("*/*"):
        year, period = period_dir.parent.name, period_dir.name
        if year.isdigit() and period_dir.is_dir() and (year, period) not in present:
            shutil.rmtree(period_dir)
    # The renderer resolves the paths it writes (it refuses one outside its folder): compare resolved paths.
    return [loc.reports_dir / Path(p).resolve().relative_to(target.resolve()) for p in written]


def publish(loc: Locations) -> dict:
    """Swap the working warehouse and reports in; the previous ones stay until this moment."""
    publish_warehouse(loc.warehouse)
    if loc.working_reports.exists():
        publish_directory(loc.working_reports, loc.reports_dir)
    # The canonical copy of a district's files served this run's ingest only: student rows are not left lying about.
    if loc.sources_dir.exists():
        shutil.rmtree(loc.sources_dir)
    return {"warehouse": str(loc.warehouse), "reports": str(loc.reports_dir)}
