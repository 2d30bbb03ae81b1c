"""The assessment files districts download, read through their bundled profiles into the assessments extract.

Fixtures (tests/fixtures/assessment_files/README.md) are in the real layouts;
every expected row below is worked out by hand from the fixture's cells and
the choices the profiles document (docs/sources.md, "Assessment files"):

* MCAS: a student's subjects side by side give one row per subject tested;
  E/M/PM/NM and the legacy A/P/NI/W on the settings' levels, MCAS-Alt EMG on
  Not Meeting; DNT and PAS (passed in an earlier year) and an empty level give
  no row; the school's DESE code looked up in schools.state_school_id (S01
  02810510, S02 02810328); test_date May 1 of the school year.
* MAP: TermName gives administration and school year; Subject | Course the
  assessment (science and language usage skipped); the percentile the level
  (below 11: 3+ below, below 21: 2 below, below 41: 1 below, else at or above);
  the growth flag of the row's term.
* Star: the file's name gives the subject; benchmark categories the level;
  the fall-to-winter or fall-to-spring SGP of 35 or more typical growth.
* i-Ready: the completion month the administration; the placement the level;
  progress to annual typical growth of 100% or more at spring met.
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from collections import defaultdict
from pathlib import Path

import duckdb
import pytest
from sources_harness import build, marts

from sezp_roadmap.cli import main
from sezp_roadmap.errors import InputProblem
from sezp_roadmap.sample import write_sample_zone
from sezp_roadmap.sources import load_profile
from sezp_roadmap.sources.convert import convert

FIXTURES = Path(__file__).parent / "fixtures" / "assessment_files"
HEADER = (
    "student_id,school_id,school_year,assessment,administration,test_date,grade,scale_score,performance_level,"
    "percentile,typical_growth_met"
)
AT, BELOW1, BELOW2, BELOW3 = (
    "At or above grade level",
    "1 grade level below",
    "2 grade levels below",
    "3+ grade levels below",
)


def landing(tmp_path: Path, vendor: str, *extra: Path) -> Path:
    """A landing folder with the vendor's fixture files and the schools extract they are looked up in."""
    folder = tmp_path / "landing"
    folder.mkdir()
    shutil.copy(FIXTURES / "schools.csv", folder)
    for path in sorted((FIXTURES / vendor).glob("*.csv")):
        shutil.copy(path, folder)
    for path in extra:
        shutil.copy(path, folder)
    return folder


def converted(folder: Path, profile: str, tmp_path: Path) -> dict[str, list[str]]:
    """The canonical CSVs the profile writes, by file name (every problem fails the test)."""
    out = tmp_path / "out"
    out.mkdir()
    conversion = convert(folder, load_profile(profile), out)
    assert conversion.all_problems == []
    return {p.name: p.read_text(encoding="utf-8").splitlines() for p in sorted(out.glob("*.csv"))}


def problems(folder: Path, profile: str):
    return convert(folder, load_profile(profile), None).all_problems


def rewrite(path: Path, old: str, new: str, count: int = -1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, count), encoding="utf-8")


# --- MCAS -------------------------------------------------------------------------------------------


