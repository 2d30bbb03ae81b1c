"""Ed-Fi records, read from interchange XML or from ODS/API JSON, in one shape.

Both readers return the API's resources (`studentSchoolAssociations`, ...) as
lists of dicts with the API's JSON property names, so one mapping
(`canonical.py`) serves both and the same data gives the same extracts
whichever way it came. Every record carries `_source`: the file and the
record's place in it, for messages.
"""

from __future__ import annotations

import gzip
import json
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path

from sezp_roadmap.errors import InputProblem, Problem

# The resources the adapter reads; any other file of the folder is not an Ed-Fi resource.
RESOURCES = (
    "schools",
    "sessions",
    "calendars",
    "calendarDates",
    "students",
    "studentSchoolAssociations",
    "studentEducationOrganizationAssociations",
    "studentSpecialEducationProgramAssociations",
    "studentLanguageInstructionProgramAssociations",
    "studentSchoolFoodServiceProgramAssociations",
    "studentSchoolAttendanceEvents",
    "disciplineIncidents",
    "disciplineActions",
    "studentAssessments",
    "assessments",
)

Records = dict[str, list[dict]]


def _open_text(path: Path):
    return gzip.open(path, "rt", encoding="utf-8-sig") if path.name.endswith(".gz") else path.open(encoding="utf-8-sig")


def _strip_gz(name: str) -> str:
    return name[: -len(".gz")] if name.endswith(".gz") else name


# ---------------------------------------------------------------- JSON


def json_resource_of(path: Path) -> str | None:
    """`studentSchoolAssociations.json` (or `.jsonl`, `.ndjson`, gzipped) -> its resource, else None."""
    name = _strip_gz(path.name)
    stem, _, suffix = name.rpartition(".")
    if suffix.lower() not in ("json", "jsonl", "ndjson"):
        return None
    by_lower = {r.lower(): r for r in RESOURCES}
    return by_lower.get(stem.lower())


def _json_records(path: Path) -> Iterator[tuple[int, dict]]:
    """A JSON array, or one JSON object per line, as the API and Lightbeam write them."""
    with _open_text(path) as f:
        text = f.read()
    stripped = text.lstrip()
    try:
        if stripped.startswith("["):
            items = json.loads(text)
            yield from enumerate(items, start=1)
            return
        for line_no, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                yield line_no, json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputProblem(
            Problem(
                file=path.name,
                row=exc.lineno,
                message="is not valid JSON",
                value=exc.msg,
                expected="a JSON array or one JSON object per line",
            )
        ) from None


def read_json_folder(folder: Path) -> Records:
    records: Records = defaultdict(list)
    for path in sorted(folder.iterdir()):
        resource = json_resource_of(path) if path.is_file() else None
        if resource is None:
            continue
        unit = "record" if _open_text(path).read(64).lstrip().startswith("[") else "line"
        for place, item in _json_records(path):
            if not isinstance(item, dict):
                raise InputProblem(
                    Problem(file=path.name, row=place, message="is not a JSON object", expected="one object per record")
                )
            item["_source"] = f"{path.name}, {unit} {place}"
            records[resource].append(item)
    return dict(records)


# ---------------------------------------------------------------- XML


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _find(el: ET.Element, path: str) -> ET.Element | None:
    """`SchoolReference/SchoolIdentity/SchoolId`, whatever the namespace."""
    return el.find("/".join("{*}" + part for part in path.split("/")))


def _text(el: ET.Element, path: str) -> str | None:
    found = _find(el, path)
    if found is None:
        return None
    if len(found) and _local(found[0].tag) == "CodeValue":
        # Older interchanges write a descriptor as <CodeValue>Free</CodeValue><Namespace>…</Namespace>.
        return (found[0].text or "").strip() or None
    text = (found.text or "").strip()
    return text or None


def _texts(el: ET.Element, path: str) -> list[str]:
    parent, _, leaf = path.rpartition("/")
    scope = _find(el, parent) if parent else el
    if scope is None:
        return []
    out = []
    for found in scope.findall("{*}" + leaf):
        if len(found) and _local(found[0].tag) == "CodeValue":
            value = (found[0].text or "").strip()
        else:
            value = (found.text or "").strip()
        if value:
            out.append(value)
    return out


