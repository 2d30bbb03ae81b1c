"""Command line: `sezp-roadmap build`, `sql`, `sample`, `profile check` and `pull-edfi`.

`build` is a thin front over materializing the Dagster assets in process
(pipelines.runner); it is the one place the library reaches into `pipelines`,
and it does so lazily so the library itself never imports Dagster.
"""

from __future__ import annotations

import argparse
import atexit
import gc
import sys
import threading
import time
from contextlib import nullcontext
from importlib import metadata
from pathlib import Path

from sezp_roadmap import paths as default
from sezp_roadmap import problem_list
from sezp_roadmap.quick_exit import quick_exit
from sezp_roadmap.sources.direct import CHOICES as DIRECT_CHOICES

# However bad the folder, a failed build prints no more lines than this (the rest are in the problems file).
MAX_PROBLEM_LINES = 36


def _landing_lines(outcome, key: str) -> list[str]:
    """One line each of a landing_files metadata entry (what was not read, what reading a source found)."""
    return [line for line in str(outcome.metadata.get("landing_files", {}).get(key, "")).splitlines() if line]


def _not_read(outcome) -> list[str]:
    """The entries of the landing folder the build did not read."""
    from pipelines.defs.ingest import NOT_READ  # noqa: PLC0415 (Dagster loads only for `build`)

    return _landing_lines(outcome, NOT_READ)


def _source_notes(outcome) -> list[str]:
    """Which source the folder was read as, and what reading it found (a calendar made from sessions)."""
    from pipelines.defs.ingest import SOURCE_NOTES  # noqa: PLC0415

    return _landing_lines(outcome, SOURCE_NOTES)


