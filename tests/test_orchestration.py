"""The Dagster side run all year: definitions, schedules, the landing sensor, partitions, analysts' sessions.

The partition tests use the tiny zone of test_pipeline with a second school
year (2025, the same days a year earlier), so a build has four partitions.
"""

import dataclasses
import datetime as dt
import json
import os
import shutil
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg
import duckdb
import pytest

from tests.test_pipeline import AS_OF, DAYS, write_tiny_zone
from tests.tinyzone import load

NEW_YORK = ZoneInfo("America/New_York")
PARTITIONED_MARTS = (
    "metric_values",
    "metric_comparisons",
    "monthly_attendance",
    "absence_bands",
    "monthly_discipline",
    "assessment_levels",
)


# -- definitions ----------------------------------------------------------------------------


def test_definitions_hold_every_job_schedule_sensor_and_check():
    from pipelines.definitions import defs
    from sezp_roadmap.extracts import EXTRACTS

    repo = defs.get_repository_def()
    assert {"refresh_roadmap", "ingest_landing"} <= {job.name for job in repo.get_all_jobs()}
    assert {s.name for s in repo.schedule_defs} == {
        "nightly_refresh",
        "mid_year_publication",
        "end_of_year_publication",
    }
    assert {s.name for s in repo.sensor_defs} == {"landing_folder_sensor"}
    checks = {key.name for key in repo.asset_graph.asset_check_keys}
    assert checks == {f"{name}_valid" for name in EXTRACTS}
    for schedule in repo.schedule_defs:
        assert schedule.execution_timezone == "America/New_York"
        assert schedule.job_name == "refresh_roadmap"
    refresh = defs.resolve_job_def("refresh_roadmap")
    assert refresh.partitions_def is not None
    assert defs.resolve_job_def("ingest_landing").partitions_def is None
    graph = repo.asset_graph
    partitioned = {k.to_user_string() for k in graph.get_all_asset_keys() if graph.get(k).partitions_def is not None}
    assert partitioned == {"student_attendance", "roadmap_reports", "metric_catalog", *PARTITIONED_MARTS}


def test_dagster_instance_runs_one_run_at_a_time():
    import yaml

    config = yaml.safe_load((Path(__file__).parent.parent / "dagster_home" / "dagster.yaml").read_text())
    assert config["concurrency"]["runs"]["max_concurrent_runs"] == 1


def _repository() -> dg.RepositoryDefinition:
    """The code location's repository: evaluating a tick checks requested partition keys against it."""
    from pipelines.definitions import defs

    return defs.get_repository_def()


# -- schedules --------------------------------------------------------------------------------


def _schedule_partitions(name: str, when: dt.datetime, tmp_path: Path) -> list[dict]:
    from pipelines.definitions import refresh_roadmap_job
    from pipelines.schedules import build_schedules
    from sezp_roadmap.config import load_settings

    settings = load_settings(None, tmp_path)  # the bundled defaults: mid-year ends December 31
    schedule = {s.name: s for s in build_schedules(refresh_roadmap_job, settings)}[name]
    data = schedule.evaluate_tick(
        dg.build_schedule_context(scheduled_execution_time=when, repository_def=_repository())
    )
    return [dict(r.partition_key.keys_by_dimension) for r in data.run_requests]


@pytest.mark.parametrize(
    ("name", "when", "expected"),
    [
        # January, within a month of the mid-year cutoff: late corrections still refresh mid-year.
        ("nightly_refresh", dt.datetime(2026, 1, 20, 2, tzinfo=NEW_YORK), [(2026, "mid_year"), (2026, "end_of_year")]),
        ("nightly_refresh", dt.datetime(2026, 3, 3, 2, tzinfo=NEW_YORK), [(2026, "end_of_year")]),
        ("nightly_refresh", dt.datetime(2025, 9, 2, 2, tzinfo=NEW_YORK), [(2026, "mid_year"), (2026, "end_of_year")]),
        ("mid_year_publication", dt.datetime(2026, 1, 10, 6, tzinfo=NEW_YORK), [(2026, "mid_year")]),
        ("end_of_year_publication", dt.datetime(2026, 7, 15, 6, tzinfo=NEW_YORK), [(2026, "end_of_year")]),
    ],
)
def test_schedules_request_the_right_partitions(name, when, expected, tmp_path):
    got = _schedule_partitions(name, when, tmp_path)
    assert got == [{"school_year": str(year), "period": period} for year, period in expected]


