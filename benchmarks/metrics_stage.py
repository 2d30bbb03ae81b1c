"""Rerun the student-table and metric stages on a copy of a built warehouse, timing every SQL statement.

    python -m benchmarks.metrics_stage BUILT_WAREHOUSE DATA_DIR [--workdir DIR] [--top N] [--against HASHES]

The stages that cost most at state size are the metrics; this reruns only
them (ingest and validation already done in the built warehouse), so a change
to their SQL can be measured in a minute instead of a whole build, and its
output checked against the hashes of the code before it (benchmarks.mart_hashes).
Prints the stage seconds and the slowest statements, each named by its SQL
file and its first line of SQL.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from collections import defaultdict
from pathlib import Path

from sezp_roadmap import config, stages, suppression, warehouse
from sezp_roadmap.reporting import aggregates

_statement_seconds: dict[tuple[str, int, str], float] = defaultdict(float)


def _timed_run_sql(con, name, params=None):
    for number, statement in enumerate(warehouse.split_statements(warehouse.read_sql(name)), start=1):
        used = {k: v for k, v in (params or {}).items() if f"${k}" in statement}
        first = next(
            (ln.strip() for ln in statement.splitlines() if ln.strip() and not ln.strip().startswith("--")), ""
        )
        started = time.perf_counter()
        con.execute(statement, used) if used else con.execute(statement)
        _statement_seconds[(name, number, first[:70])] += time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("warehouse", type=Path, help="a built warehouse file (roadmap.duckdb)")
    parser.add_argument("data_dir", type=Path, help="the landing folder it was built from (for its settings)")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/metrics-stage"))
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--against", type=Path, help="hashes (benchmarks.mart_hashes --out) the output must match")
    parser.add_argument(
        "--setting",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a DuckDB setting for the stages' connections",
    )
    parser.add_argument("--out", type=Path, help="write the output's hashes here (a reference for --against)")
    args = parser.parse_args(argv)

    args.workdir.mkdir(parents=True, exist_ok=True)
    target = args.workdir / "roadmap.duckdb"
    shutil.copyfile(args.warehouse, stages.working_path(target))
    loc = stages.Locations(data_dir=args.data_dir, warehouse=target, reports_dir=args.workdir / "reports")
    settings = config.load_settings(data_dir=args.data_dir)

    for module in (warehouse, stages.metric_engine, suppression, aggregates):
        module.run_sql = _timed_run_sql
    if args.setting:
        extra = dict(s.split("=", 1) for s in args.setting)
        base_config = warehouse.connection_config
        warehouse.connection_config = lambda share=1: {**base_config(share), **extra}
    seconds = {}
    for stage, step in (("student tables", stages.build_student_tables), ("metric values", stages.build_metric_values)):
        started = time.perf_counter()
        step(loc, settings)
        seconds[stage] = time.perf_counter() - started
    for stage, s in seconds.items():
        print(f"{stage}: {s:.1f} s")
    print(f"metrics stage: {sum(seconds.values()):.1f} s\n")
    ranked = sorted(_statement_seconds.items(), key=lambda kv: -kv[1])[: args.top]
    for (name, number, first), s in ranked:
        print(f"{s:7.2f} s  {name} #{number}  {first}")

    from benchmarks import mart_hashes  # noqa: PLC0415 (only when checking)

    built = str(stages.working_path(target))
    if args.out:
        mart_hashes.main([built, "--out", str(args.out)])
    if args.against:
        return mart_hashes.main([built, "--against", str(args.against), "--near", str(args.warehouse)])
    return 0


if __name__ == "__main__":
    sys.exit(main())