def _import_pipeline() -> None:
    """Import Dagster and the pipeline with the cyclic garbage collector paused, then freeze what exists.

    Importing Dagster, pandera, Ibis and pandas makes about 300,000 objects;
    each full collection walks all of them (about 0.15 s), and the imports
    alone set off five of them. Frozen, the modules' objects are left out of
    every collection for the rest of the build (_build unfreezes them).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        import pipelines.resources  # noqa: F401, PLC0415 (Dagster loads only for `build`)
        import pipelines.runner  # noqa: F401, PLC0415
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


def _build(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    from sezp_roadmap.reporting.render import report_workers  # noqa: PLC0415 (the reports' modules load only for `build`)

    # The report workers start first, so that they are ready by the time the data stages are done.
    with nullcontext() if args.skip_reports else report_workers():
        _import_pipeline()
        try:
            return _run_build(args, started)
        finally:
            gc.unfreeze()


def _run_build(args: argparse.Namespace, started: float) -> int:
    from pipelines.resources import RoadmapPaths  # noqa: PLC0415 (imported by _import_pipeline)
    from pipelines.runner import materialize_all  # noqa: PLC0415

    paths = RoadmapPaths(
        data_dir=str(args.data),
        warehouse=str(args.warehouse),
        reports_dir=str(args.reports),
        config_file=str(args.config) if args.config else None,
        self_contained=args.self_contained,
        profile=args.profile,
        source=args.source,
    )
    outcome = materialize_all(paths, skip_reports=args.skip_reports)
    if not outcome.success:
        print(
            "The build stopped; nothing was published (the previous warehouse and reports are unchanged).",
            file=sys.stderr,
        )
        lines = [line for problem in outcome.problems for line in str(problem).splitlines()]
        lines += [f"Warning: {line}" for line in _not_read(outcome)]
        for line in problem_list.at_most(lines, MAX_PROBLEM_LINES, problem_list.problems_path(args.warehouse)):
            print(line, file=sys.stderr)
        return 1
    elapsed = time.perf_counter() - started
    if args.skip_reports:
        print(f"Refreshed the warehouse in {elapsed:.1f} s (reports not rebuilt).")
    else:
        reports = outcome.total("roadmap_reports", "reports")
        print(f"Built {reports} reports in {elapsed:.1f} s.")
        print(f"Reports:   {Path(args.reports).resolve() / 'index.html'}")
    print(f"Warehouse: {Path(args.warehouse).resolve()}")
    # Published, with rows left out of the figures: the data team sees the share here, not only on the page.
    where = "the warehouse table meta.findings" if args.skip_reports else "data-quality.html"
    warnings = [f"Note: {note}" for note in _source_notes(outcome)]
    warnings += [f"Warning: {note}; see {where}" for note in outcome.notes]
    warnings += [f"Warning: {line}" for line in _not_read(outcome)]
    for line in problem_list.at_most(warnings, MAX_PROBLEM_LINES):
        print(line)
    print("Seconds by stage: " + ", ".join(f"{stage} {sec:.1f}" for stage, sec in outcome.stage_seconds.items()))
    return 0


# Sizes of `sezp-roadmap sample --scale`: (schools, students). The generator streams one
# school-year at a time, so the state size is written without holding it in memory.
SAMPLE_SCALES = {"zone": (13, 5_300), "state": (1_800, 900_000)}


def _sample(args: argparse.Namespace) -> int:
    from sezp_roadmap.sample import write_sample_zone  # noqa: PLC0415

    schools, students = SAMPLE_SCALES[args.scale]
    schools, students = args.schools or schools, args.students or students
    if args.as_source:
        return _sample_as(args, schools, students)
    counts = write_sample_zone(
        Path(args.out), seed=args.seed, schools=schools, students=students, compress=args.compress
    )
    total = sum(counts.values())
    print(f"Wrote a synthetic zone of {schools} schools to {args.out} ({total:,} rows in {len(counts)} extracts).")
    return 0


def _sample_as(args: argparse.Namespace, schools: int, students: int) -> int:
    """The sample zone written as a source system's export set (the canonical files first, in a scratch folder)."""
    import tempfile  # noqa: PLC0415

    from sezp_roadmap.sample import write_sample_zone  # noqa: PLC0415
    from sezp_roadmap.sources import bundled  # noqa: PLC0415

    writers = {name: m for name, m in bundled().items() if hasattr(m, "write_sample")}
    if args.as_source not in writers:
        print(
            f"No sample writer for '{args.as_source}'; available: {', '.join(sorted(writers))}.",
            file=sys.stderr,
        )
        return 2
    with tempfile.TemporaryDirectory() as scratch:
        write_sample_zone(Path(scratch), seed=args.seed, schools=schools, students=students)
        written = writers[args.as_source].write_sample(Path(scratch), Path(args.out))
    print(
        f"Wrote a synthetic zone of {schools} schools to {args.out} as {args.as_source} exports: {', '.join(written)}."
    )
    return 0


def _profile_check(args: argparse.Namespace) -> int:
    from sezp_roadmap.errors import InputProblem  # noqa: PLC0415
    from sezp_roadmap.sources.check import check_report  # noqa: PLC0415

    try:
        text, ok = check_report(Path(args.data), args.profile)
    except InputProblem as problem:
        print(str(problem), file=sys.stderr)
        return 1
    print(text)
    return 0 if ok else 1


def _pull_edfi(args: argparse.Namespace) -> int:
    from sezp_roadmap.errors import InputProblem  # noqa: PLC0415
    from sezp_roadmap.sources.edfi.pull import Api, pull  # noqa: PLC0415

    try:
        counts = pull(Api(args.url, args.school_year, args.page_size), Path(args.out))
    except InputProblem as problem:
        print(f"The pull stopped: {problem}", file=sys.stderr)
        return 1
    total = sum(counts.values())
    print(f"Wrote {total:,} records of {len(counts)} Ed-Fi resources to {args.out}.")
    return 0


def _sql(args: argparse.Namespace) -> int:
    from sezp_roadmap import sql_shell  # noqa: PLC0415 (only this subcommand needs it)

    return sql_shell.main(args.warehouse, args.query, args.file, args.max_rows)