def test_schedule_run_keys_differ_between_days(tmp_path):
    from pipelines.definitions import refresh_roadmap_job
    from pipelines.schedules import build_schedules
    from sezp_roadmap.config import load_settings

    nightly = build_schedules(refresh_roadmap_job, load_settings(None, tmp_path))[0]
    keys = [
        {
            r.run_key
            for r in nightly.evaluate_tick(
                dg.build_schedule_context(scheduled_execution_time=when, repository_def=_repository())
            ).run_requests
        }
        for when in (dt.datetime(2026, 3, 3, 2, tzinfo=NEW_YORK), dt.datetime(2026, 3, 4, 2, tzinfo=NEW_YORK))
    ]
    assert keys[0] and keys[1] and not keys[0] & keys[1]


# -- the landing-folder sensor ----------------------------------------------------------------


def _landing(folder: Path) -> Path:
    folder.mkdir()
    (folder / "schools.csv").write_text("school_id,school_name,grade_span\nA,Alpha,6-8\n")
    (folder / "attendance.csv").write_text("student_id,school_id,date,code\n0001,A,2024-10-01,A\n")
    (folder / "enrollment.csv").write_text(
        "student_id,school_id,school_year,grade,entry_date,exit_date,race_ethnicity,gender,ell,former_ell,swd,low_income\n"
        "0001,A,2026,7,2025-09-02,,H,F,Y,N,N,Y\n"
    )
    (folder / "notes.txt").write_text("not an extract")
    return folder


def _tick(folder: Path, cursor: str | None):
    from pipelines.definitions import refresh_roadmap_job
    from pipelines.sensors import build_landing_sensor

    sensor = build_landing_sensor(refresh_roadmap_job, str(folder))
    return sensor.evaluate_tick(dg.build_sensor_context(cursor=cursor, repository_def=_repository()))


def _requested(data) -> set[tuple[str, str]]:
    return {
        (r.partition_key.keys_by_dimension["school_year"], r.partition_key.keys_by_dimension["period"])
        for r in data.run_requests
    }


def test_sensor_requests_runs_for_new_files_and_skips_unchanged_ones(tmp_path):
    folder = _landing(tmp_path / "landing")
    first = _tick(folder, None)
    # attendance dated in school year 2025, enrollment of 2026; the schools list touches the current year.
    assert {("2025", "mid_year"), ("2025", "end_of_year"), ("2026", "mid_year"), ("2026", "end_of_year")} <= _requested(
        first
    )
    assert set(json.loads(first.cursor)) == {"schools.csv", "attendance.csv", "enrollment.csv"}

    unchanged = _tick(folder, first.cursor)
    assert not unchanged.run_requests
    assert unchanged.skip_message and "no new or changed" in unchanged.skip_message
    assert unchanged.cursor in (None, first.cursor)


