"""benchmarks/results.md from the measured figures: the machine, the goals, the growth, the profile."""

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sezp_roadmap.periods import IN_TEXT, school_year_label

# The goals (docs/scaling.md, issue 30), on a 2-core, 24 GiB machine. Seconds move with the
# machine's load; a multiple of the typed-load floor measured in the same run does not.
DATA_STAGES_TYPED_RATIO = 2  # ingest + validation + metrics, over the typed-load floor, at state
WHOLE_BUILD_TYPED_RATIO = 4  # the whole build, reports included, over the typed-load floor, at state
STATE_PEAK_MIB = 4 * 1024
SAMPLE_BUILD_SECONDS = 5
LINEARITY_SHARE = 0.45  # the data stages of half the state's students over the state's, at least
# Figures shown beside the goals (the goals of earlier rounds), no longer goals of their own.
PANDAS_SPEEDUP = 20
SCHOOLS_PER_SECOND = 30

DATA_STAGES = ("ingest", "validation", "metrics")
STAGES = (*DATA_STAGES, "reports", "publish")


def finished(result: dict) -> bool:
    return result["build"].get("finished", True)


def data_seconds(result: dict) -> float:
    return sum(result["build"]["stages"].get(stage, 0.0) for stage in DATA_STAGES)


def floor_ratio(result: dict) -> float:
    """Data stages over the read-once floor; for a build stopped unfinished, its whole time over the floor (a lower bound)."""
    seconds = data_seconds(result) if finished(result) else result["build"]["seconds"]
    return seconds / max(result["floor"]["seconds"], 1e-9)


def typed_seconds(result: dict) -> float | None:
    """The typed-load floor's seconds (runs before it was measured have none)."""
    return (result.get("typed_floor") or {}).get("seconds")


def typed_ratio(result: dict, seconds: float | None) -> float | None:
    """Seconds as a multiple of the typed-load floor measured in the same run."""
    floor = typed_seconds(result)
    return seconds / max(floor, 1e-9) if floor and seconds is not None else None


def data_typed_ratio(result: dict) -> float | None:
    """Data stages over the typed-load floor (for a build stopped unfinished, its whole time: a lower bound)."""
    return typed_ratio(result, data_seconds(result) if finished(result) else result["build"]["seconds"])


def reports_built(result: dict) -> bool:
    return finished(result) and not result["build"].get("skip_reports") and "reports" in result["build"]["stages"]


def whole_typed_ratio(result: dict) -> float | None:
    """The whole build, reports included, over the typed-load floor; None when the reports were skipped."""
    return typed_ratio(result, result["build"]["seconds"]) if reports_built(result) else None


def linearity(by_size: dict[str, dict]) -> float | None:
    """The data stages of half the state over the state's, when both were measured in the same run."""
    half, state = by_size.get("half-state"), by_size.get("state")
    if not half or not state or not finished(half) or not finished(state) or not same_run([half, state]):
        return None
    return data_seconds(half) / max(data_seconds(state), 1e-9)


def same_run(results: list[dict]) -> bool:
    """Whether every result was measured in one run (results of runs before runs were named never are)."""
    runs = [r.get("run") for r in results]
    return all(runs) and all(run == runs[0] for run in runs)


def committed_run(results: list[dict]) -> bool | None:
    """Every size from one run of committed code (its commit named): the figures belong to that commit."""
    if not results:
        return None
    return same_run(results) and "uncommitted" not in results[0]["run"]["code"]


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


def _times(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}f}×"


def _input_rows(result: dict) -> int:
    return sum(result["floor"]["rows"].values())


def _table(header: list[str], rows: list[list[str]], left: int = 1) -> list[str]:
    """A Markdown table, its first `left` columns left-aligned (words) and the others right-aligned (figures)."""
    return [
        "| " + " | ".join(header) + " |",
        "|" + "---|" * left + "---:|" * (len(header) - left),
        *("| " + " | ".join(row) + " |" for row in rows),
    ]


def _figures(columns: list[dict], rows: list[tuple[str, Callable[[dict], str]]]) -> list[str]:
    """One row per figure, one column per size measured."""
    return _table(
        ["Figure", *(c["size"] for c in columns)], [[name, *(cell(c) for c in columns)] for name, cell in rows]
    )


def _over(result: dict) -> str:
    """The mark of a figure that is a lower bound: the build was stopped unfinished."""
    return "" if finished(result) else "> "


