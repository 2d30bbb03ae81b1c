"""Ed-Fi in: interchange XML and API JSON read into the canonical extracts.

The Grand Bend files under tests/fixtures/edfi_grand_bend/ are the Ed-Fi
Alliance's fictional sample district (Apache-2.0, see the LICENSE and
NOTICE.md beside them), gzipped.
"""

from __future__ import annotations

import gzip
import json
import shutil
import threading
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import duckdb
import pytest

from sezp_roadmap.errors import InputProblem
from sezp_roadmap.sources import direct as sources
from sezp_roadmap.sources.edfi.canonical import code_value, convert
from sezp_roadmap.sources.edfi.pull import Api, pull, write_resources
from sezp_roadmap.sources.edfi.resources import read_folder

GRAND_BEND = Path(__file__).parent / "fixtures" / "edfi_grand_bend"
MARTS = ("metric_values", "metric_comparisons", "absence_bands", "monthly_attendance", "monthly_discipline")


def _build(landing: Path, root: Path, *extra: str) -> Path:
    from sezp_roadmap.cli import main

    warehouse = root / "wh.duckdb"
    args = ["--data", str(landing), "--warehouse", str(warehouse), "--reports", str(root / "out"), *extra]
    assert main(["build", *args]) == 0
    return warehouse


def _landing_with_settings(folder: Path) -> None:
    # The sample's school year is 2021-22: the data runs through its last day.
    (folder / "roadmap.yaml").write_text("as_of_date: 2022-06-30\n", encoding="utf-8")


@pytest.fixture(scope="module")
def grand_bend_xml(tmp_path_factory) -> tuple[Path, Path]:
    """The Grand Bend interchange files as a district has them (plain .xml), built: (landing, warehouse)."""
    root = tmp_path_factory.mktemp("grand_bend_xml")
    landing = root / "landing"
    landing.mkdir()
    for packed in GRAND_BEND.glob("*.xml.gz"):
        (landing / packed.name[: -len(".gz")]).write_bytes(gzip.decompress(packed.read_bytes()))
    _landing_with_settings(landing)
    return landing, _build(landing, root)


def _records(**resources) -> dict:
    return {
        name: [{**r, "_source": f"{name}.json, record {i}"} for i, r in enumerate(items, 1)]
        for name, items in resources.items()
    }


def _person(student: str, **fields) -> dict:
    return {
        "studentReference": {"studentUniqueId": student},
        "sexDescriptor": "uri://ed-fi.org/SexDescriptor#Female",
        **fields,
    }


def _spell(student: str, school: str = "100", entry: str = "2021-08-23", **fields) -> dict:
    return {
        "studentReference": {"studentUniqueId": student},
        "schoolReference": {"schoolId": school},
        "entryDate": entry,
        "entryGradeLevelDescriptor": "uri://ed-fi.org/GradeLevelDescriptor#Seventh grade",
        **fields,
    }


def _race_of(person: dict) -> str:
    rows = convert(
        _records(studentSchoolAssociations=[_spell("1")], studentEducationOrganizationAssociations=[person])
    ).extracts
    return rows["enrollment"][0]["race_ethnicity"]


RACE = "uri://ed-fi.org/RaceDescriptor#"


def test_the_federal_two_question_form_gives_the_dese_category():
    # Hispanic or Latino of any race is H, whatever races are also marked.
    assert _race_of(_person("1", hispanicLatinoEthnicity=True, races=[{"raceDescriptor": RACE + "White"}])) == "H"
    assert _race_of(_person("1", hispanicLatinoEthnicity="true", races=[])) == "H"
    # Not Hispanic: two or more races is multi-race, one race is that race.
    two = [{"raceDescriptor": RACE + "White"}, {"raceDescriptor": RACE + "Black - African American"}]
    assert _race_of(_person("1", hispanicLatinoEthnicity=False, races=two)) == "M"
    assert _race_of(_person("1", hispanicLatinoEthnicity=False, races=[{"raceDescriptor": RACE + "Asian"}])) == "A"
    # The same race twice is one race.
    twice = [{"raceDescriptor": RACE + "Asian"}, {"raceDescriptor": "Asian"}]
    assert _race_of(_person("1", hispanicLatinoEthnicity=False, races=twice)) == "A"


