"""One school-year rule for every join to enrollment (docs/data-contract.md, "Enrollment spells and school years").

A tiny zone, school A, school year 2026 (weekdays from 2025-09-02 to 2026-06-19),
as of 2026-06-30, mid-year through 2025-12-31:

  y01  2024-25 spell at A from 2024-09-03 with no exit date (open when that year's
       export was taken); 2025-26 spell at A from 2025-09-02, withdrawn 2025-11-14.
       After the withdrawal, at A: a winter interim result (2025-12-10), an OSS
       (2025-12-03) and an absence (2025-12-04, a Thursday and a school day).
  y02  enrolled at A all year: winter result at or above grade level, an absence on 2025-10-07.
  y03  enrolled at A all year: winter result 1 grade level below.

None of y01's three rows after the withdrawal counts at A, although the 2024-25
spell has no exit date: each is a finding instead. So, at mid-year at A:
  meeting_rate:interim_reading  2 tested (y02 y03), 1 meeting    (not 3 and 1)
  oss_rate                      3 enrolled (y01 had September to November), 0 suspended
  December                      y01 not in membership; 0 OSS actions
  y01's absent days             0 (the December absence is outside the spell)

The same case read from files (the ingest tests' zone, student 0008) gives the run's
three findings in meta.findings; and a scan of sql/ fails on any join to
staging.enrollment that does not bound the spell by its school year.
"""

import datetime as dt
import re
from decimal import Decimal

import pytest
from ingest_zone import BASELINE_FINDING, DAYS, append, ingest_and_validate, write_zone

from sezp_roadmap.paths import SQL_DIR
from sezp_roadmap.reporting.aggregates import build_report_aggregates
from sezp_roadmap.warehouse import read_sql
from tests.tinyzone import Student, calendar, cell, compute, load, settings, warehouse

AS_OF = dt.date(2026, 6, 30)
WITHDRAWN = dt.date(2025, 11, 14)
RESULT_DAY, OSS_DAY, ABSENCE_DAY = dt.date(2025, 12, 10), dt.date(2025, 12, 3), dt.date(2025, 12, 4)
AT, BELOW1 = "At or above grade level", "1 grade level below"


def school_days() -> list[dt.date]:
    days, day = [], dt.date(2025, 9, 2)
    while day <= dt.date(2026, 6, 19):
        if day.weekday() < 5:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def winter(student: str, level: str) -> tuple:
    return (student, "A", 2026, "interim_reading", "winter", RESULT_DAY, "7", Decimal(500), level, None, None, None)


@pytest.fixture(scope="module")
def zone():
    d = school_days()
    con = warehouse()
    load(con, "schools", [("A", "Alpha", "6-8")])
    load(con, "calendar", calendar(["A"], d))
    h = Student()
    load(
        con,
        "enrollment",
        [
            h.spell("y01", "A", "6", dt.date(2024, 9, 3), None, year=2025),
            h.spell("y01", "A", "7", d[0], WITHDRAWN),
            h.spell("y02", "A", "7", d[0]),
            h.spell("y03", "A", "7", d[0]),
        ],
    )
    load(con, "assessments", [winter("y01", AT), winter("y02", AT), winter("y03", BELOW1)])
    load(con, "discipline", [("I1", "y01", "A", OSS_DAY, "fight", "OSS", Decimal(1))])
    load(con, "attendance", [("y01", "A", ABSENCE_DAY, "A"), ("y02", "A", dt.date(2025, 10, 7), "A")])
    s = settings(AS_OF, suppression={"min_students": 1})
    compute(con, s)
    build_report_aggregates(con, s)
    yield con
    con.close()


def test_a_result_after_the_withdrawal_does_not_count_through_last_years_open_spell(zone):
    row = cell(zone, "A", "meeting_rate:interim_reading", period="mid_year")
    assert (row["n"], row["numerator"]) == (2, 1)


def test_a_suspension_after_the_withdrawal_does_not_count(zone):
    row = cell(zone, "A", "oss_rate", period="mid_year")
    assert (row["n"], row["numerator"]) == (3, 0)
    december = zone.execute(
        "select oss_actions, n from marts.monthly_discipline "
        "where school_id = 'A' and period = 'mid_year' and month = date '2025-12-01'"
    ).fetchone()
    assert december == (0, 2)


