"""The source-profile format: reading files as declared, mapping values, dates and flags; every problem named."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import openpyxl
import pytest

from sezp_roadmap import sources
from sezp_roadmap.errors import InputProblem
from sezp_roadmap.sources.convert import SOURCES_DIR, convert
from sezp_roadmap.sources.profile import parse_profile

ENROLLMENT_PROFILE = """
name: test-sis
extracts:
  enrollment:
    files: ["students*.csv"]
    encoding: windows-1252
    delimiter: ";"
    null_values: ["NULL"]
    columns:
      student_id: "Student Number"
      school_id: [SchoolID, "School ID"]
      grade: Grade
      entry_date: EntryDate
      exit_date: ExitDate
      gender: Gender
      hispanic: Hispanic
      race: Races
      ell: LEP
      former_ell: LEP
      swd: IEP
      low_income: Lunch
    race_separator: ","
    dates:
      entry_date: ["%m/%d/%Y"]
      exit_date: ["%m/%d/%Y", "%m/%d/%y"]
    values:
      grade: {"07": "7", KF: K}
      hispanic: {"1": "Y", "0": "N"}
      race: {White: W, Black: B, Asian: A}
      ell: {Limited: "Y", FLEP: "N", "": "N"}
      former_ell: {Limited: "N", FLEP: "Y", "": "N"}
      swd: {"": "N", "*": "Y"}
      low_income: {Free Lunch: "Y", Reduced Lunch: "Y", Not Eligible: "N"}
