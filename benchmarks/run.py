"""`make bench`: the whole pipeline timed at several sizes, against its floor and a pandas baseline.

    python -m benchmarks.run [--sizes sample district half-state state] [--results benchmarks/results.md]
    python -m benchmarks.run --sizes half-state state --skip-reports --no-baseline   # the data stages alone

For each size it generates a synthetic zone once (cached under build/bench/,
or the folder --data-root names, never committed), then, in this order and on
the same files:

* the typed-load floor: DuckDB's own `create table ... as select * from read_csv(...)`
  of every extract's files into a fresh warehouse file, in this process (the
  column types DuckDB infers, under the build's memory limit): every stage is
  reported as a multiple of it;
* the read-once floor: DuckDB counting the rows of every extract, a second reference;
* `sezp-roadmap build` in a child process (benchmarks/profiled_build.py): wall
  time, the CLI's seconds by stage, the child's peak memory, seconds per SQL file
  (`--skip-reports`: the warehouse only, as `build --skip-reports` refreshes it);
* the pandas baseline (benchmarks/pandas_baseline.py) in a child process, its
  figures checked against the warehouse's;
* one period's reports of every school rendered again from the built warehouse
  (benchmarks/period_reports.py), in a child process: what a scheduled refresh
  renders, where the cold build renders every school year and period;
* the metric engine computing the same two metrics from the same three files
  (benchmarks/engine_attendance.py), in a child process, its figures checked
  against the baseline's: the like-for-like side of the "20x pandas" goal.

Figures of each size are kept in build/bench/<size>/result.json, so a long
size can run on its own and results.md is rewritten from every size measured.
"""

import argparse
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from benchmarks import fuzz, history
from benchmarks.machine import cpu_ticks, describe, steal_percent
from benchmarks.results import write_results
from sezp_roadmap.extracts import EXTRACTS
from sezp_roadmap.warehouse import memory_limit, usable_cores

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Size:
    name: str
    schools: int
    students: int


SIZES = {
    s.name: s
    for s in (
        Size("tiny", 3, 300),
        Size("sample", 13, 5_300),
        Size("district", 180, 90_000),
        # Half the state's schools and students: the data stages' share of the state's tells whether cost grows linearly.
        Size("half-state", 900, 450_000),
        Size("state", 1_800, 900_000),
    )
}

# The pandas baseline may not fit at state size: it gets a memory ceiling so
# that it fails with MemoryError instead of pushing the machine into swap or
# the OOM killer, and a time ceiling.
BASELINE_MEMORY_LIMIT = 20 * 2**30


@dataclass
class ChildRun:
    seconds: float
    peak_rss_mib: float
    returncode: int
    stdout: str
    stderr: str
    # The share of the machine's CPU time the hypervisor took while the child ran (None off Linux).
    host_steal_pct: float | None = None
    # The child's CPU time (user and system, its threads included): its work, whatever else shares the machine.
    cpu_seconds: float | None = None


def run_child(
    argv: list[str],
    *,
    env: dict | None = None,
    cwd: Path = ROOT,
    timeout: float | None = None,
    memory_limit: int | None = None,
    stop_signal: int = signal.SIGKILL,
) -> ChildRun:
    """Run a command; its wall time and its own peak resident memory (os.wait4's rusage)."""

    def limit_memory() -> None:
        if memory_limit:
            resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))

    out_path, err_path = Path(f"/tmp/sezp-bench-{os.getpid()}.out"), Path(f"/tmp/sezp-bench-{os.getpid()}.err")
    with out_path.open("w") as out, err_path.open("w") as err:
        ticks = cpu_ticks()
        started = time.perf_counter()
        child = subprocess.Popen(argv, stdout=out, stderr=err, cwd=cwd, env=env, preexec_fn=limit_memory)
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            if timeout and time.perf_counter() - started > timeout:
                # SIGINT first lets the profiled build write what it measured; SIGKILL if it lingers.
                child.send_signal(stop_signal)
                grace = time.perf_counter() + 30
                while not pid and time.perf_counter() < grace:
                    time.sleep(0.1)
                    pid, status, usage = os.wait4(child.pid, os.WNOHANG)
                if not pid:
                    child.kill()
                    pid, status, usage = os.wait4(child.pid, 0)
                break
            time.sleep(0.05)
        seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    result = ChildRun(
        round(seconds, 2),
        round(usage.ru_maxrss / 1024, 1),
        child.returncode,
        out_path.read_text(),
        err_path.read_text(),
        steal_percent(ticks, cpu_ticks()),
        round(usage.ru_utime + usage.ru_stime, 2),
    )
    out_path.unlink()
    err_path.unlink()
    return result