def test_mcas_gives_one_row_per_subject_tested_in_each_years_layout(tmp_path):
    files = converted(landing(tmp_path, "mcas"), "mcas", tmp_path)
    header = "student_id,school_id,school_year,assessment,administration,test_date,grade,scale_score,performance_level"
    official = "assessments__MCAS2025_spring_official_02810000"
    assert files[f"{official}__ela.csv"] == [
        header + ",growth_percentile",
        "1001001001,S02,2025,mcas_ela,spring,2025-05-01,8,531,Exceeding Expectations,72",
        # New to the state: no growth percentile.
        "1001001002,S02,2025,mcas_ela,spring,2025-05-01,8,455,Not Meeting Expectations,",
        "1001001003,S01,2025,mcas_ela,spring,2025-05-01,10,512,Meeting Expectations,50",
    ]
    assert files[f"{official}__math.csv"] == [
        header + ",growth_percentile",
        "1001001001,S02,2025,mcas_math,spring,2025-05-01,8,489,Partially Meeting Expectations,35",
        # Student two: DNT (did not test), no row. Student three: MCAS-Alt (EMG), no scaled score.
        "1001001003,S01,2025,mcas_math,spring,2025-05-01,10,,Not Meeting Expectations,",
    ]
    # Student two: no science level; student three: PAS, passed in an earlier year.
    assert files[f"{official}__science.csv"] == [
        header,
        "1001001001,S02,2025,mcas_science,spring,2025-05-01,8,505,Meeting Expectations",
    ]
    # Legacy levels: Advanced, Needs Improvement, Warning.
    legacy = "assessments__MCAS_Spring2019_official_02810000"
    assert [files[f"{legacy}__{s}.csv"][1] for s in ("ela", "math", "science")] == [
        "1001001004,S01,2019,mcas_ela,spring,2019-05-01,10,262,Exceeding Expectations,61",
        "1001001004,S01,2019,mcas_math,spring,2019-05-01,10,236,Partially Meeting Expectations,40",
        "1001001004,S01,2019,mcas_science,spring,2019-05-01,10,214,Not Meeting Expectations",
    ]
    # The preliminary file has no scaled scores and no growth percentiles: levels only.
    preliminary = "assessments__MCAS2026_spring_preliminary_02810000"
    assert [files[f"{preliminary}__{s}.csv"] for s in ("ela", "math", "science")] == [
        [header, "1001001005,S02,2026,mcas_ela,spring,2026-05-01,6,,Partially Meeting Expectations"],
        [header, "1001001005,S02,2026,mcas_math,spring,2026-05-01,6,,Meeting Expectations"],
        [header],
    ]


def test_mcas_counts_the_rows_it_leaves_out(tmp_path):
    conversion = convert(landing(tmp_path, "mcas"), load_profile("mcas"), None)
    left_out = {f.group: dict(f.left_out) for f in conversion.files if f.name.startswith("MCAS2025")}
    assert left_out == {
        "ela": {},
        "math": {"performance_level DNT (skip)": 1},
        "science": {"no result in the columns of science": 1, "performance_level PAS (skip)": 1},
    }
    assert conversion.rows_per_extract() == {"assessments": 6 + 3 + 2}


def test_an_unknown_mcas_level_is_named_with_its_count_and_the_line_to_add(tmp_path):
    folder = landing(tmp_path, "mcas")
    path = folder / "MCAS2025_spring_official_02810000.csv"
    rewrite(path, ",PM,PM,", ",XP,PM,")  # math of student one
    rewrite(path, ",NM,NM,", ",XP,NM,")  # ELA of student two
    (problem,) = problems(folder, "mcas")
    # The ELA group is read first: student two's row 3, then student one's math on row 2.
    assert (problem.file, problem.row, problem.value) == ("MCAS2025_spring_official_02810000.csv", 3, "XP")
    assert problem.column == "eperflev"
    assert "2 rows: rows 3, 2" in problem.message
    assert "`extracts: mcas: values: performance_level:`" in problem.expected
    assert '"XP": <one of that assessment\'s levels in the settings' in problem.expected


def test_an_mcas_school_code_no_school_has_is_named_with_the_file_to_fix(tmp_path):
    folder = landing(tmp_path, "mcas")
    rewrite(folder / "MCAS2025_spring_official_02810000.csv", "02810510", "02819999")
    (problem,) = problems(folder, "mcas")
    assert (problem.file, problem.column, problem.value) == (
        "MCAS2025_spring_official_02810000.csv",
        "testschoolcode",
        "02819999",
    )
    assert "state_school_id" in problem.message and "2 rows" in problem.message
    assert "schools" in problem.expected


def test_an_mcas_file_without_the_state_id_column_stops_with_the_column_named(tmp_path):
    folder = landing(tmp_path, "mcas")
    rewrite(folder / "MCAS2026_spring_preliminary_02810000.csv", ",sasid,", ",student_code,", 1)
    (problem,) = problems(folder, "mcas")
    assert problem.file == "MCAS2026_spring_preliminary_02810000.csv" and problem.row == 1
    assert "student_id" in problem.message and "sasid" in problem.expected


