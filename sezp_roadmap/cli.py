"""Command line: `sezp-roadmap build`, `sezp-roadmap sample` and `sezp-roadmap profile check`.

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
        profile=args.profile,
    )
    outcome = materialize_all(paths, skip_reports=args.skip_reports)
    if not outcome.success:
        print(
            "The build stopped; nothing was published (the previous warehouse and reports are unchanged).",
            file=sys.stderr,
        )
        for problem in outcome.problems:
            print(problem, file=sys.stderr)
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
    for note in outcome.notes:
        print(f"Warning: {note}; see {where}")
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
    b.add_argument(
        "--profile",
        default=default.profile(),
        help="source profile the landing folder's files are read through: a bundled name "
        "(aspen-x2, powerschool, ma-ssdr, mcas, nwea-map, renaissance-star, iready; several joined by commas) or a YAML file (default: $SEZP_PROFILE, else the folder's roadmap-profile.yaml)",
    )
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
    s.add_argument(
        "--as",
        dest="as_source",
        metavar="SOURCE",
        help="write the zone as a source system's own exports, e.g. aspen-x2 (read back through its bundled profile)",
    )
    s.set_defaults(func=_sample)

    pr = sub.add_parser("profile", help="source profiles: how a district's own export files map to the extracts")
    pr_sub = pr.add_subparsers(dest="profile_command", required=True)
    c = pr_sub.add_parser(
        "check",
        help="show, without building, how each file maps: columns found, unmapped values, date failures, rows",
    )
    c.add_argument("--data", type=Path, required=True, help="landing folder with the district's files")
    c.add_argument(
        "--profile", help="a bundled profile name or a YAML file (default: the folder's roadmap-profile.yaml)"
    )
    c.set_defaults(func=_profile_check)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