def generate(size: Size, folder: Path) -> float | None:
    """Write the size's synthetic zone unless the cache already holds it; the seconds it took."""
    # Beside the folder, not in it (a landing folder's every entry is read or reported), one per size.
    marker = folder.with_name(folder.name + ".generated.json")
    wanted = {"schools": size.schools, "students": size.students}
    if marker.exists() and json.loads(marker.read_text()) == wanted:
        return None
    shutil.rmtree(folder, ignore_errors=True)
    # Plain CSV, as a student information system exports it.
    run = run_child(
        [
            sys.executable,
            "-m",
            "sezp_roadmap.cli",
            "sample",
            "--out",
            str(folder),
            "--schools",
            str(size.schools),
            "--students",
            str(size.students),
        ]
    )
    if run.returncode:
        raise RuntimeError(f"generating {size.name} failed:\n{run.stderr}")
    marker.write_text(json.dumps(wanted))
    return run.seconds


def extract_files(data: Path) -> dict[str, list[str]]:
    files = {}
    for name in EXTRACTS:
        found = sorted(str(p) for p in data.glob(f"{name}*.csv*"))
        if found:
            files[name] = found
    return files


def typed_floor(data: Path, work: Path) -> dict:
    """DuckDB loading every extract's files into a table of a fresh warehouse file: the least a typed load costs.

    `create table ... as select * from read_csv(...)`, the types as DuckDB's
    sniffer infers them (dates as dates, whole numbers as integers), under the
    build's memory limit; the seconds include writing the file to disk (the
    checkpoint when it is closed), as the build's warehouse is written.
    """
    target = work / "typed_floor.duckdb"
    target.unlink(missing_ok=True)
    started = time.perf_counter()
    con = duckdb.connect(str(target), config={"memory_limit": memory_limit()})
    rows, seconds = {}, {}
    for name, files in extract_files(data).items():
        begun = time.perf_counter()
        con.execute(f'create table "{name}" as select * from read_csv($files, header = true)', {"files": files})
        rows[name] = con.execute(f'select count(*) from "{name}"').fetchone()[0]
        seconds[name] = round(time.perf_counter() - begun, 3)
    con.close()
    total = round(time.perf_counter() - started, 2)
    size_mib = round(target.stat().st_size / 2**20, 1)
    target.unlink()
    return {"seconds": total, "by_extract": seconds, "rows": rows, "file_mib": size_mib}


def combine_floors(before: dict, after: dict) -> dict:
    """The typed-load floor measured before and after the build: their mean, and each."""
    return {
        **before,
        "seconds": round((before["seconds"] + after["seconds"]) / 2, 2),
        "before_seconds": before["seconds"],
        "after_seconds": after["seconds"],
    }


def read_once_floor(data: Path) -> dict:
    """DuckDB reading every extract once: the least any pipeline over these files must spend."""
    con = duckdb.connect()
    rows, seconds = {}, {}
    for name, files in extract_files(data).items():
        started = time.perf_counter()
        rows[name] = con.execute(
            "select count(*) from read_csv($files, header = true, all_varchar = true)", {"files": files}
        ).fetchone()[0]
        seconds[name] = round(time.perf_counter() - started, 3)
    con.close()
    return {"seconds": round(sum(seconds.values()), 2), "by_extract": seconds, "rows": rows}


STAGES_LINE = re.compile(r"^Seconds by stage: (.*)$", re.M)
REPORTS_LINE = re.compile(r"^Built (\d+) reports", re.M)


def parse_build_summary(stdout: str) -> tuple[dict[str, float], int]:
    """The CLI's own summary: seconds by stage, and the number of report pages."""
    stages = {}
    match = STAGES_LINE.search(stdout)
    if match:
        for part in match.group(1).split(", "):
            stage, seconds = part.rsplit(" ", 1)
            stages[stage] = float(seconds)
    reports = REPORTS_LINE.search(stdout)
    return stages, int(reports.group(1)) if reports else 0