# --- NWEA MAP ---------------------------------------------------------------------------------------


def test_map_combined_data_file(tmp_path):
    files = converted(landing(tmp_path, "nwea-map"), "nwea-map", tmp_path)
    assert files["assessments__ComboStudentAssessment.csv"] == [
        HEADER,
        f"1001001001,S02,2026,interim_math,fall,2025-09-16,8,221,{AT},57,",
        # Winter: percentile 40 is below 41; the fall-to-winter flag Yes.
        f"1001001001,S02,2026,interim_math,winter,2026-01-12,8,226,{BELOW1},40,Y",
        # Spring: percentile 10 is below 11; the fall-to-spring flag No (the fall-to-winter Yes is not spring's).
        f"1001001001,S02,2026,interim_math,spring,2026-05-20,8,219,{BELOW3},10,N",
        # Language Arts with a Reading course is reading; percentile 20 is below 21. Science and Language Usage: no rows.
        f"1001001002,S01,2026,interim_reading,fall,2025-09-17,6,201,{BELOW2},20,",
    ]


def test_map_keeps_the_event_nwea_uses_for_the_term_and_counts_the_rest(tmp_path):
    conversion = convert(landing(tmp_path, "nwea-map"), load_profile("nwea-map"), None)
    (report,) = conversion.files
    # The winter retest of 1/20/2026 (GrowthMeasureYN FALSE); science and language usage are skipped.
    assert dict(report.left_out) == {
        "GrowthMeasureYN is not 1 or TRUE or True or Y or Yes or true (keep_rows)": 1,
        "assessment Science | Science 6+ (skip)": 1,
        "assessment Language Arts | Language Usage 6+ (skip)": 1,
    }
    assert (report.rows, report.written) == (7, 4)


def test_an_older_map_file_names_subject_and_course_discipline_and_measurement_scale(tmp_path):
    folder = landing(tmp_path, "nwea-map")
    rewrite(folder / "ComboStudentAssessment.csv", ",Subject,Course,", ",Discipline,MeasurementScale,", 1)
    files = converted(folder, "nwea-map", tmp_path)
    assessments = [line.split(",")[3] for line in files["assessments__ComboStudentAssessment.csv"][1:]]
    assert assessments == ["interim_math"] * 3 + ["interim_reading"]


def test_a_map_file_without_school_state_ids_names_its_schools(tmp_path):
    folder = landing(tmp_path, "nwea-map")
    rewrite(folder / "ComboStudentAssessment.csv", ",School_StateID,", ",SchoolNumber,", 1)
    files = converted(folder, "nwea-map", tmp_path)
    schools = [line.split(",")[1] for line in files["assessments__ComboStudentAssessment.csv"][1:]]
    assert schools == ["S02", "S02", "S02", "S01"]


def test_a_map_summer_term_is_left_out_and_counted(tmp_path):
    folder = landing(tmp_path, "nwea-map")
    rewrite(folder / "ComboStudentAssessment.csv", "Fall 2025-2026,", "Summer 2025,", 1)
    conversion = convert(folder, load_profile("nwea-map"), None)
    assert conversion.all_problems == []
    (report,) = conversion.files
    assert report.left_out["administration Summer (skip)"] == 1 and report.written == 3


def test_an_unknown_map_subject_and_term_are_named_with_the_lines_to_add(tmp_path):
    folder = landing(tmp_path, "nwea-map")
    path = folder / "ComboStudentAssessment.csv"
    rewrite(path, "Mathematics,Math 6+", "Social Studies,Civics", 1)
    rewrite(path, "Winter 2025-2026", "Midyear 2025-2026")
    found = {p.value: p for p in problems(folder, "nwea-map")}
    assert set(found) == {"Social Studies | Civics", "Midyear"}
    subject, term = found["Social Studies | Civics"], found["Midyear"]
    assert subject.column == "Subject | Course" and subject.row == 2 and "1 row" in subject.message
    assert "`extracts: nwea_map: values: assessment:`" in subject.expected
    assert '"Social Studies | Civics": <an assessment id of the settings' in subject.expected
    assert term.column == "TermName" and term.row == 3
    assert (
        "`extracts: nwea_map: values: administration:`" in term.expected and "fall | winter | spring" in term.expected
    )


