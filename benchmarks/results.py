"""benchmarks/results.md from the measured figures: the machine, the goals, the growth, the profile."""

from datetime import UTC, datetime
from pathlib import Path

from sezp_roadmap.periods import school_year_label

# The goals of issue 8, on a 2-core, 24 GiB machine.
STATE_BUILD_SECONDS = 300
STATE_PEAK_MIB = 4 * 1024
FLOOR_RATIO = 4
PANDAS_SPEEDUP = 20
SCHOOLS_PER_SECOND = 30
SAMPLE_BUILD_SECONDS = 10

DATA_STAGES = ("ingest", "validation", "metrics")


def finished(result: dict) -> bool:
    return result["build"].get("finished", True)


def data_seconds(result: dict) -> float:
    return sum(result["build"]["stages"].get(stage, 0.0) for stage in DATA_STAGES)


def floor_ratio(result: dict) -> float:
    """Data stages over the floor; for a build stopped unfinished, its whole time over the floor (a lower bound)."""
    seconds = data_seconds(result) if finished(result) else result["build"]["seconds"]
    return seconds / max(result["floor"]["seconds"], 1e-9)


def schools_per_second(result: dict) -> float | None:
    seconds = result["build"]["stages"].get("reports")
    return result["schools"] / seconds if seconds else None


def period_schools_per_second(result: dict) -> float | None:
    """Schools per second rendering one period's reports (one report per school), when measured."""
    period = result.get("period_reports")
    return period["schools"] / period["seconds"] if period and period["seconds"] else None


def recorded_period_schools_per_second(summary: dict) -> float | None:
    """period_schools_per_second of one size of a run on record (runs before it was measured have none)."""
    seconds = summary.get("period_reports_seconds")
    return summary["period_report_schools"] / seconds if seconds else None


def recorded_schools_per_second(summary: dict) -> float | None:
    """schools_per_second of one size of a run on record (benchmarks.history.summarize)."""
    seconds = summary["stages"].get("reports")
    return summary["schools"] / seconds if seconds else None


def _pages_per_second(build: dict) -> str:
    seconds, pages = build["stages"].get("reports"), build.get("report_pages")
    return f", {pages / seconds:,.0f} pages/s" if seconds and pages else ""


def pandas_speedup(result: dict) -> float | None:
    """pandas over the metric engine computing the same two metrics from the same files (like for like)."""
    pandas, engine = result.get("pandas"), result.get("engine")
    if not pandas or not pandas["finished"] or not engine or not engine["finished"]:
        return None
    return pandas["seconds"] / max(engine["seconds"], 1e-9)


def pandas_over_data_stages(result: dict) -> float | None:
    """pandas over the whole data stages, which also ingest, validate and compute every other metric."""
    pandas = result.get("pandas")
    if not pandas or not pandas["finished"] or not finished(result):
        return None
    return pandas["seconds"] / max(data_seconds(result), 1e-9)


def _met(ok: bool | None) -> str:
    return "not measured" if ok is None else ("**met**" if ok else "**not met**")


def _fmt(value, digits: int = 1) -> str:
    if value is None:
        return "–"
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,.{digits}f}"


def _input_rows(result: dict) -> int:
    return sum(result["floor"]["rows"].values())


