"""Every validation rule: its id, the extract it judges, how serious it is, what it means.

The ids are what meta.errors and meta.findings carry in their `rule` column;
the descriptions are what the data-quality page and docs/data-contract.md say.
Rules with a SQL file are `sql/meta/checks/<id>.sql`; the others are built from the
extract registry (sezp_roadmap.extracts) in sezp_roadmap.validation.run.
"""

from __future__ import annotations

from dataclasses import dataclass

from sezp_roadmap.findings import ERROR, EXCLUDED, WARNING


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    description: str
    extracts: tuple[str, ...] = ()  # the extracts a SQL-file rule judges; empty for rules of every extract
    sql: bool = False


RULES: tuple[Rule, ...] = (
    # Reading a file (sezp_roadmap.ingest).
    Rule("file_empty", ERROR, "The file has no content at all."),
    Rule(
        "file_encoding", ERROR, "The file is not UTF-8 text (Windows-1252 and UTF-16 exports are recognised and named)."
    ),
    Rule("file_unreadable", ERROR, "The file cannot be read as comma-separated text."),
    Rule("header_only", WARNING, "The file has a header row but no data rows; it was read as zero rows."),
    Rule(
        "required_extract_empty",
        ERROR,
        "No file of a required extract (schools, calendar, enrollment, attendance) has a data row: "
        "the Roadmap cannot be computed without it.",
    ),
    Rule(
        "missing_column",
        ERROR,
        "Required columns are missing from the header (or no header row was found): one message per file, with "
        "the columns it has instead and the likely renamings ('Student ID' for student_id).",
    ),
    Rule("duplicate_column", ERROR, "A column appears twice in the header."),
    Rule("row_cells", ERROR, "A row has more or fewer cells than the header, or an unclosed quote."),
    Rule("extra_column", WARNING, "A column the extract does not use; it is ignored."),
    Rule("title_rows_skipped", WARNING, "Rows above the header (a spreadsheet title line) were skipped."),
    Rule("duplicate_file", WARNING, "A file is a byte-for-byte copy of another; it is read once."),
    # Values of one row (built from the registry).
    Rule("required_value", ERROR, "A required cell is empty."),
    Rule("value_format", ERROR, "A value is not of its column's type: a date as YYYY-MM-DD, a number, Y or N."),
    Rule(
        "unknown_code",
        ERROR,
        "A code (grade, race/ethnicity, gender, attendance code, action, ...) is not an allowed one.",
    ),
    Rule("out_of_range", ERROR, "A number is outside its column's range (a score 0-10, days removed 0 or more, ...)."),
    Rule(
        "unsafe_id",
        ERROR,
        "An id that names files (schools.school_id) is not a safe id: letters (A-Z, a-z), digits, '-', '_' and '.' "
        "only, not starting with '.', at most 64 characters, and not ZONE in any case.",
    ),
    Rule("duplicate_key", ERROR, "Two rows have the same key (e.g. the same spell) but different values."),
    Rule("duplicate_row", WARNING, "A row repeats another row exactly; it is counted once."),
    Rule("unknown_school", ERROR, "A school_id that the schools extract does not list."),
    Rule(
        "id_leading_zeros",
        ERROR,
        "An id (student_id, school_id, a DESE code) that lost its leading zeros, as Excel drops them: the other files "
        "write it with more leading zeros (8392 for 0008392), or a DESE code is shorter than 8 digits. Export the file "
        "again without opening it in Excel, or set the settings' id_width.",
    ),
    Rule("future_date", ERROR, "A date after the as-of date (the day the extracts were pulled)."),
    Rule(
        "date_outside_calendar_years",
        EXCLUDED,
        "A date in a school year the calendar extract does not cover; not counted.",
    ),
    Rule("school_year_in_future", ERROR, "A school year that has not started by the as-of date."),
    # The wrong-file guards: run after every other rule of the extract, on their findings (sql/meta/checks/file_shares.sql).
    Rule(
        "mostly_outside_calendar_years",
        ERROR,
        "More than the allowed share of a file's rows (validation.max_outside_calendar_share) are dated in school years "
        "the calendar does not cover: an export of another school year.",
    ),
    Rule(
        "mostly_unknown_students",
        ERROR,
        "More than the allowed share of a file's rows (validation.max_unknown_student_share) name students the "
        "enrollment does not have: another district's file, or another kind of id.",
    ),
    Rule(
        "too_many_bad_rows",
        ERROR,
        "More than the allowed share of a file's rows (validation.max_bad_row_share) cannot be counted.",
    ),
    Rule("schema", ERROR, "The typed table does not satisfy the extract's pandera schema (sezp_roadmap.schemas)."),
    # Rows judged against other extracts (sql/meta/checks/<id>.sql).
    Rule(
        "calendar_date_outside_year",
        ERROR,
        "A calendar day outside the school year its row names.",
        ("calendar",),
        True,
    ),
    Rule(
        "enrollment_date_outside_year",
        ERROR,
        "An entry or exit date outside the spell's school year.",
        ("enrollment",),
        True,
    ),
    Rule(
        "enrollment_exit_before_entry",
        ERROR,
        "A spell whose exit date comes before its entry date.",
        ("enrollment",),
        True,
    ),
    Rule(
        "enrollment_year_without_calendar",
        ERROR,
        "A spell in a school year for which the calendar has no days of that school.",
        ("enrollment",),
        True,
    ),
    Rule(
        "enrollment_demographics_disagree",
        WARNING,
        "A student's spells in one school year disagree on a demographic; the latest spell is used.",
        ("enrollment",),
        True,
    ),
    Rule(
        "attendance_not_school_day",
        EXCLUDED,
        "An attendance exception on a day that is not a school day of the school (weekend, holiday); not counted.",
        ("attendance",),
        True,
    ),
    Rule(
        "attendance_outside_enrollment",
        EXCLUDED,
        "An attendance exception on a school day outside the student's enrollment at the school; not counted.",
        ("attendance",),
        True,
    ),
    Rule(
        "attendance_no_enrollment",
        EXCLUDED,
        "An attendance exception of a student with no enrollment at the school that year; not counted.",
        ("attendance",),
        True,
    ),
    Rule(
        "discipline_outside_enrollment",
        EXCLUDED,
        "A disciplinary action dated outside the student's enrollment at the school; not counted.",
        ("discipline",),
        True,
    ),
    Rule(
        "assessments_unknown_level",
        ERROR,
        "A performance level the settings do not list for the row's assessment (settings: assessments, levels).",
        ("assessments",),
        True,
    ),
    Rule(
        "assessments_date_outside_year",
        ERROR,
        "A test date outside the school year its row names.",
        ("assessments",),
        True,
    ),
    Rule(
        "assessments_outside_enrollment",
        EXCLUDED,
        "A result dated outside the student's enrollment at the school; not counted.",
        ("assessments",),
        True,
    ),
    Rule(
        "family_survey_summary_superseded",
        EXCLUDED,
        "A vendor's topic figure of a school's administration whose respondent-level answers are in the family_survey "
        "extract too; the answers are used, the vendor's figure is not counted.",
        ("family_survey_summary",),
        True,
    ),
    Rule(
        "family_survey_summary_same_topic",
        ERROR,
        "Two topics of one school's administration that differ only in case, spaces or punctuation: they would be one "
        "topic of the report, its respondents counted twice.",
        ("family_survey_summary",),
        True,
    ),
    Rule("targets_unknown_metric", ERROR, "A target naming a metric the Roadmap does not compute.", ("targets",), True),
    Rule(
        "targets_unknown_subgroup", ERROR, "A target naming a subgroup the Roadmap does not report.", ("targets",), True
    ),
    Rule("targets_out_of_range", ERROR, "A target outside the range of its metric's unit.", ("targets",), True),
    Rule("schools_state_id_format", ERROR, "A state_school_id that is not an 8-digit DESE code.", ("schools",), True),
    Rule("schools_state_id_duplicate", ERROR, "Two schools with the same state_school_id.", ("schools",), True),
    Rule(
        "schools_id_case_duplicate",
        ERROR,
        "Two school ids that differ only in case: on a file system that ignores case they name the same report files.",
        ("schools",),
        True,
    ),
    Rule(
        "state_figures_org_code_format",
        ERROR,
        "An org_code that is not an 8-digit DESE code.",
        ("state_figures",),
        True,
    ),
    Rule(
        "state_figures_unknown_school",
        ERROR,
        "A school's DESE code that no school of the schools extract has as its state_school_id.",
        ("state_figures",),
        True,
    ),
    Rule("state_figures_out_of_range", ERROR, "A published rate above 100 percent.", ("state_figures",), True),
)

RULES_BY_ID = {r.id: r for r in RULES}
# Rows left out of the figures that are no sign of a wrong file, so the guard on a file's share of rows that
# cannot be counted (too_many_bad_rows) does not count them: a vendor's summary of an administration whose
# answers are in the landing folder too is redundant, not wrong (every row of it is left out, by design).
NOT_SIGNS_OF_A_WRONG_FILE = ("family_survey_summary_superseded",)
READ_RULES = (
    "file_empty",
    "file_encoding",
    "file_unreadable",
    "header_only",
    "required_extract_empty",
    "missing_column",
    "duplicate_column",
    "row_cells",
    "extra_column",
    "title_rows_skipped",
    "duplicate_file",
)


def sql_rules(extract: str) -> list[Rule]:
    return [r for r in RULES if r.sql and extract in r.extracts]


def check_rule_ids(extract: str) -> list[str]:
    """The rules the extract's check runs (everything but reading the files)."""
    return [r.id for r in RULES if r.id not in READ_RULES and (not r.sql or extract in r.extracts)]