def _outside_stages(result: dict) -> float | None:
    """Seconds of the whole build outside its stages: starting Python and Dagster, handing over between steps."""
    return result["build"]["seconds"] - sum(result["build"]["stages"].values()) if finished(result) else None


def _costliest_sql(result: dict) -> tuple[str, float] | None:
    return next(iter(result["build"]["sql_profile"].items()), None)


def _stage_rows() -> list[tuple[str, Callable[[dict], str]]]:
    """The whole build and where its seconds went."""
    return [
        ("Whole build s", lambda r: _over(r) + _fmt(r["build"]["seconds"])),
        ("Finished", lambda r: "yes" if finished(r) else "no: stopped"),
        *(
            (f"{stage.capitalize()} s", lambda r, stage=stage: _fmt(r["build"]["stages"].get(stage)))
            for stage in (*DATA_STAGES, "reports", "publish")
        ),
        ("Outside the stages s", lambda r: _fmt(_outside_stages(r))),
        ("CPU time of the build s (its threads included)", lambda r: _fmt(r["build"].get("cpu_seconds"))),
        ("Costliest SQL file", lambda r: f"`sql/{_costliest_sql(r)[0]}.sql`" if _costliest_sql(r) else "–"),
        ("Its seconds", lambda r: _fmt(_costliest_sql(r)[1]) if _costliest_sql(r) else "–"),
    ]


def _attendance_sql(result: dict) -> float | None:
    """The build's own run of the metric engine's student-level SQL, the costliest step of the metrics stage."""
    return result["build"]["sql_profile"].get("work/student_attendance")


def _with_pandas(by_size: dict[str, dict]) -> list[dict]:
    return [r for r in by_size.values() if r.get("pandas")]


def _speedups(by_size: dict[str, dict]) -> list[tuple[str, float | None]]:
    return [(r["size"], pandas_speedup(r)) for r in _with_pandas(by_size)]


def _reports_size(by_size: dict[str, dict]) -> dict:
    """The size the reports goal is judged at: the largest whose build reached its reports."""
    largest = _largest(by_size)
    return largest if finished(largest) else next((r for r in reversed(by_size.values()) if finished(r)), largest)


def _largest(by_size: dict[str, dict]) -> dict:
    return by_size.get("state") or list(by_size.values())[-1]


def _goals(by_size: dict[str, dict]) -> list[str]:
    """Each goal, the figure it is judged on, and whether this run met it."""
    largest = _largest(by_size)
    build, done, is_state = largest["build"], finished(largest), largest["size"] == "state"
    at = f" at {largest['size']}"
    peak_mib = build["peak_rss_mib"]
    # A build stopped unfinished decides the peak only once it is already over the goal.
    peak_met = (
        (peak_mib < STATE_PEAK_MIB and done if is_state else None) if done or peak_mib >= STATE_PEAK_MIB else None
    )
    data_ratio, whole_ratio = data_typed_ratio(largest), whole_typed_ratio(largest)
    floor = typed_seconds(largest)
    share = linearity(by_size)
    half = by_size.get("half-state")
    sample = by_size.get("sample")
    measured = list(by_size.values())
    one_run = committed_run(measured)
    rows = [
        [
            f"Data stages (ingest + validation + metrics) within {DATA_STAGES_TYPED_RATIO}× the typed-load floor",
            f"{_over(largest)}{_times(data_ratio, 2)}{at} ({_over(largest)}{_fmt(data_seconds(largest) if done else build['seconds'])} s against {_fmt(floor, 2)} s)"
            if data_ratio is not None
            else "typed floor not measured",
            _met(data_ratio <= DATA_STAGES_TYPED_RATIO and done and is_state if data_ratio is not None else None),
        ],
        [
            f"Whole build, reports included, within {WHOLE_BUILD_TYPED_RATIO}× the typed-load floor",
            f"{_times(whole_ratio, 2)}{at} ({_fmt(build['seconds'])} s against {_fmt(floor, 2)} s)"
            if whole_ratio is not None
            else ("reports skipped" if build.get("skip_reports") else "not measured"),
            _met(whole_ratio <= WHOLE_BUILD_TYPED_RATIO and is_state if whole_ratio is not None else None),
        ],
        [
            f"Peak memory of the state build under {STATE_PEAK_MIB / 1024:.0f} GiB",
            f"{'' if done else '≥ '}{_fmt(peak_mib / 1024, 2)} GiB{at}"
            + (" (reports skipped)" if build.get("skip_reports") else ""),
            _met(peak_met),
        ],
        [
            f"Sample zone's whole build within {SAMPLE_BUILD_SECONDS} s",
            f"{_fmt(sample['build']['seconds'])} s" if sample else "not measured",
            _met(sample["build"]["seconds"] <= SAMPLE_BUILD_SECONDS if sample else None),
        ],
        [
            f"Cost linear in the work: the data stages of half the state at least {LINEARITY_SHARE:.0%} of the state's",
            f"{share:.1%} ({_fmt(data_seconds(half))} s of {_fmt(data_seconds(by_size['state']))} s)"
            if share is not None
            else "half the state and the state not measured in one run",
            _met(share >= LINEARITY_SHARE if share is not None else None),
        ],
        [
            "The figures from one run, with the code's commit",
            (f"{measured[0]['run']['when']} UTC, code {measured[0]['run']['code']}" if measured[0].get("run") else "–")
            + ("" if same_run(measured) else "; the sizes come from different runs"),
            _met(one_run),
        ],
    ]
    return _table(["Goal", "Measured", "Met"], rows, left=3)