def landing_folder(text: str) -> Path:
    """--data: a folder that exists (a file, such as one extract, is the usual slip)."""
    path = Path(text)
    if path.is_file():
        raise argparse.ArgumentTypeError(
            f"{text} is a file; --data takes the landing folder that holds the extract files "
            f"(for example {path.resolve().parent})"
        )
    if not path.is_dir():
        raise argparse.ArgumentTypeError(f"{text}: there is no folder here; --data takes the landing folder")
    return path


def version() -> str:
    """The installed package's version (pyproject.toml), as pip and the lock files know it."""
    try:
        return metadata.version("sezp-roadmap")
    except metadata.PackageNotFoundError:
        return "unknown (not installed: run make install)"


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text}: give a whole number of 1 or more")
    return value


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="sezp-roadmap",
        description="Roadmap for Equitable Student Outcomes: build the reports from a folder of extracts, "
        "query the published warehouse, or write a synthetic sample zone.",
        epilog="Run `sezp-roadmap <command> --help` for a command's options.",
    )
    p.add_argument("--version", action="version", version=f"%(prog)s {version()}", help="print the version and exit")
    sub = p.add_subparsers(dest="command", title="commands", metavar="<command>", help="what to do:")

    b = sub.add_parser(
        "build",
        help="ingest the extracts in a folder, compute the metrics, publish the reports",
        description="Ingest and check the extracts of a landing folder, compute the metrics and publish the "
        "warehouse and reports; a failed run publishes nothing.",
    )
    b.add_argument("--data", type=landing_folder, required=True, help="landing folder with the extract CSV files")
    b.add_argument(
        "--warehouse",
        type=Path,
        default=Path(default.warehouse()),
        help=f"DuckDB warehouse file (default: {default.WAREHOUSE}, or $SEZP_WAREHOUSE)",
    )
    b.add_argument(
        "--reports",
        type=Path,
        default=Path(default.reports()),
        help=f"folder the reports are published to (default: {default.REPORTS}, or $SEZP_REPORTS)",
    )
    b.add_argument("--config", type=Path, help="YAML settings overriding the defaults")
    b.add_argument(
        "--profile",
        default=default.profile(),
        help="source profile the landing folder's files are read through: a bundled name "
        "(aspen-x2, powerschool, ma-ssdr, mcas, nwea-map, renaissance-star, iready; several joined by commas) or a YAML file (default: $SEZP_PROFILE, else the folder's roadmap-profile.yaml)",
    )
    b.add_argument(
        "--source",
        choices=DIRECT_CHOICES,
        default="auto",
        help="how to read a folder without a profile: auto (its files tell: canonical CSVs, or Ed-Fi interchange "
        "XML or API JSON files), canonical, or edfi",
    )
    b.add_argument("--skip-reports", action="store_true", help="refresh and publish the warehouse only")
    b.add_argument(
        "--self-contained",
        action="store_true",
        help="write each report as a single file with its script inlined (for e-mail; about 5 MB each)",
    )
    b.set_defaults(func=_build)

    q = sub.add_parser(
        "sql",
        help="query the published warehouse read-only (a query, a file, or an interactive shell)",
        description="Run SQL on the published warehouse through a read-only DuckDB connection and print the "
        "rows as a table. With neither a query nor --file, read statements ended by ';' from the keyboard "
        "(or from standard input).",
    )
    q.add_argument("query", nargs="?", help="the SQL to run (quote it); several statements may be separated by ';'")
    q.add_argument("-f", "--file", type=Path, help="a file of SQL to run instead, such as sql/examples/*.sql")
    q.add_argument(
        "--warehouse",
        type=Path,
        default=Path(default.warehouse()),
        help=f"DuckDB warehouse file (default: {default.WAREHOUSE}, or $SEZP_WAREHOUSE)",
    )
    q.add_argument(
        "--max-rows",
        type=_positive,
        default=100,
        help="rows printed per query; the rest are counted (default: 100)",
    )
    q.set_defaults(func=_sql)

    s = sub.add_parser(
        "sample",
        help="write a synthetic zone in the canonical extract format",
        description="Write a synthetic zone (schools, students, every extract) in the canonical extract format.",
    )
    s.add_argument("--out", type=Path, required=True, help="folder to write the extracts to")
    s.add_argument(
        "--seed", type=int, default=2026, help="random seed; the same seed writes the same files (default: 2026)"
    )
    s.add_argument(
        "--scale",
        choices=sorted(SAMPLE_SCALES),
        default="zone",
        help="zone: 13 schools, 5,300 students; state: 1,800 schools, 900,000 students (Massachusetts, for benchmarks)",
    )
    s.add_argument("--schools", type=int, help="number of schools (overrides --scale)")
    s.add_argument("--students", type=int, help="students in the last complete school year (overrides --scale)")
    s.add_argument("--compress", action="store_true", help="write .csv.gz files")
    s.add_argument(
        "--as",
        dest="as_source",
        metavar="SOURCE",
        help="write the zone as a source system's own exports, e.g. aspen-x2 (read back through its bundled profile)",
    )
    s.set_defaults(func=_sample)

    pr = sub.add_parser("profile", help="source profiles: how a district's own export files map to the extracts")
    pr_sub = pr.add_subparsers(dest="profile_command", required=True, help="what to do with a profile")
    c = pr_sub.add_parser(
        "check",
        help="show, without building, how each file maps: columns found, unmapped values, date failures, rows",
    )
    c.add_argument("--data", type=Path, required=True, help="landing folder with the district's files")
    c.add_argument(
        "--profile", help="a bundled profile name or a YAML file (default: the folder's roadmap-profile.yaml)"
    )
    c.set_defaults(func=_profile_check)

    e = sub.add_parser(
        "pull-edfi",
        help="pull the resources the Roadmap reads from an Ed-Fi ODS/API (v5 or v7) into a folder of JSON files; "
        "the client key and secret are read from EDFI_CLIENT_ID and EDFI_CLIENT_SECRET",
    )
    e.add_argument("--url", required=True, help="the API's base URL, e.g. https://ods.example.org/api")
    e.add_argument(
        "--out", type=Path, required=True, help="folder to write <resource>.json files to (a landing folder)"
    )
    e.add_argument("--school-year", type=int, help="the school year of a year-specific ODS (2022 for 2021-22)")
    e.add_argument(
        "--page-size", type=_positive, default=500, help="records per request (the API's limit; default 500)"
    )
    e.set_defaults(func=_pull_edfi)
    return p