def _school_year(text: str | None) -> int | None:
    """`2021-2022` (XML) -> 2022, the year the school year ends, as the API writes it."""
    if text is None:
        return None
    return int(text.rsplit("-", 1)[-1])


def _drop_empty(d: dict) -> dict:
    return {k: v for k, v in d.items() if v not in (None, [], {})}


def _student(el: ET.Element) -> dict:
    return {"studentUniqueId": _text(el, "StudentReference/StudentIdentity/StudentUniqueId")}


def _school_ref(el: ET.Element, path: str = "SchoolReference") -> dict:
    return {"schoolId": _text(el, f"{path}/SchoolIdentity/SchoolId")}


def _xml_school(el: ET.Element) -> list[tuple[str, dict]]:
    return [
        (
            "schools",
            _drop_empty(
                {
                    "schoolId": _text(el, "SchoolId"),
                    "nameOfInstitution": _text(el, "NameOfInstitution"),
                    "gradeLevels": [{"gradeLevelDescriptor": g} for g in _texts(el, "GradeLevel")],
                }
            ),
        )
    ]


def _xml_session(el: ET.Element) -> list[tuple[str, dict]]:
    return [
        (
            "sessions",
            _drop_empty(
                {
                    "sessionName": _text(el, "SessionName"),
                    "schoolReference": _school_ref(el),
                    "schoolYearTypeReference": {"schoolYear": _school_year(_text(el, "SchoolYear"))},
                    "beginDate": _text(el, "BeginDate"),
                    "endDate": _text(el, "EndDate"),
                    "totalInstructionalDays": _text(el, "TotalInstructionalDays"),
                }
            ),
        )
    ]


def _xml_calendar(el: ET.Element) -> list[tuple[str, dict]]:
    return [
        (
            "calendars",
            _drop_empty(
                {
                    "calendarCode": _text(el, "CalendarCode"),
                    "schoolReference": _school_ref(el),
                    "schoolYearTypeReference": {"schoolYear": _school_year(_text(el, "SchoolYear"))},
                    "calendarTypeDescriptor": _text(el, "CalendarType"),
                }
            ),
        )
    ]


def _xml_calendar_date(el: ET.Element) -> list[tuple[str, dict]]:
    identity = "CalendarReference/CalendarIdentity"
    return [
        (
            "calendarDates",
            _drop_empty(
                {
                    "date": _text(el, "Date"),
                    "calendarReference": {
                        "calendarCode": _text(el, f"{identity}/CalendarCode"),
                        "schoolId": _text(el, f"{identity}/SchoolReference/SchoolIdentity/SchoolId"),
                        "schoolYear": _school_year(_text(el, f"{identity}/SchoolYear")),
                    },
                    "calendarEvents": [{"calendarEventDescriptor": e} for e in _texts(el, "CalendarEvent")],
                }
            ),
        )
    ]


def _xml_student_school_association(el: ET.Element) -> list[tuple[str, dict]]:
    year = _text(el, "SchoolYear") or _text(el, "CalendarReference/CalendarIdentity/SchoolYear")
    return [
        (
            "studentSchoolAssociations",
            _drop_empty(
                {
                    "studentReference": _student(el),
                    "schoolReference": _school_ref(el),
                    "schoolYearTypeReference": {"schoolYear": _school_year(year)} if year else None,
                    "entryDate": _text(el, "EntryDate"),
                    "entryGradeLevelDescriptor": _text(el, "EntryGradeLevel"),
                    "exitWithdrawDate": _text(el, "ExitWithdrawDate"),
                }
            ),
        )
    ]