def test_an_unmapped_descriptor_is_named_with_its_count_and_the_setting_to_add():
    events = [
        {
            "studentReference": {"studentUniqueId": "1"},
            "schoolReference": {"schoolId": "100"},
            "eventDate": f"2021-09-0{day}",
            "attendanceEventCategoryDescriptor": "uri://ed-fi.org/AttendanceEventCategoryDescriptor#Excused Tardy",
        }
        for day in (1, 2, 3)
    ]
    records = _records(
        studentSchoolAssociations=[_spell("1")],
        studentEducationOrganizationAssociations=[_person("1", races=[{"raceDescriptor": RACE + "Martian"}])],
        studentSchoolAttendanceEvents=events,
    )
    with pytest.raises(InputProblem) as raised:
        convert(records)
    text = str(raised.value)
    assert "'Excused Tardy' has no entry in the 'attendance_events' map (3 records" in text
    assert 'edfi: {attendance_events: {"Excused Tardy": <the Roadmap\'s code>}}' in text
    assert "'Martian' has no entry in the 'races' map (1 record," in text
    # With the line added to the settings, the same records read.
    mapped = convert(records, maps={"attendance_events": {"Excused Tardy": "T"}, "races": {"Martian": "W"}})
    assert [r["code"] for r in mapped.extracts["attendance"]] == ["T", "T", "T"]


def test_descriptors_match_by_code_value_whatever_the_namespace_or_case():
    assert code_value("uri://ed-fi.org/GradeLevelDescriptor#Seventh grade") == "Seventh grade"
    assert code_value("uri://district.example/GradeLevelDescriptor#Seventh grade") == "Seventh grade"
    assert code_value("Seventh grade") == "Seventh grade"
    rows = convert(
        _records(
            studentSchoolAssociations=[
                _spell("1", entryGradeLevelDescriptor="uri://x/GradeLevelDescriptor#SEVENTH GRADE ")
            ],
            studentEducationOrganizationAssociations=[_person("1", races=[{"raceDescriptor": "White"}])],
        )
    ).extracts
    assert rows["enrollment"][0]["grade"] == "7"


def test_absence_durations_and_present_events():
    def event(category: str, duration=None, day="2021-09-01") -> dict:
        e = {
            "studentReference": {"studentUniqueId": "1"},
            "schoolReference": {"schoolId": "100"},
            "eventDate": day,
            "attendanceEventCategoryDescriptor": f"uri://ed-fi.org/AttendanceEventCategoryDescriptor#{category}",
        }
        return e if duration is None else {**e, "eventDuration": duration}

    records = _records(
        studentSchoolAssociations=[_spell("1")],
        studentEducationOrganizationAssociations=[_person("1", races=[{"raceDescriptor": "White"}])],
        studentSchoolAttendanceEvents=[
            event("Unexcused Absence", "1", "2021-09-01"),
            event("Excused Absence", "0.5", "2021-09-02"),  # half a day: the half-day code
            event("In Attendance", None, "2021-09-03"),  # present: not an exception, not read
            event("Tardy", None, "2021-09-06"),
        ],
    )
    rows = convert(records).extracts["attendance"]
    assert [(r["date"], r["code"]) for r in rows] == [("2021-09-01", "A"), ("2021-09-02", "AH"), ("2021-09-06", "T")]
    records["studentSchoolAttendanceEvents"].append(
        {**event("Excused Absence", "0.25", "2021-09-07"), "_source": "e, 9"}
    )
    with pytest.raises(InputProblem, match="neither a whole day"):
        convert(records)


def test_english_learners_disabilities_and_low_income_come_from_their_descriptors_and_programs():
    people = [
        _person(
            "1",
            races=[{"raceDescriptor": "White"}],
            limitedEnglishProficiencyDescriptor="uri://ed-fi.org/LimitedEnglishProficiencyDescriptor#Limited",
        ),
        _person(
            "2",
            races=[{"raceDescriptor": "White"}],
            limitedEnglishProficiencyDescriptor="Limited Monitored 1",
            studentCharacteristics=[
                {
                    "studentCharacteristicDescriptor": "uri://ed-fi.org/StudentCharacteristicDescriptor#Economic Disadvantaged"
                }
            ],
        ),
        _person("3", races=[{"raceDescriptor": "White"}]),
    ]
    special_education = [
        # In force during 2021-22 for student 3; student 1's ended the year before.
        {"studentReference": {"studentUniqueId": "3"}, "beginDate": "2020-09-01"},
        {"studentReference": {"studentUniqueId": "1"}, "beginDate": "2019-09-01", "endDate": "2021-06-15"},
    ]
    food = [
        {
            "studentReference": {"studentUniqueId": "3"},
            "beginDate": "2021-08-30",
            "schoolFoodServiceProgramServices": [
                {
                    "schoolFoodServiceProgramServiceDescriptor": "uri://ed-fi.org/SchoolFoodServiceProgramServiceDescriptor#Reduced Price Lunch"
                }
            ],
        }
    ]
    rows = convert(
        _records(
            studentSchoolAssociations=[_spell(s) for s in ("1", "2", "3")],
            studentEducationOrganizationAssociations=people,
            studentSpecialEducationProgramAssociations=special_education,
            studentSchoolFoodServiceProgramAssociations=food,
        )
    ).extracts["enrollment"]
    flags = {r["student_id"]: (r["ell"], r["former_ell"], r["swd"], r["low_income"]) for r in rows}
    assert flags == {"1": ("Y", "N", "N", "N"), "2": ("N", "Y", "N", "Y"), "3": ("N", "N", "Y", "Y")}