def _multiples(result: dict) -> list[str]:
    """Each stage's seconds as a multiple of the typed-load floor and of the read-once floor, both of this run."""
    stages = result["build"]["stages"]
    count_floor = result["floor"]["seconds"]
    typed = result.get("typed_floor") or {}
    rows = [
        ("Typed-load floor", typed_seconds(result)),
        *(
            [("  measured before the build", typed["before_seconds"]), ("  measured after it", typed["after_seconds"])]
            if "after_seconds" in typed
            else []
        ),
        ("Read-once floor", count_floor),
        *((stage.capitalize(), stages.get(stage)) for stage in STAGES),
        ("Data stages", data_seconds(result) if finished(result) else None),
        ("Whole build", result["build"]["seconds"] if finished(result) else None),
    ]
    return _table(
        ["Stage", "Seconds", "× typed-load floor", "× read-once floor"],
        [
            [
                name,
                _fmt(seconds, 2),
                _times(typed_ratio(result, seconds), 2),
                _times(seconds / max(count_floor, 1e-9) if seconds is not None else None, 2),
            ]
            for name, seconds in rows
        ],
    )


def _goal_figures(by_size: dict[str, dict], cores: int) -> list[str]:
    """For each goal, the measured figures that bear on it."""
    largest = _largest(by_size)
    reports = _reports_size(by_size)
    sample = by_size.get("sample")
    lines = [
        "### Each stage as a multiple of the floors",
        "",
        f"At {largest['size']}; both floors measured in the same run, on the same files: the typed-load floor "
        "just before the build and again just after it (the ratios use their mean), the read-once floor before it.",
        "",
        *_multiples(largest),
        "",
        *_linearity_figures(by_size),
        "### The whole build",
        "",
        *_figures([largest], _stage_rows()),
    ]
    lines += [
        "",
        f"### Peak memory of the state build under {STATE_PEAK_MIB / 1024:.0f} GiB",
        "",
        *_figures(
            [largest],
            [
                (
                    "Peak resident memory GiB",
                    lambda r: ("" if finished(r) else "≥ ") + _fmt(r["build"]["peak_rss_mib"] / 1024, 2),
                ),
                ("Finished", lambda r: "yes" if finished(r) else "no: stopped"),
            ],
        ),
        "",
        f"### Data stages within {DATA_STAGES_TYPED_RATIO}× the typed-load floor",
        "",
        *_figures(
            [largest],
            [
                ("Typed-load floor s", lambda r: _fmt(typed_seconds(r), 2)),
                (
                    f"{DATA_STAGES_TYPED_RATIO} × the typed floor s",
                    lambda r: _fmt(DATA_STAGES_TYPED_RATIO * typed_seconds(r) if typed_seconds(r) else None),
                ),
                ("Typed floor's warehouse file MiB", lambda r: _fmt((r.get("typed_floor") or {}).get("file_mib"))),
                ("Read-once floor s", lambda r: _fmt(r["floor"]["seconds"], 2)),
                ("Ingest s", lambda r: _fmt(r["build"]["stages"].get("ingest"))),
                ("Validation s", lambda r: _fmt(r["build"]["stages"].get("validation"))),
                ("Metrics s", lambda r: _fmt(r["build"]["stages"].get("metrics"))),
                ("Of the metrics, `sql/work/student_attendance.sql` s", lambda r: _fmt(_attendance_sql(r))),
                (
                    "Data stages s",
                    lambda r: _over(r) + _fmt(data_seconds(r) if finished(r) else r["build"]["seconds"]),
                ),
                ("Data stages / typed floor", lambda r: _over(r) + _times(data_typed_ratio(r), 2)),
                ("Data stages / read-once floor", lambda r: f"{_over(r)}{floor_ratio(r):.0f}×"),
            ],
        ),
        "",
        f"### pandas on attendance and chronic absence (the goal of an earlier round: {PANDAS_SPEEDUP}× faster)",
        "",
    ]
    with_pandas = _with_pandas(by_size)
    lines += (
        _figures(
            with_pandas,
            [
                ("pandas s", lambda r: _fmt(r["pandas"]["seconds"])),
                (
                    "pandas finished",
                    lambda r: "yes" if r["pandas"]["finished"] else f"no: {r['pandas'].get('reason') or 'stopped'}",
                ),
                ("pandas peak GiB", lambda r: _fmt(r["pandas"]["peak_rss_mib"] / 1024, 2)),
                (
                    f"pandas / {PANDAS_SPEEDUP} s (the engine's time the goal allows)",
                    lambda r: ("" if r["pandas"]["finished"] else "> ") + _fmt(r["pandas"]["seconds"] / PANDAS_SPEEDUP),
                ),
                ("Engine s", lambda r: _fmt((r.get("engine") or {}).get("seconds"))),
                ("Engine reading the three files s", lambda r: _fmt((r.get("engine") or {}).get("read_seconds"))),
                ("Engine's SQL s", lambda r: _fmt(_engine_sql_seconds(r))),
                ("Speed-up (pandas / engine)", lambda r: _times(pandas_speedup(r))),
                ("pandas / the whole data stages", lambda r: _times(pandas_over_data_stages(r))),
                ("The build's `sql/work/student_attendance.sql` s", lambda r: _fmt(_attendance_sql(r))),
            ],
        )
        if with_pandas
        else ["pandas not run."]
    )
    lines += [
        "",
        f"### Reports (the goal of an earlier round: {SCHOOLS_PER_SECOND} schools per second)",
        "",
        *_figures(
            [reports],
            [
                ("Worker processes (cores)", lambda r: f"{cores:,}"),
                ("One period: school year and period", _period_name),
                ("One period: schools", lambda r: _fmt((r.get("period_reports") or {}).get("schools"))),
                ("One period: seconds", lambda r: _fmt((r.get("period_reports") or {}).get("seconds"))),
                ("One period: schools/s", lambda r: _fmt(period_schools_per_second(r))),
                ("One period: ms of a core per report", lambda r: _fmt(_core_ms_per_report(r, cores))),
                (
                    "One period on one core: seconds",
                    lambda r: _fmt((r.get("period_reports_one_core") or {}).get("seconds")),
                ),
                (f"One period: speed-up on {cores:,} cores over one", lambda r: _times(_core_speedup(r), 2)),
                ("The goal's ms of a core per report", lambda r: _fmt(1000 * cores / SCHOOLS_PER_SECOND)),
                ("Cold build: report pages", lambda r: _fmt(r["build"].get("report_pages"))),
                ("Cold build: reports stage s", lambda r: _fmt(r["build"]["stages"].get("reports"))),
                ("Cold build: schools/s", lambda r: _fmt(schools_per_second(r))),
                ("Cold build: pages/s", lambda r: _fmt(_pages_per_second(r), 0)),
                ("Cold build: ms of a core per page", lambda r: _fmt(_core_ms_per_page(r, cores))),
                ("The goal's ms of a core per page", lambda r: _fmt(_goal_core_ms_per_page(r, cores))),
            ],
        ),
        "",
        f"### Sample zone's whole build within {SAMPLE_BUILD_SECONDS} s",
        "",
    ]
    builds = ("Builds s", lambda r: ", ".join(f"{s:.1f}" for s in r["build"].get("repeats") or []) or "–")
    lines += _figures([sample], [*_stage_rows()[:1], builds, *_stage_rows()[1:]]) if sample else ["Not measured."]
    return lines


