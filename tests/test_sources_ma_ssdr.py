"""The bundled Massachusetts SSDR profile on the SSDR layout (discipline and offense files), hand-checked."""

from __future__ import annotations

import pytest

from sezp_roadmap import sources
from sezp_roadmap.errors import InputProblem

SCHOOLS = (
    "school_id,school_name,grade_span,state_school_id\nS01,Alpha Middle,6-8,02810315\nS02,Beta High,9-12,02810505\n"
)
# Column order of DESE's SSDR uploads; fake students and offenses.
DISCIPLINE = (
    "OFF ID,OFF DATE,SASID,FN,LN,DOB,PST,DAT,BI OFF,SD,RD,ERD,DM,AEINC,AE,NAE,ERDX,APPEAL,AEX,SOT1,SOT2,SOT3,SOT4,SOT5\n"
    "1001,10/06/2025,1000000001,Ana,Pérez,01/02/2012,1,2,N,10/07/2025,10/09/2025,,2,,,,,,,,,,,\n"
    "1001,10/06/2025,1000000002,Bo,Li,03/04/2012,2,1,N,10/07/2025,10/07/2025,,1,,,,,,,,,,,\n"
    "1002,11/12/2025,1000000003,Cy,Ng,05/06/2009,1,6,N,11/12/2025,11/13/2025,,0.5,,,,,,,,,,,\n"
)
OFFENSES = (
    "OFF ID,OFF DATE,SCH NAME,SCH CODE,OFF IND,DISC IND,OT1,OT2,OT3,OT4,OT5,VS,VSCHP,VNSCHP,VU,OFFES,OFFENS,OFFEU,"
    "OFF DESC,PHYS INJ,OFF DESC2,OFF DESC3,OFF DESC4,OFF DESC5,INC DESC\n"
    "1001,10/06/2025,Alpha Middle,02810315,Y,Y,10,,,,,1,0,0,0,2,0,0,Fight,N,,,,,\n"
    "1002,11/12/2025,Beta High,02810505,Y,Y,32,,,,,0,1,0,0,1,0,0,Threat,N,,,,,\n"
)


@pytest.fixture
def landing(tmp_path):
    folder = tmp_path / "landing"
    folder.mkdir()
    (folder / "schools.csv").write_text(SCHOOLS)
    (folder / "SSDR_Discipline_2026.csv").write_bytes(DISCIPLINE.encode("windows-1252"))
    (folder / "SSDR_Offense_2026.csv").write_bytes(OFFENSES.encode("windows-1252"))
    return folder


def test_the_ssdr_files_become_the_discipline_extract(landing, tmp_path):
    work, _ = sources.prepare(landing, "ma-ssdr", tmp_path / "work")
    assert (work / "discipline__SSDR_Discipline_2026.csv").read_text().splitlines() == [
        "incident_id,student_id,school_id,incident_date,offense,action,days_removed",
        # DAT 2 -> OSS, 1 -> ISS, 6 -> ER; the school from the offense's DESE code through schools.csv.
        "1001,1000000001,S01,2025-10-06,10,OSS,2",
        "1001,1000000002,S01,2025-10-06,10,ISS,1",
        "1002,1000000003,S02,2025-11-12,32,ER,0.5",
    ]
    assert (work / "schools.csv").is_file()


def test_a_school_code_no_school_has_is_named(landing, tmp_path):
    (landing / "schools.csv").write_text(SCHOOLS.replace("02810505", "02810999"))
    with pytest.raises(InputProblem) as failed:
        sources.prepare(landing, "ma-ssdr", tmp_path / "work")
    (problem,) = failed.value.problems
    assert (problem.file, problem.row, problem.value) == ("SSDR_Discipline_2026.csv", 4, "02810505")
    assert "state_school_id" in problem.message


def test_an_action_code_dese_does_not_have_is_named_with_the_line_to_add(landing, tmp_path):
    path = landing / "SSDR_Discipline_2026.csv"
    path.write_bytes(path.read_bytes().replace(b",1,6,N,", b",1,7,N,"))
    with pytest.raises(InputProblem) as failed:
        sources.prepare(landing, "ma-ssdr", tmp_path / "work")
    (problem,) = failed.value.problems
    assert (problem.row, problem.column, problem.value) == (4, "DAT", "7")
    assert '"7": ISS | OSS | EXP | ER | ALT | OTHER' in problem.expected


def test_an_action_whose_offense_is_missing_is_named(landing, tmp_path):
    (landing / "SSDR_Offense_2026.csv").write_text(OFFENSES.splitlines()[0] + "\n" + OFFENSES.splitlines()[1] + "\n")
    with pytest.raises(InputProblem) as failed:
        sources.prepare(landing, "ma-ssdr", tmp_path / "work")
    (problem,) = failed.value.problems
    assert (problem.row, problem.column) == (4, "OFF ID")
    assert "incident_id of this row is in no file of the lookup" in problem.message