def test_a_student_without_demographics_is_an_error_not_a_dropped_spell():
    with pytest.raises(InputProblem, match=r"has no demographics .*2 records"):
        convert(_records(studentSchoolAssociations=[_spell("1"), _spell("2")]))


def test_the_calendar_is_the_listed_school_days_or_the_weekdays_of_the_sessions_with_a_note():
    session = {
        "schoolReference": {"schoolId": "100"},
        "schoolYearTypeReference": {"schoolYear": 2022},
        "sessionName": "Fall",
        "beginDate": "2021-09-01",  # a Wednesday
        "endDate": "2021-09-07",  # the next Tuesday: 5 weekdays
        "totalInstructionalDays": 4,  # Labor Day, September 6, is a holiday
    }
    only_sessions = convert(_records(sessions=[session])).extracts["calendar"]
    assert [r["date"] for r in only_sessions] == ["2021-09-01", "2021-09-02", "2021-09-03", "2021-09-06", "2021-09-07"]
    conversion = convert(_records(sessions=[session]))
    assert "5 weekdays within its sessions, which state 4 instructional days" in conversion.notes[0]

    def day(date: str, event: str = "Instructional day") -> dict:
        return {
            "calendarReference": {"calendarCode": "A", "schoolId": "100", "schoolYear": 2022},
            "date": date,
            "calendarEvents": [{"calendarEventDescriptor": f"uri://ed-fi.org/CalendarEventDescriptor#{event}"}],
        }

    listed = [day("2021-09-01"), day("2021-09-02"), day("2021-09-03"), day("2021-09-06", "Holiday"), day("2021-09-07")]
    rows = convert(_records(sessions=[session], calendarDates=listed)).extracts["calendar"]
    assert [r["date"] for r in rows] == ["2021-09-01", "2021-09-02", "2021-09-03", "2021-09-07"]


def test_discipline_actions_with_and_without_an_incident():
    incident = {
        "incidentIdentifier": "7",
        "schoolReference": {"schoolId": "100"},
        "incidentDate": "2021-10-04",
        "behaviors": [{"behaviorDescriptor": "uri://ed-fi.org/BehaviorDescriptor#Fighting"}],
    }

    def action(identifier: str, discipline: str, days: str, incident_id: str | None) -> dict:
        a = {
            "disciplineActionIdentifier": identifier,
            "disciplineDate": "2021-10-05",
            "studentReference": {"studentUniqueId": "1"},
            "responsibilitySchoolReference": {"schoolId": "100"},
            "disciplines": [{"disciplineDescriptor": f"uri://ed-fi.org/DisciplineDescriptor#{discipline}"}],
            "actualDisciplineActionLength": days,
        }
        if incident_id:
            a["studentDisciplineIncidentBehaviorAssociations"] = [
                {
                    "studentDisciplineIncidentBehaviorAssociationReference": {
                        "incidentIdentifier": incident_id,
                        "schoolId": "100",
                    }
                }
            ]
        return a

    rows = convert(
        _records(
            disciplineIncidents=[incident],
            disciplineActions=[
                action("1", "Out of School Suspension", "2", "7"),
                action("2", "Out of School Suspension", "1", "7"),  # a second OSS for the same incident: 3 days in all
                action("3", "In School Suspension", "1", None),
            ],
        )
    ).extracts["discipline"]
    assert rows == [
        {
            "incident_id": "7",
            "student_id": "1",
            "school_id": "100",
            "incident_date": "2021-10-04",
            "offense": "Fighting",
            "action": "OSS",
            "days_removed": "3",
        },
        {
            "incident_id": "action-3",
            "student_id": "1",
            "school_id": "100",
            "incident_date": "2021-10-05",
            "offense": "Not recorded",
            "action": "ISS",
            "days_removed": "1",
        },
    ]


