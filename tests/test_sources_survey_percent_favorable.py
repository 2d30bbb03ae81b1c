"""The bundled survey-percent-favorable profile: a vendor's family survey results, hand-checked to the marts.

The tiny zone (schools A Alpha Middle, B Beta High; as of 2025-10-31) with a
Panorama-style export that names schools by name, writes the percent with its
sign and hides a small topic with a dash:

  Fall 2025    A Communication 72% of 25 -> 18 / 25      B Communication 55.5 % of 20 -> 11.1 / 20
  Spring 2026  A Communication 80% of 30 -> 24 / 30      A Overall 75% of 32 -> 24 / 32
               B Communication — of 3 (hidden by the vendor: no row, counted)
               B School Safety 64% of 25 -> 16 / 25
  mid_year (fall):      A 72, B 55.5, ZONE (18 + 11.1) / 45
  end_of_year (spring): A Communication 80, A Overall 75, B School Safety 64; the zone the same
"""

from __future__ import annotations

import re

import duckdb
import pytest
from ingest_zone import ORDER
from test_pipeline import write_tiny_zone

from sezp_roadmap import sources, stages
from sezp_roadmap.config import load_settings
from sezp_roadmap.errors import InputProblem
from sezp_roadmap.validation.run import check_extracts

EXPORT = "Panorama_Family_Survey_Results.csv"
HEADER = "School Name,School Year,Survey Administration,Topic,Percent Favorable,Number of Respondents\n"
ROWS = (
    "Alpha Middle,2025-2026,Fall 2025,Communication,72%,25\n"
    "Beta High,2025-2026,Fall 2025,Communication,55.5 %,20\n"
    "Alpha Middle,2025-2026,Spring 2026,Communication,80%,30\n"
    "Alpha Middle,2025-2026,Spring 2026,Overall,75%,32\n"
    "Beta High,2025-2026,Spring 2026,Communication,—,3\n"
    "Beta High,2025-2026,Spring 2026,School Safety,64%,25\n"
)
TOPIC = "family_vendor_favorable:communication"


def landing(tmp_path, rows: str = ROWS, header: str = HEADER):
    folder = write_tiny_zone(tmp_path / "landing")
    # As the vendor's site downloads it: UTF-8 with a byte-order mark.
    (folder / EXPORT).write_bytes(("\ufeff" + header + rows).encode("utf-8"))
    return folder