def _goals(by_size: dict[str, dict]) -> list[str]:
    largest = by_size.get("state") or list(by_size.values())[-1]
    at = f"{largest['size']} ({largest['schools']:,} schools, {largest['students']:,} students)"
    build, stages = largest["build"], largest["build"]["stages"]
    ratio = floor_ratio(largest)
    speedup = pandas_speedup(largest)
    rate = schools_per_second(largest)
    pandas = largest.get("pandas")
    done = finished(largest)
    is_state = largest["size"] == "state"
    over = "" if done else "more than "
    stopped = "" if done else " (stopped unfinished)"
    rows = [
        "| Goal | Measured | Met |",
        "|---|---|---|",
        f"| Whole build of the state under {STATE_BUILD_SECONDS} s | {over}{_fmt(build['seconds'])} s at {at}{stopped} | "
        f"{_met(build['seconds'] < STATE_BUILD_SECONDS and done if is_state else None)} |",
        f"| Peak memory of the state build under {STATE_PEAK_MIB / 1024:.0f} GiB | {'at least ' if not done else ''}"
        f"{_fmt(build['peak_rss_mib'] / 1024, 2)} GiB | "
        f"{_met(build['peak_rss_mib'] < STATE_PEAK_MIB and done if is_state else None) if done or build['peak_rss_mib'] >= STATE_PEAK_MIB else 'not measured'} |",
        f"| Data stages (ingest + validation + metrics) within {FLOOR_RATIO}× the read-once floor | "
        f"{over}{_fmt(data_seconds(largest) if done else build['seconds'])} s / {_fmt(largest['floor']['seconds'], 2)} s = "
        f"{over}{ratio:.0f}× | {_met(ratio <= FLOOR_RATIO)} |",
    ]
    if speedup is not None:
        engine = largest["engine"]
        stages_ratio = pandas_over_data_stages(largest)
        rows.append(
            f"| At least {PANDAS_SPEEDUP}× faster than pandas on attendance and chronic absence | "
            f"pandas {_fmt(pandas['seconds'])} s / the engine on the same files {_fmt(engine['seconds'])} s = "
            f"{speedup:.1f}× (pandas / the whole data stages, which also ingest, validate and compute every "
            f"other metric: {_fmt(stages_ratio)}×) | {_met(speedup >= PANDAS_SPEEDUP)} |"
        )
    else:
        reason = (pandas.get("reason") or "the engine did not finish") if pandas else "not run"
        speedups = [(r["size"], pandas_speedup(r)) for r in by_size.values() if pandas_speedup(r) is not None]
        best = ", ".join(f"{s} {v:.1f}×" for s, v in speedups) or "no size finished"
        pandas_text = (
            (
                f"pandas {_fmt(pandas['seconds'])} s, peak {_fmt(pandas['peak_rss_mib'] / 1024, 1)} GiB"
                + ("" if pandas["finished"] else " (did not finish)")
            )
            if pandas
            else "pandas not run"
        )
        rows.append(
            f"| At least {PANDAS_SPEEDUP}× faster than pandas | no ratio at {largest['size']}: {pandas_text}; "
            f"{reason}; at smaller sizes: {best} | "
            f"{_met(all(v >= PANDAS_SPEEDUP for _, v in speedups) if speedups else None)} |"
        )
    if not done:  # the reports of the largest size were never reached: the largest size that got there
        largest = next((r for r in reversed(list(by_size.values())) if finished(r)), largest)
        build, stages, rate = largest["build"], largest["build"]["stages"], schools_per_second(largest)
    cold = (
        f"{largest['schools']:,} schools ({build['report_pages']:,} pages: every school year and period) in "
        f"{_fmt(stages.get('reports'))} s = {_fmt(rate)} schools/s{_pages_per_second(build)}"
    )
    one_period = period_schools_per_second(largest)
    if one_period is None:  # a result measured before one period's reports were timed: the cold build decides
        rows.append(
            f"| Reports at {SCHOOLS_PER_SECOND} schools per second or more | {largest['size']}: {cold} | "
            f"{_met(rate >= SCHOOLS_PER_SECOND if rate else None)} |"
        )
    else:
        period = largest["period_reports"]
        rows.append(
            f"| Reports at {SCHOOLS_PER_SECOND} schools per second or more | {largest['size']}, one report per "
            f"school (the {school_year_label(period['school_year'])} mid-year report, as a scheduled refresh "
            f"renders it): {period['schools']:,} schools in {_fmt(period['seconds'])} s = {_fmt(one_period)} "
            f"schools/s. The cold build's reports stage, every school year and period: {cold}, "
            f"{'above' if rate and rate >= SCHOOLS_PER_SECOND else 'below'} the goal's rate | "
            f"{_met(one_period >= SCHOOLS_PER_SECOND)} |"
        )
    sample = by_size.get("sample")
    repeats = sample["build"].get("repeats") if sample else None
    runs = f" (median of {len(repeats)} builds: {', '.join(f'{r:.1f}' for r in repeats)} s)" if repeats else ""
    rows.append(
        f"| Sample zone's whole build under {SAMPLE_BUILD_SECONDS} s | "
        f"{_fmt(sample['build']['seconds']) + ' s' + runs if sample else 'not measured'} | "
        f"{_met(sample['build']['seconds'] < SAMPLE_BUILD_SECONDS if sample else None)} |"
    )
    return rows