def test_a_folder_is_read_as_the_source_its_files_show(tmp_path):
    assert sources.detect(GRAND_BEND) == "edfi"
    canonical = tmp_path / "canonical"
    canonical.mkdir()
    (canonical / "schools.csv").write_text("school_id,school_name,grade_span\n")
    # A canonical file wins: an Ed-Fi export beside the canonical extracts never replaces them.
    shutil.copy(next(GRAND_BEND.glob("Student_v2.xml.gz")), canonical)
    assert sources.detect(canonical) == "canonical"
    assert sources.detect(tmp_path / "missing") == "canonical"
    with pytest.raises(InputProblem, match="holds no files the edfi source reads"):
        sources.detect(tmp_path, "edfi")
    with pytest.raises(InputProblem, match="is not a source"):
        sources.detect(GRAND_BEND, "aspen")


# --- Grand Bend, end to end ----------------------------------------------------------------


@pytest.mark.bench
def test_grand_bend_builds_a_roadmap_for_each_of_its_schools(grand_bend_xml):
    _, warehouse = grand_bend_xml
    con = duckdb.connect(str(warehouse), read_only=True)
    schools = con.execute(
        "select distinct school_id from marts.metric_values where metric = 'attendance_rate' and school_id <> 'ZONE' order by 1"
    ).fetchall()
    assert schools == [("255901001",), ("255901044",), ("255901107",)]
    assert con.execute("select count(*) from staging.enrollment").fetchone()[0] == 960
    assert con.execute("select count(*) from staging.discipline").fetchone()[0] > 0
    pages = list((warehouse.parent / "out").rglob("255901001.html"))
    assert len(pages) == 2  # mid-year and end of year


@pytest.mark.bench
def test_grand_bend_students_attendance_matches_their_xml_events_by_hand(grand_bend_xml):
    """Two students of Grand Bend High School (255901001), both enrolled all year from 2021-08-23.

    The school's sessions run 2021-08-23 to 2021-12-17 and 2022-01-04 to
    2022-05-27: 85 + 104 = 189 weekdays, no calendar dates listed, so 85
    membership days at mid-year and 189 at the end of the year.
    - 604822: excused absences on 2021-08-31, 2021-11-09, 2021-12-15 and
      2022-05-18, and a Partial event on 2021-12-15 (already absent that day:
      a day counts once): 3 days by mid-year, 4 in the year.
    - 605262: 18 excused absences, 11 of them by December 17: 11 / 85 = 12.9%
      at mid-year (chronically absent, 10% or more), 18 / 189 = 9.5% in the
      year (not chronically absent).
    """
    _, warehouse = grand_bend_xml
    con = duckdb.connect(str(warehouse), read_only=True)
    rows = con.execute(
        "select student_id, period, membership_days, absent_days, is_chronic from work.student_attendance "
        "where school_id = '255901001' and student_id in ('604822', '605262') order by 1, 2"
    ).fetchall()
    assert rows == [
        ("604822", "end_of_year", 189, Decimal("4"), False),
        ("604822", "mid_year", 85, Decimal("3"), False),
        ("605262", "end_of_year", 189, Decimal("18"), False),
        ("605262", "mid_year", 85, Decimal("11"), True),
    ]


def _marts(warehouse: Path) -> dict[str, list]:
    con = duckdb.connect(str(warehouse), read_only=True)
    return {name: con.execute(f"select * from marts.{name} order by all").fetchall() for name in MARTS}


@pytest.mark.bench
def test_the_same_data_as_api_json_gives_identical_marts(grand_bend_xml, tmp_path):
    landing, xml_warehouse = grand_bend_xml
    json_landing = tmp_path / "landing"
    # Some resources as JSON arrays (the API's pages), some as JSON lines (Lightbeam's files).
    write_resources(
        read_folder(landing), json_landing, json_lines=frozenset({"studentSchoolAttendanceEvents", "students"})
    )
    _landing_with_settings(json_landing)
    assert sources.detect(json_landing) == "edfi"
    json_warehouse = _build(json_landing, tmp_path, "--skip-reports")
    assert _marts(json_warehouse) == _marts(xml_warehouse)