def test_an_absence_after_the_withdrawal_does_not_count(zone):
    absent = dict(
        zone.execute(
            "select student_id, absent_days from work.student_attendance "
            "where school_id = 'A' and school_year = 2026 and period = 'mid_year'"
        ).fetchall()
    )
    assert absent == {"y01": 0, "y02": 1, "y03": 0}


@pytest.mark.parametrize(
    ("check", "column", "value"),
    [
        ("assessments_outside_enrollment", "test_date", "2025-12-10"),
        ("discipline_outside_enrollment", "incident_date", "2025-12-03"),
        ("attendance_outside_enrollment", "date", "2025-12-04"),
    ],
)
def test_each_row_after_the_withdrawal_is_a_finding(zone, check, column, value):
    cursor = zone.execute(read_sql(f"meta/checks/{check}"))
    names = [d[0] for d in cursor.description]
    found = [dict(zip(names, r)) for r in cursor.fetchall()]
    assert [(f["row"], f["column_name"], f["value"], f["school_id"], f["school_year"]) for f in found] == [
        (2, column, value, "A", 2026)
    ]


# --- every join to staging.enrollment states the rule -------------------------------------------

# Where a join's condition ends: the next clause, the end of a CTE or of the statement.
CONDITION_END = (
    r"(?=\b(?:where|group|order|join|semi|anti|left|inner|union|select|having|qualify|window|limit)\b"
    r"|\)\s*,|\);|;|\Z)"
)
# A join to the enrollment extract, its alias, and its condition.
JOIN = re.compile(
    r"\bjoin\s+staging\.enrollment(?:\s+as)?\s+(?P<alias>\w+)\s+(?P<condition>(?:on|using)\b.*?)" + CONDITION_END,
    re.IGNORECASE | re.DOTALL,
)
# The enrollment extract read first and joined to another table (spells clipped to periods):
# its alias and the join's condition.
FROM_JOIN = re.compile(
    r"\bfrom\s+staging\.enrollment(?:\s+as)?\s+(?P<alias>\w+)\s+(?:(?:left|inner|semi|anti)\s+)?join\s+[\w.]+"
    r"(?:\s+as)?\s+\w+\s+(?P<condition>(?:on|using)\b.*?)" + CONDITION_END,
    re.IGNORECASE | re.DOTALL,
)
SPELL_CALL = re.compile(
    r"within_spell\(\s*[^,()]+(?:\([^()]*\))?\s*,\s*(\w+)\.school_year\s*,\s*(\w+)\.entry_date\s*,\s*(\w+)\.exit_date\s*\)"
)


def _same_year(alias: str, condition: str) -> bool:
    """The condition matches the spell's school_year to the other side's."""
    return bool(
        re.search(rf"\b{alias}\.school_year\s*=|=\s*{alias}\.school_year\b", condition)
        or re.match(r"using\s*\([^)]*\bschool_year\b", condition.strip(), re.IGNORECASE)
    )


def year_rule_problem(sql: str) -> str | None:
    """Why a join to staging.enrollment in `sql` breaks the school-year rule, or None when every one keeps it.

    A join to the spells keeps it when its condition either calls within_spell on
    the spell's own school year and dates, or, judging no date, matches the spell's
    school_year; a spell's entry or exit date compared anywhere outside within_spell
    does not. Spells read first and joined to periods or years must match the
    spell's school_year (they may then clip the spell to the period's dates).
    """
    text = re.sub(r"--[^\n]*", "", sql)
    for join in JOIN.finditer(text):
        alias, condition = join["alias"], join["condition"]
        calls = SPELL_CALL.findall(condition)
        if any(set(call) != {alias} for call in calls):
            return f"within_spell is not given {alias}'s own school_year, entry_date and exit_date: {condition.strip()}"
        rest = SPELL_CALL.sub("", condition)
        if re.search(rf"\b{alias}\.(entry_date|exit_date)\b", rest):
            return f"a spell date is compared outside within_spell: {condition.strip()}"
        if not calls and not _same_year(alias, rest):
            return f"the join does not bound the spell by its school year: {condition.strip()}"
    for join in FROM_JOIN.finditer(text):
        alias, condition = join["alias"], join["condition"]
        if not SPELL_CALL.search(condition) and not _same_year(alias, condition):
            return f"the spells are joined without their school year: {condition.strip()}"
    return None


