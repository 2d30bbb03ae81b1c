"""Command line: `sezp-roadmap build` and `sezp-roadmap sample`.

`build` is a thin front over materializing the Dagster assets in process
(pipelines.runner); it is the one place the library reaches into `pipelines`,
and it does so lazily so the library itself never imports Dagster.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from sezp_roadmap import paths as default
from sezp_roadmap import problem_list

# However bad the folder, a failed build prints no more lines than this (the rest are in the problems file).
MAX_PROBLEM_LINES = 36


def _not_read(outcome) -> list[str]:
    """The entries of the landing folder the build did not read, one line each (the landing_files metadata)."""
    from pipelines.defs.ingest import NOT_READ  # noqa: PLC0415 (Dagster loads only for `build`)

    return [line for line in str(outcome.metadata.get("landing_files", {}).get(NOT_READ, "")).splitlines() if line]


def _build(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    from pipelines.resources import RoadmapPaths  # noqa: PLC0415 (Dagster loads only for `build`)
    from pipelines.runner import materialize_all  # noqa: PLC0415

    paths = RoadmapPaths(
        data_dir=str(args.data),
        warehouse=str(args.warehouse),
        reports_dir=str(args.reports),
        config_file=str(args.config) if args.config else None,
        self_contained=args.self_contained,
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
    warnings = [f"Warning: {note}; see {where}" for note in outcome.notes]
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
    counts = write_sample_zone(
        Path(args.out), seed=args.seed, schools=schools, students=students, compress=args.compress
    )
    total = sum(counts.values())
    print(f"Wrote a synthetic zone of {schools} schools to {args.out} ({total:,} rows in {len(counts)} extracts).")
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="sezp-roadmap", description="Roadmap for Equitable Student Outcomes.")
    sub = p.add_subparsers(dest="command", required=True)

    b = sub.add_parser("build", help="ingest the extracts in a folder, compute the metrics, publish the reports")
    b.add_argument("--data", type=Path, required=True, help="landing folder with the extract CSV files")
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
    b.add_argument("--skip-reports", action="store_true", help="refresh and publish the warehouse only")
    b.add_argument(
        "--self-contained",
        action="store_true",
        help="write each report as a single file with its script inlined (for e-mail; about 5 MB each)",
    )
    b.set_defaults(func=_build)

    s = sub.add_parser("sample", help="write a synthetic zone in the canonical extract format")
    s.add_argument("--out", type=Path, required=True, help="folder to write the extracts to")
    s.add_argument("--seed", type=int, default=2026)
    s.add_argument(
        "--scale",
        choices=sorted(SAMPLE_SCALES),
        default="zone",
        help="zone: 13 schools, 5,300 students; state: 1,800 schools, 900,000 students (Massachusetts, for benchmarks)",
    )
    s.add_argument("--schools", type=int, help="number of schools (overrides --scale)")
    s.add_argument("--students", type=int, help="students in the last complete school year (overrides --scale)")
    s.add_argument("--compress", action="store_true", help="write .csv.gz files")
    s.set_defaults(func=_sample)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