def _growth(measured: list[dict]) -> list[str]:
    rows = [
        "| Size | Schools | Students | Input rows | Input MiB | Floor s | Ingest s | Validation s | Metrics s | "
        "Reports s | Publish s | Whole build s | Peak MiB | Data/floor | pandas s | pandas peak MiB | Engine s | "
        "Speed-up | Schools/s, every period | Schools/s, one period | Build s per M rows |",
        "|---|" + "---:|" * 20,
    ]
    for r in measured:
        stages, pandas, engine = r["build"]["stages"], r.get("pandas") or {}, r.get("engine") or {}
        pandas_done = pandas.get("finished")
        rows.append(
            f"| {r['size']} | {r['schools']:,} | {r['students']:,} | {_input_rows(r):,} | {_fmt(r['input_mib'])} | "
            f"{_fmt(r['floor']['seconds'], 2)} | {_fmt(stages.get('ingest'))} | {_fmt(stages.get('validation'))} | "
            f"{_fmt(stages.get('metrics'))} | {_fmt(stages.get('reports'))} | {_fmt(stages.get('publish'))} | "
            f"{'' if finished(r) else '> '}{_fmt(r['build']['seconds'])} | {'' if finished(r) else '≥ '}"
            f"{_fmt(r['build']['peak_rss_mib'], 0)} | {'' if finished(r) else '> '}{floor_ratio(r):.0f}× | "
            f"{_fmt(pandas.get('seconds')) + ('' if pandas_done or not pandas else ' (did not finish)')} | "
            f"{_fmt(pandas.get('peak_rss_mib'), 0)} | {_fmt(engine.get('seconds'))} | "
            f"{_fmt(pandas_speedup(r))}{'×' if pandas_speedup(r) else ''} | "
            f"{_fmt(schools_per_second(r))} | {_fmt(period_schools_per_second(r))} | {'' if finished(r) else '> '}{r['build']['seconds'] / (_input_rows(r) / 1e6):.2f} |"
        )
    return rows


def _agreement(measured: list[dict]) -> list[str]:
    lines = []
    for r in measured:
        pandas, engine = r.get("pandas"), r.get("engine") or {}
        if pandas and pandas["finished"] and pandas.get("max_difference"):
            d = pandas["max_difference"]
            line = (
                f"- {r['size']}: {d['cells']} school-year cells compared with the warehouse; largest difference "
                f"{_fmt(d['attendance_rate'], 6)} points (attendance rate), "
                f"{_fmt(d['chronic_absence_rate'], 6)} points (chronic absence)"
            )
            e = engine.get("max_difference_from_pandas")
            if e:
                line += (
                    f"; the engine's figures from the same files: {e['cells']} cells, largest difference "
                    f"{_fmt(e['attendance_rate'], 6)} and {_fmt(e['chronic_absence_rate'], 6)} points"
                )
            lines.append(line + ".")
    return lines


def _profile(result: dict, top: int = 12) -> list[str]:
    profile = result["build"]["sql_profile"]
    total = sum(profile.values()) or 1.0
    rows = ["| SQL file | Seconds | Share of SQL time |", "|---|---:|---:|"]
    for name, seconds in list(profile.items())[:top]:
        rows.append(f"| `sql/{name}.sql` | {seconds:,.1f} | {100 * seconds / total:.0f} % |")
    floor = result["floor"]["by_extract"]
    rows += ["", "Read-once floor by extract (seconds): " + ", ".join(f"{k} {v:.2f}" for k, v in floor.items()) + "."]
    return rows


