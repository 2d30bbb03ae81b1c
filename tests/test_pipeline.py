"""The whole path on a tiny hand-made zone, with hand-computed expectations.

Two schools, 40 school days (2025-09-02 .. 2025-10-27), settings as of 2025-10-31.
Students and what the docs/metrics.md rules make of them:

  s01  A, all 40 days, 4 absences (A)             exactly 10% -> chronic
  s02  A, all 40 days, 3 A + 1 AH = 3.5 days      8.75%, not chronic
  s03  A, late entry on day 21: 20 days, 2 absent exactly 10% -> chronic
  s04  transfer: A days 1-10 (1 absent), B days 11-40 (3 absent)
       A: 10 days, not attending; B: 10% chronic; zone: 40 days, 4 absent, chronic
  s05  A, withdrew after 19 days: never attending; an absence after the
       withdrawal is outside enrollment and not counted
  s06  B, all 40 days, 8 excused absences           exactly 20% -> severe
  s07  A, all 40 days, a tardy and an early dismissal only: 0 absent
"""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

AS_OF = dt.date(2025, 10, 31)


def school_days() -> list[dt.date]:
    days, day = [], dt.date(2025, 9, 2)
    while len(days) < 40:
        if day.weekday() < 5:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


DAYS = school_days()


def write_tiny_zone(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    d = DAYS
    (folder / "schools.csv").write_text("school_id,school_name,grade_span\nA,Alpha Middle,6-8\nB,Beta High,9-12\n")
    (folder / "calendar.csv").write_text(
        "school_id,school_year,date\n" + "".join(f"{s},2026,{day}\n" for s in "AB" for day in d)
    )
    demo = "H,F,Y,N,N,Y"
    spells = [
        ("0001", "A", "7", d[0], ""),
        ("0002", "A", "7", d[0], ""),
        ("0003", "A", "6", d[20], ""),
        ("0004", "A", "8", d[0], d[9]),
        ("0004", "B", "8", d[10], ""),
        ("0005", "A", "6", d[0], d[18]),
        ("0006", "B", "10", d[0], ""),
        ("0007", "A", "8", d[0], ""),
    ]
    (folder / "enrollment.csv").write_text(
        "student_id,school_id,school_year,grade,entry_date,exit_date,race_ethnicity,gender,ell,former_ell,swd,low_income\n"
        + "".join(f"{s},{school},2026,{g},{entry},{exit_},{demo}\n" for s, school, g, entry, exit_ in spells)
    )
    exceptions = (
        [("0001", "A", d[i], "A") for i in (1, 2, 3, 4)]
        + [("0002", "A", d[i], "A") for i in (5, 6, 7)]
        + [("0002", "A", d[8], "AH")]
        + [("0003", "A", d[i], "A") for i in (21, 22)]
        + [("0004", "A", d[2], "A")]
        + [("0004", "B", d[i], "A") for i in (11, 12, 13)]
        + [("0005", "A", d[25], "A")]  # after the withdrawal: not counted
        + [("0006", "B", d[i], "AE") for i in range(10, 18)]
        + [("0007", "A", d[3], "T"), ("0007", "A", d[4], "D")]
    )
    (folder / "attendance.csv").write_text(
        "student_id,school_id,date,code\n"
        + "".join(f"{s},{school},{day},{code}\n" for s, school, day, code in exceptions)
    )
    (folder / "roadmap.yaml").write_text(f"as_of_date: {AS_OF}\nsuppression:\n  min_students: 1\n")
    return folder


EXPECTED = {
    # (school, metric): value
    ("A", "attendance_rate"): 100 * (140 - Decimal("9.5")) / 140,
    ("A", "chronic_absence_rate"): Decimal(50),
    ("A", "severe_absence_rate"): Decimal(0),
    ("A", "avg_days_absent"): Decimal("9.5") / 4,
    ("B", "attendance_rate"): 100 * Decimal(70 - 11) / 70,
    ("B", "chronic_absence_rate"): Decimal(100),
    ("B", "severe_absence_rate"): Decimal(50),
    ("ZONE", "attendance_rate"): 100 * (220 - Decimal("21.5")) / 220,
    ("ZONE", "chronic_absence_rate"): 100 * Decimal(4) / 6,
    ("ZONE", "severe_absence_rate"): 100 * Decimal(1) / 6,
    ("ZONE", "avg_days_absent"): Decimal("21.5") / 6,
}
EXPECTED_N = {"A": 4, "B": 2, "ZONE": 6}


def published_values(warehouse: Path) -> dict:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            "select school_id, period, metric, n, value from marts.metric_values where subgroup = 'all'"
        ).fetchall()
    return {(school, period, metric): (n, value) for school, period, metric, n, value in rows}