def test_a_map_percentile_no_band_takes_is_named(tmp_path):
    folder = landing(tmp_path, "nwea-map")
    rewrite(folder / "ComboStudentAssessment.csv", ",221,,57,", ",221,,n/a,", 1)
    (problem,) = problems(folder, "nwea-map")
    assert (problem.column, problem.value, problem.row) == ("TestPercentile", "n/a", 2)
    assert "bands: performance_level:" in problem.expected


def test_the_percentile_bands_are_data_a_district_profile_changes(tmp_path):
    """A district that counts the 50th percentile and above as on grade level says so in its own profile."""
    folder = landing(tmp_path, "nwea-map")
    (folder / "roadmap-profile.yaml").write_text(
        "base: nwea-map\n"
        "extracts:\n"
        "  nwea_map:\n"
        "    bands:\n"
        "      performance_level:\n"
        "        - {below: 25, value: 2 grade levels below}\n"
        "        - {below: 50, value: 1 grade level below}\n"
        "        - {value: At or above grade level}\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    out.mkdir()
    profile = load_profile(folder / "roadmap-profile.yaml")
    assert convert(folder, profile, out).all_problems == []
    levels = [
        line.split(",")[8] for line in (out / "assessments__ComboStudentAssessment.csv").read_text().splitlines()[1:]
    ]
    assert levels == [AT, BELOW1, BELOW2, BELOW2]  # percentiles 57, 40, 10, 20


# --- Renaissance Star -------------------------------------------------------------------------------


def test_star_reading_and_math_exports(tmp_path):
    files = converted(landing(tmp_path, "renaissance-star"), "renaissance-star", tmp_path)
    assert files["assessments__SR_v2.csv"] == [
        HEADER,
        f"1001001001,S02,2026,interim_reading,fall,2025-09-15,8,612,{AT},45,",
        # Fall-to-winter SGP 34: below Renaissance's typical growth (35).
        f"1001001001,S02,2026,interim_reading,winter,2026-01-13,8,598,{BELOW1},30,N",
        f"1001001002,S02,2026,interim_reading,spring,2026-05-12,6,455,{BELOW2},12,Y",
        # The progress-monitoring test of 2026-02-20 (no screening window) gives no row.
    ]
    assert files["assessments__SM_v2.csv"] == [
        HEADER,
        f"1001001003,S01,2026,interim_math,fall,2025-09-22,10,700,{BELOW3},5,",
    ]


def test_an_unknown_star_benchmark_category_is_named(tmp_path):
    folder = landing(tmp_path, "renaissance-star")
    rewrite(folder / "SM_v2.csv", "Urgent Intervention", "Needs Review")
    (problem,) = problems(folder, "renaissance-star")
    assert (problem.file, problem.column, problem.value) == (
        "SM_v2.csv",
        "RenaissanceBenchmarkCategoryName",
        "Needs Review",
    )
    assert "`extracts: renaissance_star: values: performance_level:`" in problem.expected


# --- i-Ready ----------------------------------------------------------------------------------------


def test_iready_diagnostic_results(tmp_path):
    files = converted(landing(tmp_path, "iready"), "iready", tmp_path)
    assert files["assessments__diagnostic_results_math.csv"] == [
        HEADER,
        f"1001001001,S02,2026,interim_math,fall,2025-09-11,8,470,{BELOW1},38,",
        # Winter: 65% of annual typical growth is no flag yet (the measure is annual).
        f"1001001001,S02,2026,interim_math,winter,2026-01-14,8,481,{AT},52,",
        f"1001001001,S02,2026,interim_math,spring,2026-05-19,8,488,{AT},61,Y",
        f"1001001002,S02,2026,interim_math,spring,2026-05-18,6,430,{BELOW3},4,N",
    ]


def test_an_unknown_iready_placement_is_named(tmp_path):
    folder = landing(tmp_path, "iready")
    rewrite(folder / "diagnostic_results_math.csv", "Early On Grade Level", "Emerging K")
    (problem,) = problems(folder, "iready")
    assert (problem.row, problem.column, problem.value) == (3, "Overall Placement", "Emerging K")
    assert '"Emerging K": ' in problem.expected


# --- The format -------------------------------------------------------------------------------------


def test_a_vendor_key_naming_no_field_is_a_profile_mistake(tmp_path):
    from sezp_roadmap.sources.profile import parse_profile

    with pytest.raises(InputProblem) as failed:
        parse_profile(
            "extracts:\n"
            "  vendor:\n"
            "    extract: assessments\n"
            "    files: ['*.csv']\n"
            "    constants: {administration: spring, subject: math}\n"
            "    bands: {percentile: [{below: 10, value: x}]}\n"
            "    values: {percentile: {a: b}}\n"
            "    day_in_year: {test_date: May 1}\n",
            "district.yaml",
        )
    keys = sorted(p.file for p in failed.value.problems)
    assert keys == [
        "district.yaml: extracts.vendor.bands.percentile",
        "district.yaml: extracts.vendor.constants.subject",
        "district.yaml: extracts.vendor.day_in_year.test_date",
    ]


def test_an_iready_school_name_no_school_has_is_named(tmp_path):
    folder = landing(tmp_path, "iready")
    rewrite(folder / "diagnostic_results_math.csv", "Maple Ridge Middle School", "Maple Ridge MS")
    (problem,) = problems(folder, "iready")
    assert (problem.column, problem.value) == ("School", "Maple Ridge MS")
    assert "school_name" in problem.message and "4 rows" in problem.message
    assert "school_name" in problem.expected


def test_bundled_profiles_join_with_commas_and_keep_each_entry():
    profile = load_profile("aspen-x2,mcas,nwea-map")
    assert profile.base == "aspen-x2,mcas,nwea-map"
    assert {name: spec.extract for name, spec in profile.extracts.items() if spec.extract == "assessments"} == {
        "mcas": "assessments",
        "nwea_map": "assessments",
    }
    assert "enrollment" in profile.extracts


def test_profile_check_lists_a_vendor_file(tmp_path, capsys):
    folder = landing(tmp_path, "nwea-map")
    assert main(["profile", "check", "--data", str(folder), "--profile", "nwea-map"]) == 0
    out = capsys.readouterr().out
    assert "ComboStudentAssessment.csv -> assessments: 7 rows read, 4 assessments rows" in out
    assert "Subject | Course" in out and "FallToWinterMetProjectedGrowth / FallToSpringMetProjectedGrowth" in out


# --- A build: MCAS and MAP feed the Academics section -----------------------------------------------

MCAS_CODES = {
    "Not Meeting Expectations": "NM",
    "Partially Meeting Expectations": "PM",
    "Meeting Expectations": "M",
    "Exceeding Expectations": "E",
}
MCAS_SUBJECTS = {"mcas_ela": "e", "mcas_math": "m", "mcas_science": "s"}


def _level_of(percentile: int) -> str:
    """The nwea-map profile's default bands, written out again."""
    return BELOW3 if percentile < 11 else BELOW2 if percentile < 21 else BELOW1 if percentile < 41 else AT


def _header(path: Path) -> list[str]:
    with open(path, encoding="utf-8", newline="") as handle:
        return next(csv.reader(handle))


def _read(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _write(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, header, restval="", lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)


def _dress(canonical: Path, out: Path) -> None:
    """The zone's assessments as DESE's MCAS files (one per year) and a MAP Combined Data File."""
    codes = {r["school_id"]: r["state_school_id"] for r in _read(canonical / "schools.csv")}
    mcas_header = _header(FIXTURES / "mcas" / "MCAS2025_spring_official_02810000.csv")
    map_header = _header(FIXTURES / "nwea-map" / "ComboStudentAssessment.csv")
    wide: dict[str, dict[tuple, dict[str, str]]] = defaultdict(dict)
    events = []
    for r in _read(canonical / "assessments.csv"):
        if r["assessment"] in MCAS_SUBJECTS:
            key = (r["student_id"], r["school_id"], r["grade"])
            row = wide[r["school_year"]].setdefault(
                key,
                {
                    "adminyear": r["school_year"],
                    "sasid": r["student_id"],
                    "testschoolcode": codes[r["school_id"]],
                    "grade": r["grade"].zfill(2),
                    **{c: " " for c in mcas_header if c.endswith("perflev")},
                },
            )
            s = MCAS_SUBJECTS[r["assessment"]]
            row[f"{s}perflev"] = MCAS_CODES[r["performance_level"]]
            row[f"{s}scaleds"] = r["scale_score"]
            if s != "s":
                row[f"{s}sgp"] = r["growth_percentile"] or " "
        else:
            year = int(r["school_year"])
            day = dt.date.fromisoformat(r["test_date"])
            flag = {"Y": "Yes", "N": "No", "": ""}[r["typical_growth_met"]]
            events.append(
                {
                    "TermName": f"{r['administration'].title()} {year - 1}-{year}",
                    "GrowthMeasureYN": "TRUE",
                    "School_StateID": codes[r["school_id"]],
                    "StudentID": "L" + r["student_id"],
                    "Student_StateID": r["student_id"],
                    "Grade": r["grade"],
                    "Subject": "Mathematics" if r["assessment"] == "interim_math" else "Language Arts",
                    "Course": "Math 6+" if r["assessment"] == "interim_math" else "Reading 6+",
                    "TestStartDate": f"{day.month}/{day.day}/{day.year}",
                    "TestRITScore": r["scale_score"],
                    "TestPercentile": r["percentile"],
                    "FallToWinterMetProjectedGrowth": flag if r["administration"] == "winter" else "",
                    "FallToSpringMetProjectedGrowth": flag if r["administration"] == "spring" else "",
                }
            )
    for year, rows in wide.items():
        _write(out / f"MCAS{year}_spring_official_02810000.csv", mcas_header, list(rows.values()))
    _write(out / "ComboStudentAssessment.csv", map_header, events)


@pytest.fixture(scope="module")
def zones(tmp_path_factory) -> tuple[Path, Path]:
    """(the zone with its assessments as the profiles read them, the zone with DESE's and NWEA's files instead)."""
    root = tmp_path_factory.mktemp("assessment_files")
    write_sample_zone(root / "zone", schools=2, students=200)
    expected, dressed = root / "expected", root / "dressed"
    shutil.copytree(root / "zone", expected)
    shutil.copytree(root / "zone", dressed)
    (dressed / "assessments.csv").unlink()
    _dress(root / "zone", dressed)
    (dressed / "roadmap-profile.yaml").write_text("base: [mcas, nwea-map]\n", encoding="utf-8")
    # What the profiles' documented choices make of the same results: MCAS dated May 1, interim levels by bands.
    rows = _read(root / "zone" / "assessments.csv")
    for r in rows:
        if r["assessment"] in MCAS_SUBJECTS:
            r["test_date"] = f"{r['school_year']}-05-01"
        else:
            r["performance_level"] = _level_of(int(r["percentile"]))
    _write(expected / "assessments.csv", list(rows[0]), rows)
    return expected, dressed


@pytest.mark.bench
def test_mcas_and_map_files_feed_the_academics_section(zones, tmp_path):
    expected, dressed = zones
    want = marts(build(expected, tmp_path / "expected"))
    loc = build(dressed, tmp_path / "dressed")
    got = marts(loc)
    assert set(got) == set(want)
    for table, rows in want.items():
        assert rows, table
        assert got[table] == rows, table
    with duckdb.connect(str(loc.working_warehouse), read_only=True) as con:
        academics = con.execute(
            "select count(*) from marts.metric_values where metric like 'meeting\\_rate:%' escape '\\' "
            "and value is not null"
        ).fetchone()[0]
        assert academics > 0
        metrics = {r[0] for r in con.execute("select distinct metric from marts.metric_values").fetchall()}
        assert {"meeting_rate:mcas_ela", "meeting_rate:interim_math"} <= metrics
        files = {r[0] for r in con.execute("select distinct _source_file from staging.assessments").fetchall()}
        assert "ComboStudentAssessment.csv" in files and any(f.startswith("MCAS") for f in files)