def test_every_join_to_enrollment_in_sql_keeps_the_school_year_rule():
    problems = {}
    joins = 0
    for path in sorted(SQL_DIR.rglob("*.sql")):
        sql = path.read_text(encoding="utf-8")
        text = re.sub(r"--[^\n]*", "", sql)
        joins += len(JOIN.findall(text)) + len(FROM_JOIN.findall(text))
        problem = year_rule_problem(sql)
        if problem:
            problems[str(path.relative_to(SQL_DIR))] = problem
    assert problems == {}
    assert joins >= 8  # the metrics, the marts and the checks that join enrollment: the scan finds them


@pytest.mark.parametrize(
    "sql",
    [
        # The bug this rule fixed: student and school only, so last year's open spell covers every later date.
        "from staging.assessments as r semi join staging.enrollment as e "
        "on e.student_id = r.student_id and e.school_id = r.school_id "
        "and r.test_date between e.entry_date and coalesce(e.exit_date, r.test_date) where true",
        # The rule's macro without the spell's school year.
        "from x anti join staging.enrollment as e on e.student_id = x.student_id "
        "and within_spell(x.day, x.school_year, e.entry_date, e.exit_date);",
        # No date and no year.
        "from x join staging.enrollment as e using (student_id, school_id) where true",
        # Spells clipped to periods of any year.
        "from staging.enrollment as e join year_periods as p on e.entry_date <= p.data_through where true",
    ],
)
def test_the_scan_refuses_a_join_without_the_rule(sql):
    assert year_rule_problem(sql) is not None


def test_the_scan_accepts_the_rule_and_a_whole_year_match():
    assert (
        year_rule_problem(
            "from x semi join staging.enrollment as e on e.student_id = x.student_id "
            "and within_spell(x.day, e.school_year, e.entry_date, e.exit_date) where true"
        )
        is None
    )
    assert (
        year_rule_problem(
            "from x anti join staging.enrollment as e on e.student_id = x.student_id and e.school_year = x.school_year"
        )
        is None
    )


# --- the same rows read from files: the findings the run records --------------------------------


def test_rows_after_a_withdrawal_are_findings_of_the_run_whatever_last_years_open_spell_says(tmp_path):
    d = DAYS
    folder = write_zone(tmp_path / "landing")
    # Student 0008: a 2024-25 spell at A with no exit date, then a 2025-26 spell that ended on d[9].
    append(folder, "calendar.csv", "A,2025,2024-09-03", "A,2025,2024-09-04")
    append(
        folder, "enrollment.csv", "0008,A,2025,6,2024-09-03,,H,F,N,N,N,N", f"0008,A,2026,7,{d[0]},{d[9]},H,F,N,N,N,N"
    )
    append(folder, "attendance.csv", f"0008,A,{d[12]},A")
    append(folder, "discipline.csv", f"I9,0008,A,{d[13]},Fighting,OSS,1")
    append(
        folder,
        "assessments.csv",
        "student_id,school_id,school_year,assessment,administration,test_date,grade,scale_score,performance_level",
        f"0002,A,2026,interim_reading,fall,{d[8]},7,480,At or above grade level",
        f"0008,A,2026,interim_reading,fall,{d[14]},7,480,At or above grade level",
    )
    run = ingest_and_validate(folder)
    assert run.errors == []
    # The base zone's one finding, and one for each of 0008's rows after the withdrawal.
    found = {(f["rule"], f["file"], f["column_name"], f["value"]) for f in run.findings}
    assert found == {
        (BASELINE_FINDING[0], BASELINE_FINDING[1], BASELINE_FINDING[3], str(d[25])),
        ("attendance_outside_enrollment", "attendance.csv", "date", str(d[12])),
        ("discipline_outside_enrollment", "discipline.csv", "incident_date", str(d[13])),
        ("assessments_outside_enrollment", "assessments.csv", "test_date", str(d[14])),
    }
