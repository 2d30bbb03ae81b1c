"""Ed-Fi resources -> the Roadmap's canonical extracts.

Reads the records of `resources.py` (the API's shape, whichever way they came)
and gives the rows of `schools`, `calendar`, `enrollment`, `attendance` and
`discipline`, with the descriptor maps of `edfi.yaml` and the settings. The
extracts are then judged by every rule of the data contract, as any landing
folder's are. A descriptor no map names is an error with its count and the
setting to add; nothing is guessed.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from sezp_roadmap.errors import InputProblem, Problem
from sezp_roadmap.periods import school_year_label, school_year_of

from .resources import Records

DEFAULT_MAPS = Path(__file__).with_name("edfi.yaml")

GRADE_ORDER = ["PK", "K"] + [str(g) for g in range(1, 13)]


def code_value(descriptor: str | None) -> str | None:
    """`uri://ed-fi.org/SexDescriptor#Female` -> `Female`; a plain value as it is."""
    if descriptor is None:
        return None
    return str(descriptor).rsplit("#", 1)[-1].strip() or None


def _get(record: dict, path: str):
    value = record
    for key in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _text(record: dict, path: str) -> str | None:
    value = _get(record, path)
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _date(value: str | None) -> dt.date | None:
    # The API writes dates as 2021-08-23 (some exports add a time: cut it to the date).
    return dt.date.fromisoformat(value[:10]) if value else None


def _flag(value: bool) -> str:
    return "Y" if value else "N"


def load_maps(overrides: dict | None) -> dict:
    """edfi.yaml, with the settings' `edfi:` entries added map by map."""
    maps = yaml.safe_load(DEFAULT_MAPS.read_text(encoding="utf-8"))
    for key, value in (overrides or {}).items():
        if isinstance(maps.get(key), dict) and isinstance(value, dict):
            maps[key] = {**maps[key], **value}
        else:
            maps[key] = value
    return maps


@dataclass
class Unmapped:
    count: int = 0
    first_source: str = ""