"""

HEADER = "Student Number;SchoolID;Grade;EntryDate;ExitDate;Gender;Hispanic;Races;LEP;IEP;Lunch;Name\n"


def landing(tmp_path: Path, rows: list[str], profile: str = ENROLLMENT_PROFILE) -> Path:
    folder = tmp_path / "landing"
    folder.mkdir()
    (folder / "roadmap-profile.yaml").write_text(profile, encoding="utf-8")
    (folder / "students_2026.csv").write_bytes((HEADER + "".join(rows)).encode("windows-1252"))
    return folder


def canonical_rows(work: Path, name: str) -> list[str]:
    return (work / name).read_text(encoding="utf-8").splitlines()


GOOD = [
    "00123;A;07;09/02/2025;NULL;F;0;Black,White;Limited;NULL;Free Lunch;Zoë Núñez\n",
    "00124;A;KF;09/02/2025;10/01/25;M;1;White;FLEP;Speech;Not Eligible;José\n",
    "00125;A;07;09/03/2025;;N;0;Asian;NULL;NULL;Reduced Lunch;Ana\n",
]


def test_a_profiled_file_is_written_as_the_canonical_extract(tmp_path):
    folder = landing(tmp_path, GOOD)
    work, conversion = sources.prepare(folder, None, tmp_path / "work")
    assert conversion is not None and conversion.all_problems == []
    assert canonical_rows(work, "enrollment__students_2026.csv") == [
        "student_id,school_id,school_year,grade,entry_date,exit_date,race_ethnicity,gender,ell,former_ell,swd,low_income",
        # Leading zeros kept, 07 -> 7, two races -> M, US dates -> ISO, the school year from the entry date.
        "00123,A,2026,7,2025-09-02,,M,F,Y,N,N,Y",
        # Hispanic of any race -> H; a two-digit year read by the second format; any IEP value -> Y.
        "00124,A,2026,K,2025-09-02,2025-10-01,H,M,N,Y,Y,N",
        "00125,A,2026,7,2025-09-03,,A,N,N,N,N,Y",
    ]
    # Which district row each canonical row came from (the header is row 1 in both).
    rows = (work / SOURCES_DIR / "enrollment__students_2026.csv.rows").read_text()
    assert rows == "canonical_row,source_row\n2,2\n3,3\n4,4\n"


def test_a_folder_without_a_profile_is_read_as_today(tmp_path):
    folder = tmp_path / "landing"
    folder.mkdir()
    (folder / "schools.csv").write_text("school_id,school_name,grade_span\nA,Alpha,6-8\n")
    read_dir, conversion = sources.prepare(folder, None, tmp_path / "work")
    assert (read_dir, conversion) == (folder, None)
    assert not (tmp_path / "work").exists()


def test_an_unmapped_value_gives_the_value_its_count_its_rows_and_the_line_to_add(tmp_path):
    rows = GOOD + [f"0020{i};A;07;09/02/2025;;F;0;White;NULL;NULL;Pending;X\n" for i in range(5)]
    folder = landing(tmp_path, rows)
    with pytest.raises(InputProblem) as failed:
        sources.prepare(folder, None, tmp_path / "work")
    (problem,) = failed.value.problems
    assert (problem.file, problem.row, problem.column, problem.value) == ("students_2026.csv", 5, "Lunch", "Pending")
    assert "5 rows: rows 5, 6, 7 and 2 more" in problem.message
    assert "`extracts: enrollment: values: low_income:`" in problem.expected
    assert '"Pending": Y | N' in problem.expected
    # A failed conversion leaves nothing for ingest to read.
    assert not (tmp_path / "work").exists()


def test_an_unmapped_race_of_a_multi_race_cell_is_named_alone(tmp_path):
    folder = landing(tmp_path, ["00123;A;07;09/02/2025;;F;0;White,Samoan;NULL;NULL;Free Lunch;X\n"])
    with pytest.raises(InputProblem) as failed:
        sources.prepare(folder, None, tmp_path / "work")
    (problem,) = failed.value.problems
    assert (problem.column, problem.value) == ("Races", "Samoan")
    assert "W | B | A | N | P | M | H" in problem.expected


def test_a_date_no_format_reads_is_named_with_the_formats_tried(tmp_path):
    folder = landing(tmp_path, ["00123;A;07;2025.09.02;;F;0;White;NULL;NULL;Free Lunch;X\n"])
    with pytest.raises(InputProblem) as failed:
        sources.prepare(folder, None, tmp_path / "work")
    (problem,) = failed.value.problems
    assert (problem.row, problem.column, problem.value) == (2, "EntryDate", "2025.09.02")
    assert "%m/%d/%Y" in problem.expected and "dates: entry_date:" in problem.expected


def test_the_declared_encoding_is_read_and_not_guessed(tmp_path):
    """Windows-1252 bytes in a file the profile says is UTF-8: an error naming the line, never a silent conversion."""
    profile = ENROLLMENT_PROFILE.replace("encoding: windows-1252", "encoding: utf-8")
    folder = landing(tmp_path, GOOD, profile)
    with pytest.raises(InputProblem) as failed:
        sources.prepare(folder, None, tmp_path / "work")
    (problem,) = failed.value.problems
    assert problem.file == "students_2026.csv" and problem.row == 2
    assert "not utf-8 text" in problem.message and "0xEB" in problem.message


def test_a_missing_column_names_the_columns_looked_for(tmp_path):
    folder = landing(tmp_path, GOOD)
    path = folder / "students_2026.csv"
    path.write_bytes(path.read_bytes().replace(b"SchoolID;", b"Building;"))
    with pytest.raises(InputProblem) as failed:
        sources.prepare(folder, None, tmp_path / "work")
    (problem,) = failed.value.problems
    assert problem.row == 1 and problem.column == "SchoolID or School ID"
    assert "no column for school_id" in problem.message


ATTENDANCE_PROFILE = """
name: flags-test
extracts:
  attendance:
    files: ["att*.csv"]
    shape: flags
    columns:
      student_id: id
      school_id: school
      date: day
      absent: absent
      excused: excused
      tardy: tardy
      portion: portion
      reason: reason
    dates:
      date: ["%Y-%m-%d %H:%M:%S"]
    values:
      absent: {"1": "Y", "0": "N"}
      excused: {"1": "Y", "0": "N"}
      tardy: {"1": "Y", "0": "N"}
    codes:
      - {when: {absent: "Y", reason: "OSS"}, code: AS}
      - {when: {absent: "Y", portion: "0.5"}, code: AH}
      - {when: {absent: "Y", excused: "Y"}, code: AE}
      - {when: {absent: "Y"}, code: A}
      - {when: {tardy: "Y"}, code: T}
      - {when: {absent: "N", tardy: "N", portion: "0"}, code: none}