def _why(result: dict) -> str:
    """Where one size's time went: stage shares, the costliest SQL file, the fixed cost outside the stages."""
    build, stages = result["build"], result["build"]["stages"]
    profile = build["sql_profile"]
    top = next(iter(profile.items()), None)
    sql = f"; costliest SQL file `sql/{top[0]}.sql` {top[1]:,.1f} s" if top else ""
    if not finished(result):
        return (
            f"- {result['size']}: stopped after {build['seconds']:,.0f} s with its reports not reached and its "
            f"resident memory at {build['peak_rss_mib'] / 1024:.1f} GiB{sql} (the SQL profile starts with the "
            "metrics stage: the time before it went to ingest and validation)."
        )
    total = sum(stages.values()) or 1.0
    shares = ", ".join(f"{k} {v:,.1f} s ({100 * v / total:.0f} %)" for k, v in stages.items())
    outside = build["seconds"] - sum(stages.values())
    return (
        f"- {result['size']}: {shares}; {outside:,.1f} s outside the stages (Python, Dagster start-up and "
        f"step hand-offs){sql}."
    )


def _floor_reason(result: dict) -> str | None:
    ratio = floor_ratio(result)
    if not finished(result) or ratio <= FLOOR_RATIO:
        return None
    floor, stages = result["floor"]["seconds"], result["build"]["stages"]
    ingest, budget = stages.get("ingest", 0.0), FLOOR_RATIO * result["floor"]["seconds"]
    attendance_sql = result["build"]["sql_profile"].get("work/student_attendance")
    of_which = f", of which `sql/work/student_attendance.sql` {attendance_sql:,.1f} s" if attendance_sql else ""
    text = (
        f"- **Data stages within {FLOOR_RATIO}× the read-once floor** ({ratio:.0f}× at {result['size']}): the floor "
        f"({floor:.2f} s) only counts the rows of every file. Ingest reads every row, types each cell and writes "
        f"the row once with its file and row number: {ingest:,.1f} s, {ingest / max(floor, 1e-9):.0f}× the floor "
        f"on its own. Validation runs its rules over every row ({stages.get('validation', 0.0):,.1f} s), and the "
        f"metrics read the attendance again and aggregate it per student and day "
        f"({stages.get('metrics', 0.0):,.1f} s{of_which})."
    )
    if ingest > budget:
        text += (
            f" {FLOOR_RATIO}× the floor leaves {budget:,.1f} s for all three stages, less than ingest alone "
            "takes: out of reach by design."
        )
    return text


def _pandas_reason(by_size: dict[str, dict]) -> str | None:
    short = [r for r in by_size.values() if (pandas_speedup(r) or PANDAS_SPEEDUP) < PANDAS_SPEEDUP]
    if not short:
        return None
    r = short[-1]
    pandas, engine = r["pandas"]["seconds"], r["engine"]
    needed = pandas / PANDAS_SPEEDUP
    read = engine.get("read_seconds")
    if read is None:
        split = ", starting its process included"
    else:
        split = (
            f": {read:,.1f} s reading the three CSV files into typed tables and "
            f"{engine['compute_seconds'] - read:,.1f} s in the metric engine's SQL, the rest starting the process"
        )
    sql = r["build"]["sql_profile"].get("work/student_attendance")
    same = (
        " The build's own run of the engine's student-level SQL (`sql/work/student_attendance.sql`, both "
        f"periods of every year) took {sql:,.1f} s at this size."
        if sql
        else ""
    )
    text = (
        f"- **{PANDAS_SPEEDUP}× faster than pandas** ({pandas_speedup(r):.1f}× at {r['size']}): pandas took "
        f"{pandas:,.1f} s, so the goal needs the engine within {needed:,.1f} s. It took {engine['seconds']:,.1f} s"
        f"{split}.{same}"
    )
    unfinished = [x for x in by_size.values() if x.get("pandas") and not x["pandas"]["finished"]]
    if unfinished and unfinished[-1].get("engine", {}).get("finished"):
        x = unfinished[-1]
        text += (
            f" At {x['size']}, pandas stopped ({x['pandas'].get('reason', 'did not finish')}) after "
            f"{x['pandas']['seconds']:,.0f} s at {x['pandas']['peak_rss_mib'] / 1024:.1f} GiB; the engine took "
            f"{x['engine']['seconds']:,.1f} s."
        )
    return text