def source_tree(revision: str | None, workdir: Path) -> Path:
    """The code to build with: this checkout, or a clean git worktree of one commit.

    Others may be editing this checkout while a long run goes on; a commit's
    worktree gives figures that belong to that commit alone.
    """
    if not revision:
        return ROOT
    commit = subprocess.run(
        ["git", "rev-parse", "--short", revision], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    tree = workdir / f"src-{commit}"
    if not tree.exists():
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(tree), commit], cwd=ROOT, capture_output=True, check=True
        )
    return tree


def source_env(source: Path) -> dict[str, str]:
    """The environment of a child that runs the code of `source`: that tree first on the path, this checkout's benchmarks package after it."""
    return {**os.environ, "PYTHONPATH": os.pathsep.join(dict.fromkeys([str(source), str(ROOT)]))}


def build(
    data: Path, work: Path, source: Path = ROOT, timeout: float | None = None, *, skip_reports: bool = False
) -> dict:
    """A cold `sezp-roadmap build`: no warehouse or reports left from an earlier run.

    A build still running after `timeout` seconds is stopped and reported as
    unfinished, with the SQL it had done and the memory it had reached.
    """
    warehouse, reports, profile = work / "warehouse" / "roadmap.duckdb", work / "reports", work / "sql_profile.json"
    shutil.rmtree(warehouse.parent, ignore_errors=True)
    shutil.rmtree(reports, ignore_errors=True)
    for stale in work.glob("reports.*"):
        shutil.rmtree(stale, ignore_errors=True)
    env = {**source_env(source), "SEZP_BENCH_PROFILE": str(profile)}
    run = run_child(
        [
            sys.executable,
            "-m",
            "benchmarks.profiled_build",
            "--data",
            str(data.resolve()),
            "--warehouse",
            str(warehouse.resolve()),
            "--reports",
            str(reports.resolve()),
            *(["--skip-reports"] if skip_reports else []),
        ],
        env=env,
        cwd=source,
        timeout=timeout,
        stop_signal=signal.SIGINT,
    )
    finished = not (timeout and run.seconds >= timeout)
    if run.returncode and finished:
        raise RuntimeError(f"the build failed:\n{run.stdout}\n{run.stderr}")
    stages, pages = parse_build_summary(run.stdout)
    return {
        "finished": finished,
        "seconds": run.seconds,
        "peak_rss_mib": run.peak_rss_mib,
        "host_steal_pct": run.host_steal_pct,
        "cpu_seconds": run.cpu_seconds,
        "stages": stages,
        "report_pages": pages,
        "skip_reports": skip_reports,
        "sql_profile": json.loads(profile.read_text()) if profile.exists() else {},
        "warehouse": str(warehouse),
    }


# A build of a few seconds varies by a second or more from one run to the next
# on a shared virtual machine: the small sizes are built this many times and the
# median run is kept (every run's seconds are kept beside it).
SMALL_SIZE_REPEATS = 3