"""


def test_attendance_flags_become_codes_by_the_first_rule_a_row_meets(tmp_path):
    folder = tmp_path / "landing"
    folder.mkdir()
    (folder / "roadmap-profile.yaml").write_text(ATTENDANCE_PROFILE)
    (folder / "att.csv").write_text(
        "id,school,day,absent,excused,tardy,portion,reason\n"
        "1,A,2025-09-02 00:00:00,1,0,0,0.0000,\n"  # A
        "1,A,2025-09-03 08:15:00,1,1,0,0.0000,\n"  # AE, the date-time cut to its date
        "1,A,2025-09-04 00:00:00,1,1,0,0.5000,\n"  # AH before AE: the half day is what counts
        "1,A,2025-09-05 00:00:00,1,0,0,0,OSS\n"  # AS
        "1,A,2025-09-08 00:00:00,0,0,1,0,\n"  # T
        "1,A,2025-09-09 00:00:00,0,0,0,,\n"  # no flag: no exception, not written
    )
    work, conversion = sources.prepare(folder, None, tmp_path / "work")
    assert canonical_rows(work, "attendance__att.csv")[1:] == [
        "1,A,2025-09-02,A",
        "1,A,2025-09-03,AE",
        "1,A,2025-09-04,AH",
        "1,A,2025-09-05,AS",
        "1,A,2025-09-08,T",
    ]
    (report,) = conversion.files
    assert (report.rows, report.written, report.not_exceptions) == (6, 5, 1)
    assert (work / SOURCES_DIR / "attendance__att.csv.rows").read_text().splitlines()[1:] == [
        "2,2",
        "3,3",
        "4,4",
        "5,5",
        "6,6",
    ]


def test_flags_no_rule_covers_are_an_error_with_the_rule_to_add(tmp_path):
    folder = tmp_path / "landing"
    folder.mkdir()
    (folder / "roadmap-profile.yaml").write_text(ATTENDANCE_PROFILE)
    (folder / "att.csv").write_text(
        "id,school,day,absent,excused,tardy,portion,reason\n"
        # Half a day absent with the absence flag not set: no rule says what that is.
        "1,A,2025-09-02,0,0,0,0.5,\n"
        "2,A,2025-09-02,0,0,0,0.5,\n"
    )
    with pytest.raises(InputProblem) as failed:
        sources.prepare(folder, None, tmp_path / "work")
    (problem,) = failed.value.problems
    assert problem.row == 2 and problem.value == "absent: N, excused: N, tardy: N, portion: 0.5"
    assert problem.column == "absent, excused, tardy, portion, reason"
    assert "2 rows" in problem.message
    assert "- {when: {absent: N, excused: N, tardy: N, portion: 0.5}, code:" in problem.expected


def test_a_workbook_sheet_is_read_from_its_header_row(tmp_path):
    folder = tmp_path / "landing"
    folder.mkdir()
    (folder / "roadmap-profile.yaml").write_text(
        textwrap.dedent(
            """
            extracts:
              calendar:
                files: ["*.xlsx"]
                format: xlsx
                sheet: Days
                header_row: 3
                columns: {school_id: School, date: Day}
            """
        )
    )
    book = openpyxl.Workbook()
    book.active.title = "Notes"
    sheet = book.create_sheet("Days")
    sheet.append(["Calendar export"])
    sheet.append([])
    sheet.append(["School", "Day"])
    sheet.append(["A", dt.datetime(2025, 9, 2)])
    sheet.append([7, dt.datetime(2026, 1, 5)])
    book.save(folder / "cal.xlsx")
    work, conversion = sources.prepare(folder, None, tmp_path / "work")
    assert canonical_rows(work, "calendar__cal.xlsx.csv") == [
        "school_id,school_year,date",
        "A,2026,2025-09-02",
        "7,2026,2026-01-05",
    ]
    assert (work / SOURCES_DIR / "calendar__cal.xlsx.csv.rows").read_text() == "canonical_row,source_row\n2,4\n3,5\n"


def test_a_missing_sheet_names_the_sheets_there_are(tmp_path):
    folder = tmp_path / "landing"
    folder.mkdir()
    (folder / "roadmap-profile.yaml").write_text(
        'extracts: {calendar: {files: ["*.xlsx"], format: xlsx, sheet: Days, columns: {school_id: S, date: D}}}'
    )
    openpyxl.Workbook().save(folder / "cal.xlsx")
    with pytest.raises(InputProblem) as failed:
        sources.prepare(folder, None, tmp_path / "work")
    assert "no sheet 'Days'" in str(failed.value) and "Sheet" in str(failed.value)


def test_canonical_files_of_other_extracts_are_read_beside_the_profiled_ones(tmp_path):
    folder = landing(tmp_path, GOOD)
    (folder / "schools.csv").write_text("school_id,school_name,grade_span\nA,Alpha,6-8\n")
    (folder / "enrollment.csv").write_text("student_id\n")
    work, conversion = sources.prepare(folder, None, tmp_path / "work")
    assert (work / "schools.csv").read_text() == (folder / "schools.csv").read_text()
    # The profile reads enrollment from the district's file: a canonical enrollment.csv is left out, with a warning.
    assert not (work / "enrollment.csv").exists()
    assert any("enrollment.csv" in w and "ignored" in w for w in conversion.warnings)


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("extracts: {attendence: {files: [a.csv]}}", "extracts.attendence"),
        (
            "extracts: {attendance: {files: [a.csv], columns: {studnet_id: x}}}",
            "extracts.attendance.columns.studnet_id",
        ),
        ("extracts: {attendance: {files: [a.csv], encoding: latin-9x}}", "extracts.attendance.encoding"),
        ("extracts: {attendance: {files: [a.csv], shape: flags}}", "extracts.attendance.codes"),
        ("extracts: {calendar: {files: [a.csv], shape: flags}}", "extracts.calendar.shape"),
        ("extracts: {attendance: {}}", "extracts.attendance.files"),
    ],
)
def test_a_profile_mistake_is_named_by_its_key(text, named):
    with pytest.raises(InputProblem) as failed:
        parse_profile(text, "p.yaml")
    assert any(p.file == f"p.yaml: {named}" for p in failed.value.problems), failed.value.problems


def test_yaml_scalars_stay_text():
    profile = parse_profile("extracts: {enrollment: {files: [a], values: {grade: {07: 7, yes: K}}}}", "p.yaml")
    assert profile.extracts["enrollment"].values["grade"] == {"07": "7", "yes": "K"}


def test_a_district_profile_starts_from_a_bundled_one(tmp_path):
    path = tmp_path / "roadmap-profile.yaml"
    path.write_text(
        'base: aspen-x2\nextracts:\n  discipline:\n    values:\n      action:\n        "Saturday School": OTHER\n'
    )
    profile = sources.load_profile(path)
    action = profile.extracts["discipline"].values["action"]
    assert action["Saturday School"] == "OTHER" and action["In-School Suspension"] == "ISS"
    assert profile.extracts["attendance"].shape == "flags"


def test_an_unknown_profile_name_lists_the_bundled_ones(tmp_path):
    with pytest.raises(InputProblem) as failed:
        sources.load_profile("aspen-x3")
    assert "aspen-x2" in str(failed.value)


def test_convert_without_an_output_folder_only_reports(tmp_path):
    folder = landing(tmp_path, GOOD)
    conversion = convert(folder, sources.find_profile(folder), None)
    (report,) = conversion.files
    assert (report.rows, report.written, report.canonical_name) == (3, 3, None)
    assert report.columns["school_id"] == "SchoolID"


def test_a_field_with_very_many_unmapped_values_lists_the_most_frequent_and_counts_the_rest(tmp_path):
    rows = [f"0{i:04d};A;07;09/02/2025;;F;0;White;NULL;NULL;Code{i % 25};X\n" for i in range(50)]
    rows += ["09999;A;07;09/02/2025;;F;0;White;NULL;NULL;Code7;X\n"] * 3
    folder = landing(tmp_path, rows)
    with pytest.raises(InputProblem) as failed:
        sources.prepare(folder, None, tmp_path / "work")
    problems = failed.value.problems
    assert len(problems) == 21
    assert problems[0].value == "Code7" and "5 rows" in problems[0].message
    assert problems[-1].message == "and 5 more values of low_income the profile does not map, in 10 rows"


VENDOR_PROFILE = """
name: interim-vendor
extracts:
  assessments:
    files: ["*CombinedDataFile*.csv"]
    columns:
      student_id: Student_StateID
      school_id: School_StateID
      assessment: Subject
      administration: TermName
      test_date: TestStartDate
      grade: Grade
      scale_score: TestRITScore
      performance_level: Level
      percentile: TestPercentile
      typical_growth_met: FallToWinterMetProjectedGrowth
    school_codes: state_school_id
    dates:
      test_date: ["%m/%d/%Y"]
    values:
      assessment: {Mathematics: interim_math, Reading: interim_reading}
      administration: {"Fall 2025-2026": fall, "Winter 2025-2026": winter}
      grade: {K: K, "6": "6", "7": "7"}
      performance_level:
        "On": At or above grade level
        "1 Below": 1 grade level below
      typical_growth_met: {"Yes": "Y", "No": "N", "": ""}