def _linearity_figures(by_size: dict[str, dict]) -> list[str]:
    """The data stages of half the state beside the state's, stage by stage, when both were measured."""
    half, state = by_size.get("half-state"), by_size.get("state")
    if not half or not state:
        return []
    rows = [
        [
            name,
            _fmt(seconds(half)),
            _fmt(seconds(state)),
            f"{seconds(half) / seconds(state):.1%}" if seconds(half) is not None and seconds(state) else "–",
        ]
        for name, seconds in (
            ("Typed-load floor", typed_seconds),
            ("Read-once floor", lambda r: r["floor"]["seconds"]),
            *((stage.capitalize(), lambda r, stage=stage: r["build"]["stages"].get(stage)) for stage in DATA_STAGES),
            ("Data stages", data_seconds),
        )
    ]
    note = "" if same_run([half, state]) else " Not measured in the same run: no verdict."
    cpu_half, cpu_state = half["build"].get("cpu_seconds"), state["build"].get("cpu_seconds")
    # Only builds that did the same work (both with their reports, or both without) compare.
    if cpu_half and cpu_state and reports_built(half) == reports_built(state):
        rows.append(
            [
                "Build's CPU time (its work, whatever shares the machine)",
                _fmt(cpu_half),
                _fmt(cpu_state),
                f"{cpu_half / cpu_state:.1%}",
            ]
        )
    return [
        "### Linearity: half the state against the state",
        "",
        f"{half['schools']:,} schools and {half['students']:,} students against {state['schools']:,} and "
        f"{state['students']:,}; a super-linear step shows as a share under 50 %.{note}",
        "",
        *_table(["Seconds", "half-state", "state", "Share"], rows),
        "",
    ]