@dataclass
class Conversion:
    """Canonical rows per extract, and what the data team should know about how they were made."""

    extracts: dict[str, list[dict]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


class _Descriptors:
    def __init__(self, maps: dict):
        self.maps = maps
        self._lookup = {
            name: {str(k).strip().lower(): v for k, v in table.items()}
            for name, table in maps.items()
            if isinstance(table, dict)
        }
        self._lists = {
            name: {str(v).strip().lower() for v in table} for name, table in maps.items() if isinstance(table, list)
        }
        # Lists one level down (score_methods: {scale_score: [...]}) are named score_methods.scale_score.
        for name, table in maps.items():
            if isinstance(table, dict):
                for key, value in table.items():
                    if isinstance(value, list):
                        self._lists[f"{name}.{key}"] = {str(v).strip().lower() for v in value}
        self.unmapped: dict[tuple[str, str], Unmapped] = defaultdict(Unmapped)

    def code(self, map_name: str, descriptor: str | None, source: str) -> str | None:
        value = code_value(descriptor)
        if value is None:
            return None
        table = self._lookup.get(map_name, {})
        if value.lower() in table:
            mapped = table[value.lower()]
            return None if mapped is None else str(mapped)
        miss = self.unmapped[(map_name, value)]
        miss.count += 1
        miss.first_source = miss.first_source or source
        return None

    def knows(self, map_name: str, descriptor: str | None) -> bool:
        value = code_value(descriptor)
        return value is not None and value.lower() in self._lookup.get(map_name, {})

    def listed(self, list_name: str, descriptor: str | None) -> bool:
        value = code_value(descriptor)
        return value is not None and value.lower() in self._lists.get(list_name, set())

    def problems(self) -> list[Problem]:
        return [
            Problem(
                file=miss.first_source.split(",")[0],
                message=(
                    f"the Ed-Fi descriptor '{value}' has no entry in the '{map_name}' map "
                    f"({miss.count:,} record{'s' if miss.count != 1 else ''}, the first at {miss.first_source})"
                ),
                value=value,
                expected=f'a line in the settings: edfi: {{{map_name}: {{"{value}": <the Roadmap\'s code>}}}}',
            )
            for (map_name, value), miss in sorted(self.unmapped.items())
        ]


class _Problems:
    """Problems of one kind counted once, with the first record that has it."""

    def __init__(self):
        self.kinds: dict[str, Unmapped] = defaultdict(Unmapped)
        self.examples: dict[str, str] = {}

    def add(self, message: str, source: str, value: str | None = None) -> None:
        kind = self.kinds[message]
        kind.count += 1
        kind.first_source = kind.first_source or source
        self.examples.setdefault(message, value)

    def problems(self) -> list[Problem]:
        return [
            Problem(
                file=kind.first_source.split(",")[0],
                message=f"{message} ({kind.count:,} record{'s' if kind.count != 1 else ''}, the first at {kind.first_source})",
                value=self.examples[message],
            )
            for message, kind in self.kinds.items()
        ]


def _school_year(record: dict, date_text: str | None) -> int | None:
    year = _text(record, "schoolYearTypeReference.schoolYear")
    if year:
        return int(year)
    date = _date(date_text)
    return school_year_of(date) if date else None


def _overlaps_year(record: dict, year: int) -> bool:
    """A program association in force at some time during the school year (July 1 to June 30)."""
    begin, end = _date(_text(record, "beginDate")), _date(_text(record, "endDate"))
    year_start, year_end = dt.date(year - 1, 7, 1), dt.date(year, 6, 30)
    return (begin is None or begin <= year_end) and (end is None or end >= year_start)


def _by_student(records: list[dict]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = defaultdict(list)
    for record in records:
        out[_text(record, "studentReference.studentUniqueId")].append(record)
    return out


class _Converter:
    def __init__(self, records: Records, maps: dict, full_day_codes: set[str]):
        self.records = records
        self.descriptors = _Descriptors(maps)
        self.issues = _Problems()
        self.full_day_codes = full_day_codes
        self.notes: list[str] = []
        self.assessment_levels: dict[str, tuple[str, ...]] = {}

    def resource(self, name: str) -> list[dict]:
        return self.records.get(name, [])

    # ------------------------------------------------------------ schools

    def schools(self) -> list[dict]:
        rows = []
        for school in self.resource("schools"):
            source = school["_source"]
            grades = [
                self.descriptors.code("grade_levels", g.get("gradeLevelDescriptor"), source)
                for g in school.get("gradeLevels", [])
            ]
            grades = sorted({g for g in grades if g in GRADE_ORDER}, key=GRADE_ORDER.index)
            span = f"{grades[0]}-{grades[-1]}" if len(grades) > 1 else (grades[0] if grades else "")
            rows.append(
                {
                    "school_id": _text(school, "schoolId"),
                    "school_name": _text(school, "nameOfInstitution"),
                    "grade_span": span,
                }
            )
        return rows

    # ------------------------------------------------------------ calendar

    def calendar(self) -> list[dict]:
        student_specific = {
            (_text(c, "schoolReference.schoolId"), _text(c, "calendarCode"))
            for c in self.resource("calendars")
            if (code_value(_text(c, "calendarTypeDescriptor")) or "").lower() == "student specific"
        }
        listed: dict[tuple[str, int], set[dt.date]] = defaultdict(set)
        for day in self.resource("calendarDates"):
            school = _text(day, "calendarReference.schoolId")
            if (school, _text(day, "calendarReference.calendarCode")) in student_specific:
                continue
            events = [e.get("calendarEventDescriptor") for e in day.get("calendarEvents", [])]
            if any(self.descriptors.listed("instructional_calendar_events", e) for e in events):
                date = _date(_text(day, "date"))
                year = _text(day, "calendarReference.schoolYear")
                listed[(school, int(year) if year else school_year_of(date))].add(date)
        sessions: dict[tuple[str, int], list[dict]] = defaultdict(list)
        for session in self.resource("sessions"):
            key = (_text(session, "schoolReference.schoolId"), _school_year(session, _text(session, "beginDate")))
            sessions[key].append(session)

        rows = []
        for key in sorted(set(listed) | set(sessions)):
            school, year = key
            stated = sum(int(float(_text(s, "totalInstructionalDays") or 0)) for s in sessions.get(key, []))
            if listed.get(key) and (not sessions.get(key) or len(listed[key]) * 2 >= stated):
                days = listed[key]
            else:
                days = set()
                for session in sessions[key]:
                    day, end = _date(_text(session, "beginDate")), _date(_text(session, "endDate"))
                    while day <= end:
                        if day.weekday() < 5:
                            days.add(day)
                        day += dt.timedelta(days=1)
                self.notes.append(
                    f"calendar of school {school}, {school_year_label(year)}: no calendarDates list its school days, "
                    f"so they are the {len(days)} weekdays within its sessions, which state {stated} instructional "
                    "days; a holiday inside a session counts as a school day"
                )
            rows += [{"school_id": school, "school_year": str(year), "date": d.isoformat()} for d in sorted(days)]
        return rows

    # ------------------------------------------------------------ enrollment

    def _demographics(self) -> dict[str, dict]:
        """One student's demographics, from the association with an education organization (or Student)."""
        out: dict[str, dict] = {}
        for record in self.resource("studentEducationOrganizationAssociations"):
            out.setdefault(_text(record, "studentReference.studentUniqueId"), record)
        return out

    def _race(self, demographics: dict) -> str | None:
        source = demographics["_source"]
        if str(demographics.get("hispanicLatinoEthnicity", "")).lower() in ("true", "1"):
            return "H"
        races = {self.descriptors.code("races", r.get("raceDescriptor"), source) for r in demographics.get("races", [])}
        races.discard(None)
        if len(races) > 1:
            return "M"
        if len(races) == 1:
            return races.pop()
        self.issues.add(
            "a student has no race and is not Hispanic or Latino",
            source,
            _text(demographics, "studentReference.studentUniqueId"),
        )
        return None

    def _english_learner(self, demographics: dict, language_programs: list[dict], year: int) -> tuple[bool, bool]:
        status = self.descriptors.code(
            "limited_english_proficiency",
            demographics.get("limitedEnglishProficiencyDescriptor"),
            demographics["_source"],
        )
        in_program = any(
            _overlaps_year(p, year)
            and self.descriptors.listed("ell_programs", _text(p, "programReference.programTypeDescriptor"))
            for p in language_programs
        ) or any(
            self.descriptors.listed("ell_programs", _text(p, "programReference.programTypeDescriptor"))
            or self.descriptors.listed("ell_programs", p.get("programTypeDescriptor"))
            for p in demographics.get("programParticipations", [])
        )
        ell = status == "ell" or in_program
        return ell, (status == "former_ell" and not ell)

    def _swd(self, demographics: dict, special_education: list[dict], year: int) -> bool:
        return (
            any(_overlaps_year(p, year) for p in special_education)
            or bool(demographics.get("disabilities"))
            or any(
                self.descriptors.listed("swd_programs", p.get("programTypeDescriptor"))
                for p in demographics.get("programParticipations", [])
            )
        )

    def _low_income(self, demographics: dict, food_programs: list[dict], year: int) -> bool:
        characteristics = [
            c.get("studentCharacteristicDescriptor") for c in demographics.get("studentCharacteristics", [])
        ]
        services = [
            s.get("schoolFoodServiceProgramServiceDescriptor")
            for p in food_programs
            if _overlaps_year(p, year)
            for s in p.get("schoolFoodServiceProgramServices", [])
        ]
        return (
            any(self.descriptors.listed("low_income_characteristics", c) for c in characteristics)
            or self.descriptors.listed(
                "low_income_food_services", demographics.get("schoolFoodServicesEligibilityDescriptor")
            )
            or any(self.descriptors.listed("low_income_food_services", s) for s in services)
        )

    def enrollment(self) -> list[dict]:
        demographics = self._demographics()
        special_education = _by_student(self.resource("studentSpecialEducationProgramAssociations"))
        language = _by_student(self.resource("studentLanguageInstructionProgramAssociations"))
        food = _by_student(self.resource("studentSchoolFoodServiceProgramAssociations"))
        rows = []
        for spell in self.resource("studentSchoolAssociations"):
            source = spell["_source"]
            student = _text(spell, "studentReference.studentUniqueId")
            entry = _text(spell, "entryDate")
            year = _school_year(spell, entry)
            person = demographics.get(student)
            if person is None:
                self.issues.add(
                    "a student enrolled at a school has no demographics "
                    "(no studentEducationOrganizationAssociation, or no Student record with them)",
                    source,
                    student,
                )
                continue
            ell, former_ell = self._english_learner(person, language.get(student, []), year)
            rows.append(
                {
                    "student_id": student,
                    "school_id": _text(spell, "schoolReference.schoolId"),
                    "school_year": str(year),
                    "grade": self.descriptors.code("grade_levels", spell.get("entryGradeLevelDescriptor"), source),
                    "entry_date": entry[:10] if entry else None,
                    "exit_date": (_text(spell, "exitWithdrawDate") or "")[:10],
                    "race_ethnicity": self._race(person),
                    "gender": self.descriptors.code("sex", person.get("sexDescriptor"), person["_source"]),
                    "ell": _flag(ell),
                    "former_ell": _flag(former_ell),
                    "swd": _flag(self._swd(person, special_education.get(student, []), year)),
                    "low_income": _flag(self._low_income(person, food.get(student, []), year)),
                }
            )
        return rows

    # ------------------------------------------------------------ attendance

    def attendance(self) -> list[dict]:
        rows = []
        for event in self.resource("studentSchoolAttendanceEvents"):
            source = event["_source"]
            category = event.get("attendanceEventCategoryDescriptor")
            if not self.descriptors.knows("attendance_events", category):
                self.descriptors.code("attendance_events", category, source)
                continue
            code = self.descriptors.code("attendance_events", category, source)
            if code is None:
                continue  # present: not an exception
            duration = _text(event, "eventDuration")
            if duration is not None and code in self.full_day_codes:
                portion = float(duration)
                if portion == 0.5:
                    code = "AH"
                elif portion != 1:
                    self.issues.add(
                        "an absence's eventDuration is neither a whole day (1) nor half a day (0.5)", source, duration
                    )
                    continue
            rows.append(
                {
                    "student_id": _text(event, "studentReference.studentUniqueId"),
                    "school_id": _text(event, "schoolReference.schoolId"),
                    "date": (_text(event, "eventDate") or "")[:10],
                    "code": code,
                }
            )
        return rows

    # ------------------------------------------------------------ discipline

    def discipline(self) -> list[dict]:
        incidents = {
            (_text(i, "incidentIdentifier"), _text(i, "schoolReference.schoolId")): i
            for i in self.resource("disciplineIncidents")
        }
        rows: dict[tuple, dict] = {}
        for action in self.resource("disciplineActions"):
            source = action["_source"]
            student = _text(action, "studentReference.studentUniqueId")
            school = _text(action, "responsibilitySchoolReference.schoolId")
            length = _text(action, "actualDisciplineActionLength") or _text(action, "disciplineActionLength") or "0"
            references = [
                a.get("studentDisciplineIncidentBehaviorAssociationReference")
                or a.get("studentDisciplineIncidentAssociationReference")
                or {}
                for a in action.get("studentDisciplineIncidentBehaviorAssociations", [])
                + action.get("studentDisciplineIncidentAssociations", [])
            ]
            # An action that names no incident stands for its own incident, dated the day of the action.
            targets = [
                (r.get("incidentIdentifier"), r.get("schoolId") or school, r.get("behaviorDescriptor"))
                for r in references
            ]
            targets = targets or [(f"action-{_text(action, 'disciplineActionIdentifier')}", school, None)]
            for d in action.get("disciplines", []):
                code = self.descriptors.code("disciplines", d.get("disciplineDescriptor"), source)
                if code is None:
                    continue
                for incident_id, incident_school, behavior in targets:
                    incident = incidents.get((incident_id, incident_school))
                    behaviors = [b.get("behaviorDescriptor") for b in (incident or {}).get("behaviors", [])]
                    offense = code_value(behavior) or code_value(behaviors[0] if behaviors else None) or "Not recorded"
                    date = _text(incident, "incidentDate") if incident else _text(action, "disciplineDate")
                    key = (incident_id, student, school, code)
                    if key in rows:
                        # Two actions of one kind for one incident: one row, with the days of both.
                        rows[key]["days_removed"] = f"{float(rows[key]['days_removed']) + float(length):g}"
                        continue
                    rows[key] = {
                        "incident_id": incident_id,
                        "student_id": student,
                        "school_id": school,
                        "incident_date": (date or "")[:10],
                        "offense": offense,
                        "action": code,
                        "days_removed": f"{float(length):g}",
                    }
        return list(rows.values())

    # ------------------------------------------------------------ assessments

    def _assessment_of(self, result: dict) -> str | None:
        identifier = _text(result, "assessmentReference.assessmentIdentifier")
        titles = {_text(a, "assessmentIdentifier"): _text(a, "assessmentTitle") for a in self.resource("assessments")}
        table = {str(k).lower(): v for k, v in (self.descriptors.maps.get("assessments") or {}).items()}
        for key in (identifier, titles.get(identifier)):
            if key and key.lower() in table:
                return str(table[key.lower()])
        miss = self.descriptors.unmapped[("assessments", identifier or "")]
        miss.count += 1
        miss.first_source = miss.first_source or result["_source"]
        return None

    def _level(self, result: dict, assessment: str) -> str | None:
        levels = self.assessment_levels.get(assessment, ())
        table = {str(k).lower(): str(v) for k, v in (self.descriptors.maps.get("performance_levels") or {}).items()}
        for entry in result.get("performanceLevels", []):
            value = code_value(entry.get("performanceLevelDescriptor"))
            if value is None:
                continue
            level = table.get(value.lower()) or next((lv for lv in levels if lv.lower() == value.lower()), None)
            if level is None:
                miss = self.descriptors.unmapped[("performance_levels", value)]
                miss.count += 1
                miss.first_source = miss.first_source or result["_source"]
            return level
        self.issues.add("a student assessment has no performance level", result["_source"])
        return None

    def _score(self, result: dict, kind: str) -> str:
        for score in result.get("scoreResults", []):
            if self.descriptors.listed(f"score_methods.{kind}", score.get("assessmentReportingMethodDescriptor")):
                return str(score.get("result", "")).strip()
        return ""

    def _administration(self, date: dt.date) -> str | None:
        months = self.descriptors.maps.get("administration_months") or {}
        return next((name for name, listed in months.items() if date.month in listed), None)

    def assessments(self) -> list[dict]:
        spells = defaultdict(list)
        for spell in self.resource("studentSchoolAssociations"):
            spells[_text(spell, "studentReference.studentUniqueId")].append(spell)
        rows = []
        for result in self.resource("studentAssessments"):
            source = result["_source"]
            assessment = self._assessment_of(result)
            if assessment is None:
                continue
            student = _text(result, "studentReference.studentUniqueId")
            date = _date(_text(result, "administrationDate"))
            school = _text(result, "reportedSchoolReference.schoolId")
            spell = next(
                (
                    s
                    for s in spells.get(student, [])
                    if _date(_text(s, "entryDate")) <= date
                    and (not _text(s, "exitWithdrawDate") or date <= _date(_text(s, "exitWithdrawDate")))
                ),
                None,
            )
            if school is None and spell is not None:
                # A result without the school that reported it counts at the school the student was enrolled in.
                school = _text(spell, "schoolReference.schoolId")
            if school is None:
                self.issues.add(
                    "a student assessment names no school and falls in no enrollment spell", source, student
                )
                continue
            grade_descriptor = result.get("whenAssessedGradeLevelDescriptor") or (spell or {}).get(
                "entryGradeLevelDescriptor"
            )
            rows.append(
                {
                    "student_id": student,
                    "school_id": school,
                    "school_year": str(_school_year(result, date.isoformat())),
                    "assessment": assessment,
                    "administration": self._administration(date),
                    "test_date": date.isoformat(),
                    "grade": self.descriptors.code("grade_levels", grade_descriptor, source),
                    "scale_score": self._score(result, "scale_score"),
                    "performance_level": self._level(result, assessment),
                    "percentile": self._score(result, "percentile"),
                    "growth_percentile": self._score(result, "growth_percentile"),
                }
            )
        return rows


def convert(
    records: Records,
    *,
    maps: dict | None = None,
    full_day_codes: set[str] | None = None,
    assessment_levels: dict[str, tuple[str, ...]] | None = None,
) -> Conversion:
    """The canonical extracts of an Ed-Fi folder's records, or an InputProblem naming every unmapped descriptor.

    assessment_levels: each assessment id of the settings with its levels, which a result's level must be one of.
    """
    converter = _Converter(records, load_maps(maps), full_day_codes or {"A", "AE", "AS"})
    converter.assessment_levels = assessment_levels or {}
    extracts = {
        "schools": converter.schools(),
        "calendar": converter.calendar(),
        "enrollment": converter.enrollment(),
        "attendance": converter.attendance(),
        "discipline": converter.discipline(),
        "assessments": converter.assessments(),
    }
    problems = converter.descriptors.problems() + converter.issues.problems()
    if problems:
        raise InputProblem(problems)
    # An extract the folder has no records for is absent, as a missing optional file is.
    if not records.get("disciplineActions"):
        del extracts["discipline"]
    if not records.get("studentAssessments"):
        del extracts["assessments"]
    return Conversion(extracts=extracts, notes=converter.notes)


# Counted for messages only: which resources gave how many records.
def resource_counts(records: Records) -> Counter:
    return Counter({name: len(items) for name, items in records.items()})
