"""The registry of extracts the pipeline accepts (the data contract, as data).

Ingestion, validation, the data dictionary and the docs all read this one
registry, so adding a column or an extract is an edit here.
"""

from __future__ import annotations

from dataclasses import dataclass

from sezp_roadmap import subgroups
from sezp_roadmap.periods import PERIODS
from sezp_roadmap.subgroups import GRADES, SUBGROUPS

RACE_CODES = subgroups.codes("race")
GENDER_CODES = subgroups.codes("gender")
DISCIPLINE_ACTIONS = {
    "ISS": "In-school suspension",
    "OSS": "Out-of-school suspension",
    "EXP": "Expulsion",
    "ER": "Emergency removal",
    "ALT": "Removal to an interim alternative setting",
    "OTHER": "Other action",
}
# The actions that remove a student from class: their days_removed count (docs/metrics.md, days_removed_per_100).
REMOVAL_ACTIONS = tuple(code for code in DISCIPLINE_ACTIONS if code != "OTHER")
# A school year's survey, review and test administrations, in order; the mid-year period
# reads those given by its cutoff (docs/metrics.md, "Academics").
ADMINISTRATIONS = ("fall", "winter", "spring")
MID_YEAR_ADMINISTRATIONS = ("fall", "winter")
# The measures DESE publishes that the Roadmap computes too (state_figures.metric), with their unit.
STATE_METRICS = {
    "attendance_rate": "percent",
    "avg_days_absent": "days",
    "chronic_absence_rate": "percent",
    "severe_absence_rate": "percent",
    "iss_rate": "percent",
    "oss_rate": "percent",
}
# DESE's organisation codes: 8 digits; a district's end in 0000, the state's is all zeros.
DESE_CODE_PATTERN = r"^[0-9]{8}$"
DESE_CODE_WIDTH = 8
STATE_CODE = "00000000"
# An id that becomes part of a file name (a school's report is <school_id>.html): only
# characters that mean nothing to a file system, a shell, a URL or a spreadsheet, never
# a leading '.' (a hidden file, '..'), and short enough for every file system
# (docs/data-contract.md, "Ids that name files"). `zone` in any case is the zone's own
# id (its rows, zone.html) and no school's.
SAFE_ID_CHARACTERS = "[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}"
SAFE_ID_PATTERN = f"^{SAFE_ID_CHARACTERS}$"
RESERVED_IDS = ("zone",)
SAFE_ID_RULE = (
    "letters (A-Z, a-z), digits, '-', '_' and '.' only, not starting with '.', at most 64 characters, "
    "and not 'ZONE' (in any case)"
)
# The ids that join one file to another (Column.identifies), as the settings' id_width names them,
# with the extract that is their source: every other file's ids must be found there.
ID_KINDS = {
    "student_id": "enrollment",
    "school_id": "schools",
    "dese_code": "schools",
}


@dataclass(frozen=True)
class Column:
    """One column of an extract.

    kind: text, int, decimal, date, flag (Y/N) or code (one of `codes`).
    required: the header must name it; an optional column missing from a file reads as empty.
    identifies: for an id that joins files, which kind of id it is (ID_KINDS); ids are always
        text, and spreadsheets drop their leading zeros, which validation catches and the
        settings' id_width repairs.
    """

    name: str
    kind: str
    description: str
    required: bool = True
    nullable: bool = False
    codes: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    pattern: str | None = None  # a regular expression every value matches
    names_files: bool = False  # each value becomes part of a file name: it must be a safe id (SAFE_ID_RULE)
    identifies: str | None = None

    @property
    def sql_type(self) -> str:
        return {"int": "INTEGER", "decimal": "DECIMAL(18,3)", "date": "DATE", "flag": "BOOLEAN"}.get(
            self.kind, "VARCHAR"
        )


@dataclass(frozen=True)
class Extract:
    name: str
    one_row_per: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    required: bool = True
    description: str = ""

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def required_column_names(self) -> tuple[str, ...]:
        """The columns a header must name (an optional column may be left out)."""
        return tuple(c.name for c in self.columns if c.required)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _student_id(description: str = "The student's id.") -> Column:
    return Column("student_id", "text", description, pattern=r"^\S+$", identifies="student_id")


def _school_id(description: str = "The school's id, as in the schools extract.") -> Column:
    return Column("school_id", "text", description, identifies="school_id")


def _school_year() -> Column:
    return Column(
        "school_year",
        "int",
        "Calendar year in which the school year ends (2026 means 2025-26).",
        minimum=1990,
        maximum=2100,
    )