def assert_expected(values: dict) -> None:
    for period in ("mid_year", "end_of_year"):
        for (school, metric), expected in EXPECTED.items():
            n, value = values[(school, period, metric)]
            assert n == EXPECTED_N[school], (school, period, metric)
            assert value == pytest.approx(float(expected), abs=1e-9), (school, period, metric)


def test_library_stages_compute_hand_checked_attendance(tmp_path):
    from sezp_roadmap.config import load_settings
    from sezp_roadmap.extracts import EXTRACTS
    from sezp_roadmap.stages import (
        Locations,
        build_metric_values,
        build_student_tables,
        ingest_extracts,
        prepare_landing,
    )

    data = write_tiny_zone(tmp_path / "landing")
    loc = Locations(data, tmp_path / "wh.duckdb", tmp_path / "reports")
    settings = load_settings(None, data)
    prepare_landing(loc)
    ingest_extracts(loc, list(EXTRACTS), settings)
    build_student_tables(loc, settings)
    build_metric_values(loc, settings)
    assert_expected(published_values(loc.working_warehouse))


@pytest.mark.bench  # two Dagster runs of the whole pipeline
def test_assets_materialize_into_a_temporary_warehouse(tmp_path):
    import dagster as dg

    from pipelines.definitions import all_assets
    from pipelines.instance import build_instance
    from pipelines.partitions import partition_key
    from pipelines.resources import RoadmapPaths

    data = write_tiny_zone(tmp_path / "landing")
    paths = RoadmapPaths(data_dir=str(data), warehouse=str(tmp_path / "wh.duckdb"), reports_dir=str(tmp_path / "out"))
    # One run per (school year, period) partition, as the refresh_roadmap job runs them.
    for period in ("mid_year", "end_of_year"):
        result = dg.materialize(
            all_assets,
            partition_key=partition_key(2026, period),
            resources={"paths": paths},
            instance=build_instance(),
        )
        assert result.success
    assert_expected(published_values(tmp_path / "wh.duckdb"))
    assert (tmp_path / "out" / "2026" / "end_of_year" / "A.html").is_file()
    assert (tmp_path / "out" / "2026" / "mid_year" / "A.html").is_file()
    assert (tmp_path / "out" / "index.html").is_file()
    assert (tmp_path / "wh.duckdb.working").exists()


def test_definitions_load_with_every_asset():
    from pipelines.definitions import defs

    repo = defs.get_repository_def()
    keys = {key.to_user_string() for key in repo.asset_graph.get_all_asset_keys()}
    expected = {
        "landing_files",
        "schools",
        "calendar",
        "enrollment",
        "attendance",
        "discipline",
        "educator_survey",
        "family_survey",
        "sqr",
        "targets",
        "student_attendance",
        "metric_values",
        "roadmap_reports",
        "published_roadmap",
    }
    assert expected <= keys
    assert defs.resolve_job_def("refresh_roadmap") is not None


def build_args(root: Path) -> list[str]:
    """`sezp-roadmap build` of the zone in root (conftest.built_tiny_zone's layout)."""
    return [
        "build",
        "--data",
        str(root / "landing"),
        "--warehouse",
        str(root / "wh.duckdb"),
        "--reports",
        str(root / "out"),
    ]