def _reports_reason(result: dict, cores: int) -> str | None:
    rate = schools_per_second(result)
    pages = result["build"].get("report_pages")
    one_period = period_schools_per_second(result)
    if one_period is not None and one_period < SCHOOLS_PER_SECOND:
        period = result["period_reports"]
        return (
            f"- **Reports at {SCHOOLS_PER_SECOND} schools per second** ({one_period:.1f} at {result['size']}, one "
            f"period): {period['schools']:,} reports took {period['seconds']:,.1f} s on {cores} worker processes, "
            f"{1000 * cores * period['seconds'] / period['schools']:.1f} ms of a core per report at most (reading "
            f"the period's cells, starting the workers and the targets pages included); the goal allows "
            f"{1000 * cores / SCHOOLS_PER_SECOND:.1f} ms."
        )
    if one_period is not None or rate is None or rate >= SCHOOLS_PER_SECOND or not pages:
        return None
    seconds = result["build"]["stages"]["reports"]
    needed = result["schools"] / SCHOOLS_PER_SECOND
    return (
        f"- **Reports at {SCHOOLS_PER_SECOND} schools per second** ({rate:.1f} at {result['size']}): each school "
        f"has {pages / result['schools']:g} pages, one per school year and period, so the goal is "
        f"{SCHOOLS_PER_SECOND * pages / result['schools']:,.0f} pages/s: {needed:,.0f} s for these {pages:,} pages. "
        f"They took {seconds:,.1f} s on {cores} worker processes: {cores} cores × {seconds:,.1f} s / {pages:,} pages = "
        f"{1000 * cores * seconds / pages:.1f} ms of a core per page at most (reading each period's cells, starting "
        f"the workers and the targets pages included); the goal allows {1000 * cores * needed / pages:.1f} ms."
    )


def _reasons(by_size: dict[str, dict], cores: int) -> list[str]:
    """For each goal this run missed, why, in this run's own figures."""
    largest = by_size.get("state") or list(by_size.values())[-1]
    reasons = []
    if largest["size"] == "state" and not (finished(largest) and largest["build"]["seconds"] < STATE_BUILD_SECONDS):
        reasons.append(
            f"- **The state's whole build under {STATE_BUILD_SECONDS} s** ({largest['build']['seconds']:,.1f} s"
            f"{'' if finished(largest) else ', stopped unfinished'}): where it went is below, stage by stage."
        )
    if largest["size"] == "state" and largest["build"]["peak_rss_mib"] >= STATE_PEAK_MIB:
        reasons.append(
            f"- **Peak memory under {STATE_PEAK_MIB / 1024:.0f} GiB** "
            f"({largest['build']['peak_rss_mib'] / 1024:.2f} GiB): DuckDB may take up to its memory limit "
            "(`SEZP_MEMORY_LIMIT`, 3 GB by default) and each report worker holds one period's cells."
        )
    reasons += [r for r in (_floor_reason(largest), _pandas_reason(by_size), _reports_reason(largest, cores)) if r]
    sample = by_size.get("sample")
    if sample and sample["build"]["seconds"] >= SAMPLE_BUILD_SECONDS:
        outside = sample["build"]["seconds"] - sum(sample["build"]["stages"].values())
        reasons.append(
            f"- **The sample's build under {SAMPLE_BUILD_SECONDS} s** ({sample['build']['seconds']:.1f} s): "
            f"{outside:.1f} s of it is outside the stages (starting Python and Dagster, handing over "
            "between steps); the stages are below."
        )
    return reasons