def test_sensor_requests_runs_only_for_the_changed_file(tmp_path):
    folder = _landing(tmp_path / "landing")
    first = _tick(folder, None)
    stat = (folder / "attendance.csv").stat()
    os.utime(folder / "attendance.csv", ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    changed = _tick(folder, first.cursor)
    assert _requested(changed) == {("2025", "mid_year"), ("2025", "end_of_year")}
    assert all(r.tags["sezp/files"] == "attendance.csv" for r in changed.run_requests)
    # The new cursor remembers the new time: the next tick starts nothing.
    cursor = json.loads(changed.cursor)
    assert cursor["attendance.csv"] == (folder / "attendance.csv").stat().st_mtime_ns
    assert not _tick(folder, changed.cursor).run_requests
    # A file added later is new.
    (folder / "discipline.csv").write_text(
        "incident_id,student_id,school_id,incident_date,incident_type,action,days_removed\nI1,0001,A,2026-02-03,x,ISS,1\n"
    )
    added = _tick(folder, changed.cursor)
    assert _requested(added) == {("2026", "mid_year"), ("2026", "end_of_year")}


def test_sensor_never_opens_the_warehouse(tmp_path, monkeypatch):
    folder = _landing(tmp_path / "landing")
    opened = []
    real_connect = duckdb.connect

    def watching_connect(database=":memory:", *args, **kwargs):
        opened.append(str(database))
        return real_connect(database, *args, **kwargs)

    monkeypatch.setattr(duckdb, "connect", watching_connect)
    _tick(folder, None)
    assert opened and all(name == ":memory:" for name in opened)


# -- partitions and publication ---------------------------------------------------------------


def test_a_range_of_partitions_is_both_periods_of_every_year_from_the_first_to_the_last():
    from pipelines.partitions import RANGE_END_TAG, RANGE_START_TAG, range_tags, year_period

    tags = range_tags([2026, 2024])
    keys = year_period.get_partition_keys_in_range(dg.PartitionKeyRange(tags[RANGE_START_TAG], tags[RANGE_END_TAG]))
    assert sorted((int(k.keys_by_dimension["school_year"]), k.keys_by_dimension["period"]) for k in keys) == [
        (year, period) for year in (2024, 2025, 2026) for period in ("end_of_year", "mid_year")
    ]
    # Years the partitions do not hold are left out; no year at all asks for no range.
    assert range_tags([1999, 2024])[RANGE_START_TAG] == str(
        dg.MultiPartitionKey({"school_year": "2024", "period": "mid_year"})
    )
    assert range_tags([]) == {} and range_tags([1999]) == {}


def test_a_build_computes_the_partitions_of_the_calendars_school_years(tmp_path):
    # The build's second run covers the ingested calendar's school years, not every partition;
    # a calendar with no year among the partitions gets the whole range, as a run of every partition.
    from pipelines.partitions import range_tags, school_years
    from pipelines.resources import RoadmapPaths
    from pipelines.runner import computed_partitions
    from sezp_roadmap.warehouse import working_path

    paths = RoadmapPaths(data_dir=str(tmp_path), warehouse=str(tmp_path / "wh.duckdb"))
    with duckdb.connect(str(working_path(tmp_path / "wh.duckdb"))) as con:
        con.execute("create schema staging")
        con.execute("create table staging.calendar (school_year integer, date date)")
        con.execute(
            "insert into staging.calendar values (2026, '2025-09-02'), (2024, '2023-09-05'), (2026, '2026-06-01')"
        )
    assert computed_partitions(paths) == range_tags([2024, 2026]) != range_tags([int(y) for y in school_years()])
    with duckdb.connect(str(working_path(tmp_path / "wh.duckdb"))) as con:
        con.execute("delete from staging.calendar")
        con.execute("insert into staging.calendar values (1999, '1998-09-08')")
    assert computed_partitions(paths) == range_tags([int(y) for y in school_years()])


def test_the_partitioned_assets_run_a_range_of_partitions_in_one_run():
    from pipelines.definitions import partitioned_assets

    for asset in partitioned_assets:
        assert asset.backfill_policy == dg.BackfillPolicy.single_run(), asset.key


def write_two_year_zone(folder: Path) -> Path:
    """The tiny zone (school year 2026) plus the same rows one school year earlier (2025), 52 weeks back."""
    write_tiny_zone(folder)
    shift = dt.timedelta(weeks=52)  # keeps every weekday

    def earlier(value: str) -> str:
        return str(dt.date.fromisoformat(value) - shift) if len(value) == 10 and value[4] == "-" else value

    for name, year_column in (("calendar.csv", 1), ("enrollment.csv", 2), ("attendance.csv", None)):
        lines = (folder / name).read_text().splitlines()
        extra = []
        for line in lines[1:]:
            cells = [earlier(c) for c in line.split(",")]
            if year_column is not None:
                cells[year_column] = "2025"
            extra.append(",".join(cells))
        (folder / name).write_text("\n".join(lines + extra) + "\n")
    return folder


def mart_rows(warehouse: Path) -> dict[tuple[str, int, str], list[tuple]]:
    """Every partitioned mart's rows, by (table, school year, period), in a stable order."""
    rows: dict[tuple[str, int, str], list[tuple]] = {}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for table in PARTITIONED_MARTS:
            columns = [d[0] for d in con.execute(f"select * from marts.{table} limit 0").description]
            year_at, period_at = columns.index("school_year"), columns.index("period")
            for row in con.execute(f"select * from marts.{table} order by all").fetchall():
                rows.setdefault((table, row[year_at], row[period_at]), []).append(row)
    return rows


@pytest.fixture(scope="module")
def built_zone(tmp_path_factory) -> Path:
    """A full `sezp-roadmap build` of the two-year zone; tests copy it before changing anything."""
    from pipelines.resources import RoadmapPaths
    from pipelines.runner import materialize_all

    root = tmp_path_factory.mktemp("built")
    data = write_two_year_zone(root / "landing")
    paths = RoadmapPaths(data_dir=str(data), warehouse=str(root / "wh" / "wh.duckdb"), reports_dir=str(root / "out"))
    outcome = materialize_all(paths)
    assert outcome.success, outcome.problems
    return root


@pytest.fixture
def zone(built_zone, tmp_path) -> Path:
    shutil.copytree(built_zone, tmp_path / "zone")
    return tmp_path / "zone"


def test_every_published_mart_is_an_asset_with_the_dictionary_description_and_columns(built_zone):
    from pipelines.definitions import defs
    from sezp_roadmap.dictionary import published_tables

    graph = defs.resolve_asset_graph()
    with duckdb.connect(str(built_zone / "wh" / "wh.duckdb"), read_only=True) as con:
        marts = {
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables where table_schema = 'marts'"
            ).fetchall()
        }
    assert marts == set(published_tables())
    for name, doc in published_tables().items():
        node = graph.get(dg.AssetKey(name))
        assert node.group_name == "marts" and node.description == doc.description, name
        schema = node.metadata["dagster/column_schema"]
        assert [c.name for c in schema.columns] == [c for c, _, _ in doc.columns], name
        assert all(c.description for c in schema.columns), name