def _xml_student(el: ET.Element) -> list[tuple[str, dict]]:
    """A Student of the v2/v3 interchanges carries its demographics; the API keeps them
    on studentEducationOrganizationAssociations, so one Student gives both records."""
    unique_id = _text(el, "StudentUniqueId")
    food = _text(el, "SchoolFoodServicesEligibility")
    characteristics = [
        {"studentCharacteristicDescriptor": value}
        for sc in el.findall("{*}StudentCharacteristic")
        if (value := _text(sc, "StudentCharacteristic") or _text(sc, "StudentCharacteristicDescriptor"))
    ]
    if (_text(el, "EconomicDisadvantaged") or "").lower() in ("true", "1"):
        characteristics.append({"studentCharacteristicDescriptor": "Economic Disadvantaged"})
    association = _drop_empty(
        {
            "studentReference": {"studentUniqueId": unique_id},
            "sexDescriptor": _text(el, "Sex") or _text(el, "BirthSex"),
            "hispanicLatinoEthnicity": _text(el, "HispanicLatinoEthnicity"),
            "races": [{"raceDescriptor": r} for r in _texts(el, "Race/RacialCategory") or _texts(el, "Race")],
            "limitedEnglishProficiencyDescriptor": _text(el, "LimitedEnglishProficiency"),
            "studentCharacteristics": characteristics,
            "schoolFoodServicesEligibilityDescriptor": food,
        }
    )
    records = [("students", {"studentUniqueId": unique_id})]
    if len(association) > 1:
        records.append(("studentEducationOrganizationAssociations", association))
    return records


def _xml_program(resource: str) -> Callable[[ET.Element], list[tuple[str, dict]]]:
    def convert(el: ET.Element) -> list[tuple[str, dict]]:
        services = _texts(el, "SchoolFoodServiceProgramService/SchoolFoodServiceProgramService")
        return [
            (
                resource,
                _drop_empty(
                    {
                        "studentReference": _student(el),
                        "programReference": {
                            "programTypeDescriptor": _text(el, "ProgramReference/ProgramIdentity/ProgramType")
                        },
                        "beginDate": _text(el, "BeginDate"),
                        "endDate": _text(el, "EndDate"),
                        "schoolFoodServiceProgramServices": [
                            {"schoolFoodServiceProgramServiceDescriptor": s} for s in services
                        ],
                    }
                ),
            )
        ]

    return convert


def _xml_attendance_event(el: ET.Element) -> list[tuple[str, dict]]:
    return [
        (
            "studentSchoolAttendanceEvents",
            _drop_empty(
                {
                    "studentReference": _student(el),
                    "schoolReference": _school_ref(el),
                    "sessionReference": {
                        "sessionName": _text(el, "SessionReference/SessionIdentity/SessionName"),
                        "schoolYear": _school_year(_text(el, "SessionReference/SessionIdentity/SchoolYear")),
                    },
                    "eventDate": _text(el, "AttendanceEvent/EventDate"),
                    "attendanceEventCategoryDescriptor": _text(el, "AttendanceEvent/AttendanceEventCategory"),
                    "eventDuration": _text(el, "AttendanceEvent/EventDuration"),
                }
            ),
        )
    ]


def _xml_discipline_incident(el: ET.Element) -> list[tuple[str, dict]]:
    return [
        (
            "disciplineIncidents",
            _drop_empty(
                {
                    "incidentIdentifier": _text(el, "IncidentIdentifier"),
                    "schoolReference": _school_ref(el),
                    "incidentDate": _text(el, "IncidentDate"),
                    "behaviors": [{"behaviorDescriptor": b} for b in _texts(el, "Behavior/Behavior")],
                }
            ),
        )
    ]