def _goals_over_runs(history: list[dict]) -> list[str]:
    """How many of the runs on record met the goals one run can decide alone (the others need a size's baseline)."""
    tests = {
        f"the state's build under {STATE_BUILD_SECONDS} s": (
            "state",
            lambda r: r["build_finished"] and r["build_seconds"] < STATE_BUILD_SECONDS,
        ),
        f"its peak memory under {STATE_PEAK_MIB / 1024:.0f} GiB": (
            "state",
            lambda r: r["build_finished"] and r["peak_rss_mib"] < STATE_PEAK_MIB,
        ),
        f"one period's reports at {SCHOOLS_PER_SECOND} schools/s at state": (
            "state",
            lambda r: (
                None
                if recorded_period_schools_per_second(r) is None
                else recorded_period_schools_per_second(r) >= SCHOOLS_PER_SECOND
            ),
        ),
        f"a cold build's reports (every period) at {SCHOOLS_PER_SECOND} schools/s at state": (
            "state",
            lambda r: (recorded_schools_per_second(r) or 0) >= SCHOOLS_PER_SECOND,
        ),
        f"the sample under {SAMPLE_BUILD_SECONDS} s": (
            "sample",
            lambda r: r["build_finished"] and r["build_seconds"] < SAMPLE_BUILD_SECONDS,
        ),
    }
    counts = []
    for goal, (size, met) in tests.items():
        # A run that did not measure a figure (None) is not counted either way.
        verdicts = [met(run["sizes"][size]) for run in history if size in run["sizes"]]
        verdicts = [v for v in verdicts if v is not None]
        if len(verdicts) > 1:
            counts.append(f"{goal} in {sum(verdicts)} of {len(verdicts)}")
    return ["", "Over every run on record (below): " + "; ".join(counts) + "."] if counts else []


def _runs(history: list[dict], limit: int = 12) -> list[str]:
    """Every run on record (the latest `limit`), one row per run and size, and the spread of the whole build."""
    shown = history[-limit:]
    rows = [
        "| When (UTC) | Code | Size | Floor s | Ingest s | Validation s | Metrics s | Reports s | Whole build s | "
        "Host steal % | Peak MiB | Schools/s, every period | Schools/s, one period | pandas s | Engine s |",
        "|---|---|---|" + "---:|" * 12,
    ]
    builds: dict[str, list[float]] = {}
    for run in shown:
        for size, r in run["sizes"].items():
            stages, rate = r["stages"], recorded_schools_per_second(r)
            done = r["build_finished"]
            if done:
                builds.setdefault(size, []).append(r["build_seconds"])
            pandas = _fmt(r["pandas_seconds"]) + (
                "" if r["pandas_finished"] or r["pandas_seconds"] is None else " (did not finish)"
            )
            rows.append(
                f"| {run['when']} | {run['code']} | {size} | {_fmt(r['floor_seconds'], 2)} | {_fmt(stages.get('ingest'))} | "
                f"{_fmt(stages.get('validation'))} | {_fmt(stages.get('metrics'))} | {_fmt(stages.get('reports'))} | "
                f"{'' if done else '> '}{_fmt(r['build_seconds'])} | {_fmt(r.get('host_steal_pct'))} | "
                f"{_fmt(r['peak_rss_mib'], 0)} | "
                f"{_fmt(rate) if rate else '–'} | {_fmt(recorded_period_schools_per_second(r))} | {pandas} | "
                f"{_fmt(r['engine_seconds'])} |"
            )
    spread = [f"{size} {min(v):,.1f} to {max(v):,.1f} s" for size, v in builds.items() if len(v) > 1]
    if spread:
        rows += ["", f"Whole build over the {len(shown)} runs shown: " + "; ".join(spread) + "."]
    return rows