@pytest.mark.bench
def test_cli_build_publishes_and_rebuilds_without_duplicates(tiny_build, capsys):
    from sezp_roadmap.cli import main

    first = published_values(tiny_build / "wh.duckdb")
    assert first
    assert main(build_args(tiny_build)) == 0
    assert published_values(tiny_build / "wh.duckdb") == first
    out = capsys.readouterr().out
    assert "index.html" in out and "wh.duckdb" in out
    with duckdb.connect(str(tiny_build / "wh.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from staging.attendance").fetchone()[0] == 25
        assert con.execute("select sum(rows) from meta.load_files where extract = 'attendance'").fetchone()[0] == 25


def _pages(folder: Path) -> dict[Path, bytes]:
    return {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_a_build_on_two_cores_renders_in_workers_started_first_and_publishes(tiny_build, monkeypatch):
    """With two cores, `build` starts its report workers before the data stages (render.report_workers): they
    write the same bytes as one process, and let the warehouse go before it is published."""
    from sezp_roadmap.cli import main

    before = _pages(tiny_build / "out")
    monkeypatch.setenv("SEZP_THREADS", "2")
    assert main(build_args(tiny_build)) == 0
    assert _pages(tiny_build / "out") == before


@pytest.mark.bench
def test_a_warehouse_of_an_older_layout_is_rebuilt_by_the_next_build(tiny_build):
    from sezp_roadmap.cli import main
    from sezp_roadmap.warehouse import working_path

    warehouse = tiny_build / "wh.duckdb"
    first = published_values(warehouse)
    # An earlier version's marts lacked a column this version writes.
    for path in (warehouse, working_path(warehouse)):
        with duckdb.connect(str(path)) as con:
            con.execute("alter table marts.metric_values drop column ci_low")
    assert main(build_args(tiny_build)) == 0
    assert published_values(warehouse) == first
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert "ci_low" in {r[0] for r in con.execute("describe marts.metric_values").fetchall()}


def test_cli_reports_missing_extract_without_traceback(tmp_path, capsys):
    from sezp_roadmap.cli import main

    data = write_tiny_zone(tmp_path / "landing")
    (data / "attendance.csv").unlink()
    code = main(
        ["build", "--data", str(data), "--warehouse", str(tmp_path / "wh.duckdb"), "--reports", str(tmp_path / "o")]
    )
    err = capsys.readouterr().err
    assert code != 0
    assert "attendance" in err and "missing" in err
    assert "Traceback" not in err
    assert not (tmp_path / "wh.duckdb").exists()


def test_a_build_leaves_the_garbage_collector_as_it_found_it(tmp_path, capsys):
    # The build freezes the objects of its imports for the collector (cli._import_pipeline), and only for the build.
    import gc

    from sezp_roadmap.cli import main

    frozen = gc.get_freeze_count()
    (tmp_path / "landing").mkdir()  # no extract at all: the build stops after ingest
    code = main(["build", "--data", str(tmp_path / "landing"), "--warehouse", str(tmp_path / "wh.duckdb")])
    assert code == 1 and "missing" in capsys.readouterr().err
    assert gc.isenabled() and gc.get_freeze_count() == frozen


@pytest.mark.bench
def test_skip_reports_refreshes_the_warehouse_and_keeps_published_reports(tiny_build, capsys):
    from sezp_roadmap.cli import main

    report = tiny_build / "out" / "2026" / "mid_year" / "A.html"
    before = report.read_bytes()
    attendance = tiny_build / "landing" / "attendance.csv"
    attendance.write_text(attendance.read_text() + f"0007,A,{DAYS[30]},A\n")
    assert main([*build_args(tiny_build), "--skip-reports"]) == 0
    assert report.read_bytes() == before
    values = published_values(tiny_build / "wh.duckdb")
    assert values[("A", "mid_year", "avg_days_absent")][1] == pytest.approx(10.5 / 4)
    stages = [line for line in capsys.readouterr().out.splitlines() if line.startswith("Seconds by stage: ")][-1]
    # The marts are the metric stage's work; no report was rendered.
    assert [s.split()[0] for s in stages.removeprefix("Seconds by stage: ").split(", ")] == [
        "ingest",
        "validation",
        "metrics",
        "publish",
    ]


@pytest.mark.bench
def test_build_computes_every_period_the_calendar_holds_whatever_its_file_looks_like(tmp_path, capsys):
    # A title line above the calendar's header (a spreadsheet export): ingestion finds the
    # header, and the build's one run covers every partition, so no school year is missed.
    from sezp_roadmap.cli import main

    data = write_tiny_zone(tmp_path / "landing")
    calendar = data / "calendar.csv"
    calendar.write_text("School calendar, exported from the SIS\n" + calendar.read_text())
    code = main(
        ["build", "--data", str(data), "--warehouse", str(tmp_path / "wh.duckdb"), "--reports", str(tmp_path / "o")]
    )
    assert code == 0, capsys.readouterr().err
    with duckdb.connect(str(tmp_path / "wh.duckdb"), read_only=True) as con:
        built = con.execute("select distinct school_year, period from marts.metric_values order by all").fetchall()
        held = con.execute("select school_year, period from meta.periods order by all").fetchall()
    assert built == held and built