def _xml_discipline_action(el: ET.Element) -> list[tuple[str, dict]]:
    incidents = []
    for ref in el.findall("{*}StudentDisciplineIncidentBehaviorAssociationReference") + el.findall(
        "{*}StudentDisciplineIncidentAssociationReference"
    ):
        identity = ref[0] if len(ref) else ref
        incidents.append(
            {
                "studentDisciplineIncidentBehaviorAssociationReference": _drop_empty(
                    {
                        "incidentIdentifier": _text(
                            identity, "DisciplineIncidentReference/DisciplineIncidentIdentity/IncidentIdentifier"
                        ),
                        "schoolId": _text(
                            identity,
                            "DisciplineIncidentReference/DisciplineIncidentIdentity/SchoolReference/SchoolIdentity/SchoolId",
                        ),
                        "behaviorDescriptor": _text(identity, "Behavior"),
                    }
                )
            }
        )
    return [
        (
            "disciplineActions",
            _drop_empty(
                {
                    "disciplineActionIdentifier": _text(el, "DisciplineActionIdentifier"),
                    "disciplineDate": _text(el, "DisciplineDate"),
                    "studentReference": _student(el),
                    "responsibilitySchoolReference": _school_ref(el, "ResponsibilitySchoolReference"),
                    "disciplines": [{"disciplineDescriptor": d} for d in _texts(el, "Discipline")],
                    "disciplineActionLength": _text(el, "DisciplineActionLength"),
                    "actualDisciplineActionLength": _text(el, "ActualDisciplineActionLength"),
                    "studentDisciplineIncidentBehaviorAssociations": incidents,
                }
            ),
        )
    ]


_XML_ELEMENTS: dict[str, Callable[[ET.Element], list[tuple[str, dict]]]] = {
    "School": _xml_school,
    "Session": _xml_session,
    "Calendar": _xml_calendar,
    "CalendarDate": _xml_calendar_date,
    "StudentSchoolAssociation": _xml_student_school_association,
    "Student": _xml_student,
    "StudentSpecialEducationProgramAssociation": _xml_program("studentSpecialEducationProgramAssociations"),
    "StudentLanguageInstructionProgramAssociation": _xml_program("studentLanguageInstructionProgramAssociations"),
    "StudentSchoolFoodServiceProgramAssociation": _xml_program("studentSchoolFoodServiceProgramAssociations"),
    "StudentSchoolAttendanceEvent": _xml_attendance_event,
    "DisciplineIncident": _xml_discipline_incident,
    "DisciplineAction": _xml_discipline_action,
}


def is_interchange(path: Path) -> bool:
    """An XML file whose root element is an Ed-Fi `Interchange…`."""
    if not path.is_file() or not _strip_gz(path.name).lower().endswith(".xml"):
        return False
    try:
        with gzip.open(path, "rb") if path.name.endswith(".gz") else path.open("rb") as f:
            for _, el in ET.iterparse(f, events=("start",)):
                return _local(el.tag).startswith("Interchange")
    except (ET.ParseError, OSError, EOFError):
        return False
    return False


def read_xml_folder(folder: Path) -> Records:
    records: Records = defaultdict(list)
    for path in sorted(folder.iterdir()):
        if not is_interchange(path):
            continue
        try:
            with gzip.open(path, "rb") if path.name.endswith(".gz") else path.open("rb") as f:
                root = ET.parse(f).getroot()
        except ET.ParseError as exc:
            line, _ = exc.position
            raise InputProblem(
                Problem(
                    file=path.name,
                    row=line,
                    message="is not well-formed XML",
                    value=str(exc),
                    expected="an Ed-Fi interchange file",
                )
            ) from None
        counts: dict[str, int] = defaultdict(int)
        for el in root:
            convert = _XML_ELEMENTS.get(_local(el.tag))
            if convert is None:
                continue
            counts[_local(el.tag)] += 1
            for resource, record in convert(el):
                record["_source"] = f"{path.name}, {_local(el.tag)} {counts[_local(el.tag)]}"
                records[resource].append(record)
    return dict(records)


def folder_kind(folder: Path) -> str | None:
    """'xml' for a folder of interchange files, 'json' for one of API resource files, else None."""
    if not folder.is_dir():
        return None
    files = [p for p in folder.iterdir() if p.is_file()]
    if any(json_resource_of(p) for p in files):
        return "json"
    if any(is_interchange(p) for p in files):
        return "xml"
    return None


def read_folder(folder: Path) -> Records:
    kind = folder_kind(folder)
    if kind == "json":
        return read_json_folder(folder)
    if kind == "xml":
        return read_xml_folder(folder)
    return {}
