"""Rendering every Roadmap report: one template for all schools, figures from the marts only.

Output layout: <out>/<school_year>/<period>/<school_id>.html, a zone overview
<out>/<school_year>/<period>/zone.html, each school's summary for families in every
language of reports/catalogue/ (<out>/<school_year>/<period>/family/<school_id>-<language>.html,
reporting.family_summary), <out>/index.html, and <out>/assets/
with plotly.js and the stylesheet, shipped once. With `self_contained`, every
page carries its script and stylesheet instead, so it can be e-mailed alone.
"""

from __future__ import annotations

import atexit
import gc
import multiprocessing
import shutil
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from operator import itemgetter
from pathlib import Path

import duckdb
import plotly
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from sezp_roadmap import metrics, periods
from sezp_roadmap import targets as target_rules
from sezp_roadmap.config import Settings
from sezp_roadmap.paths import PROJECT_ROOT
from sezp_roadmap.periods import school_year_label
from sezp_roadmap.quick_exit import quick_exit
from sezp_roadmap.reporting import academics, catalogue, family_summary, headlines, sentences, zone_overview
from sezp_roadmap.reporting.context import ZONE, PeriodData, load_catalog, load_period
from sezp_roadmap.reporting.data_quality import render_data_quality
from sezp_roadmap.reporting.formatting import fewer_than, period_label
from sezp_roadmap.reporting.priority_levers import TARGET_HEADINGS, PriorityLevers, YearTargets, write_targets_pages
from sezp_roadmap.reporting.safe_paths import file_in
from sezp_roadmap.reporting.sections import Sections
from sezp_roadmap.reporting.state_figures import StateFigures
from sezp_roadmap.reporting.table_rows import chart_table_rows
from sezp_roadmap.warehouse import add_macros, connection_config, pipeline_cores, query, without_progress_bar

TEMPLATES = PROJECT_ROOT / "reports" / "templates"
ZONE_PAGE = "zone.html"


# A plain dict's attributes are dict's own (a dict instance has no others).
_DICT_ATTRIBUTES = frozenset(dir(dict))


class ReportEnvironment(Environment):
    """Jinja's environment, reading `row.label` on a plain dict without raising an exception first.

    Most rows a template shows are dicts (query results, section rows). Jinja
    tries `row.label` as an attribute first and falls back to the key after
    catching an AttributeError: a few hundred per page, about a sixth of the
    template's time. The answer is Jinja's own: a dict method's name still
    gives the method, any other name gives the key (or undefined).
    """

    def getattr(self, obj, attribute):
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)


@cache
def environment() -> Environment:
    """The templates' environment, made once per process.

    Jinja compiles a template once per environment: one shared environment
    compiles each template once, instead of once for every renderer and run.
    It holds only templates and filters, never a page's data.
    """
    env = ReportEnvironment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "j2"], default_for_string=True, default=True),
        trim_blocks=True,
        lstrip_blocks=True,
        # A run renders with the templates it started with: no file check at every include and import of every page.
        auto_reload=False,
    )
    env.filters["school_year"] = school_year_label
    env.filters["last_period"] = periods.last_period
    env.globals["chart_table_rows"] = chart_table_rows
    env.globals["fewer_than"] = fewer_than
    env.globals["lever_reason"] = headlines.lever_reason
    # The targets tables' headings, and the statuses a target can have (sezp_roadmap.targets) as the rules name them.
    env.globals["target_headings"] = TARGET_HEADINGS
    env.globals["target_status"] = target_rules
    return env


def _plotly_js_path() -> Path:
    return Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


def write_assets(out_dir: Path) -> None:
    assets = out_dir / "assets"
    assets.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(_plotly_js_path(), assets / "plotly.min.js")
    shutil.copyfile(TEMPLATES / "report.css", assets / "report.css")


@cache
def _trusted_text(path: Path) -> Markup:
    """Our own stylesheet or Plotly's packaged script, read once per process (plotly.min.js is 3.5 MB)."""
    return Markup(path.read_text(encoding="utf-8"))


class Assets:
    """How a page loads its script and stylesheet: from the shared folder, or inlined."""

    def __init__(self, self_contained: bool):
        self.self_contained = self_contained
        # Our own stylesheet and Plotly's packaged script: trusted, never file content.
        self.css = _trusted_text(TEMPLATES / "report.css") if self_contained else None
        self.plotly_js = _trusted_text(_plotly_js_path()) if self_contained else None

    def for_page(self, prefix: str) -> dict:
        return {"asset_prefix": prefix, "inline_css": self.css, "inline_js": self.plotly_js}