def _paths(root: Path):
    from pipelines.resources import RoadmapPaths

    return RoadmapPaths(
        data_dir=str(root / "landing"), warehouse=str(root / "wh" / "wh.duckdb"), reports_dir=str(root / "out")
    )


def _add_absences_in_2026(folder: Path) -> None:
    """Student 0007, absent on the first five days of school year 2026 (mid-year and end-of-year)."""
    with (folder / "attendance.csv").open("a") as f:
        f.writelines(
            f"0007,A,{day},A\n" for day in ("2025-09-02", "2025-09-03", "2025-09-04", "2025-09-05", "2025-09-08")
        )


def test_build_computes_every_partition_with_prior_year_comparisons(built_zone, zone):
    from pipelines.runner import materialize_all

    rows = mart_rows(built_zone / "wh" / "wh.duckdb")
    assert {(y, p) for (t, y, p) in rows if t == "metric_values"} == {
        (2025, "mid_year"),
        (2025, "end_of_year"),
        (2026, "mid_year"),
        (2026, "end_of_year"),
    }
    # Once 2026 is over, each of its periods is compared with the same period of 2025.
    settings = zone / "landing" / "roadmap.yaml"
    settings.write_text(settings.read_text().replace(f"as_of_date: {AS_OF}", "as_of_date: 2026-07-15"))
    assert materialize_all(_paths(zone)).success
    with duckdb.connect(str(zone / "wh" / "wh.duckdb"), read_only=True) as con:
        # 2026 repeats 2025 exactly, so every 2026 comparison with the prior year is found and is zero.
        changes = con.execute(
            "select count(*), count(prior_value), max(abs(change)) from marts.metric_comparisons "
            "where school_year = 2026 and metric = 'attendance_rate' and subgroup = 'all'"
        ).fetchone()
    assert changes == (6, 6, 0)
    for year in ("2025", "2026"):
        for period in ("mid_year", "end_of_year"):
            assert (built_zone / "out" / year / period / "A.html").is_file()