# --- the live pull ---------------------------------------------------------------------------


class _FakeOds(BaseHTTPRequestHandler):
    """An ODS/API on 127.0.0.1 serving the Grand Bend resources, with OAuth2 client credentials."""

    resources: dict = {}
    requests: list = []

    def log_message(self, *args):  # keep the test output quiet
        pass

    def _send(self, status: int, body) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        self.requests.append(("POST", self.path, self.headers.get("Authorization")))
        length = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(length).decode()
        # base64 of "key:secret"
        if (
            self.path == "/api/oauth/token"
            and "client_credentials" in body
            and self.headers["Authorization"] == "Basic a2V5OnNlY3JldA=="
        ):
            self._send(200, {"access_token": "t0ken", "token_type": "bearer", "expires_in": 1800})
        else:
            self._send(401, {"error": "invalid_client"})

    def do_GET(self):
        url = urlparse(self.path)
        self.requests.append(("GET", self.path, self.headers.get("Authorization")))
        if self.headers.get("Authorization") != "Bearer t0ken":
            return self._send(401, {"message": "Authorization denied."})
        prefix = "/api/data/v3/2022/ed-fi/"
        resource = url.path[len(prefix) :] if url.path.startswith(prefix) else None
        if resource not in self.resources:
            return self._send(404, {"message": "not found"})
        query = parse_qs(url.query)
        limit, offset = int(query["limit"][0]), int(query["offset"][0])
        self._send(200, self.resources[resource][offset : offset + limit])


@pytest.fixture
def fake_ods():
    """The base URL of a fake ODS/API on 127.0.0.1 serving Grand Bend; stopped after the test."""
    records = read_folder(GRAND_BEND)
    _FakeOds.resources = {
        name: [{k: v for k, v in r.items() if k != "_source"} for r in items] for name, items in records.items()
    }
    _FakeOds.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FakeOds)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/api"
    server.shutdown()


def test_pull_edfi_reads_every_page_with_client_credentials_from_the_environment(
    fake_ods, tmp_path, monkeypatch, capsys
):
    from sezp_roadmap.cli import main

    url = fake_ods
    monkeypatch.delenv("EDFI_CLIENT_ID", raising=False)
    with pytest.raises(InputProblem, match="EDFI_CLIENT_ID"):
        pull(Api(url, 2022), tmp_path / "none")
    monkeypatch.setenv("EDFI_CLIENT_ID", "key")
    monkeypatch.setenv("EDFI_CLIENT_SECRET", "wrong")
    with pytest.raises(InputProblem, match=r"refused the credentials \(HTTP 401\)"):
        pull(Api(url, 2022), tmp_path / "none")
    monkeypatch.setenv("EDFI_CLIENT_SECRET", "secret")
    out = tmp_path / "pulled"
    assert main(["pull-edfi", "--url", url, "--out", str(out), "--school-year", "2022", "--page-size", "250"]) == 0
    printed = capsys.readouterr()
    assert "secret" not in printed.out + printed.err
    assert not any("secret" in p.read_text() for p in out.iterdir())
    # 1,917 attendance events in pages of 250: 8 requests, the last one short.
    pages = [path for method, path, _ in _FakeOds.requests if "studentSchoolAttendanceEvents" in path]
    assert len(pages) == 8 and pages[-1].endswith("offset=1750")
    assert (
        json.loads((out / "studentSchoolAttendanceEvents.json").read_text())
        == _FakeOds.resources["studentSchoolAttendanceEvents"]
    )
    # The pulled folder holds every record of every resource the ODS has: the adapter reads it as the XML's
    # (test_the_same_data_as_api_json_gives_identical_marts builds such a folder).
    pulled = read_folder(out)
    assert sources.detect(out) == "edfi"
    assert {
        name: [{k: v for k, v in r.items() if k != "_source"} for r in items] for name, items in pulled.items()
    } == (_FakeOds.resources)