def _extracts_used(con: duckdb.DuckDBPyConnection) -> list[dict]:
    try:
        return query(con, "pages/extracts_used")
    except duckdb.CatalogException:
        return []


def _school_page(template, data: PeriodData, sections: Sections, school: dict, common: dict) -> str:
    school_id = school["school_id"]
    # At mid-year, last spring's state test leads the glance, labelled so (the period itself has none).
    glance = academics.glance_rows(sections, school_id, sections.assessments) + sections.glance(school_id)
    targets = sections.targets(school_id)
    found = headlines.ranked(data, school_id, sections.min_finding_n)
    # Counted from the cells (a shown figure that misses its target), not from the targets table's words.
    not_met = sum(
        c.target is not None and c.target_met is False and not c.suppressed for c in data.school_cells(school_id)
    ) + sum(t["status"] == target_rules.NOT_ON_PACE for t in common.get("end_of_year_targets", []))
    ranked_levers = common.get("priority_levers", {}).get("ranked", [])
    return template.render(
        **common,
        school=school,
        header=sections.header(school_id, common["settings"].min_membership_days),
        headlines=found,
        questions=headlines.questions(found, not_met, any(e.score for e in ranked_levers)),
        glance=glance,
        targets=targets,
        academics=academics.blocks(sections, school_id, sections.assessments),
        equity=sections.equity(school_id),
        attendance=sections.attendance(school_id),
        discipline=sections.discipline(school_id),
        climate=sections.climate(school_id),
        sqr=sections.sqr(school_id),
        findings=sections.findings(school_id),
    )


def _index_entry(school_year: int, period: str, label: str, schools: list[dict]) -> dict:
    """The index's links to a period's school pages (in the order given) and zone overview."""
    return {
        "school_year": school_year,
        "period": period,
        "label": label,
        "links": [
            {
                "href": f"{school_year}/{period}/{s['school_id']}.html",
                "school": s,
                "family": family_summary.links(catalogue.load_all(), s["school_id"], f"{school_year}/{period}/"),
            }
            for s in schools
        ],
        "zone_href": f"{school_year}/{period}/{ZONE_PAGE}",
    }


@contextmanager
def cycle_collection_paused() -> Iterator[None]:
    """Python's cycle collector off while a period renders, back on as it was after.

    A period's tens of thousands of cells, and the millions of short-lived
    objects of its pages, made the collector walk the heap again and again: a
    fifth of the CPU of rendering. Rendering makes almost no reference cycles
    (the district's 1,080 pages leave about ten objects for the collector), and
    everything else is freed as usual by reference counting.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# Below this many school pages a run renders in one process: starting workers
# then (their imports, the templates compiled) would cost more than it saves,
# unless the build started them early (report_workers).
PARALLEL_MIN_PAGES = 300


@dataclass(frozen=True)
class RenderJob:
    """What every period's rendering shares; picklable, so a worker process can take it."""

    out_dir: Path
    settings: Settings
    self_contained: bool


@dataclass
class PeriodPages:
    """What rendering a share of one period's schools wrote, each school and page with its position among the period's schools."""

    school_year: int
    period: str
    label: str
    schools: list[tuple[int, dict]]
    written: list[tuple[int, Path]]


@dataclass(frozen=True)
class Share:
    """Schools number `index`, `index + of`, `index + 2 × of`, ... of a period; the first share also writes the zone page."""

    index: int = 0
    of: int = 1