def _engine_sql_seconds(result: dict) -> float | None:
    engine = result.get("engine") or {}
    read, compute = engine.get("read_seconds"), engine.get("compute_seconds")
    return compute - read if read is not None and compute is not None else None


def _period_name(result: dict) -> str:
    period = result.get("period_reports")
    return f"{school_year_label(period['school_year'])} {IN_TEXT[period['period']]}" if period else "–"


def _core_speedup(result: dict) -> float | None:
    """One period's reports on one core over the same on every core: how rendering scales with cores."""
    every, one = result.get("period_reports"), result.get("period_reports_one_core")
    return one["seconds"] / every["seconds"] if every and one and every["seconds"] else None


def _core_ms_per_report(result: dict, cores: int) -> float | None:
    period = result.get("period_reports")
    return 1000 * cores * period["seconds"] / period["schools"] if period and period["schools"] else None


def _pages_per_second(result: dict) -> float | None:
    seconds, pages = result["build"]["stages"].get("reports"), result["build"].get("report_pages")
    return pages / seconds if seconds and pages else None


def _core_ms_per_page(result: dict, cores: int) -> float | None:
    seconds, pages = result["build"]["stages"].get("reports"), result["build"].get("report_pages")
    return 1000 * cores * seconds / pages if seconds and pages else None


def _goal_core_ms_per_page(result: dict, cores: int) -> float | None:
    """The goal's rate over a cold build's pages: the schools' seconds at the goal's rate, per page, per core."""
    pages = result["build"].get("report_pages")
    return 1000 * cores * result["schools"] / SCHOOLS_PER_SECOND / pages if pages else None


def _growth(measured: list[dict]) -> list[str]:
    header = [
        "Size", "Schools", "Students", "Input rows", "Input MiB", "Typed floor s", "Floor s", "Ingest s",
        "Validation s", "Metrics s", "Reports s", "Publish s", "Whole build s", "Peak MiB", "Data/typed floor",
        "Data/floor", "pandas s",
        "pandas peak MiB", "Engine s", "Speed-up", "Schools/s, every period", "Schools/s, one period",
        "Build s per M rows",
    ]  # fmt: skip
    rows = []
    for r in measured:
        stages, pandas, engine = r["build"]["stages"], r.get("pandas") or {}, r.get("engine") or {}
        pandas_done = pandas.get("finished")
        rows.append(
            [
                r["size"],
                f"{r['schools']:,}",
                f"{r['students']:,}",
                f"{_input_rows(r):,}",
                _fmt(r["input_mib"]),
                _fmt(typed_seconds(r), 2),
                _fmt(r["floor"]["seconds"], 2),
                *(_fmt(stages.get(stage)) for stage in STAGES),
                _over(r) + _fmt(r["build"]["seconds"]),
                ("" if finished(r) else "≥ ") + _fmt(r["build"]["peak_rss_mib"], 0),
                _over(r) + _times(data_typed_ratio(r), 2),
                f"{_over(r)}{floor_ratio(r):.0f}×",
                _fmt(pandas.get("seconds")) + ("" if pandas_done or not pandas else " (did not finish)"),
                _fmt(pandas.get("peak_rss_mib"), 0),
                _fmt(engine.get("seconds")),
                _times(pandas_speedup(r)),
                _fmt(schools_per_second(r)),
                _fmt(period_schools_per_second(r)),
                f"{_over(r)}{r['build']['seconds'] / (_input_rows(r) / 1e6):.2f}",
            ]
        )
    return _table(header, rows)