"""


def test_an_assessment_vendor_file_is_a_profile_with_value_maps(tmp_path):
    """The format issue 29's adapters adopt: a long vendor file, its school by DESE code, optional columns kept."""
    folder = tmp_path / "landing"
    folder.mkdir()
    (folder / "roadmap-profile.yaml").write_text(VENDOR_PROFILE)
    (folder / "schools.csv").write_text("school_id,school_name,grade_span,state_school_id\nS01,Alpha,6-8,02810315\n")
    (folder / "CombinedDataFile_2026.csv").write_text(
        "TermName,Student_StateID,School_StateID,Subject,TestStartDate,Grade,TestRITScore,TestPercentile,Level,"
        "FallToWinterMetProjectedGrowth\n"
        "Fall 2025-2026,1000000001,02810315,Mathematics,09/15/2025,7,214,41,1 Below,\n"
        "Winter 2025-2026,1000000001,02810315,Reading,1/20/2026,7,220,55,On,Yes\n"
    )
    work, _ = sources.prepare(folder, None, tmp_path / "work")
    assert canonical_rows(work, "assessments__CombinedDataFile_2026.csv") == [
        "student_id,school_id,school_year,assessment,administration,test_date,grade,scale_score,performance_level,"
        "percentile,typical_growth_met",
        "1000000001,S01,2026,interim_math,fall,2025-09-15,7,214,1 grade level below,41,",
        "1000000001,S01,2026,interim_reading,winter,2026-01-20,7,220,At or above grade level,55,Y",
    ]