def median_build(
    data: Path, work: Path, source: Path, timeout: float | None, repeats: int, *, skip_reports: bool = False
) -> dict:
    runs = sorted(
        (build(data, work, source, timeout, skip_reports=skip_reports) for _ in range(repeats)),
        key=lambda run: run["seconds"],
    )
    median = runs[len(runs) // 2]
    if repeats > 1:
        median["repeats"] = [run["seconds"] for run in runs]
    return median


def period_reports(data: Path, warehouse: str, source: Path, cores: int | None = None) -> dict:
    """The running school year's mid-year reports of every school, rendered from the built warehouse (a child process).

    cores: hold the child to this many cores (default: every core it may use).
    """
    run = run_child(
        [
            sys.executable,
            "-m",
            "benchmarks.period_reports",
            "--warehouse",
            str(Path(warehouse).resolve()),
            "--data",
            str(data.resolve()),
            *(["--cores", str(cores)] if cores else []),
        ],
        env=source_env(source),
        cwd=source,
    )
    if run.returncode:
        raise RuntimeError(f"rendering one period's reports failed:\n{run.stderr}")
    summary = json.loads(run.stdout.strip().splitlines()[-1])
    return {
        **summary,
        "wall_seconds": run.seconds,
        "peak_rss_mib": run.peak_rss_mib,
        "host_steal_pct": run.host_steal_pct,
    }


def figures_script(module: str, data: Path, out: Path, timeout: float, memory_limit: int | None = None) -> dict:
    """Run a script that computes the figures from the files (the pandas baseline, the engine) as a child process.

    Its wall time and peak memory; its own compute time (the JSON line it prints)
    when it finished, and why it stopped when it did not.
    """
    run = run_child(
        [sys.executable, "-m", module, "--data", str(data), "--out", str(out)],
        timeout=timeout,
        memory_limit=memory_limit,
    )
    if run.returncode:
        reason = (
            "MemoryError"
            if "MemoryError" in run.stderr
            else (f"stopped after {timeout:.0f} s" if run.seconds >= timeout else f"exit code {run.returncode}")
        )
        return {"finished": False, "seconds": run.seconds, "peak_rss_mib": run.peak_rss_mib, "reason": reason}
    summary = json.loads(run.stdout.strip().splitlines()[-1])
    return {
        "finished": True,
        "seconds": run.seconds,
        "compute_seconds": summary["seconds"],
        # The engine says how much of its time went to reading the files (the baseline does not).
        "read_seconds": summary.get("read_seconds"),
        "peak_rss_mib": run.peak_rss_mib,
    }


def pandas_baseline(data: Path, work: Path, warehouse: str | None, timeout: float) -> dict:
    out = work / "pandas_figures.csv"
    result = figures_script("benchmarks.pandas_baseline", data, out, timeout, BASELINE_MEMORY_LIMIT)
    if result["finished"]:
        result["max_difference"] = agreement(out, warehouse) if warehouse else None
    return result


def engine_attendance(data: Path, work: Path, pandas_csv: Path | None, timeout: float) -> dict:
    """The metric engine computing the baseline's two metrics from the same three files (like for like)."""
    out = work / "engine_figures.csv"
    result = figures_script("benchmarks.engine_attendance", data, out, timeout)
    if result["finished"]:
        result["max_difference_from_pandas"] = (
            figures_difference(out, pandas_csv) if pandas_csv and pandas_csv.exists() else None
        )
    return result


def figures_difference(engine_csv: Path, pandas_csv: Path) -> dict:
    """The largest difference between the engine's figures and the pandas baseline's, per school and year."""
    con = duckdb.connect()
    row = con.execute(
        """
        select count(*), max(abs(e.attendance_rate - p.attendance_rate)), max(abs(e.chronic_absence_rate - p.chronic_absence_rate))
        from read_csv($engine, header = true) as e
        join read_csv($pandas, header = true) as p
            on p.school_id = e.school_id and p.school_year = e.school_year
        """,
        {"engine": str(engine_csv), "pandas": str(pandas_csv)},
    ).fetchone()
    con.close()
    return {"cells": row[0], "attendance_rate": row[1], "chronic_absence_rate": row[2]}


def agreement(pandas_csv: Path, warehouse: str) -> dict:
    """The largest difference between the baseline's figures and the warehouse's end-of-year (so far) cells."""
    con = duckdb.connect(warehouse, read_only=True)
    diff = con.execute(
        """
        with p as (select * from read_csv($csv, header = true)),
        w as (
            select school_id, school_year, metric, value
            from marts.metric_values
            where period = 'end_of_year' and subgroup = 'all'
                and metric in ('attendance_rate', 'chronic_absence_rate')
        ),
        final as (
            select
                count(*) as cells,
                max(abs(p.attendance_rate - a.value)) as attendance_rate,
                max(abs(p.chronic_absence_rate - c.value)) as chronic_absence_rate
            from p
            join w as a on a.school_id = p.school_id and a.school_year = p.school_year and a.metric = 'attendance_rate'
            join w as c on c.school_id = p.school_id and c.school_year = p.school_year and c.metric = 'chronic_absence_rate'
        )
        select * from final
        """,
        {"csv": str(pandas_csv)},
    ).fetchone()
    con.close()
    return {"cells": diff[0], "attendance_rate": diff[1], "chronic_absence_rate": diff[2]}


def measure(
    size: Size,
    workdir: Path,
    *,
    baseline: bool,
    baseline_timeout: float,
    build_timeout: float | None = None,
    source: Path = ROOT,
    run: dict | None = None,
    data_root: Path | None = None,
    skip_reports: bool = False,
) -> dict:
    """One size's figures; `run` names the run (when, the code's commit) every size of it shares."""
    work = workdir / size.name
    data = (data_root / size.name) if data_root else work / "data"
    work.mkdir(parents=True, exist_ok=True)
    generated = generate(size, data)
    before = typed_floor(data, work)
    floor = read_once_floor(data)
    built = median_build(
        data,
        work,
        source,
        build_timeout,
        repeats=SMALL_SIZE_REPEATS if size.students <= 10_000 else 1,
        skip_reports=skip_reports,
    )
    # The floor again right after the build: the machine's load moves within minutes, and the mean of
    # the two brackets the build in time.
    typed = combine_floors(before, typed_floor(data, work))
    reports_built = built["finished"] and built["report_pages"] and not skip_reports
    result = {
        "size": size.name,
        "schools": size.schools,
        "students": size.students,
        "run": run,
        "generation_seconds": generated,
        "input_mib": round(sum(p.stat().st_size for p in data.iterdir()) / 2**20, 1),
        "typed_floor": typed,
        "floor": floor,
        "build": built,
        "period_reports": period_reports(data, built["warehouse"], source) if reports_built else None,
        # The same period on one core: how rendering scales with cores.
        "period_reports_one_core": period_reports(data, built["warehouse"], source, cores=1)
        if reports_built and usable_cores() > 1
        else None,
        "pandas": pandas_baseline(data, work, built["warehouse"] if built["finished"] else None, baseline_timeout)
        if baseline
        else None,
    }
    if baseline:
        pandas_csv = work / "pandas_figures.csv" if result["pandas"]["finished"] else None
        result["engine"] = engine_attendance(data, work, pandas_csv, baseline_timeout)
    (work / "result.json").write_text(json.dumps(result, indent=1))
    return result


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Time the pipeline at several sizes and write the results file.")
    p.add_argument("--sizes", nargs="+", default=["sample", "district", "half-state", "state"], choices=list(SIZES))
    p.add_argument("--workdir", type=Path, default=ROOT / "build" / "bench")
    p.add_argument("--results", type=Path, default=ROOT / "benchmarks" / "results.md")
    p.add_argument(
        "--history",
        type=Path,
        default=ROOT / "benchmarks" / "history.jsonl",
        help="every run on record, one JSON line each (a run appends its sizes)",
    )
    p.add_argument("--no-baseline", action="store_true", help="skip the pandas baseline")
    p.add_argument(
        "--skip-reports",
        nargs="*",
        metavar="SIZE",
        help="build the warehouse only (`build --skip-reports`): the data stages and the floors, no reports; "
        "of the sizes named, or of every size when none is",
    )
    p.add_argument(
        "--data-root",
        type=Path,
        help="a folder holding each size's generated files in a subfolder named after it (generated there if absent)",
    )
    p.add_argument("--baseline-timeout", type=float, default=1800)
    p.add_argument(
        "--build-timeout", type=float, help="stop a build after this many seconds and record it as unfinished"
    )
    p.add_argument(
        "--source", metavar="REV", help="build with a clean worktree of this commit (default: this checkout as it is)"
    )
    p.add_argument("--note", help="a sentence on the conditions of the run, written under the results' heading")
    p.add_argument(
        "--report-only", action="store_true", help="rewrite the results file from the figures already measured"
    )
    args = p.parse_args(argv)
    source = source_tree(args.source, args.workdir) if args.source else ROOT
    machine = describe(source)
    if not args.report_only:
        this_run = []
        run = {"when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M"), "code": machine["Code"]}
        for name in args.sizes:
            print(f"[bench] {name} ...", file=sys.stderr, flush=True)
            result = measure(
                SIZES[name],
                args.workdir,
                baseline=not args.no_baseline,
                baseline_timeout=args.baseline_timeout,
                build_timeout=args.build_timeout,
                source=source,
                run=run,
                data_root=args.data_root,
                skip_reports=args.skip_reports is not None and (not args.skip_reports or name in args.skip_reports),
            )
            print(f"[bench] {name}: build {result['build']['seconds']} s", file=sys.stderr, flush=True)
            this_run.append(result)
        history.record(args.history, machine["Code"], this_run)
    measured = [
        json.loads((args.workdir / n / "result.json").read_text())
        for n in SIZES
        if (args.workdir / n / "result.json").exists() and (n in args.sizes or args.report_only)
    ]
    write_results(args.results, machine, measured, note=args.note, history=history.load(args.history))
    fuzz.write_section(args.results, fuzz.load(fuzz.HISTORY))  # `make fuzz`'s last run stays on the page
    return 0


if __name__ == "__main__":
    sys.exit(main())
