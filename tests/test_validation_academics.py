"""The assessments extract's rules and the assessments settings (docs/data-contract.md, docs/metrics.md "Academics")."""

from __future__ import annotations

import pytest
from ingest_zone import DAYS, append, ingest_and_validate, write_zone

from sezp_roadmap.assessments import parse_assessments
from sezp_roadmap.config import load_settings
from sezp_roadmap.errors import InputProblem

HEADER = "student_id,school_id,school_year,assessment,administration,test_date,grade,scale_score,performance_level"
FALL = DAYS[8]


def with_results(tmp_path, *lines: str):
    folder = write_zone(tmp_path / "landing")
    append(folder, "assessments.csv", HEADER, *lines)
    return ingest_and_validate(folder)


def test_results_of_known_assessments_and_levels_pass(tmp_path):
    run = with_results(
        tmp_path,
        f"0001,A,2026,interim_reading,fall,{FALL},7,480,At or above grade level",
        f"0002,A,2026,interim_math,fall,{FALL},7,,3+ grade levels below",
    )
    assert run.errors == []
    assert run.count("staging.assessments") == 2


def test_an_optional_column_may_be_left_out_or_given(tmp_path):
    folder = write_zone(tmp_path / "landing")
    append(
        folder,
        "assessments.csv",
        HEADER + ",percentile,growth_percentile,typical_growth_met",
        f"0001,A,2026,interim_reading,fall,{FALL},7,480,At or above grade level,55,,N",
    )
    run = ingest_and_validate(folder)
    assert run.errors == []
    assert run.con.execute(
        "select percentile, growth_percentile, typical_growth_met from staging.assessments"
    ).fetchall() == [(55, None, False)]


def test_an_unknown_assessment_is_an_error_naming_the_setting(tmp_path):
    run = with_results(tmp_path, f"0001,A,2026,iready_reading,fall,{FALL},7,480,At or above grade level")
    (error,) = run.errors
    assert (error["rule"], error["file"], error["row"], error["column_name"], error["value"]) == (
        "unknown_code",
        "assessments.csv",
        2,
        "assessment",
        "iready_reading",
    )
    assert "assessments:" in error["message"] and "mcas_ela" in error["expected"]


def test_an_unknown_level_is_an_error_naming_the_setting_and_the_levels(tmp_path):
    run = with_results(
        tmp_path,
        f"0001,A,2026,interim_reading,fall,{FALL},7,480,At or above grade level",
        # A state test's level on the interim: a real level, but not this assessment's.
        f"0002,A,2026,interim_reading,fall,{FALL},7,480,Meeting Expectations",
    )
    (error,) = run.errors
    assert (error["rule"], error["row"], error["column_name"], error["value"]) == (
        "assessments_unknown_level",
        3,
        "performance_level",
        "Meeting Expectations",
    )
    assert "settings (assessments: levels)" in error["message"]
    assert "interim_reading (assessments: 3+ grade levels below; 2 grade levels below" in error["expected"]


def test_a_result_outside_enrollment_is_a_finding_not_an_error(tmp_path):
    # Student 0003 entered A on school day 21; 0004 left A after day 9 for B.
    run = with_results(
        tmp_path,
        f"0003,A,2026,interim_reading,fall,{DAYS[5]},6,480,At or above grade level",
        f"0004,A,2026,interim_reading,fall,{DAYS[12]},8,480,At or above grade level",
        f"0004,A,2026,interim_math,fall,{DAYS[3]},8,480,At or above grade level",
    )
    assert run.errors == []
    found = [(f["rule"], f["row"]) for f in run.findings if f["extract"] == "assessments"]
    assert found == [("assessments_outside_enrollment", 2), ("assessments_outside_enrollment", 3)]


def test_a_date_outside_the_rows_school_year_and_a_future_date_are_errors(tmp_path):
    run = with_results(
        tmp_path,
        f"0001,A,2025,interim_reading,spring,{FALL},7,480,At or above grade level",
        "0002,A,2026,interim_reading,winter,2025-12-10,7,480,At or above grade level",
    )
    rules = sorted((e["rule"], e["row"]) for e in run.errors)
    assert ("assessments_date_outside_year", 2) in rules and ("future_date", 3) in rules


def test_a_repeated_result_with_a_different_level_is_a_duplicate_key(tmp_path):
    run = with_results(
        tmp_path,
        f"0001,A,2026,interim_reading,fall,{FALL},7,480,At or above grade level",
        f"0001,A,2026,interim_reading,fall,{FALL},7,480,1 grade level below",
    )
    assert [e["rule"] for e in run.errors] == ["duplicate_key"]


GOOD = {
    "id": "star",
    "label": "STAR",
    "subject": "ela",
    "kind": "interim",
    "levels": ["Low", "High"],
    "meeting": ["High"],
}


@pytest.mark.parametrize(
    ("change", "where", "found"),
    [
        ({"kind": "quarterly"}, "assessments[1] (star).kind", "quarterly"),
        ({"meeting": ["Top"]}, "assessments[1] (star).meeting", "Top"),
        ({"levels": []}, "assessments[1] (star).levels", "[]"),
        ({"levels": ["Low", "Low"]}, "assessments[1] (star).levels", "['Low', 'Low']"),
        ({"id": "STAR Reading"}, "assessments[1].id", "STAR Reading"),
        ({"label": ""}, "assessments[1] (star).label", ""),
    ],
)
def test_an_unusable_assessment_setting_names_its_entry_and_key(change, where, found):
    with pytest.raises(InputProblem) as raised:
        parse_assessments([{**GOOD, **change}])
    (problem,) = raised.value.problems
    assert (problem.file, problem.value) == (f"settings: {where}", found)


def test_an_assessment_listed_twice_and_a_bad_sgp_minimum_stop_the_run(tmp_path):
    with pytest.raises(InputProblem, match="an id is listed twice"):
        parse_assessments([GOOD, GOOD])
    (tmp_path / "roadmap.yaml").write_text("academics:\n  min_sgp_students: twenty\n")
    with pytest.raises(InputProblem, match="academics.min_sgp_students"):
        load_settings(None, tmp_path)


def test_a_zone_replaces_the_list_with_its_own_assessments(tmp_path):
    (tmp_path / "roadmap.yaml").write_text(
        "assessments:\n  - {id: star, label: STAR, subject: ela, kind: interim, levels: [Low, High], meeting: [High]}\n"
    )
    (star,) = load_settings(None, tmp_path).assessments
    assert (star.id, star.levels, star.meeting, star.meeting_label) == (
        "star",
        ("Low", "High"),
        ("High",),
        "meeting expectations",
    )