EXTRACTS: dict[str, Extract] = {
    e.name: e
    for e in (
        Extract(
            "schools",
            "school",
            (
                # The one extract that brings in a school: every other extract's school_id must be
                # one of these (the unknown_school rule), so only these ids need the file-name rule.
                Column(
                    "school_id",
                    "text",
                    "The school's id; it names the school's report files, so it must be a safe id.",
                    pattern=SAFE_ID_PATTERN,
                    names_files=True,
                    identifies="school_id",
                ),
                Column("school_name", "text", "The school's name as readers know it."),
                Column("grade_span", "text", "Grades served, e.g. 6-8."),
                Column(
                    "state_school_id",
                    "text",
                    "The school's 8-digit DESE code (e.g. 02810315), to hold its figures against the state's; optional.",
                    required=False,
                    nullable=True,
                    pattern=DESE_CODE_PATTERN,
                    identifies="dese_code",
                ),
            ),
            key=("school_id",),
        ),
        Extract(
            "calendar",
            "school day of a school",
            (
                _school_id(),
                _school_year(),
                Column("date", "date", "A day on which the school is in session."),
            ),
            key=("school_id", "date"),
        ),
        Extract(
            "enrollment",
            "enrollment spell of a student at a school in a school year",
            (
                _student_id("The student's id; kept as text so leading zeros survive."),
                _school_id(),
                _school_year(),
                Column("grade", "code", "Grade during the spell.", codes=GRADES),
                Column("entry_date", "date", "First day of the spell."),
                Column("exit_date", "date", "Last day of the spell; empty while enrolled.", nullable=True),
                Column("race_ethnicity", "code", "Federal race/ethnicity category.", codes=tuple(RACE_CODES)),
                Column("gender", "code", "Gender.", codes=tuple(GENDER_CODES)),
                Column("ell", "flag", "Current English learner."),
                Column("former_ell", "flag", "Former English learner."),
                Column("swd", "flag", "Student with disabilities (has an IEP)."),
                Column("low_income", "flag", "Low income (economically disadvantaged)."),
            ),
            key=("student_id", "school_id", "entry_date"),
        ),
        Extract(
            "attendance",
            "attendance exception (absence, tardy, dismissal) of a student on a day",
            (
                _student_id(),
                _school_id(),
                Column("date", "date", "The school day of the exception."),
                Column("code", "code", "Attendance code, from the configured code table."),
            ),
            key=("student_id", "school_id", "date", "code"),
        ),
        Extract(
            "discipline",
            "disciplinary action taken for a student in an incident",
            (
                Column("incident_id", "text", "The incident's id, unique within the school."),
                _student_id(),
                _school_id(),
                Column("incident_date", "date", "Date of the incident."),
                Column("offense", "text", "Offense, as the school recorded it."),
                Column("action", "code", "Action taken.", codes=tuple(DISCIPLINE_ACTIONS)),
                Column(
                    "days_removed",
                    "decimal",
                    "School days removed from class; may be fractional.",
                    minimum=0,
                    maximum=365,
                ),
            ),
            key=("school_id", "incident_id", "student_id", "action"),
            required=False,
        ),
        Extract(
            "educator_survey",
            "domain score of a school's educator survey administration",
            (
                _school_id(),
                _school_year(),
                Column("administration", "code", "When the survey ran.", codes=ADMINISTRATIONS),
                Column("domain", "text", "Survey domain; 'Instructional Culture Index' is the overall index."),
                Column("score", "decimal", "Domain score, 0-10.", minimum=0, maximum=10),
                Column("respondents", "int", "Educators who answered.", minimum=0, maximum=100000),
            ),
            key=("school_id", "school_year", "administration", "domain"),
            required=False,
        ),
        Extract(
            "family_survey",
            "answer of one respondent to one item",
            (
                Column("response_id", "text", "The respondent's id within the administration."),
                _school_id(),
                _school_year(),
                Column("administration", "code", "When the survey ran.", codes=ADMINISTRATIONS),
                Column("item_id", "text", "The survey item."),
                Column("topic", "text", "The item's topic."),
                Column(
                    "response", "int", "Answer on a 1-5 scale; empty when skipped.", nullable=True, minimum=1, maximum=5
                ),
            ),
            key=("school_id", "school_year", "administration", "response_id", "item_id"),
            required=False,
        ),
        Extract(
            # A vendor's report (Panorama-style): a share per school and topic, without the answers behind it.
            # It cannot be written as family_survey rows without making respondents up (docs/sources.md).
            "family_survey_summary",
            "topic of a school's family survey administration, as the vendor reports it",
            (
                _school_id(),
                _school_year(),
                Column("administration", "code", "When the survey ran.", codes=ADMINISTRATIONS),
                Column(
                    "topic",
                    "text",
                    "The topic (or item) the vendor reports; 'Overall' is the vendor's figure over every question.",
                ),
                Column(
                    "percent_favorable",
                    "decimal",
                    "The vendor's percent favorable for the topic, 0-100.",
                    minimum=0,
                    maximum=100,
                ),
                Column("respondents", "int", "Families who answered the topic.", minimum=1, maximum=100000),
            ),
            key=("school_id", "school_year", "administration", "topic"),
            required=False,
        ),
        Extract(
            "sqr",
            "indicator rating of a School Quality Review",
            (
                _school_id(),
                _school_year(),
                Column("review", "code", "When the review took place.", codes=ADMINISTRATIONS),
                Column("domain", "text", "Review domain."),
                Column("indicator", "text", "Indicator within the domain."),
                Column(
                    "rating", "int", "1 Not yet evident, 2 Developing, 3 Proficient, 4 Exemplary.", minimum=1, maximum=4
                ),
            ),
            key=("school_id", "school_year", "review", "domain", "indicator"),
            required=False,
        ),
        Extract(
            "targets",
            "performance target a school's TLT set",
            (
                _school_id(),
                _school_year(),
                Column("period", "code", "Period the target is for.", codes=PERIODS),
                Column("metric", "text", "Metric id, as in marts.metric_values."),
                Column("subgroup", "text", "Subgroup id, as in marts.metric_values."),
                Column(
                    "target", "decimal", "Target in the metric's own unit (rates in percent).", minimum=0, maximum=100
                ),
            ),
            key=("school_id", "school_year", "period", "metric", "subgroup"),
            required=False,
        ),
        Extract(
            "assessments",
            "result of one student on one administration of one assessment",
            (
                _student_id(),
                _school_id("The school the student took the test at, as in the schools extract."),
                _school_year(),
                Column(
                    "assessment", "code", "Assessment id, from the assessments table in the settings (e.g. mcas_ela)."
                ),
                Column("administration", "code", "Which of the year's administrations.", codes=ADMINISTRATIONS),
                Column("test_date", "date", "The day the student took the test."),
                Column("grade", "code", "The student's grade when tested.", codes=GRADES),
                Column(
                    "scale_score",
                    "decimal",
                    "Scale score; empty when the assessment reports none.",
                    nullable=True,
                    minimum=0,
                    maximum=10000,
                ),
                Column(
                    "performance_level",
                    "text",
                    "Performance level, exactly as the assessment's levels in the settings name it.",
                ),
                Column(
                    "percentile",
                    "int",
                    "National percentile rank, 1-99; optional.",
                    required=False,
                    nullable=True,
                    minimum=1,
                    maximum=99,
                ),
                Column(
                    "growth_percentile",
                    "int",
                    "Student growth percentile (the state's SGP), 1-99; optional.",
                    required=False,
                    nullable=True,
                    minimum=1,
                    maximum=99,
                ),
                Column(
                    "typical_growth_met",
                    "flag",
                    "Y when the student met the interim vendor's typical growth from fall to this administration; optional.",
                    required=False,
                    nullable=True,
                ),
            ),
            key=("student_id", "assessment", "school_year", "administration"),
            required=False,
        ),
        Extract(
            "state_figures",
            "figure DESE published for a school, a district or the state",
            (
                _school_year(),
                Column(
                    "org_code",
                    "text",
                    "DESE's 8-digit code: a school's (as in schools.state_school_id), a district's (4 digits + 0000) "
                    "or 00000000 for the state.",
                    pattern=DESE_CODE_PATTERN,
                    identifies="dese_code",
                ),
                Column("subgroup", "code", "Subgroup id, as in marts.metric_values.", codes=tuple(SUBGROUPS)),
                Column("metric", "code", "Metric id, as in marts.metric_values.", codes=tuple(STATE_METRICS)),
                Column(
                    "value",
                    "decimal",
                    "The published figure, in the metric's unit (rates in percent).",
                    minimum=0,
                    maximum=366,
                ),
                Column("source", "text", "The public source of the figure (report, year, address)."),
            ),
            key=("school_year", "org_code", "subgroup", "metric"),
            required=False,
        ),
    )
}


CSV_SUFFIXES = (".csv", ".csv.gz")


def extract_of(path) -> str | None:
    """Which extract a landing file holds, from its name: `<extract>.csv` or `<extract>_<anything>.csv` (or .csv.gz)."""
    name = str(getattr(path, "name", path)).lower()
    for suffix in CSV_SUFFIXES:
        if name.endswith(suffix):
            stem = name[: -len(suffix)]
            # The longest name first: family_survey_summary.csv is that extract, not a part of family_survey.
            for extract in sorted(EXTRACTS, key=len, reverse=True):
                if stem == extract or stem.startswith(extract + "_"):
                    return extract
    return None