def _agreement(measured: list[dict]) -> list[str]:
    """The pandas baseline's figures against the warehouse's, and the engine's against the baseline's."""
    rows = []
    for r in measured:
        pandas, engine = r.get("pandas"), r.get("engine") or {}
        if pandas and pandas["finished"] and pandas.get("max_difference"):
            d, e = pandas["max_difference"], engine.get("max_difference_from_pandas") or {}
            rows.append(
                [
                    r["size"],
                    _fmt(d["cells"]),
                    _fmt(d["attendance_rate"], 6),
                    _fmt(d["chronic_absence_rate"], 6),
                    _fmt(e.get("cells")),
                    _fmt(e.get("attendance_rate"), 6),
                    _fmt(e.get("chronic_absence_rate"), 6),
                ]
            )
    header = [
        "Size", "pandas against the warehouse: cells", "Largest difference, attendance rate (points)",
        "Largest difference, chronic absence (points)", "The engine against pandas: cells",
        "Largest difference, attendance rate (points)", "Largest difference, chronic absence (points)",
    ]  # fmt: skip
    return _table(header, rows) if rows else []


def _profile(result: dict, top: int = 12) -> list[str]:
    profile = result["build"]["sql_profile"]
    total = sum(profile.values()) or 1.0
    rows = [
        [f"`sql/{name}.sql`", f"{seconds:,.1f}", f"{100 * seconds / total:.0f} %"]
        for name, seconds in list(profile.items())[:top]
    ]
    floor = result["floor"]["by_extract"]
    return [
        *_table(["SQL file", "Seconds", "Share of SQL time"], rows),
        "",
        *_table(["Read-once floor", *floor], [["Seconds", *(f"{v:.2f}" for v in floor.values())]]),
    ]


def _goals_over_runs(history: list[dict]) -> list[str]:
    """How many of the runs on record met the goals one run can decide alone (the others need a size's baseline)."""

    def typed(r: dict, seconds: float) -> float | None:
        floor = r.get("typed_floor_seconds")
        return seconds / floor if floor else None

    def within(ratio: float | None, goal: float) -> bool | None:
        return None if ratio is None else ratio <= goal

    tests = {
        f"State data stages within {DATA_STAGES_TYPED_RATIO}× the typed-load floor": (
            "state",
            lambda r: (
                r["build_finished"]
                and within(typed(r, sum(r["stages"].get(s, 0.0) for s in DATA_STAGES)), DATA_STAGES_TYPED_RATIO)
            ),
        ),
        f"State whole build within {WHOLE_BUILD_TYPED_RATIO}× the typed-load floor": (
            "state",
            lambda r: (
                within(typed(r, r["build_seconds"]), WHOLE_BUILD_TYPED_RATIO)
                if r["build_finished"] and "reports" in r["stages"]
                else None
            ),
        ),
        f"State peak memory under {STATE_PEAK_MIB / 1024:.0f} GiB": (
            "state",
            lambda r: r["build_finished"] and r["peak_rss_mib"] < STATE_PEAK_MIB,
        ),
        f"State reports at {SCHOOLS_PER_SECOND} schools/s, one period": (
            "state",
            lambda r: (
                None
                if recorded_period_schools_per_second(r) is None
                else recorded_period_schools_per_second(r) >= SCHOOLS_PER_SECOND
            ),
        ),
        f"State reports at {SCHOOLS_PER_SECOND} schools/s, a cold build's every period": (
            "state",
            lambda r: (recorded_schools_per_second(r) >= SCHOOLS_PER_SECOND) if "reports" in r["stages"] else None,
        ),
        f"Sample build within {SAMPLE_BUILD_SECONDS} s": (
            "sample",
            lambda r: r["build_finished"] and r["build_seconds"] <= SAMPLE_BUILD_SECONDS,
        ),
    }
    rows = []
    for goal, (size, met) in tests.items():
        # A run that did not measure a figure (None) is not counted either way.
        verdicts = [met(run["sizes"][size]) for run in history if size in run["sizes"]]
        verdicts = [v for v in verdicts if v is not None]
        if len(verdicts) > 1:
            rows.append([goal, f"{sum(verdicts)}", f"{len(verdicts)}"])
    return [*_table(["Goal", "Runs that met it", "Runs that measured it"], rows), ""] if rows else []