class PeriodRenderer:
    """Renders a period's school pages, lever exports and zone overview, or one share of them."""

    def __init__(self, con: duckdb.DuckDBPyConnection, job: RenderJob, year_targets: YearTargets | None = None):
        self.con = con
        self.job = job
        self.year_targets = year_targets or YearTargets(con, job.settings)
        self.assets = Assets(job.self_contained)
        env = environment()
        self.school_template = env.get_template("school.html.j2")
        self.zone_template = env.get_template("zone.html.j2")
        self.notes_template = env.get_template("_period_notes.html.j2")
        self.family_template = env.get_template("family.html.j2")
        self.catalogues = catalogue.load_all()
        self.catalog = load_catalog(con)
        self.state_figures = StateFigures.load(con)
        self.extracts = _extracts_used(con)
        self._loaded: tuple[tuple[int, str, Share], PeriodData] | None = None

    def _period(self, period_row: dict, share: Share) -> PeriodData:
        """The period as the share's pages read it: a share of the schools reads only their cells (and the
        zone's), and the first share every school's all-students cells too, for the zone overview."""
        key = (period_row["school_year"], period_row["period"], share)
        if self._loaded is None or self._loaded[0] != key:
            # Let the last period go before the next one loads: holding both doubled a worker's peak.
            self._loaded = None
            schools = None
            if share.of > 1:
                every = query(self.con, "pages/schools", period_row)
                schools = [s["school_id"] for s in every[share.index :: share.of]]
            data = load_period(self.con, period_row, self.catalog, schools=schools, every_school_all=share.index == 0)
            self._loaded = (key, data)
        return self._loaded[1]

    def _running_targets(self, period_row: dict) -> dict[tuple[str, str, str], dict]:
        """A running end of year's targets as the targets page judges them (on pace or not), by school and cell."""
        if period_row["is_complete"] or period_row["period"] != "end_of_year":
            return {}
        return {
            (t["school_id"], t["metric"], t["subgroup"]): t
            for t in self.year_targets(period_row["school_year"])
            if t["period"] == "end_of_year"
        }

    def render(self, period_row: dict, share: Share = Share()) -> PeriodPages:
        with cycle_collection_paused():
            return self._render(period_row, share)

    def _render(self, period_row: dict, share: Share) -> PeriodPages:
        settings = self.job.settings
        school_year, period = period_row["school_year"], period_row["period"]
        label = period_label(period, period_row["is_complete"], period_row["data_through"])
        data = self._period(period_row, share)
        sections = Sections(
            data,
            settings.min_students,
            settings.min_respondents,
            settings.min_finding_n,
            settings.assessments,
            metrics.own_minimums(settings),
            running_targets=self._running_targets(period_row),
        )
        period_dir = self.job.out_dir / str(school_year) / period
        period_dir.mkdir(parents=True, exist_ok=True)
        definitions = sections.definitions()
        common = {
            **self.assets.for_page("../../assets/"),
            "school_year": school_year,
            "period": period,
            "period_label": label,
            "period_row": period_row,
            "settings": settings,
            "generated_on": settings.as_of_date,
            "definitions": definitions,
            "table_note": sentences.TABLE_NOTE,
            "period_notes": self.notes_template.make_module(
                {"definitions": definitions, "extracts": self.extracts, "settings": settings}
            ),
        }
        pages = PeriodPages(school_year, period, label, [], [])
        levers = PriorityLevers(self.con, data, settings, self.year_targets)
        family = family_summary.FamilySummaries(data, settings, self.catalogues, levers.ranked)
        for position in range(share.index, len(data.schools), share.of):
            school = data.schools[position]
            path = file_in(period_dir, f"{school['school_id']}.html")
            page_common = {
                **common,
                **levers.context(school["school_id"]),
                "state": self.state_figures.for_page(sections, school["school_id"]),
                "family_pages": family_summary.links(self.catalogues, school["school_id"]),
            }
            path.write_text(_school_page(self.school_template, data, sections, school, page_common), encoding="utf-8")
            levers.write_exports(school, period_dir)
            family.write(school, period_dir, self.family_template)
            pages.written.append((position, path))
            pages.schools.append((position, school))
        if share.index == 0:
            (period_dir / ZONE_PAGE).write_text(
                self.zone_template.render(
                    **common,
                    header=sections.header(ZONE, settings.min_membership_days),
                    state=self.state_figures.for_page(sections, ZONE),
                    overview=zone_overview.overview(data, sections),
                ),
                encoding="utf-8",
            )
        return pages


# One renderer per worker process, made at its first task from the warehouse file opened read-only.
_worker_renderer: PeriodRenderer | None = None
_worker_key: tuple[str, RenderJob, int] | None = None


def _start_worker() -> None:
    # Registered first thing, so run first when the pool lets the worker go.
    atexit.register(_end_worker)
    # A worker only renders, and rendering makes almost no reference cycles (cycle_collection_paused).
    # Off between periods too: turned back on after a period, the collector's first pass walked
    # every object the period had made and kept (its cells), about 0.7 s a period at state size.
    gc.disable()