@pytest.mark.bench
def test_a_year_under_way_has_no_change_from_last_years_whole_period(zone):
    """Counted to date, the running year's end of year is not the same point as last year's whole year."""
    from pipelines.runner import materialize_all

    settings = zone / "landing" / "roadmap.yaml"
    settings.write_text(settings.read_text().replace(f"as_of_date: {AS_OF}", "as_of_date: 2026-03-13"))
    assert materialize_all(_paths(zone)).success
    with duckdb.connect(str(zone / "wh" / "wh.duckdb"), read_only=True) as con:
        rows = dict(
            con.execute(
                "select period, [count(prior_value), count(change), count(change_signal)] from marts.metric_comparisons "
                "where school_year = 2026 and metric = 'attendance_rate' and subgroup = 'all' group by period"
            ).fetchall()
        )
    assert rows == {"mid_year": [3, 3, 3], "end_of_year": [0, 0, 0]}


@pytest.mark.bench
def test_one_partition_run_leaves_every_other_partition_byte_identical(zone):
    from pipelines.definitions import all_assets
    from pipelines.partitions import partition_key
    from pipelines.runner import materialize_all

    # Extracts pulled in January: 2026's mid-year is over, so it is compared with 2025's.
    settings = zone / "landing" / "roadmap.yaml"
    settings.write_text(settings.read_text().replace(f"as_of_date: {AS_OF}", "as_of_date: 2026-01-15"))
    assert materialize_all(_paths(zone)).success
    warehouse = zone / "wh" / "wh.duckdb"
    before = mart_rows(warehouse)
    other_pages = {
        p: p.read_bytes() for p in (zone / "out").glob("*/*/*.html") if p.parent.parts[-2:] != ("2026", "mid_year")
    }
    _add_absences_in_2026(zone / "landing")
    result = dg.materialize(
        all_assets,
        partition_key=partition_key(2026, "mid_year"),
        resources={"paths": _paths(zone)},
        instance=dg.DagsterInstance.ephemeral(),
    )
    assert result.success
    after = mart_rows(warehouse)
    assert after.keys() == before.keys()
    for key in before:
        if key[1:] == (2026, "mid_year"):
            continue
        assert after[key] == before[key], key
    # The refreshed partition did change: 0007 now has five absences.
    assert after[("metric_values", 2026, "mid_year")] != before[("metric_values", 2026, "mid_year")]
    # ...and its comparison with the prior year still reads 2025 from the mart.
    with duckdb.connect(str(warehouse), read_only=True) as con:
        prior = con.execute(
            "select prior_value, change from marts.metric_comparisons where school_id = 'A' and school_year = 2026 "
            "and period = 'mid_year' and metric = 'attendance_rate' and subgroup = 'all'"
        ).fetchone()
    assert prior[0] is not None and prior[1] < 0
    for page, content in other_pages.items():
        assert page.read_bytes() == content, page
    metadata = {
        e.event_specific_data.materialization.asset_key.to_user_string(): e.event_specific_data.materialization.metadata
        for e in result.all_events
        if e.is_step_materialization
    }
    assert metadata["metric_values"]["rows"].value == len(after[("metric_values", 2026, "mid_year")])
    assert "attendance_rate" in metadata["metric_values"]["zone preview"].value
    assert metadata["roadmap_reports"]["reports"].value == 2
    assert metadata["student_attendance"]["student_periods"].value > 0


@pytest.mark.bench
def test_analyst_session_open_during_a_run_neither_blocks_it_nor_sees_the_new_data(zone):
    from pipelines.runner import materialize_all

    published = zone / "wh" / "wh.duckdb"
    sql = (
        "select value from marts.metric_values where school_id = 'A' and school_year = 2026 and period = 'mid_year' "
        "and metric = 'attendance_rate' and subgroup = 'all'"
    )
    analyst = duckdb.connect(str(published), read_only=True)
    try:
        old = analyst.execute(sql).fetchone()[0]
        _add_absences_in_2026(zone / "landing")
        outcome = materialize_all(_paths(zone))
        assert outcome.success, outcome.problems
        assert analyst.execute(sql).fetchone()[0] == old
    finally:
        analyst.close()
    with duckdb.connect(str(published), read_only=True) as fresh:
        assert fresh.execute(sql).fetchone()[0] < old


