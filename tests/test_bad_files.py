"""The corpus of bad files: each one, dropped into an otherwise good landing folder, gets its exact message.

Every case names the rule, file, row and column it must produce, and words
the message must contain. Errors must match exactly (no other error may
appear); findings must be exactly the base zone's one finding plus the
expected ones. The files are generated here into tmp_path from the tiny zone
(tests/ingest_zone.py), so each case shows the one thing wrong with it.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from ingest_zone import BASELINE_FINDING, DAYS, append, ingest_and_validate, write_zone

from sezp_roadmap.extracts import EXTRACTS

d = DAYS
ATT = "student_id,school_id,date,code"
ENR = "student_id,school_id,school_year,grade,entry_date,exit_date,race_ethnicity,gender,ell,former_ell,swd,low_income"
SATURDAY = "2025-09-06"
SUMMARY = "school_id,school_year,administration,topic,percent_favorable,respondents\n"
OPTIONAL = [name for name, e in EXTRACTS.items() if not e.required]
REQUIRED = [name for name, e in EXTRACTS.items() if e.required]
assert REQUIRED == ["schools", "calendar", "enrollment", "attendance"]


@dataclass(frozen=True)
class Expect:
    rule: str
    file: str
    row: int | None
    column: str | None
    says: str  # words the message must contain
    error: bool = True


@dataclass(frozen=True)
class Case:
    id: str
    mutate: Callable
    expect: tuple[Expect, ...]
    moves_baseline: bool = False  # rows above shift the base zone's finding, which the case then lists itself


def write(name: str, content: str | bytes):
    def mutate(folder):
        path = folder / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))

    return mutate


def add(name: str, *lines: str):
    return lambda folder: append(folder, name, *lines)


def replace(name: str, old: str, new: str):
    def mutate(folder):
        text = (folder / name).read_text()
        assert old in text, old
        (folder / name).write_text(text.replace(old, new, 1))

    return mutate


def both(*mutations):
    def mutate(folder):
        for m in mutations:
            m(folder)

    return mutate


CASES = [
    # --- files that cannot be read ---------------------------------------------------------------
    Case(
        "missing column",
        write("attendance.csv", f"student_id,school_id,date\n0001,A,{d[1]}\n"),
        (Expect("missing_column", "attendance.csv", 1, "code", "the header lacks the required column code"),),
    ),
    Case(
        "no header row",
        write("schools.csv", "A,Alpha Middle,6-8\nB,Beta High,9-12\n"),
        (Expect("missing_column", "schools.csv", 1, None, "no header row"),),
    ),
    Case(
        "separated by semicolons",
        write("schools.csv", "school_id;school_name;grade_span\nA;Alpha Middle;6-8\n"),
        (
            Expect(
                "missing_column",
                "schools.csv",
                1,
                None,
                "separated by semicolons: save the file as comma-separated CSV",
            ),
        ),
    ),
    Case(
        "separated by tabs",
        write("schools.csv", "school_id\tschool_name\tgrade_span\nA\tAlpha Middle\t6-8\n"),
        (Expect("missing_column", "schools.csv", 1, None, "separated by tabs: save the file as comma-separated CSV"),),
    ),
    Case(
        "empty file",
        write("attendance_part2.csv", ""),
        (Expect("file_empty", "attendance_part2.csv", None, None, "the file is empty"),),
    ),
    Case(
        "only blank lines",
        write("attendance_part2.csv", "\n\r\n\n"),
        (Expect("file_empty", "attendance_part2.csv", None, None, "the file is empty"),),
    ),
    # --- empty is a valid answer, except where the Roadmap cannot be computed --------------------
    Case(
        "a header-only part of a multi-part extract",
        write("attendance_part2.csv", ATT + "\r\n"),
        (
            Expect(
                "header_only",
                "attendance_part2.csv",
                1,
                None,
                "a header row but no data rows; it was read as zero rows",
                error=False,
            ),
        ),
    ),
    *(
        Case(
            f"header-only {name}",
            write(f"{name}.csv", ",".join(EXTRACTS[name].column_names) + "\n"),
            (Expect("header_only", f"{name}.csv", 1, None, "it was read as zero rows", error=False),),
        )
        for name in OPTIONAL
    ),
    *(
        Case(
            f"header-only {name}",
            write(f"{name}.csv", ",".join(EXTRACTS[name].column_names) + "\n"),
            (
                Expect("header_only", f"{name}.csv", 1, None, "it was read as zero rows", error=False),
                Expect(
                    "required_extract_empty",
                    f"{name}.csv",
                    None,
                    None,
                    f"the file has a data row, and the Roadmap cannot be computed without the {name} extract",
                ),
            ),
        )
        for name in REQUIRED
    ),
    Case(
        "every part of attendance header-only",
        both(write("attendance.csv", ATT + "\n"), write("attendance_part2.csv", ATT + "\r\n")),
        (
            Expect("header_only", "attendance.csv", 1, None, "read as zero rows", error=False),
            Expect("header_only", "attendance_part2.csv", 1, None, "read as zero rows", error=False),
            Expect(
                "required_extract_empty",
                "attendance.csv, attendance_part2.csv",
                None,
                None,
                "none of the 2 attendance files has a data row, and the Roadmap cannot be computed without the attendance extract",
            ),
        ),
    ),
    Case(
        "Windows-1252 text",
        write(
            "schools.csv",
            "school_id,school_name,grade_span\nA,Alpha Middle,6-8\nB,Escuela Mart\xed,9-12\n".encode("cp1252"),
        ),
        (Expect("file_encoding", "schools.csv", 3, "school_name", "looks like Windows-1252"),),
    ),
    Case(
        "UTF-16 text",
        write(
            "schools.csv", codecs.BOM_UTF16_LE + "school_id,school_name,grade_span\nA,Alpha,6-8\n".encode("utf-16-le")
        ),
        (Expect("file_encoding", "schools.csv", 1, None, "UTF-16"),),
    ),
    Case(
        "duplicate column",
        write("schools.csv", "school_id,school_name,School_ID,grade_span\nA,Alpha,A,6-8\nB,Beta,B,9-12\n"),
        (Expect("duplicate_column", "schools.csv", 1, "school_id", "appears twice"),),
    ),
    Case(
        "too many cells",
        add("attendance.csv", f"0001,A,{d[9]},A,extra"),
        (Expect("row_cells", "attendance.csv", 27, None, "this row has 5 cells but the header has 4"),),
    ),
    Case(
        "too few cells",
        add("attendance.csv", f"0001,A,{d[9]}"),
        (Expect("row_cells", "attendance.csv", 27, None, "this row has 3 cells but the header has 4"),),
    ),
    Case(
        "unclosed quote",
        add("schools.csv", 'C,"Gamma School,6-8'),
        (Expect("row_cells", "schools.csv", 4, None, "a quoted cell is not closed"),),
    ),
    # --- accepted as they come from spreadsheets and older systems --------------------------------
    Case(
        "UTF-8 BOM",
        write("schools.csv", "\ufeffschool_id,school_name,grade_span\nA,Alpha Middle,6-8\nB,Beta High,9-12\n"),
        (),
    ),
    Case(
        "CRLF line ends",
        lambda f: (f / "attendance.csv").write_bytes((f / "attendance.csv").read_bytes().replace(b"\n", b"\r\n")),
        (),
    ),
    Case(
        "quoted commas",
        write(
            "schools.csv",
            'school_id,school_name,grade_span\nA,"Alpha Middle, Upper Campus",6-8\nB,Beta High,"9,10,11,12"\n',
        ),
        (),
    ),
    Case(
        "column names in any case and spacing", replace("attendance.csv", ATT, " Student_ID ,SCHOOL_ID, Date,Code"), ()
    ),
    Case(
        "trailing empty columns",
        lambda f: (f / "schools.csv").write_text(
            "".join(line + ",,\n" for line in (f / "schools.csv").read_text().splitlines())
        ),
        (),
    ),
    Case(
        "title line above the header",
        replace("attendance.csv", ATT, "Attendance exceptions export,,,\n" + ATT),
        (
            Expect("title_rows_skipped", "attendance.csv", 1, None, "rows above the header were skipped", error=False),
            Expect(*BASELINE_FINDING[:2], 17, "date", "not enrolled", error=False),
        ),
        moves_baseline=True,
    ),
    Case(
        "title line, then a bad code counted from the real row",
        both(
            replace("attendance.csv", ATT, "Attendance exceptions export\n" + ATT),
            add("attendance.csv", f"0001,A,{d[9]},ZZ"),
        ),
        (
            Expect("title_rows_skipped", "attendance.csv", 1, None, "title line", error=False),
            Expect("unknown_code", "attendance.csv", 28, "code", "found 'ZZ'; expected one of A, AE, AH, AS, T, D"),
            Expect(*BASELINE_FINDING[:2], 17, "date", "not enrolled", error=False),
        ),
        moves_baseline=True,
    ),
    Case(
        "blank line in the middle keeps row numbers",
        replace("attendance.csv", f"0002,A,{d[5]},A\n", f"\n0002,A,{d[5]},Z\n"),
        (
            Expect("unknown_code", "attendance.csv", 7, "code", "found 'Z'"),
            Expect(*BASELINE_FINDING[:2], 17, "date", "not enrolled", error=False),
        ),
        moves_baseline=True,
    ),
    Case(
        "extra column",
        lambda f: (f / "attendance.csv").write_text(
            "".join(
                line + (",entered_by\n" if i == 0 else ",clerk\n")
                for i, line in enumerate((f / "attendance.csv").read_text().splitlines())
            )
        ),
        (
            Expect(
                "extra_column",
                "attendance.csv",
                1,
                "entered_by",
                "not part of the extract; it was ignored",
                error=False,
            ),
        ),
    ),
    Case("leading zeros and spaces in student ids", replace("enrollment.csv", "0007,A", " 0007 ,A"), ()),
    # --- values -------------------------------------------------------------------------------------
    Case(
        "date in another format",
        add("attendance.csv", "0001,A,09/22/2025,A"),
        (Expect("value_format", "attendance.csv", 27, "date", "not a date written as YYYY-MM-DD (found '09/22/2025'"),),
    ),
    Case(
        "school year written as a range",
        add("calendar.csv", "A,2025-26,2025-10-30"),
        (Expect("value_format", "calendar.csv", 82, "school_year", "not a whole number (found '2025-26'"),),
    ),
    Case(
        "flag written as a word",
        replace("enrollment.csv", "H,F,Y,N,N,Y\n0002", "H,F,Yes,N,N,Y\n0002"),
        (Expect("value_format", "enrollment.csv", 2, "ell", "flag is not Y or N (found 'Yes'"),),
    ),
    Case(
        "score is not a number",
        replace("educator_survey.csv", "7.2", "seven"),
        (Expect("value_format", "educator_survey.csv", 2, "score", "not a number (found 'seven'"),),
    ),
    Case(
        "unknown attendance code",
        add("attendance.csv", f"0001,A,{d[9]},X"),
        (Expect("unknown_code", "attendance.csv", 27, "code", "not one the code table in the settings"),),
    ),
    Case(
        "unknown grade",
        replace("enrollment.csv", "0001,A,2026,7", "0001,A,2026,13"),
        (Expect("unknown_code", "enrollment.csv", 2, "grade", "found '13'; expected one of PK, K, 1"),),
    ),
    Case(
        "unknown race code",
        replace("enrollment.csv", "H,F,Y,N,N,Y", "Hispanic,F,Y,N,N,Y"),
        (Expect("unknown_code", "enrollment.csv", 2, "race_ethnicity", "found 'Hispanic'"),),
    ),
    Case(
        "unknown discipline action",
        replace("discipline.csv", "OSS", "SUSP"),
        (Expect("unknown_code", "discipline.csv", 2, "action", "found 'SUSP'"),),
    ),
    Case(
        "required value empty",
        replace("enrollment.csv", f"0001,A,2026,7,{d[0]},,H,F", f"0001,A,2026,7,{d[0]},,H,"),
        (
            Expect(
                "required_value", "enrollment.csv", 2, "gender", "a required value is empty (expected one of F, M, N)"
            ),
        ),
    ),
    Case(
        "negative days removed",
        replace("discipline.csv", "OSS,2", "OSS,-2"),
        (
            Expect(
                "out_of_range",
                "discipline.csv",
                2,
                "days_removed",
                "out of range (found '-2'; expected a number from 0 to 365)",
            ),
        ),
    ),
    Case(
        "educator score out of range",
        replace("educator_survey.csv", "7.2", "72"),
        (Expect("out_of_range", "educator_survey.csv", 2, "score", "expected a number from 0 to 10"),),
    ),
    Case(
        "vendor percent favorable above 100",
        write("family_survey_summary.csv", f"{SUMMARY}B,2026,fall,Communication,120,12\n"),
        (
            Expect(
                "out_of_range",
                "family_survey_summary.csv",
                2,
                "percent_favorable",
                "found '120'; expected a number from 0 to 100",
            ),
        ),
    ),
    Case(
        "vendor respondents not a positive whole number",
        write("family_survey_summary.csv", f"{SUMMARY}B,2026,fall,Communication,70,0\nB,2026,fall,Safety,70,7.5\n"),
        (
            Expect(
                "out_of_range", "family_survey_summary.csv", 2, "respondents", "found '0'; expected a number from 1"
            ),
            Expect("value_format", "family_survey_summary.csv", 3, "respondents", "not a whole number (found '7.5'"),
        ),
    ),
    Case(
        "vendor topic twice, or written two ways",
        write(
            "family_survey_summary.csv",
            f"{SUMMARY}B,2026,fall,School Safety,70,12\nB,2026,fall,school safety,71,12\nB,2026,fall,School Safety,75,12\n",
        ),
        (
            Expect("duplicate_key", "family_survey_summary.csv", 4, "percent_favorable", "row 2"),
            Expect(
                "family_survey_summary_same_topic",
                "family_survey_summary.csv",
                3,
                "topic",
                "count its respondents twice",
            ),
        ),
    ),
    Case(
        "vendor figures of a school and year the zone does not have",
        write("family_survey_summary.csv", f"{SUMMARY}Z,2026,fall,Communication,70,12\nB,2031,fall,Safety,70,12\n"),
        (
            Expect("unknown_school", "family_survey_summary.csv", 2, "school_id", "not in the schools extract"),
            Expect("school_year_in_future", "family_survey_summary.csv", 3, "school_year", "has not started"),
        ),
    ),
    Case(
        "vendor figures of an administration whose answers are in family_survey",
        write("family_survey_summary.csv", f"{SUMMARY}A,2026,fall,Communication,70,12\nB,2026,fall,Safety,70,12\n"),
        (
            Expect(
                "family_survey_summary_superseded",
                "family_survey_summary.csv",
                2,
                "administration",
                "the family_survey extract has the answers of this school's fall survey of 2026; they are used",
                error=False,
            ),
        ),
    ),
    Case(
        "family response out of range",
        replace("family_survey.csv", "Q1,communication,4", "Q1,communication,6"),
        (Expect("out_of_range", "family_survey.csv", 2, "response", "found '6'; expected a number from 1 to 5"),),
    ),
    Case(
        "SQR rating out of range",
        replace("sqr.csv", "1.1,3", "1.1,5"),
        (Expect("out_of_range", "sqr.csv", 2, "rating", "expected a number from 1 to 4"),),
    ),
    # --- keys and duplicates -----------------------------------------------------------------------
    Case(
        "same spell twice with different grades",
        add("enrollment.csv", f"0001,A,2026,8,{d[0]},,H,F,Y,N,N,Y"),
        (
            Expect(
                "duplicate_key",
                "enrollment.csv",
                10,
                "grade",
                "same student_id, school_id, entry_date as enrollment.csv, row 2",
            ),
        ),
    ),
    Case(
        "two answers of one respondent to one item",
        add("family_survey.csv", "R1,A,2026,fall,Q1,communication,2"),
        (
            Expect(
                "duplicate_key",
                "family_survey.csv",
                6,
                "response",
                "found '2'; expected '4' as in family_survey.csv, row 2",
            ),
        ),
    ),
    # Messages quote a cell as the file has it, not as its typed value prints (2, 2.000).
    Case(
        "a second answer written with a leading zero",
        add("family_survey.csv", "R1,A,2026,fall,Q1,communication,02"),
        (
            Expect(
                "duplicate_key",
                "family_survey.csv",
                6,
                "response",
                "found '02'; expected '4' as in family_survey.csv, row 2",
            ),
        ),
    ),
    Case(
        "a repeated row written differently",
        add("discipline.csv", f"I1,0001,A,{d[5]},Fighting,OSS,2.0"),
        (
            Expect(
                "duplicate_row",
                "discipline.csv",
                4,
                None,
                "repeats discipline.csv, row 2 exactly; it was counted once",
                error=False,
            ),
        ),
    ),
    Case(
        "a row repeated in a second file",
        write("attendance_part2.csv", f"{ATT}\n0001,A,{d[1]},A\n"),
        (
            Expect(
                "duplicate_row",
                "attendance_part2.csv",
                2,
                None,
                "repeats attendance.csv, row 2 exactly; it was counted once",
                error=False,
            ),
        ),
    ),
    # --- references, dates and years ----------------------------------------------------------------
    Case(
        "unknown school",
        add("attendance.csv", f"0001,Z,{d[9]},A"),
        (
            Expect(
                "unknown_school",
                "attendance.csv",
                27,
                "school_id",
                "not in the schools extract (found 'Z'; expected a school_id of the schools extract (A, B))",
            ),
        ),
    ),
    Case(
        "future date",
        add("attendance.csv", "0001,A,2025-11-03,A"),
        (Expect("future_date", "attendance.csv", 27, "date", "after the as-of date 2025-10-31"),),
    ),
    Case(
        "exit date in the future",
        replace("enrollment.csv", f"0001,A,2026,7,{d[0]},", f"0001,A,2026,7,{d[0]},2026-06-30"),
        (
            Expect(
                "future_date", "enrollment.csv", 2, "exit_date", "leave exit_date empty while the student is enrolled"
            ),
        ),
    ),
    Case(
        "date outside every school year of the calendar",
        add("attendance.csv", "0001,A,2024-10-01,A"),
        (
            Expect(
                "date_outside_calendar_years",
                "attendance.csv",
                27,
                "date",
                "the row is not counted (found '2024-10-01'; expected a date in a school year the calendar covers (2025–26 to 2025–26)",
                error=False,
            ),
        ),
    ),
    Case(
        "calendar day outside its school year",
        add("calendar.csv", "A,2026,2026-07-01"),
        (
            Expect(
                "calendar_date_outside_year",
                "calendar.csv",
                82,
                "date",
                "expected a date from 2025-07-01 to 2026-06-30",
            ),
        ),
    ),
    Case(
        "entry date outside the spell's school year",
        replace("enrollment.csv", f"0003,A,2026,6,{d[20]}", "0003,A,2026,6,2025-06-30"),
        (
            Expect(
                "enrollment_date_outside_year",
                "enrollment.csv",
                4,
                "entry_date",
                "outside the school year given in column school_year",
            ),
        ),
    ),
    Case(
        "exit before entry",
        add("enrollment.csv", f"0010,A,2026,7,{d[5]},{d[2]},H,F,Y,N,N,Y"),
        (
            Expect(
                "enrollment_exit_before_entry",
                "enrollment.csv",
                10,
                "exit_date",
                f"exits before entering (found '{d[2]}'; expected a date on or after the entry date {d[5]})",
            ),
        ),
    ),
    Case(
        "spell in a school year without calendar",
        add("enrollment.csv", "0009,B,2025,7,2024-09-03,2024-09-30,H,F,Y,N,N,Y"),
        (
            Expect(
                "enrollment_year_without_calendar",
                "enrollment.csv",
                10,
                "school_year",
                "the calendar has no school days of school B",
            ),
        ),
    ),
    Case(
        "survey year in the future",
        replace("sqr.csv", "A,2026,fall,Curriculum,1.1", "A,2027,fall,Curriculum,1.1"),
        (Expect("school_year_in_future", "sqr.csv", 2, "school_year", "has not started by the as-of date"),),
    ),
    Case(
        "target naming an unknown metric",
        replace("targets.csv", "chronic_absence_rate", "chronic_absense"),
        (
            Expect(
                "targets_unknown_metric",
                "targets.csv",
                2,
                "metric",
                "not one the Roadmap computes (found 'chronic_absense'",
            ),
        ),
    ),
    Case(
        "target naming an unknown subgroup",
        replace("targets.csv", "attendance_rate,ell", "attendance_rate,english_learners"),
        (
            Expect(
                "targets_unknown_subgroup",
                "targets.csv",
                3,
                "subgroup",
                "found 'english_learners'; expected a subgroup id: all, hispanic",
            ),
        ),
    ),
    Case(
        "target outside its metric's unit",
        add("targets.csv", "A,2026,end_of_year,educator_ici,all,12"),
        (Expect("targets_out_of_range", "targets.csv", 5, "target", "expected a value from 0 to 10 for educator_ici"),),
    ),
    # --- findings: reported, not counted ------------------------------------------------------------
    Case(
        "absence on a Saturday",
        add("attendance.csv", f"0001,A,{SATURDAY},A"),
        (
            Expect(
                "attendance_not_school_day",
                "attendance.csv",
                27,
                "date",
                "this day (a Saturday) is not a school day",
                error=False,
            ),
        ),
    ),
    Case(
        "absence before entry",
        add("attendance.csv", f"0003,A,{d[5]},A"),
        (
            Expect(
                "attendance_outside_enrollment",
                "attendance.csv",
                27,
                "date",
                f"expected a day inside the student's enrollment at this school (from {d[20]}, no exit date)",
                error=False,
            ),
        ),
    ),
    Case(
        "absence of a student never enrolled",
        add("attendance.csv", f"0099,A,{d[5]},A"),
        (
            Expect(
                "attendance_no_enrollment",
                "attendance.csv",
                27,
                "student_id",
                "no enrollment at the school in this school year",
                error=False,
            ),
        ),
    ),
    Case(
        "discipline after withdrawal",
        add("discipline.csv", f"I3,0005,A,{d[30]},Fighting,ISS,1"),
        (
            Expect(
                "discipline_outside_enrollment",
                "discipline.csv",
                4,
                "incident_date",
                "not enrolled at the school on this date",
                error=False,
            ),
        ),
    ),
    Case(
        "demographics disagree between spells",
        replace("enrollment.csv", f"0004,B,2026,8,{d[10]},,H,F", f"0004,B,2026,8,{d[10]},,B,F"),
        (
            Expect(
                "enrollment_demographics_disagree",
                "enrollment.csv",
                5,
                "race_ethnicity",
                "expected 'B' as in the student's latest spell this school year (enrollment.csv, row 6)",
                error=False,
            ),
        ),
    ),
    # 25 of 49 rows: a majority of the file, and more than the 10 rows always tolerated.
    Case(
        "most rows cannot be counted",
        add("attendance.csv", *(f"0003,A,{d[i]},{c}" for c in ("A", "AE") for i in range(20 if c == "A" else 4))),
        (
            *(
                Expect("attendance_outside_enrollment", "attendance.csv", row, "date", "not enrolled", error=False)
                for row in range(27, 51)
            ),
            Expect("too_many_bad_rows", "attendance.csv", None, None, "25 of 49 rows (51.0%) cannot be counted"),
        ),
    ),
    # 13 of 37 rows (35%): ordinary mess, reported and published.
    Case(
        "a third of the rows cannot be counted",
        add("attendance.csv", *(f"0003,A,{d[i]},A" for i in range(12))),
        tuple(
            Expect("attendance_outside_enrollment", "attendance.csv", row, "date", "not enrolled", error=False)
            for row in range(27, 39)
        ),
    ),
    Case(
        "as many rows that cannot be counted as always tolerated",
        add("attendance.csv", *(f"0003,A,{d[i]},A" for i in range(9))),
        tuple(
            Expect("attendance_outside_enrollment", "attendance.csv", row, "date", "not enrolled", error=False)
            for row in range(27, 36)
        ),
    ),
]


def _key(row: dict) -> tuple:
    return (row["rule"], row["file"], row["row"], row["column_name"])


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_file_gets_its_message(tmp_path, case):
    folder = write_zone(tmp_path / "landing")
    case.mutate(folder)
    run = ingest_and_validate(folder)
    errors = {_key(r): r["message"] for r in run.errors}
    findings = {_key(r): r["message"] for r in run.findings}
    expected_errors = {(e.rule, e.file, e.row, e.column) for e in case.expect if e.error}
    baseline = set() if run.read_problems or case.moves_baseline else {BASELINE_FINDING}
    expected_findings = {(e.rule, e.file, e.row, e.column) for e in case.expect if not e.error} | baseline
    assert set(errors) == expected_errors, run.errors
    assert set(findings) == expected_findings, run.findings
    for e in case.expect:
        message = (errors if e.error else findings)[(e.rule, e.file, e.row, e.column)]
        assert e.says in message, message
        place = (
            e.file + (f", row {e.row}" if e.row is not None else "") + (f", column '{e.column}'" if e.column else "")
        )
        assert message.startswith(place + ": "), message
    # An unreadable file is also explained the way the CLI says it.
    if run.read_problems:
        assert list(errors.values()) == run.read_problems


def test_the_corpus_is_large_and_varied():
    rules = {e.rule for c in CASES for e in c.expect}
    assert len(CASES) >= 30
    assert len(rules) >= 30