def _runs(history: list[dict], limit: int = 12) -> list[str]:
    """Every run on record (the latest `limit`), one row per run and size, and the spread of the whole build."""
    shown = history[-limit:]
    header = [
        "When (UTC)", "Code", "Size", "Typed floor s", "Floor s", "Ingest s", "Validation s", "Metrics s",
        "Reports s", "Whole build s", "Data/typed floor", "Host steal %", "Peak MiB", "Schools/s, every period", "Schools/s, one period",
        "pandas s", "Engine s",
    ]  # fmt: skip
    rows = []
    builds: dict[str, list[float]] = {}
    for run in shown:
        for size, r in run["sizes"].items():
            stages, done = r["stages"], r["build_finished"]
            if done:
                builds.setdefault(size, []).append(r["build_seconds"])
            pandas = _fmt(r["pandas_seconds"]) + (
                "" if r["pandas_finished"] or r["pandas_seconds"] is None else " (did not finish)"
            )
            rows.append(
                [
                    run["when"],
                    run["code"],
                    size,
                    _fmt(r.get("typed_floor_seconds"), 2),
                    _fmt(r["floor_seconds"], 2),
                    *(_fmt(stages.get(stage)) for stage in (*DATA_STAGES, "reports")),
                    ("" if done else "> ") + _fmt(r["build_seconds"]),
                    _times(
                        sum(stages.get(s, 0.0) for s in DATA_STAGES) / r["typed_floor_seconds"]
                        if done and r.get("typed_floor_seconds")
                        else None,
                        2,
                    ),
                    _fmt(r.get("host_steal_pct")),
                    _fmt(r["peak_rss_mib"], 0),
                    _fmt(recorded_schools_per_second(r)),
                    _fmt(recorded_period_schools_per_second(r)),
                    pandas,
                    _fmt(r["engine_seconds"]),
                ]
            )
    table = _table(header, rows, left=3)
    spread = [[size, f"{len(v)}", f"{min(v):,.1f}", f"{max(v):,.1f}"] for size, v in builds.items() if len(v) > 1]
    if spread:
        table += ["", *_table(["Size", "Runs shown", "Fastest whole build s", "Slowest whole build s"], spread)]
    return table


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
        "`docs/scaling.md` says how each figure is taken, and reads them.",
        "",
        *([note, ""] if note else []),
        "## Machine",
        "",
        *(f"- {key}: {value}" for key, value in machine.items()),
        "",
        "## Goals",
        "",
        *(_goals(by_size) if measured else ["No size measured."]),
        "",
    ]
    if measured:
        lines += [
            "## The figures behind each goal",
            "",
            *_goal_figures(by_size, int(machine.get("Cores") or 1)),
            "",
        ]
    lines += ["## How the time grows with size", "", *_growth(measured), ""]
    agreement = _agreement(measured)
    if agreement:
        lines += [
            "The pandas baseline's figures (end of year, all students) against the warehouse's:",
            "",
            *agreement,
            "",
        ]
    for r in measured[-2:]:
        state = "" if finished(r) else f", stopped after {r['build']['seconds']:.0f} s; SQL done by then"
        lines += [f"## Where the time goes ({r['size']}{state})", "", *_profile(r), ""]
    if history:
        lines += [
            "## Every run on record",
            "",
            "The latest runs of `benchmarks/history.jsonl`; the goals above are the latest run's.",
            "",
            *_goals_over_runs(history),
            *_runs(history),
            "",
        ]
    path.write_text("\n".join(lines), encoding="utf-8")
