"""The bundled Aspen X2 profile: the sample zone in X2's clothes builds the same marts as the canonical sample,
and a problem in an X2 file is named in the district's own words (file, row, column)."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from sources_harness import build, marts

from sezp_roadmap.cli import main
from sezp_roadmap.errors import InputProblem
from sezp_roadmap.sample import write_sample_zone
from sezp_roadmap.sources import aspen_x2

TINY = {"schools": 2, "students": 200}


@pytest.fixture(scope="module")
def zones(tmp_path_factory) -> tuple[Path, Path]:
    """(canonical sample, the same sample as X2 exports) of a two-school zone."""
    root = tmp_path_factory.mktemp("aspen")
    write_sample_zone(root / "canonical", **TINY)
    assert main(["sample", "--as", "aspen-x2", "--out", str(root / "x2"), "--schools", "2", "--students", "200"]) == 0
    return root / "canonical", root / "x2"


def test_the_x2_export_set_looks_like_x2(zones):
    _, x2 = zones
    names = sorted(p.name for p in x2.iterdir())
    for name in ("Student_Enrollment.csv", "X2_Attendance.csv", "X2_Conduct.csv", "X2_School_Calendar.xlsx"):
        assert name in names
    # No canonical file of an extract the profile reads: they are all in X2's own files.
    assert not {"enrollment.csv", "attendance.csv", "discipline.csv", "calendar.csv"} & set(names)
    enrollment = (x2 / "Student_Enrollment.csv").read_bytes().decode("windows-1252").splitlines()
    assert enrollment[0].startswith('"local_id","school_local_id","enrollment_date","enrollment_type"')
    types = {line.split(",")[3] for line in enrollment[1:]}
    assert types == {'"E"', '"W"'}
    # US dates and X2's grade and lunch values.
    first = enrollment[1].split(",")
    assert first[2].strip('"')[2] == "/" and first[2].strip('"')[5] == "/"
    assert any('"07"' in line or '"KF"' in line for line in enrollment)
    assert any('"Free Lunch"' in line for line in enrollment)
    attendance = (x2 / "X2_Attendance.csv").read_text(encoding="windows-1252").splitlines()
    assert any(line.endswith('"0.5000",""') for line in attendance)


@pytest.mark.bench
def test_x2_exports_build_the_same_marts_as_the_canonical_files(zones, tmp_path):
    canonical, x2 = zones
    expected = marts(build(canonical, tmp_path / "canonical"))
    through_profile = build(x2, tmp_path / "x2")
    got = marts(through_profile)
    assert set(got) == set(expected)
    for table, rows in expected.items():
        assert rows, table
        assert got[table] == rows, table
    with duckdb.connect(str(through_profile.working_warehouse), read_only=True) as con:
        # Every staging row names the district's file and its row there.
        files = {r[0] for r in con.execute("select distinct _source_file from staging.attendance").fetchall()}
        assert files == {"X2_Attendance.csv"}
        assert con.execute("select profile from meta.source_profile").fetchone()[0].startswith("aspen-x2")
        loaded = dict(con.execute("select file_name, bytes from meta.load_files").fetchall())
        assert "X2_School_Calendar.xlsx" in loaded and "schools.csv" in loaded
        # The district's file as it is in the landing folder: its size, not its canonical copy's.
        assert loaded["X2_Attendance.csv"] == (x2 / "X2_Attendance.csv").stat().st_size


def test_a_finding_on_an_x2_file_names_its_file_row_and_column(zones, tmp_path):
    _, x2 = zones
    loc = build(x2, tmp_path / "x2", marts=False)
    with duckdb.connect(str(loc.working_warehouse), read_only=True) as con:
        rows = con.execute(
            "select file, row, column_name from meta.findings where rule = 'attendance_outside_enrollment' order by row"
        ).fetchall()
    assert rows
    lines = (x2 / "X2_Attendance.csv").read_text(encoding="windows-1252").splitlines()
    header = [c.strip('"') for c in lines[0].split(",")]
    for file, row, column in rows:
        assert (file, column) == ("X2_Attendance.csv", "ATT_DATE")
        # The row is the district file's: its student and date are those of that line.
        cells = [c.strip('"') for c in lines[row - 1].split(",")]
        assert dict(zip(header, cells))["ATT_DATE"].count("/") == 2


def test_an_error_in_an_x2_file_names_the_district_row_and_column(zones, tmp_path):
    """An X2 attendance row for a school the schools list lacks: the error gives X2_Attendance.csv, its row, school_local_id."""
    _, x2 = zones
    landing = tmp_path / "landing"
    shutil.copytree(x2, landing)
    path = landing / "X2_Attendance.csv"
    lines = path.read_text(encoding="windows-1252").splitlines(keepends=True)
    lines[6] = lines[6].replace('"S01"', '"S99"').replace('"S02"', '"S99"')
    path.write_text("".join(lines), encoding="windows-1252")
    with pytest.raises(AssertionError) as failed:
        build(landing, tmp_path / "out", marts=False)
    assert "X2_Attendance.csv, row 7, column 'school_local_id'" in str(failed.value)
    assert "S99" in str(failed.value)


def test_an_unmapped_x2_value_is_named_with_its_count_and_the_line_to_add(zones, tmp_path):
    _, x2 = zones
    landing = tmp_path / "landing"
    shutil.copytree(x2, landing)
    path = landing / "Student_Enrollment.csv"
    text = path.read_text(encoding="windows-1252")
    changed = text.replace('"Not Eligible"', '"Pending"', 3)
    path.write_text(changed, encoding="windows-1252")
    first_row = next(i for i, line in enumerate(changed.splitlines(), start=1) if '"Pending"' in line)
    with pytest.raises(InputProblem) as failed:
        build(landing, tmp_path / "out", marts=False)
    (problem,) = failed.value.problems
    assert (problem.file, problem.row, problem.column, problem.value) == (
        "Student_Enrollment.csv",
        first_row,
        "free_reduced_lunch",
        "Pending",
    )
    assert "3 rows" in problem.message
    assert "values: low_income:" in problem.expected and '"Pending": Y | N' in problem.expected


def test_profile_check_reports_without_building(zones, capsys):
    _, x2 = zones
    assert main(["profile", "check", "--data", str(x2)]) == 0
    out = capsys.readouterr().out
    assert "X2_Attendance.csv -> attendance" in out
    assert "ATT_PORTION_ABSENT" in out
    assert "Read as canonical CSVs:" in out and "schools.csv" in out
    assert "Every value maps and every date reads." in out


def test_the_sample_writer_is_the_module_beside_the_profile():
    assert aspen_x2.PROFILE.name == "aspen-x2.yaml" and aspen_x2.PROFILE.is_file()


# X2's student export as the district writes it (its real column names; fake students).
STUDENTS_EXPORT = (
    '"state_id","local_id","full_name","grade","registration_date","free_reduced_lunch","school_local_id",'
    '"enrollment_status","gender","race","hispanic_latino","limited_english_proficiency","sped_placement","plan_504"\n'
    '"1000000000","100","Fake Student, First","07","2008-02-20","Not Eligible","A","Active","F","Black","0",'
    '"Fluent","Full Inclusion","Not 504"\n'
    '"1000000001","101","Fake Student, Second","10","2005-08-05","Free Lunch","A","Active","M","Black;White","0",'
    '"FLEP-Transitioning","NULL","Not 504"\n'
    '"1000000002","103","Fake Student, Third","KF","2005-08-05","Reduced Lunch","A","Active","F","White","1",'
    '"Limited","NULL","Not 504"\n'
)


def test_enrollment_records_without_student_fields_take_them_from_the_student_export(tmp_path):
    from sezp_roadmap import sources

    landing = tmp_path / "landing"
    landing.mkdir()
    (landing / "fake_students_export.csv").write_text(STUDENTS_EXPORT, encoding="windows-1252")
    (landing / "Student_Enrollment.csv").write_text(
        '"local_id","school_local_id","enrollment_date","enrollment_type","enrollment_code"\n'
        '"100","A","09/02/2025","E","01"\n'
        '"101","A","09/02/2025","E","01"\n'
        '"101","A","10/15/2025","W","20"\n'
        '"103","A","09/03/2025","E","01"\n',
        encoding="windows-1252",
    )
    work, _ = sources.prepare(landing, "aspen-x2", tmp_path / "work")
    rows = (work / "enrollment__Student_Enrollment.csv").read_text().splitlines()
    assert rows == [
        "student_id,school_id,school_year,grade,entry_date,exit_date,race_ethnicity,gender,ell,former_ell,swd,low_income",
        "100,A,2026,7,2025-09-02,,B,F,N,N,Y,N",
        "101,A,2026,10,2025-09-02,2025-10-15,M,M,N,Y,N,Y",
        "103,A,2026,K,2025-09-03,,H,F,Y,N,N,Y",
    ]


def test_a_required_extract_the_profile_finds_no_file_for_is_named_with_its_patterns(tmp_path):
    from sezp_roadmap import stages

    landing = tmp_path / "landing"
    landing.mkdir()
    (landing / "roadmap-profile.yaml").write_text("base: aspen-x2\n")
    (landing / "schools.csv").write_text("school_id,school_name,grade_span\nA,Alpha,6-8\n")
    (landing / "fake_students_export.csv").write_text(STUDENTS_EXPORT, encoding="windows-1252")
    loc = stages.Locations(landing, tmp_path / "wh.duckdb", tmp_path / "out")
    with pytest.raises(InputProblem) as failed:
        stages.prepare_landing(loc)
    problems = {p.file: p for p in failed.value.problems}
    assert set(problems) == {"calendar extract", "enrollment extract", "attendance extract"}
    assert "*Student*Enrollment*.csv" in problems["enrollment extract"].expected


def test_the_build_command_stops_on_an_unmapped_value_and_publishes_nothing(zones, tmp_path, capsys):
    _, x2 = zones
    landing = tmp_path / "landing"
    shutil.copytree(x2, landing)
    path = landing / "X2_Conduct.csv"
    path.write_text(
        path.read_text(encoding="windows-1252").replace('"Other"', '"Saturday School"'), encoding="windows-1252"
    )
    args = ["--data", str(landing), "--warehouse", str(tmp_path / "wh.duckdb"), "--reports", str(tmp_path / "out")]
    assert main(["build", *args, "--skip-reports"]) == 1
    err = capsys.readouterr().err
    assert "X2_Conduct.csv, row" in err and "column 'action_code'" in err and "'Saturday School'" in err
    assert '"Saturday School": ISS | OSS | EXP | ER | ALT | OTHER' in err
    assert not (tmp_path / "wh.duckdb").exists()


def test_a_district_file_with_no_exception_is_read_as_zero_rows(zones, tmp_path):
    """Every row of a second attendance file is no exception: zero rows, and the header-only finding names the X2 file."""
    _, x2 = zones
    landing = tmp_path / "landing"
    shutil.copytree(x2, landing)
    header = (x2 / "X2_Attendance.csv").read_text(encoding="windows-1252").splitlines()[0]
    (landing / "X2_Attendance_part2.csv").write_text(
        header + '\n"0000001","S01","10/01/2025","0","0","0","0","0.0000",""\n', encoding="windows-1252"
    )
    loc = build(landing, tmp_path / "out", marts=False)
    with duckdb.connect(str(loc.working_warehouse), read_only=True) as con:
        assert con.execute(
            "select file from meta.findings where rule = 'header_only' and extract = 'attendance'"
        ).fetchall() == [("X2_Attendance_part2.csv",)]
        assert con.execute(
            "select rows from meta.load_files where file_name = 'X2_Attendance_part2.csv'"
        ).fetchone() == (0,)


def test_x2s_attendance_export_layout_reads_through_the_profile(tmp_path):
    """X2's attendance export as studentinsights' fixtures show it: state_id, absence, tardy, event_date, "\\N" for empty."""
    from sezp_roadmap import sources

    landing = tmp_path / "landing"
    landing.mkdir()
    (landing / "fake_attendance_export.txt").write_text(
        '"state_id","absence","tardy","event_date","school_local_id"\n'
        '"1000000000","1","0","2025-10-24","SHS"\n'
        '"1000000001","0","1","2025-10-24","SHS"\n'
        '"1000000001","0","0","2025-10-27","SHS"\n'
        '"1000000001","1","0","\\N","SHS"\n',
        encoding="windows-1252",
    )
    work, conversion = sources.prepare(landing, "aspen-x2", tmp_path / "work")
    assert (work / "attendance__fake_attendance_export.txt.csv").read_text().splitlines() == [
        "student_id,school_id,date,code",
        "1000000000,SHS,2025-10-24,A",
        "1000000001,SHS,2025-10-24,T",
        # The empty date is written empty: the data contract's rule names X2's row 5 for it.
        "1000000001,SHS,,A",
    ]
    (report,) = conversion.files
    assert report.not_exceptions == 1


def test_x2s_behavior_export_without_actions_is_named_not_guessed(tmp_path):
    """X2's behavior export holds incidents, not the actions taken: the columns the discipline extract needs are named."""
    from sezp_roadmap.sources.check import check_report

    landing = tmp_path / "landing"
    landing.mkdir()
    (landing / "fake_behavior_export.csv").write_text(
        '"local_id","incident_code","event_date","incident_time","incident_location","incident_description",'
        '"school_local_id"\n"10","Hitting","2025-10-01","13:00:00","Classroom","Hit another student.","SHS"\n',
        encoding="windows-1252",
    )
    text, ok = check_report(landing, "aspen-x2")
    assert not ok
    assert "incident_date        <- event_date" in text
    assert "action               <- MISSING: action_code or ACT_ACTION_CODE or Action Code" in text
    assert "fake_behavior_export.csv, row 1, column 'incident_id or CND_INCIDENT_ID or Incident ID'" in text