def write_results(
    path: Path,
    machine: dict[str, str],
    measured: list[dict],
    note: str | None = None,
    history: list[dict] | None = None,
) -> None:
    by_size = {r["size"]: r for r in measured}
    lines = [
        "# Benchmark results",
        "",
        f"Written by `python -m benchmarks.run` (`make bench`) on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC. "
        "Each size is a synthetic zone from `sezp-roadmap sample` (plain CSV; two complete school years and the "
        "running one up to its `as_of_date`), built cold (no warehouse or reports from an earlier run).",
        "",
        *([note, ""] if note else []),
        "## Machine",
        "",
        *(f"- {key}: {value}" for key, value in machine.items()),
        "",
        "## Goals",
        "",
        *(_goals(by_size) if measured else ["No size measured."]),
        *_goals_over_runs(history or []),
        "",
        "How each figure is taken: *whole build* is the wall time of `sezp-roadmap build` run as a child process, "
        "from its start (Python and Dagster imports included) to its exit; *peak memory* is that child's maximum "
        "resident set (`os.wait4`); stage seconds are the build's own summary line; the *read-once floor* is DuckDB "
        "running `select count(*)` over every extract's files once, in the same run on the same files; the pandas "
        "baseline (`benchmarks/pandas_baseline.py`) runs as a child process with a 20 GiB address-space ceiling, and "
        "its time is compared, like for like, to the metric engine computing the same two metrics from the same three "
        "files (`benchmarks/engine_attendance.py`, also a child process: reading the files, the engine's student-level "
        "SQL and the attendance metrics, no validation, no other metric); the ratio to the pipeline's whole data "
        "stages, which also validate and compute everything else, is given beside it. Reports are timed twice: the "
        "cold build's reports stage renders every school year and period the warehouse holds (six reports per school "
        "here), and *one period* (`benchmarks/period_reports.py`, a child process after the build) renders the "
        "running school year's mid-year report of every school from the built warehouse, as a scheduled refresh of "
        "that partition does, worker processes, zone overview, targets and data-quality pages and index included. "
        "The reports goal is judged on one report per school, the one-period figure; the cold build's is shown "
        "beside it and over every run on record.",
        "",
        "## How the time grows with size",
        "",
        *_growth(measured),
        "",
    ]
    agreement = _agreement(measured)
    if agreement:
        lines += [
            "The pandas baseline computes the same figures as the warehouse (end-of-year, all students):",
            "",
            *agreement,
            "",
        ]
    reasons = _reasons(by_size, int(machine.get("Cores") or 1)) if measured else []
    lines += [
        "## Why goals are missed",
        "",
        *(reasons or ["Every goal was met in this run."]),
        "",
        "Where each size's time went:",
        "",
        *(_why(r) for r in measured),
        "",
        "`docs/scaling.md` reads these figures: the cause of each cost, the fixes made and proposed, "
        "and when a deployment would need more than one machine.",
        "",
    ]
    for r in measured[-2:]:
        state = "" if finished(r) else f", stopped after {r['build']['seconds']:.0f} s; SQL done by then"
        lines += [f"## Where the time goes ({r['size']}{state})", "", *_profile(r), ""]
    if history:
        lines += [
            "## Every run on record",
            "",
            "The goals above are the latest run's. The same code measures differently from one run to the next on "
            "this virtual machine (its CPU and memory are shared with other guests): `benchmarks/history.jsonl` "
            "keeps every run, and these are the latest. *Host steal* is the share of the machine's CPU time that "
            "the hypervisor gave to other guests while the build ran (the steal column of `/proc/stat`): time a "
            "core had work but no CPU. It is one visible part of the host's effect, not all of it (a busy host "
            "also slows every memory access without taking a tick).",
            "",
            *_runs(history),
            "",
        ]
    path.write_text("\n".join(lines), encoding="utf-8")