def test_the_export_becomes_the_summary_extract(tmp_path):
    work, conversion = sources.prepare(landing(tmp_path), "survey-percent-favorable", tmp_path / "work")
    canonical = "family_survey_summary__Panorama_Family_Survey_Results.csv"
    assert (work / canonical).read_text().splitlines() == [
        "school_id,school_year,administration,topic,percent_favorable,respondents",
        "A,2026,fall,Communication,72,25",
        "B,2026,fall,Communication,55.5,20",
        "A,2026,spring,Communication,80,30",
        "A,2026,spring,Overall,75,32",
        "B,2026,spring,School Safety,64,25",
    ]
    (report,) = conversion.files
    assert (report.rows, report.written) == (6, 5)
    assert dict(report.left_out) == {"percent_favorable — (skip)": 1}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The tiny zone with the export, built through the profile from the command line (about 8 s)."""
    from sezp_roadmap.cli import main

    root = tmp_path_factory.mktemp("survey_percent_favorable")
    folder = landing(root)
    args = ["--data", str(folder), "--warehouse", str(root / "wh.duckdb"), "--reports", str(root / "out")]
    assert main(["build", *args, "--profile", "survey-percent-favorable"]) == 0
    return root


@pytest.mark.bench  # a build from the command line
def test_the_vendors_figures_reach_the_marts_cell_for_cell(built):
    with duckdb.connect(str(built / "wh.duckdb"), read_only=True) as con:
        rows = con.execute(
            "select school_id, period, metric, n, round(numerator, 9), denominator, round(value, 9), suppressed "
            "from marts.metric_values where metric like 'family%' order by all"
        ).fetchall()
    overall = "family_vendor_favorable"
    safety = "family_vendor_favorable:school_safety"
    assert rows == [
        ("A", "end_of_year", overall, 32, 24.0, 32.0, 75.0, False),
        ("A", "end_of_year", TOPIC, 30, 24.0, 30.0, 80.0, False),
        ("A", "mid_year", TOPIC, 25, 18.0, 25.0, 72.0, False),
        ("B", "end_of_year", safety, 25, 16.0, 25.0, 64.0, False),
        ("B", "mid_year", TOPIC, 20, 11.1, 20.0, 55.5, False),
        ("ZONE", "end_of_year", overall, 32, 24.0, 32.0, 75.0, False),
        ("ZONE", "end_of_year", TOPIC, 30, 24.0, 30.0, 80.0, False),
        ("ZONE", "end_of_year", safety, 25, 16.0, 25.0, 64.0, False),
        ("ZONE", "mid_year", TOPIC, 45, 29.1, 45.0, round(100 * 29.1 / 45, 9), False),
    ]


def test_an_administration_the_profile_does_not_map_is_named_with_the_line_to_add(tmp_path):
    rows = ROWS + "Alpha Middle,2025-2026,Summer 2026,Communication,70%,12\n"
    with pytest.raises(InputProblem) as failed:
        sources.prepare(landing(tmp_path, rows), "survey-percent-favorable", tmp_path / "work")
    (problem,) = failed.value.problems
    assert (problem.file, problem.row, problem.column, problem.value) == (EXPORT, 8, "Survey Administration", "Summer")
    assert "the profile maps no value 'Summer' of administration (1 row: row 8)" in problem.message
    assert '"Summer": fall | winter | spring' in problem.expected
    assert "extracts: family_survey_summary: values: administration:" in problem.expected


def test_a_percent_that_is_no_number_is_named(tmp_path):
    rows = ROWS + "Alpha Middle,2025-2026,Fall 2025,School Safety,seventy,12\n"
    with pytest.raises(InputProblem) as failed:
        sources.prepare(landing(tmp_path, rows), "survey-percent-favorable", tmp_path / "work")
    (problem,) = failed.value.problems
    assert (problem.file, problem.row, problem.column, problem.value) == (EXPORT, 8, "Percent Favorable", "seventy")
    assert "the profile's pattern of percent_favorable does not read this value (1 row: row 8)" in problem.message


def test_a_percent_above_100_is_named_in_the_vendors_words(tmp_path):
    folder = landing(tmp_path, ROWS + "Beta High,2025-2026,Fall 2025,School Safety,120%,12\n")
    loc = stages.Locations(folder, tmp_path / "wh.duckdb", tmp_path / "out", "survey-percent-favorable")
    settings = load_settings(None, folder)
    stages.prepare_landing(loc)
    stages.ingest_extracts(loc, list(ORDER), settings)
    outcome = check_extracts(loc.working_warehouse, list(ORDER), settings)
    (problem,) = outcome["family_survey_summary"].errors
    assert (problem.file, problem.row, problem.column, problem.value) == (EXPORT, 8, "Percent Favorable", "120")
    assert "out of range" in problem.message
    assert problem.expected == "a number from 0 to 100"


def test_a_school_name_no_school_has_is_named(tmp_path):
    rows = ROWS + "Gamma Academy,2025-2026,Fall 2025,Communication,70%,12\n"
    with pytest.raises(InputProblem) as failed:
        sources.prepare(landing(tmp_path, rows), "survey-percent-favorable", tmp_path / "work")
    (problem,) = failed.value.problems
    assert (problem.file, problem.row, problem.column, problem.value) == (EXPORT, 8, "School Name", "Gamma Academy")
    assert "no school of the schools extract has this school_id or school_name" in problem.message


def test_a_school_id_column_is_read_as_the_schools_id(tmp_path):
    header = "School ID," + HEADER
    rows = "".join(("A," if line.startswith("Alpha") else "B,") + line + "\n" for line in ROWS.splitlines())
    work, _ = sources.prepare(landing(tmp_path, rows, header), "survey-percent-favorable", tmp_path / "work")
    lines = (work / "family_survey_summary__Panorama_Family_Survey_Results.csv").read_text().splitlines()
    assert [line.split(",")[0] for line in lines[1:]] == ["A", "B", "A", "A", "B"]


def test_a_two_digit_school_year_is_named_with_the_pattern(tmp_path):
    with pytest.raises(InputProblem) as failed:
        sources.prepare(
            landing(tmp_path, ROWS.replace("2025-2026", "2025-26")), "survey-percent-favorable", tmp_path / "w"
        )
    (problem,) = failed.value.problems
    assert (problem.column, problem.value) == ("School Year", "2025-26")
    assert "5 rows" in problem.message  # the row the vendor hid is left out before it is read


@pytest.mark.bench  # a build from the command line
def test_the_school_page_shows_the_vendors_figures_and_says_what_their_range_assumes(built):
    page = (built / "out" / "2026" / "end_of_year" / "A.html").read_text()
    climate = page[page.index('id="climate"') : page.index('id="sqr"')]
    assert "Family survey: the vendor&#39;s percent favorable by topic" in climate
    # The overall figure the vendor gave, and the topic, each with its respondents and Wilson range.
    assert re.search(r"All questions</th>\s*<td>32</td>\s*<td>75\.0% \(range 57\.9–86\.7\)</td>", climate)
    assert re.search(r"Communication</th>\s*<td>30</td>\s*<td>80\.0% \(range 62\.7–90\.5\)</td>", climate)
    assert "counts every family who answered the topic as one yes-or-no answer. That is an approximation" in climate
    # Inside the folded detail, under its summary.
    assert climate.index("<details") < climate.index("the vendor&#39;s percent favorable")
    # B's page: only the topic B's spring report gave; the topic the vendor hid is not there.
    b_page = (built / "out" / "2026" / "end_of_year" / "B.html").read_text()
    b_climate = b_page[b_page.index('id="climate"') : b_page.index('id="sqr"')]
    assert re.search(r"School Safety</th>\s*<td>25 \(small group: a clue, not a finding\)</td>\s*<td>64\.0%", b_climate)
    assert "Communication</th>" not in b_climate
