"""The mistakes a new analyst makes with their own files, each in a fixture of its own.

Excel drops the leading zeros of ids (an enrollment, DESE codes), files with
other names and a subfolder sit in the landing folder, a header names its
columns another way, dates are US dates, grades are written 09. Each one must
stop the run, or be read right, with one message that says what to do; no
figure is ever published on ids that do not join; and no run prints more
than about 40 lines, however bad the folder.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import duckdb
import pytest
from ingest_zone import DAYS, append, ingest_and_validate, write_zone
from test_validation_cli import snapshot

from sezp_roadmap import ingest, problem_list
from sezp_roadmap.config import load_settings
from sezp_roadmap.errors import InputProblem
from sezp_roadmap.unread import lines as unread_lines
from sezp_roadmap.validation.run import validate

ORIGINAL_ENROLLMENT_IDS = ["0001", "0002", "0003", "0004", "0004", "0005", "0006", "0007"]


def excel_saved(path: Path, column: int) -> None:
    """What opening a CSV in Excel and saving it does to one column of ids: leading zeros gone."""
    lines = path.read_text().splitlines()
    out = [lines[0]]
    for line in lines[1:]:
        cells = line.split(",")
        if cells[column].isdigit():
            cells[column] = str(int(cells[column]))
        out.append(",".join(cells))
    path.write_text("\n".join(out) + "\n")


def build(folder: Path, tmp_path: Path, capsys) -> tuple[int, str, str]:
    from sezp_roadmap.cli import main

    args = ["build", "--data", str(folder), "--warehouse", str(tmp_path / "wh" / "wh.duckdb")]
    code = main([*args, "--reports", str(tmp_path / "reports")])
    out = capsys.readouterr()
    return code, out.out, out.err


def errors_by_rule(run) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for e in run.errors:
        found.setdefault(e["rule"], []).append(e)
    return found


# --- 1. ids as text, and Excel's mangling caught -------------------------------------------------


def test_an_enrollment_saved_from_excel_is_named_as_the_file_that_lost_its_zeros(tmp_path):
    folder = write_zone(tmp_path / "landing")
    excel_saved(folder / "enrollment.csv", 0)
    run = ingest_and_validate(folder)
    errors = errors_by_rule(run)
    # Only the enrollment is blamed: the attendance and discipline that join it are right, and no
    # wrong-file guard calls the attendance "another district's file".
    assert set(errors) == {"id_leading_zeros"}
    lost = errors["id_leading_zeros"]
    assert [(e["file"], e["row"], e["column_name"], e["value"]) for e in lost] == [
        ("enrollment.csv", row, "student_id", str(int(student)))
        for row, student in zip(range(2, 10), ORIGINAL_ENROLLMENT_IDS)
    ]
    assert lost[0]["expected"] == "'0001', as attendance.csv writes it"


def test_a_second_file_saved_from_excel_does_not_hide_the_first(tmp_path):
    folder = write_zone(tmp_path / "landing")
    # Enrollment and attendance both lost their zeros, so they join each other; the discipline did not.
    excel_saved(folder / "enrollment.csv", 0)
    excel_saved(folder / "attendance.csv", 0)
    run = ingest_and_validate(folder)
    assert {(e["rule"], e["file"]) for e in run.errors} == {("id_leading_zeros", "enrollment.csv")}
    # Students 0001 and 0006, whom the discipline names.
    assert [(e["row"], e["value"]) for e in run.errors] == [(2, "1"), (8, "6")]


def test_the_id_width_setting_pads_ids_on_read_and_the_ids_join_again(tmp_path):
    folder = write_zone(tmp_path / "landing")
    excel_saved(folder / "enrollment.csv", 0)
    append(folder, "roadmap.yaml", "id_width:", "  student_id: 4")
    run = ingest_and_validate(folder)
    assert not run.errors
    ids = [r[0] for r in run.con.execute("select student_id from staging.enrollment order by _source_row").fetchall()]
    assert ids == ORIGINAL_ENROLLMENT_IDS
    # The same findings as the unmangled zone: every attendance row joins its enrollment again.
    assert [(f["rule"], f["file"], f["row"]) for f in run.findings] == [
        ("attendance_outside_enrollment", "attendance.csv", 16)
    ]


def test_a_width_shorter_than_an_id_never_cuts_it(tmp_path):
    folder = write_zone(tmp_path / "landing")
    append(folder, "roadmap.yaml", "id_width:", "  student_id: 2")
    run = ingest_and_validate(folder)
    assert not run.errors
    assert run.count("staging.enrollment where length(student_id) = 4") == 8


def test_the_settings_name_the_registrys_kinds_of_id():
    from sezp_roadmap.config import ID_WIDTH_KINDS
    from sezp_roadmap.extracts import EXTRACTS, ID_KINDS

    assert set(ID_WIDTH_KINDS) == set(ID_KINDS) == {c.identifies for e in EXTRACTS.values() for c in e.columns} - {None}
    defaults = load_settings(None).raw["id_width"]
    assert set(defaults) == set(ID_KINDS) and not load_settings(None).id_widths


def test_an_id_width_that_is_not_a_number_of_digits_stops_with_its_key(tmp_path):
    folder = write_zone(tmp_path / "landing")
    append(folder, "roadmap.yaml", "id_width:", "  student_id: seven")
    try:
        load_settings(None, folder)
    except InputProblem as problem:
        assert "settings: id_width.student_id: not a usable number of digits (found 'seven'" in str(problem)
    else:
        raise AssertionError("a bad id_width was accepted")


def _numbered_schools(folder: Path) -> None:
    """The tiny zone with school ids of digits and leading zeros, as many SIS write them: A is 0101, B is 0102."""
    for path in folder.glob("*.csv"):
        rows = list(csv.reader(path.read_text().splitlines()))
        if "school_id" not in rows[0]:
            continue
        at = rows[0].index("school_id")
        for row in rows[1:]:
            row[at] = {"A": "0101", "B": "0102"}[row[at]]
        path.write_text("".join(",".join(row) + "\n" for row in rows))


def test_school_ids_that_lost_their_zeros_are_named_in_the_file_that_lost_them(tmp_path):
    folder = write_zone(tmp_path / "landing")
    _numbered_schools(folder)
    assert not ingest_and_validate(folder).errors
    # The calendar saved from Excel: its rows, not the schools', are the ones named; no "unknown school".
    excel_saved(folder / "calendar.csv", 0)
    run = ingest_and_validate(folder)
    assert {(e["rule"], e["file"], e["column_name"]) for e in run.errors} == {
        ("id_leading_zeros", "calendar.csv", "school_id")
    }
    assert len(run.errors) == 80
    # The schools file saved from Excel instead: its two rows only.
    _numbered_schools(write_zone(tmp_path / "again"))
    excel_saved(tmp_path / "again" / "schools.csv", 0)
    run = ingest_and_validate(tmp_path / "again")
    assert [(e["rule"], e["file"], e["row"], e["value"]) for e in run.errors] == [
        ("id_leading_zeros", "schools.csv", 2, "101"),
        ("id_leading_zeros", "schools.csv", 3, "102"),
    ]
    append(tmp_path / "again", "roadmap.yaml", "id_width:", "  school_id: 4")
    assert not ingest_and_validate(tmp_path / "again").errors


def test_the_likely_causes_it_recognises():
    def group(rule, extract, column, **counts):
        return {
            "rule": rule,
            "extract": extract,
            "column_name": column,
            "file": f"{extract}.csv",
            "rows": 10,
            "slash_dates": 0,
            "day_first_dates": 0,
            "dot_dates": 0,
            "id_width": None,
            **counts,
        }

    cause, fix = problem_list.likely_cause(group("value_format", "attendance", "date", slash_dates=10))
    assert cause.startswith("US dates written month/day/year") and "YYYY-MM-DD" in fix
    cause, _ = problem_list.likely_cause(group("value_format", "attendance", "date", slash_dates=10, day_first_dates=3))
    assert cause.startswith("dates written day/month/year")
    cause, _ = problem_list.likely_cause(group("value_format", "attendance", "date", dot_dates=9))
    assert cause.startswith("dates written day.month.year")
    assert problem_list.likely_cause(group("value_format", "enrollment", "ell")) == (
        "flags written as words or numbers (Yes, TRUE, 1)",
        "Fix: write Y or N.",
    )
    cause, fix = problem_list.likely_cause(group("unknown_code", "attendance", "code"))
    assert cause == "the file uses a different code list than the data contract's" and "attendance_codes" in fix
    assert problem_list.likely_cause(group("out_of_range", "sqr", "rating")) == (None, None)


SCHOOLS_WITH_CODES = (
    "school_id,school_name,grade_span,state_school_id\nA,Alpha Middle,6-8,02810315\nB,Beta High,9-12,02810505\n"
)
STATE_FIGURES = (
    "school_year,org_code,subgroup,metric,value,source\n"
    "2025,02810315,all,attendance_rate,93.1,DESE\n"
    "2025,02810505,all,attendance_rate,91.0,DESE\n"
    "2025,02810000,all,attendance_rate,90.2,DESE\n"
    "2025,00000000,all,attendance_rate,92.5,DESE\n"
)


def _dese_zone(tmp_path: Path) -> Path:
    folder = write_zone(tmp_path / "landing")
    (folder / "schools.csv").write_text(SCHOOLS_WITH_CODES)
    (folder / "state_figures.csv").write_text(STATE_FIGURES)
    assert not ingest_and_validate(folder).errors
    return folder


def test_dese_codes_shortened_in_the_schools_file_are_one_kind_of_error_there_only(tmp_path):
    folder = _dese_zone(tmp_path)
    excel_saved(folder / "schools.csv", 3)
    run = ingest_and_validate(folder)
    # Not also "not an 8-digit code" in schools.csv, nor "no school has this code" in state_figures.csv.
    assert [(e["rule"], e["file"], e["row"], e["value"], e["expected"]) for e in run.errors] == [
        ("id_leading_zeros", "schools.csv", 2, "2810315", "'02810315' (DESE codes have 8 digits)"),
        ("id_leading_zeros", "schools.csv", 3, "2810505", "'02810505' (DESE codes have 8 digits)"),
    ]


def test_dese_codes_shortened_in_the_state_figures_are_named_there_and_the_setting_repairs_them(tmp_path):
    folder = _dese_zone(tmp_path)
    excel_saved(folder / "state_figures.csv", 1)
    run = ingest_and_validate(folder)
    assert [(e["rule"], e["file"], e["row"], e["value"]) for e in run.errors] == [
        ("id_leading_zeros", "state_figures.csv", row, value)
        for row, value in ((2, "2810315"), (3, "2810505"), (4, "2810000"), (5, "0"))
    ]
    append(folder, "roadmap.yaml", "id_width:", "  dese_code: 8")
    run = ingest_and_validate(folder)
    assert not run.errors
    assert run.con.execute("select list(org_code order by _source_row) from staging.state_figures").fetchone()[0] == [
        "02810315",
        "02810505",
        "02810000",
        "00000000",
    ]


def test_grades_written_with_a_leading_zero_are_those_grades(tmp_path):
    folder = write_zone(tmp_path / "landing")
    path = folder / "enrollment.csv"
    path.write_text(re.sub(r",2026,([6-9]),", r",2026,0\1,", path.read_text()))
    assert ",2026,07," in path.read_text()
    run = ingest_and_validate(folder)
    assert not run.errors
    grades = run.con.execute("select list(grade order by _source_row) from staging.enrollment").fetchone()[0]
    assert grades == ["7", "7", "6", "8", "8", "6", "10", "8"]


@pytest.mark.bench
def test_a_mangled_enrollment_publishes_nothing_and_says_what_to_do_in_one_summary(tmp_path, capsys):
    folder = write_zone(tmp_path / "landing")
    assert build(folder, tmp_path, capsys)[0] == 0
    good = snapshot(tmp_path / "wh" / "wh.duckdb", tmp_path / "reports")

    excel_saved(folder / "enrollment.csv", 0)
    code, _, err = build(folder, tmp_path, capsys)
    assert code == 1
    assert snapshot(tmp_path / "wh" / "wh.duckdb", tmp_path / "reports") == good
    problems = tmp_path / "wh" / problem_list.PROBLEMS_FILE
    assert err.splitlines() == [
        "The build stopped; nothing was published (the previous warehouse and reports are unchanged).",
        "enrollment: 8 problems to fix",
        "enrollment.csv, column 'student_id': 8 rows (7 different values): this id lost its leading zeros: "
        "the other files write it with more (row 2 '1', row 3 '2', row 4 '3', ...; "
        "expected '0001', as attendance.csv writes it)",
        "    Likely cause: the file was opened and saved in Excel, which drops the leading zeros of ids. "
        "Fix: export enrollment.csv again without opening it in Excel, or set id_width: {student_id: 4} in the "
        "roadmap.yaml beside the extracts (or the settings file given with --config); ids of digits shorter than 4 "
        "are then padded with zeros as they are read.",
        f"    Every row: {problems}",
    ]
    with open(problems, newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["file"], r["row"], r["column"], r["value"]) for r in rows] == [
        ("enrollment.csv", str(row), "student_id", str(int(s))) for row, s in zip(range(2, 10), ORIGINAL_ENROLLMENT_IDS)
    ]

    # Fixed as the message says: the run publishes, and the problems file of the failed run is gone.
    append(folder, "roadmap.yaml", "id_width:", "  student_id: 4")
    assert build(folder, tmp_path, capsys)[0] == 0
    assert not problems.exists()


# --- 2. every file in the landing folder accounted for --------------------------------------------


def _foreign_entries(folder: Path) -> None:
    (folder / "X2_students_2026.csv").write_text("Student ID,School,Grade\n0001,A,7\n")
    (folder / "MCAS_results.xlsx").write_bytes(b"PK\x03\x04\x14\x00\x00\x00\x08\x00")
    (folder / "absences-2026.csv").write_text((folder / "attendance.csv").read_text())
    (folder / "readme.txt").write_text("exports of 2026-01-16\n")
    (folder / "edfi").mkdir()
    (folder / "edfi" / "StudentSchoolAssociation.xml").write_text("<x/>")
    (folder / ".DS_Store").write_bytes(b"\x00")


def test_every_entry_of_the_landing_folder_is_described(tmp_path):
    folder = write_zone(tmp_path / "landing")
    _foreign_entries(folder)
    files, unread = ingest.discover(folder)
    assert "roadmap.yaml" not in {u.name for u in unread} and ".DS_Store" not in {u.name for u in unread}
    described = {u.name: (u.folder, u.nearest) for u in unread}
    assert described == {
        "MCAS_results.xlsx": (False, "assessments"),
        "X2_students_2026.csv": (False, "enrollment"),
        "absences-2026.csv": (False, "attendance"),
        "edfi": (True, None),
        "readme.txt": (False, None),
    }
    lines = {u.name: str(u) for u in unread}
    assert "its header names every required column of the attendance extract" in lines["absences-2026.csv"]
    assert "rename it attendance.csv" in lines["absences-2026.csv"]
    assert "save it as CSV UTF-8 named assessments.csv" in lines["MCAS_results.xlsx"]
    assert "shares 2 of the enrollment extract's 12 columns" in lines["X2_students_2026.csv"]
    assert lines["edfi"].startswith("edfi/: folder not read; the build reads only the files directly in")
    assert "not the 1 file in this folder" in lines["edfi"]
    assert "move it out of the landing folder" in lines["readme.txt"]


def test_a_missing_required_extract_names_the_file_it_may_be(tmp_path):
    folder = write_zone(tmp_path / "landing")
    _foreign_entries(folder)
    (folder / "schools.csv").rename(folder / "School List.csv")
    try:
        ingest.discover(folder)
    except InputProblem as problem:
        lines = str(problem).splitlines()
    else:
        raise AssertionError("a folder without schools.csv was accepted")
    assert lines[0].startswith(
        f"schools.csv: the required schools extract is missing from {folder}; it may be School List.csv (below)"
    )
    assert any(
        line.startswith("School List.csv: file not read; its header names every required column") for line in lines
    )
    assert any(line.startswith("edfi/: folder not read") for line in lines)
    assert len(lines) == 7


@pytest.mark.bench
def test_a_successful_build_lists_what_it_did_not_read_on_screen_and_on_the_data_quality_page(tmp_path, capsys):
    folder = write_zone(tmp_path / "landing")
    _foreign_entries(folder)
    code, out, _ = build(folder, tmp_path, capsys)
    assert code == 0
    warnings = [line for line in out.splitlines() if "not read" in line]
    assert [line.split(":", 2)[1].strip() for line in warnings] == [
        "MCAS_results.xlsx",
        "X2_students_2026.csv",
        "absences-2026.csv",
        "edfi/",
        "readme.txt",
    ]
    page = (tmp_path / "reports" / "data-quality.html").read_text()
    assert "Files not read" in page
    for name in ("MCAS_results.xlsx", "X2_students_2026.csv", "absences-2026.csv", "edfi/ (folder)", "readme.txt"):
        assert name in page
    with duckdb.connect(str(tmp_path / "wh" / "wh.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from meta.unread_files").fetchone()[0] == 5


# --- 3. one problem, one message ------------------------------------------------------------------


def test_a_renamed_header_is_one_message_with_what_was_likely_meant(tmp_path):
    folder = write_zone(tmp_path / "landing")
    path = folder / "enrollment.csv"
    header, rest = path.read_text().split("\n", 1)
    renamed = header.replace("student_id", "Student ID").replace("school_year", "SchoolYear")
    padding = ",".join(f"SIS field {i}" for i in range(40))
    path.write_text(f"{renamed},{padding}\n" + "".join(line + "," * 40 + "\n" for line in rest.splitlines()))
    (folder / "attendance.csv").write_text(f"Student ID,School ID,Date,Attendance Code\n0001,A,{DAYS[1]},A\n")
    run = ingest_and_validate(folder)
    assert len(run.read_problems) == 2
    enrollment, attendance = sorted(run.read_problems)[1], sorted(run.read_problems)[0]
    assert enrollment.startswith(
        "enrollment.csv, row 1: the header lacks the required columns student_id, school_year; "
        "did you mean 'Student ID' for student_id, 'SchoolYear' for school_year: rename them in the header; "
        "the header also has columns the enrollment extract does not use: 'SIS field 0',"
    )
    assert "and 32 more" in enrollment and "SIS field 39" not in enrollment
    assert len(enrollment) < 700
    assert "'Student ID' for student_id" in attendance and "'School ID' for school_id" in attendance
    assert "the header lacks the required columns student_id, school_id, code" in attendance


def test_us_dates_down_a_column_are_one_summary_with_the_cause_and_every_row_in_the_problems_file(tmp_path):
    folder = write_zone(tmp_path / "landing")
    path = folder / "attendance.csv"
    path.write_text(re.sub(r"(\d{4})-(\d\d)-(\d\d)", r"\2/\3/\1", path.read_text()))
    append(folder, "attendance.csv", "0001,A,=HYPERLINK(1),A")
    run = ingest_and_validate(folder)
    settings = load_settings(None, folder)
    listed_in = tmp_path / problem_list.PROBLEMS_FILE
    outcome = validate(run.con, "attendance", settings, listed_in=listed_in)
    lines = outcome.description.splitlines()
    assert lines == [
        "attendance: 26 problems to fix",
        "attendance.csv, column 'date': 26 rows (20 different values): this is not a date written as YYYY-MM-DD "
        "(row 2 '09/03/2025', row 3 '09/04/2025', row 4 '09/05/2025', ...; expected a date as YYYY-MM-DD, e.g. 2025-09-02)",
        "    Likely cause: US dates written month/day/year (09/02/2025), as Excel shows and saves them. Fix: write "
        "dates as YYYY-MM-DD: export them so from the student information system, or in Excel format the column "
        "as yyyy-mm-dd (Format Cells, Custom) before saving as CSV UTF-8.",
        f"    Every row: {listed_in}",
    ]
    assert problem_list.write(run.con, tmp_path / "wh.duckdb") == listed_in
    with open(listed_in, newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["extract"] == "attendance"]
    assert len(rows) == 26 and [r["row"] for r in rows[:3]] == ["2", "3", "4"]
    # A value that a spreadsheet would run as a formula is written as text.
    assert rows[-1]["value"] == "'=HYPERLINK(1)"


def test_a_lone_problem_keeps_its_one_line_message(tmp_path):
    folder = write_zone(tmp_path / "landing")
    append(folder, "attendance.csv", f"0001,A,{DAYS[21]},ZZ")
    run = ingest_and_validate(folder)
    outcome = validate(run.con, "attendance", load_settings(None, folder))
    assert outcome.description.splitlines()[1] == (
        "attendance.csv, row 27, column 'code': this code is not one the code table in the settings "
        "(attendance_codes) allows (found 'ZZ'; expected one of A, AE, AH, AS, T, D)"
    )


def test_the_problems_file_neutralises_formulas_through_the_shared_writer(tmp_path):
    """The problems file is written by safe_export's writer: text a spreadsheet would run gets a leading quote,
    numbers (negative ones too) stay numbers (tests/test_safe_exports.py holds every case)."""
    from sezp_roadmap.safe_export import safe_writer

    path = tmp_path / "p.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        safe_writer(handle).writerow(["=1+1", "+1", "-2", "@x", "\tx", "ok", None, 7])
    assert next(csv.reader(path.open(encoding="utf-8"))) == ["'=1+1", "+1", "-2", "'@x", "'\tx", "ok", "", "7"]


def test_at_most_keeps_a_screenful_and_says_where_the_rest_is(tmp_path):
    listed = tmp_path / "p.csv"
    listed.write_text("x")
    lines = [f"line {i}" for i in range(100)]
    shown = problem_list.at_most(lines, 36, listed)
    assert len(shown) == 36 and shown[:35] == lines[:35]
    assert shown[-1] == f"... and 65 more lines; every problem is listed in {listed}"
    assert problem_list.at_most(["a", "a", "b"], 36) == ["a", "a", "b"]
    assert problem_list.at_most(lines, 36, tmp_path / "absent.csv")[-1] == "... and 65 more lines"


def test_however_bad_the_folder_a_failed_build_prints_at_most_40_lines(tmp_path, capsys):
    folder = write_zone(tmp_path / "landing")
    # Sixty files that are no extract are one line ...
    for i in range(60):
        (folder / f"export_{i:02}.csv").write_text("a,b\n1,2\n")
    # ... forty-five parts of an extract, each without its code column, are a message each: too many to print.
    for i in range(45):
        (folder / f"attendance_part{i:02}.csv").write_text(f"student_id,school_id,date\n0001,A,{DAYS[i % 40]}\n{i}\n")
    code, _, err = build(folder, tmp_path, capsys)
    assert code == 1
    lines = err.splitlines()
    assert len(lines) <= 40 and "Traceback" not in err
    problems = tmp_path / "wh" / problem_list.PROBLEMS_FILE
    assert lines[-1].startswith("... and ") and lines[-1].endswith(f"every problem is listed in {problems}")
    assert lines[1] == (
        "attendance_part00.csv, row 1, column 'code': the header lacks the required column code "
        "(expected a header naming the columns student_id, school_id, date, code)"
    )
    with open(problems, newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert sum(r["rule"] == "missing_column" for r in rows) == 45
    assert sum(r["rule"] == "not_read" for r in rows) == 60


def test_files_that_are_no_extract_at_all_share_one_line(tmp_path):
    folder = write_zone(tmp_path / "landing")
    _foreign_entries(folder)
    for i in range(12):
        (folder / f"export_{i:02}.csv").write_text("a,b\n1,2\n")
    _, unread = ingest.discover(folder)
    told = unread_lines(unread)
    assert len(told) == 5
    assert told[-1] == (
        "13 files not read (export_00.csv, export_01.csv, export_02.csv, export_03.csv, export_04.csv, ...): "
        "neither their names nor their headers are an extract's. If they are not extracts, move them out of the "
        "landing folder; extracts are named <extract>.csv."
    )