def test_the_dagster_pull_job_writes_the_resources_into_the_landing_folder(fake_ods, tmp_path, monkeypatch):
    from pipelines.defs.edfi_pull import pull_edfi
    from pipelines.resources import EdfiApi, RoadmapPaths

    monkeypatch.setenv("EDFI_CLIENT_ID", "key")
    monkeypatch.setenv("EDFI_CLIENT_SECRET", "secret")
    landing = tmp_path / "landing"
    result = pull_edfi.execute_in_process(
        resources={"edfi_api": EdfiApi(url=fake_ods, school_year=2022), "paths": RoadmapPaths(data_dir=str(landing))}
    )
    assert result.success
    assert sources.detect(landing) == "edfi"
    assert result.output_for_node("pull_edfi_into_landing")["studentSchoolAttendanceEvents"] == 1917
    unconfigured = pull_edfi.execute_in_process(
        resources={"edfi_api": EdfiApi(url=""), "paths": RoadmapPaths(data_dir=str(landing))}, raise_on_error=False
    )
    assert not unconfigured.success


def _student_assessment(student: str, identifier: str, date: str, level: str, **fields) -> dict:
    return {
        "studentReference": {"studentUniqueId": student},
        "assessmentReference": {"assessmentIdentifier": identifier, "namespace": "uri://district.example/Assessment"},
        "administrationDate": date,
        "performanceLevels": [
            {
                "assessmentReportingMethodDescriptor": "uri://ed-fi.org/AssessmentReportingMethodDescriptor#Proficiency level",
                "performanceLevelDescriptor": f"uri://district.example/PerformanceLevelDescriptor#{level}",
            }
        ],
        **fields,
    }


LEVELS = {
    "mcas_ela": (
        "Not Meeting Expectations",
        "Partially Meeting Expectations",
        "Meeting Expectations",
        "Exceeding Expectations",
    ),
    "interim_reading": (
        "3+ grade levels below",
        "2 grade levels below",
        "1 grade level below",
        "At or above grade level",
    ),
}


def test_student_assessments_map_through_the_settings_with_their_scores_and_school():
    scores = [
        {
            "assessmentReportingMethodDescriptor": "uri://ed-fi.org/AssessmentReportingMethodDescriptor#Scale score",
            "result": "512",
        },
        {
            "assessmentReportingMethodDescriptor": "uri://ed-fi.org/AssessmentReportingMethodDescriptor#Student Growth Percentile",
            "result": "61",
        },
    ]
    records = _records(
        studentSchoolAssociations=[
            _spell("1", school="100", entry="2021-08-23", exitWithdrawDate="2022-01-31"),
            _spell("1", school="200", entry="2022-02-01"),
        ],
        studentEducationOrganizationAssociations=[_person("1", races=[{"raceDescriptor": "White"}])],
        assessments=[{"assessmentIdentifier": "A-77", "assessmentTitle": "Star Reading"}],
        studentAssessments=[
            # The school that reported it, written as the settings' level.
            _student_assessment(
                "1",
                "MCAS-ELA",
                "2022-05-10T09:00:00Z",
                "Meeting Expectations",
                reportedSchoolReference={"schoolId": "200"},
                scoreResults=scores,
                whenAssessedGradeLevelDescriptor="Seventh grade",
            ),
            # No school: the one the student was enrolled in on the day (100 until January 31); its title maps it.
            _student_assessment("1", "A-77", "2022-01-12", "On Level"),
        ],
    )
    maps = {
        "assessments": {"MCAS-ELA": "mcas_ela", "Star Reading": "interim_reading"},
        "performance_levels": {"On Level": "At or above grade level"},
    }
    rows = convert(records, maps=maps, assessment_levels=LEVELS).extracts["assessments"]
    assert rows == [
        {
            "student_id": "1",
            "school_id": "200",
            "school_year": "2022",
            "assessment": "mcas_ela",
            "administration": "spring",
            "test_date": "2022-05-10",
            "grade": "7",
            "scale_score": "512",
            "performance_level": "Meeting Expectations",
            "percentile": "",
            "growth_percentile": "61",
        },
        {
            "student_id": "1",
            "school_id": "100",
            "school_year": "2022",
            "assessment": "interim_reading",
            "administration": "winter",
            "test_date": "2022-01-12",
            "grade": "7",
            "scale_score": "",
            "performance_level": "At or above grade level",
            "percentile": "",
            "growth_percentile": "",
        },
    ]
    # An assessment or a level the settings do not name is named, with the line to add.
    with pytest.raises(InputProblem) as raised:
        convert(records, maps={"assessments": {"MCAS-ELA": "mcas_ela"}}, assessment_levels=LEVELS)
    assert "'A-77' has no entry in the 'assessments' map (1 record" in str(raised.value)
    with pytest.raises(InputProblem, match="'On Level' has no entry in the 'performance_levels' map"):
        convert(records, maps={"assessments": maps["assessments"]}, assessment_levels=LEVELS)