WIDE_PROFILE = """
name: state-test-wide
extracts:
  assessments:
    files: ["*MCAS*.csv"]
    shape: wide
    columns:
      student_id: sasid
      school_id: testschoolcode
      grade: grade
    school_codes: state_school_id
    constants:
      administration: spring
      # The file holds no test date: this profile names the testing window's first day.
      test_date: "2025-05-05"
    groups:
      - name: ela
        constants: {assessment: mcas_ela}
        columns: {performance_level: eperflev, scale_score: escaleds, growth_percentile: esgp}
      - name: math
        constants: {assessment: mcas_math}
        columns: {performance_level: mperflev, scale_score: mscaleds, growth_percentile: msgp}
      - name: science
        constants: {assessment: mcas_science}
        columns: {performance_level: sperflev, scale_score: sscaleds}
    values:
      grade: {"06": "6", "07": "7"}
      performance_level:
        E: Exceeding Expectations
        M: Meeting Expectations
        PM: Partially Meeting Expectations
        NM: Not Meeting Expectations
"""


def test_a_wide_file_gives_one_row_per_group_with_a_result(tmp_path):
    """A student's subjects side by side (the MCAS layout) become one row each; an empty group gives none."""
    folder = tmp_path / "landing"
    folder.mkdir()
    (folder / "roadmap-profile.yaml").write_text(WIDE_PROFILE)
    (folder / "schools.csv").write_text("school_id,school_name,grade_span,state_school_id\nS01,Alpha,6-8,02810315\n")
    (folder / "MCAS_2025.csv").write_text(
        "adminyear,testschoolcode,sasid,grade,escaleds,eperflev,esgp,mscaleds,mperflev,msgp\n"
        "2025,02810315,1000000001,07,512,M,61,,,\n"
        "2025,02810315,1000000002,06,488,PM,,495,PM,40\n"
    )
    work, conversion = sources.prepare(folder, None, tmp_path / "work")
    header = "student_id,school_id,school_year,assessment,administration,test_date,grade,scale_score,performance_level"
    assert canonical_rows(work, "assessments__MCAS_2025__ela.csv") == [
        header + ",growth_percentile",
        "1000000001,S01,2025,mcas_ela,spring,2025-05-05,7,512,Meeting Expectations,61",
        "1000000002,S01,2025,mcas_ela,spring,2025-05-05,6,488,Partially Meeting Expectations,",
    ]
    assert canonical_rows(work, "assessments__MCAS_2025__math.csv")[1:] == [
        "1000000002,S01,2025,mcas_math,spring,2025-05-05,6,495,Partially Meeting Expectations,40",
    ]
    math = next(f for f in conversion.files if f.group == "math")
    assert math.left_out == {"no result in the columns of math": 1}
    # This year's layout has no science columns: the group gives no rows, with a warning.
    assert not (work / "assessments__MCAS_2025__science.csv").exists()
    assert "MCAS_2025.csv: no column of the group science; it gave no rows" in conversion.warnings
    # Both district rows stand behind the ELA rows, row for row.
    assert (work / SOURCES_DIR / "assessments__MCAS_2025__ela.csv.rows").read_text().splitlines()[1:] == ["2,2", "3,3"]
