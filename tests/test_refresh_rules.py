"""Which partitions scheduled and sensor-started runs refresh (hand-checked dates)."""

import datetime as dt
import os

from sezp_roadmap.config import load_settings
from sezp_roadmap.extracts import extract_of
from sezp_roadmap.landing import changed_files, school_years_in, snapshot
from sezp_roadmap.periods import school_year_of
from sezp_roadmap.refresh import end_of_year_partition, mid_year_partition, nightly_partitions, partitions_for_years

SETTINGS = load_settings()


def test_school_year_starts_on_july_first():
    assert school_year_of(dt.date(2025, 6, 30)) == 2025
    assert school_year_of(dt.date(2025, 7, 1)) == 2026
    assert school_year_of(dt.date(2026, 1, 16)) == 2026


def test_nightly_keeps_mid_year_until_a_month_after_the_cutoff():
    assert nightly_partitions(dt.date(2025, 10, 6), SETTINGS) == [(2026, "mid_year"), (2026, "end_of_year")]
    assert nightly_partitions(dt.date(2026, 1, 31), SETTINGS) == [(2026, "mid_year"), (2026, "end_of_year")]
    assert nightly_partitions(dt.date(2026, 2, 1), SETTINGS) == [(2026, "end_of_year")]


def test_publication_partitions():
    assert mid_year_partition(dt.date(2026, 1, 12)) == (2026, "mid_year")
    assert end_of_year_partition(dt.date(2026, 7, 15)) == (2026, "end_of_year")
    assert end_of_year_partition(dt.date(2026, 6, 30)) == (2026, "end_of_year")


def test_partitions_for_years_leaves_out_years_not_started():
    assert partitions_for_years([2027, 2026, 2026], dt.date(2026, 3, 1)) == [(2026, "mid_year"), (2026, "end_of_year")]


def test_extract_names_from_files():
    assert extract_of("attendance.csv") == "attendance"
    assert extract_of("attendance_part2.csv.gz") == "attendance"
    assert extract_of("Family_Survey_2025.CSV") == "family_survey"
    assert extract_of("notes.txt") is None
    assert extract_of("attendances.csv") is None


def test_snapshot_and_changes(tmp_path):
    (tmp_path / "attendance_part1.csv").write_text(
        "student_id,school_id,date,code\n1,A,2025-09-03,A\n1,A,2026-02-03,A\n"
    )
    (tmp_path / "calendar.csv").write_text("school_id,school_year,date\nA,2025,2024-09-03\nA,2026,2025-09-03\n")
    (tmp_path / "readme.txt").write_text("not an extract")
    first = snapshot(tmp_path)
    assert sorted(first) == ["attendance_part1.csv", "calendar.csv"]
    assert changed_files({}, first) == ["attendance_part1.csv", "calendar.csv"]
    assert changed_files(first, snapshot(tmp_path)) == []
    stat = (tmp_path / "calendar.csv").stat()
    os.utime(tmp_path / "calendar.csv", ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert changed_files(first, snapshot(tmp_path)) == ["calendar.csv"]
    assert school_years_in(tmp_path / "attendance_part1.csv") == [2026]
    assert school_years_in(tmp_path / "calendar.csv") == [2025, 2026]


def test_the_python_and_the_sql_statements_of_the_school_year_rule_agree():
    import duckdb

    from sezp_roadmap.periods import date_in_school_year, school_year_end, school_year_start
    from sezp_roadmap.warehouse import add_macros, connection_config

    con = add_macros(duckdb.connect(config=connection_config()))
    for day in (dt.date(2025, 6, 30), dt.date(2025, 7, 1), dt.date(2025, 12, 31), dt.date(2026, 1, 1)):
        year = school_year_of(day)
        sql = con.execute(
            "select school_year_of($day), school_year_start($year), school_year_end($year)", {"day": day, "year": year}
        ).fetchall()
        assert sql == [(year, school_year_start(year), school_year_end(year))]
        assert school_year_start(year) <= day <= school_year_end(year)
        assert date_in_school_year(year, day.month, day.day) == day
    # A leap day belongs to the school year's second calendar year, which has it.
    assert date_in_school_year(2024, 2, 29) == dt.date(2024, 2, 29)