def _end_worker() -> None:
    """End a worker process without Python's teardown of its modules and its period's cells.

    A spawned worker ends through the interpreter's full teardown, which frees
    its hundreds of thousands of cells and every module one object at a time:
    3.7 s of a one-period render at state size, after the last page is written.
    Every page is written and every result sent by then; the warehouse
    connection (read-only) is closed, the output flushed, and the process ends.
    """
    if _worker_renderer is not None:
        _worker_renderer.con.close()
    quick_exit(0)


def _warm_up() -> None:
    """What a worker can do before the warehouse exists: compile the templates and read the catalogues."""
    env = environment()
    for name in ("school.html.j2", "zone.html.j2", "_period_notes.html.j2", "family.html.j2"):
        env.get_template(name)
    catalogue.load_all()


def _renderer_in_worker(database: str, job: RenderJob, workers: int) -> PeriodRenderer:
    """The worker's renderer of this job, made at its first task (the warehouse exists by then)."""
    global _worker_renderer, _worker_key  # noqa: PLW0603 (a worker process's one renderer)
    key = (database, job, workers)
    if _worker_renderer is None or _worker_key != key:
        if _worker_renderer is not None:
            _worker_renderer.con.close()
        # Each worker takes its share of the build's memory limit and threads, not the whole of each.
        con = without_progress_bar(duckdb.connect(database, read_only=True, config=connection_config(share=workers)))
        _worker_renderer, _worker_key = PeriodRenderer(add_macros(con), job), key
    return _worker_renderer


def _render_in_worker(database: str, job: RenderJob, workers: int, task: tuple[dict, Share]) -> PeriodPages:
    return _renderer_in_worker(database, job, workers).render(*task)


def _spawn_pool(workers: int) -> ProcessPoolExecutor:
    # Spawned, never forked from a process that holds DuckDB and Dagster threads.
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"), initializer=_start_worker)


# The build's report workers when started early (report_workers); None otherwise.
_early_pool: tuple[ProcessPoolExecutor, int] | None = None


@contextmanager
def report_workers() -> Iterator[None]:
    """Start one report worker per core the pipeline may use now, for the reports of the run inside.

    A build's data stages use one core for most of their time at a zone's size;
    the workers start (their imports, the templates compiled) on the other
    while they run, and are ready when the reports are. A zone's few dozen pages
    are then shared among them too, which would not repay workers started only
    then. Without a second core, or outside this context, reports render as before.
    """
    global _early_pool  # noqa: PLW0603 (the build's one pool)
    workers = pipeline_cores()
    if workers < 2:
        yield
        return
    pool = _spawn_pool(workers)
    try:
        # A spawning pool starts a worker per task waiting: one warm-up each starts them all.
        for _ in range(workers):
            pool.submit(_warm_up)
        _early_pool = (pool, workers)
        yield
    finally:
        _early_pool = None
        pool.shutdown(wait=True, cancel_futures=True)


def _read_only_file(con: duckdb.DuckDBPyConnection) -> str | None:
    """The warehouse file when this connection has it open read-only (other processes may then open it too)."""
    row = con.execute(
        "select path, readonly from duckdb_databases() where database_name = current_database()"
    ).fetchone()
    return row[0] if row and row[0] and row[1] else None


def _worker_count(con: duckdb.DuckDBPyConnection, period_rows: list[dict]) -> int:
    if _read_only_file(con) is None or not period_rows:
        return 1
    if _early_pool is not None:
        return _early_pool[1]
    # Pages are counted only until there are enough for workers.
    pages = 0
    for r in period_rows:
        pages += len(query(con, "pages/schools", {"school_year": r["school_year"], "period": r["period"]}))
        if pages >= PARALLEL_MIN_PAGES:
            return pipeline_cores()
    return 1


def _tasks(period_rows: list[dict], workers: int) -> list[tuple[dict, Share]]:
    """Whole periods when there are enough to keep every worker busy (each period is loaded once);
    otherwise (a one-partition run) each period's schools are shared among the workers."""
    if len(period_rows) >= workers:
        return [(r, Share()) for r in period_rows]
    return [(r, Share(i, workers)) for r in period_rows for i in range(workers)]