# No command is a usage error, as argparse treats one (exit 2), but it answers with the whole help, on stdout.
NO_COMMAND = 2


def main(argv: list[str] | None = None) -> int:
    p = parser()
    args = p.parse_args(argv)
    if args.command is None:
        p.print_help(sys.stdout)
        return NO_COMMAND
    if args.command == "sql" and args.query is not None and args.file is not None:
        p.error("sql: give a query or --file, not both")
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130


def run() -> None:
    """The installed command: main, then the end of the process without Python's teardown of every module.

    After a build the interpreter holds every module of Dagster, pandera, Ibis
    and pandas; freeing them one object at a time at exit took about a second,
    longer than some stages. By then every connection is closed and every file
    written: the exit handlers still run (logging, temporary folders) and the
    output is flushed, then the process ends with main's code.
    """
    code = main()
    exit_now(code)


def exit_now(code: int) -> None:
    """Run the exit handlers, flush stdout and stderr, and end the process with `code`, skipping the teardown.

    A thread still at work (none of ours is, once a command returns) is waited
    for, as Python's own exit waits for it: the process then ends the usual way.
    """
    if any(t.is_alive() and not t.daemon for t in threading.enumerate() if t is not threading.main_thread()):
        sys.exit(code)
    atexit._run_exitfuncs()
    quick_exit(code)


if __name__ == "__main__":
    run()
