"""The bundled PowerSchool profile on its tables' layouts (reenrollments, students, attendance), hand-checked."""

from __future__ import annotations

import pytest

from sezp_roadmap import sources
from sezp_roadmap.errors import InputProblem
from sezp_roadmap.sources.check import check_report
from sezp_roadmap.sources.powerschool import NO_SHOW

STUDENTS = (
    "ID,Student_Number,SchoolID,EntryDate,ExitDate,Grade_Level,Gender,FedEthnicity,Races,LunchStatus,ell,former_ell,sped\n"
    # Enrolled now: PowerSchool's exit date is the day after the year's last day.
    "4101,90001,310,08/27/2025,06/20/2026,7,F,1,W,F,Y,N,N\n"
    '4102,90002,310,08/27/2025,06/20/2026,0,M,0,"B,W",P,N,Y,Y\n'
    # Transferred out on 10/3 (last day 10/2).
    "4103,90003,320,08/27/2025,10/03/2025,12,X,0,A,R,N,N,N\n"
)
REENROLLMENTS = (
    "StudentID,SchoolID,EntryDate,ExitDate,Grade_Level\n"
    # 4102's earlier spell at another school, and a no-show.
    "4102,320,08/28/2024,06/14/2025,-1\n"
    "4103,310,08/28/2024,08/28/2024,11\n"
)
ATTENDANCE = (
    "StudentID,SchoolID,Att_Date,Att_Code\n"
    "4101,310,09/03/2025,A\n"
    "4101,310,09/04/2025,EX\n"
    "4102,310,09/04/2025,P\n"
    "4103,320,09/05/2025,T\n"
)


@pytest.fixture
def landing(tmp_path):
    folder = tmp_path / "landing"
    folder.mkdir()
    (folder / "students.csv").write_text(STUDENTS)
    (folder / "reenrollments.csv").write_text(REENROLLMENTS)
    (folder / "attendance.csv").write_text(ATTENDANCE)
    return folder


def test_powerschool_tables_become_spells_and_codes(landing, tmp_path):
    work, conversion = sources.prepare(landing, "powerschool", tmp_path / "work")
    assert (work / "enrollment__students.csv").read_text().splitlines() == [
        "student_id,school_id,school_year,grade,entry_date,exit_date,race_ethnicity,gender,ell,former_ell,swd,low_income",
        "4101,310,2026,7,2025-08-27,2026-06-19,H,F,Y,N,N,Y",
        "4102,310,2026,K,2025-08-27,2026-06-19,M,M,N,Y,Y,N",
        "4103,320,2026,12,2025-08-27,2025-10-02,A,N,N,N,N,Y",
    ]
    # The earlier spell takes the student's demographics from students.csv; the no-show is left out and counted.
    assert (work / "enrollment__reenrollments.csv").read_text().splitlines()[1:] == [
        "4102,320,2025,PK,2024-08-28,2025-06-13,M,M,N,Y,Y,N",
    ]
    report = next(f for f in conversion.files if f.name == "reenrollments.csv" and not f.lookup)
    assert report.left_out == {NO_SHOW: 1}
    assert (work / "attendance__attendance.csv").read_text().splitlines() == [
        "student_id,school_id,date,code",
        "4101,310,2025-09-03,A",
        "4101,310,2025-09-04,AE",
        "4103,320,2025-09-05,T",
    ]
    # The present row is no exception: counted, not written.
    assert next(f for f in conversion.files if f.extract == "attendance").not_exceptions == 1


def test_a_district_code_the_profile_lacks_is_named_with_the_line_to_add(landing, tmp_path):
    (landing / "attendance.csv").write_text(ATTENDANCE + "4101,310,09/08/2025,UX\n4102,310,09/08/2025,UX\n")
    with pytest.raises(InputProblem) as failed:
        sources.prepare(landing, "powerschool", tmp_path / "work")
    (problem,) = failed.value.problems
    assert (problem.file, problem.row, problem.column, problem.value) == ("attendance.csv", 6, "Att_Code", "UX")
    assert "2 rows" in problem.message
    assert "`extracts: attendance: values: code:`" in problem.expected
    assert '"UX": <a code of the settings\' attendance_codes (by default A, AE, AH, AS, T, D), or none>' in (
        problem.expected
    )


def test_profile_check_counts_what_is_left_out(landing):
    text, ok = check_report(landing, "powerschool")
    assert ok
    assert "reenrollments.csv -> enrollment: 2 rows read, 1 enrollment rows" in text
    assert f"1 rows left out: {NO_SHOW}" in text
    assert "students.csv -> enrollment (lookup by student)" in text