def _render_periods(
    con: duckdb.DuckDBPyConnection,
    period_rows: list[dict],
    job: RenderJob,
    year_targets: YearTargets,
    meanwhile: Callable[[], None],
) -> list[PeriodPages]:
    """Every period's pages; periods or their schools are shared among the pipeline's cores when there are many
    pages, or when the build started its workers early (report_workers).

    A worker is a fresh process that opens the warehouse read-only; each task
    writes only its own schools' files. `meanwhile` (the pages of the whole run)
    is written by this process while the workers render, so that no core waits
    for it at the end; in one process, after the periods, because the renderer
    reads the year targets into `year_targets`, which the targets pages then reuse.
    """
    workers = _worker_count(con, period_rows)
    if workers == 1:
        renderer = PeriodRenderer(con, job, year_targets)
        rendered = [renderer.render(r) for r in period_rows]
        meanwhile()
        return rendered
    database = _read_only_file(con)
    assert database is not None

    def render_in(pool: ProcessPoolExecutor) -> list[PeriodPages]:
        futures = [
            pool.submit(_render_in_worker, database, job, workers, task) for task in _tasks(period_rows, workers)
        ]
        meanwhile()
        return [future.result() for future in futures]

    global _early_pool  # noqa: PLW0603 (the early workers serve one render)
    if _early_pool is not None:
        pool, _early_pool = _early_pool[0], None
    else:
        pool = _spawn_pool(workers)
    # Shut down when done, even when started early: a worker holds the warehouse open, and publishing needs it closed.
    with pool:
        return render_in(pool)


def render_reports(
    con: duckdb.DuckDBPyConnection,
    out_dir: Path,
    settings: Settings,
    *,
    self_contained: bool = False,
    periods: list[tuple[int, str]] | None = None,
) -> list[Path]:
    """Write every school's report and the zone overview for every period, and the index; returns the report paths.

    periods: render only these (school year, period) pages (a partitioned run); the
    index still lists every period with published metrics, whose pages an earlier run wrote.
    """
    add_macros(con)  # the page queries share the pipeline's rules; an analyst's plain connection has none
    with cycle_collection_paused():
        return _write_reports(con, Path(out_dir), settings, self_contained, periods)


def _write_reports(
    con: duckdb.DuckDBPyConnection,
    out_dir: Path,
    settings: Settings,
    self_contained: bool,
    periods: list[tuple[int, str]] | None,
) -> list[Path]:
    # A catalogue that lacks a text stops the run here, before any page is written.
    catalogue.load_all()
    out_dir.mkdir(parents=True, exist_ok=True)
    if not self_contained:
        write_assets(out_dir)
    assets = Assets(self_contained)
    env = environment()
    period_rows = query(con, "pages/report_periods")
    todo = [r for r in period_rows if periods is None or (r["school_year"], r["period"]) in periods]
    rendered: dict[tuple[int, str], list[PeriodPages]] = {}
    year_targets = YearTargets(con, settings)
    targets_pages: dict[int, str] = {}

    def run_pages() -> None:
        render_data_quality(con, out_dir, settings, env, assets.for_page("assets/"))
        targets_pages.update(
            write_targets_pages(
                con,
                out_dir,
                [r["school_year"] for r in period_rows],
                settings,
                env,
                assets.for_page("../assets/"),
                year_targets,
            )
        )

    job = RenderJob(out_dir, settings, self_contained)
    for pages in _render_periods(con, todo, job, year_targets, run_pages):
        rendered.setdefault((pages.school_year, pages.period), []).append(pages)
    written: list[Path] = []
    index_entries = []
    for period_row in period_rows:
        school_year, period = period_row["school_year"], period_row["period"]
        shares = rendered.get((school_year, period))
        if shares is None:  # pages an earlier run wrote
            label = period_label(period, period_row["is_complete"], period_row["data_through"])
            schools = query(con, "pages/schools", {"school_year": school_year, "period": period})
            index_entries.append(_index_entry(school_year, period, label, schools))
            continue
        by_position = sorted((item for pages in shares for item in pages.schools), key=itemgetter(0))
        index_entries.append(_index_entry(school_year, period, shares[0].label, [school for _, school in by_position]))
        written += [path for _, path in sorted(item for pages in shares for item in pages.written)]
    (out_dir / "index.html").write_text(
        env.get_template("index.html.j2").render(
            entries=index_entries,
            targets_pages=targets_pages,
            settings=settings,
            generated_on=settings.as_of_date,
            many_schools=zone_overview.MANY_SCHOOLS,
            **assets.for_page("assets/"),
        ),
        encoding="utf-8",
    )
    return written