def test_a_failed_run_publishes_nothing(zone):
    from pipelines.runner import materialize_all

    published = zone / "wh" / "wh.duckdb"
    before = published.read_bytes()
    index = (zone / "out" / "index.html").read_bytes()
    (zone / "landing" / "enrollment.csv").write_text("student_id,school_id\n0001,A\n")
    outcome = materialize_all(_paths(zone))
    assert not outcome.success and outcome.problems
    assert published.read_bytes() == before
    assert (zone / "out" / "index.html").read_bytes() == index


def test_school_years_computed_one_at_a_time_give_the_same_marts(built_zone, tmp_path, monkeypatch):
    # A state's student tables are computed one school year at a time (metric_engine.year_batches);
    # a zone's all at once. Both must publish the same figures, the assessments' too (their
    # profiles come from the student tables).
    from sezp_roadmap import metric_engine
    from sezp_roadmap.config import load_settings
    from sezp_roadmap.warehouse import connect

    # Every cell shown, so that the levels' counts are compared, not only their suppression.
    settings = load_settings(None, built_zone / "landing")
    settings = dataclasses.replace(
        settings, raw={**settings.raw, "suppression": {"min_students": 1, "min_respondents": 1}}
    )
    # Fall interim results in both school years (the zone has none of its own), most with a growth percentile.
    shift = dt.timedelta(weeks=52)
    results_2026 = [
        ("0001", "A", 2026, "interim_reading", "fall", DAYS[5], "7", 500, "At or above grade level", None, 61, None),
        ("0002", "A", 2026, "interim_reading", "fall", DAYS[5], "7", 480, "1 grade level below", None, 40, None),
        ("0007", "A", 2026, "interim_reading", "fall", DAYS[6], "8", 470, "2 grade levels below", None, None, None),
        ("0006", "B", 2026, "interim_reading", "fall", DAYS[11], "10", 520, "At or above grade level", None, 75, None),
    ]
    assessments = results_2026 + [
        (s, school, 2025, test, window, day - shift, grade, score, level, *rest)
        for s, school, _, test, window, day, grade, score, level, *rest in results_2026[:3]
    ]
    results = []
    for threshold in (metric_engine.ONE_YEAR_AT_A_TIME_ROWS, 0):
        copy = tmp_path / f"wh-{threshold}.duckdb"
        shutil.copyfile(built_zone / "wh" / "wh.duckdb", copy)
        monkeypatch.setattr(metric_engine, "ONE_YEAR_AT_A_TIME_ROWS", threshold)
        with connect(copy) as con:
            load(con, "assessments", assessments)
            metric_engine.compute_student_tables(con, settings)
            metric_engine.compute_metric_values(con, settings)
            results.append(
                {
                    table: con.execute(f"select * from marts.{table} order by all").fetchall()
                    for table in ("metric_values", "metric_comparisons", "assessment_levels")
                }
            )
            results[-1]["school_months"] = con.execute("select * from work.school_months order by all").fetchall()
            results[-1]["batches"] = metric_engine.year_batches(con)
    assert results[0]["batches"] == [[2025, 2026]] and results[1]["batches"] == [[2025], [2026]]
    # Both school years have counted assessment results.
    assert {row[1] for row in results[0]["metric_values"] if row[3] == "meeting_rate:interim_reading"} == {2025, 2026}
    for key in ("metric_values", "metric_comparisons", "assessment_levels", "school_months"):
        assert results[0][key] == results[1][key], key


def test_a_file_given_as_the_landing_folder_is_named_as_a_file(tmp_path):
    from pipelines.resources import RoadmapPaths
    from pipelines.runner import materialize_all

    extract = tmp_path / "attendance.csv"
    extract.write_text("student_id,school_id,date,code\n")
    paths = RoadmapPaths(
        data_dir=str(extract), warehouse=str(tmp_path / "wh.duckdb"), reports_dir=str(tmp_path / "out")
    )
    outcome = materialize_all(paths)
    assert not outcome.success
    assert any("this is a file" in p and str(tmp_path) in p for p in outcome.problems), outcome.problems
    missing = RoadmapPaths(data_dir=str(tmp_path / "nowhere"), warehouse=str(tmp_path / "wh.duckdb"))
    assert any("the landing folder does not exist" in p for p in materialize_all(missing).problems)
    assert not (tmp_path / "wh.duckdb").exists()
