"""Running every rule of one extract against the working warehouse.

An extract is judged after its own staging table and those it refers to
(schools, calendar, enrollment) are built. Every rule writes its rows to
meta.errors or meta.findings; the extract passes when it has no error.
Findings then judge each file once more (the wrong-file guards,
sql/meta/checks/file_shares.sql): a few rows that cannot be counted are ordinary
mess, reported while the run publishes; a majority of a file's rows
(validation.max_bad_row_share), or most of its dates outside the calendar's
school years, or most of its student ids unknown to the enrollment, is the
signature of a file that does not belong with the others, and an error.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from sezp_roadmap import findings, problem_list, schemas
from sezp_roadmap.config import Settings
from sezp_roadmap.errors import Problem, Summary
from sezp_roadmap.extracts import (
    EXTRACTS,
    RESERVED_IDS,
    SAFE_ID_CHARACTERS,
    SAFE_ID_RULE,
    STATE_METRICS,
    Column,
    Extract,
)
from sezp_roadmap.findings import ERROR, EXCLUDED, WARNING, Issue
from sezp_roadmap.ingest import is_empty, repeated_hashes_sql, staging_columns, text_column, text_of
from sezp_roadmap.metrics import METRICS, metric_for
from sezp_roadmap.periods import school_year_label, school_year_of
from sezp_roadmap.rules import NOT_SIGNS_OF_A_WRONG_FILE, check_rule_ids, sql_rules
from sezp_roadmap.sources import provenance
from sezp_roadmap.subgroups import SUBGROUPS, is_grade
from sezp_roadmap.validation import uncounted
from sezp_roadmap.validation.id_zeros import RULE as ID_ZEROS_RULE
from sezp_roadmap.validation.id_zeros import leading_zero_rules
from sezp_roadmap.warehouse import add_macros, connect, pipeline_cores, read_sql, run_sql, without_progress_bar

# Dates that must not lie after the as-of date, and those that must fall in a calendar school year.
EVENT_DATES = {
    "enrollment": ("entry_date", "exit_date"),
    "attendance": ("date",),
    "discipline": ("incident_date",),
    "assessments": ("test_date",),
}
CALENDAR_YEAR_DATES = {"attendance": "date", "discipline": "incident_date", "assessments": "test_date"}
# Survey and review years may not lie in the future; targets may be set one school year ahead.
YEARS_AHEAD = {
    "educator_survey": 0,
    "family_survey": 0,
    "family_survey_summary": 0,
    "sqr": 0,
    "targets": 1,
    "state_figures": 0,
    "assessments": 0,
}
# How many of an extract's errors a message lists (all of them are in meta.errors).
SHOWN_ERRORS = 50

PERCENT_STATE_METRICS = [m for m, unit in STATE_METRICS.items() if unit == "percent"]
UNIT_RANGES = {
    "percent": (0, 100),
    "days": (0, 366),
    "per_100": (0, 100_000),
    "score": (0, 10),
    "rating": (1, 4),
    "percentile": (1, 99),
}


@dataclass
class Outcome:
    """What one extract's check found."""

    extract: str
    errors: list[Problem] = field(default_factory=list)  # the first SHOWN_ERRORS
    error_count: int = 0
    # The errors told once per rule, file and column (sezp_roadmap.problem_list), what a person reads.
    summaries: list[Problem | Summary] = field(default_factory=list)
    finding_counts: dict[str, int] = field(default_factory=dict)  # rule -> rows
    # Rows left out of the figures and files read as zero rows, one sentence per file and rule (validation.uncounted).
    notes: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.error_count == 0

    @property
    def description(self) -> str:
        if self.passed:
            found = sum(self.finding_counts.values())
            return (
                f"{self.extract}: no errors; {found:,} finding{'s' if found != 1 else ''}"
                if found
                else f"{self.extract}: no errors"
            )
        lines = [f"{self.extract}: {self.error_count:,} problem{'s' if self.error_count != 1 else ''} to fix"]
        lines += [str(p) for p in self.summaries or self.errors]
        return "\n".join(lines)


def check_extracts(working_warehouse: Path, names: list[str], settings: Settings) -> dict[str, Outcome]:
    """Open the working warehouse and judge each extract, in the order given (what the extracts' asset checks run).

    When any has an error, every error row is written to the problems file
    beside the warehouse (problem_list.problems_path), which outlives the failed run.
    """
    listed_in = problem_list.problems_path(working_warehouse)
    with connect(working_warehouse) as con:
        outcomes = _validate_all(con, names, settings, listed_in)
        if any(not outcome.passed for outcome in outcomes.values()):
            problem_list.write(con, working_warehouse)
    return outcomes


def _validate_all(
    con: duckdb.DuckDBPyConnection, names: list[str], settings: Settings, listed_in: Path
) -> dict[str, Outcome]:
    """Every extract's outcome, the extracts judged side by side on the pipeline's cores.

    A zone's extracts are small: their rules are many short queries, and one
    extract at a time leaves a core idle. Each extract's rules read the other
    extracts' rows, never their verdicts, but for one: ids that lost their
    leading zeros silence some rules of the extracts judged after them. When
    any extract has lost zeros, every extract is judged again, one after
    another in the order given, so the verdicts are those of that order.
    """
    workers = min(pipeline_cores(), len(names))
    if workers > 1:
        findings.ensure(con)  # created once, not by every extract's cursor at once
        judged = _validate_side_by_side(con, names, settings, listed_in, workers)
        if not con.execute("select exists (select 1 from meta.errors where rule = ?)", [ID_ZEROS_RULE]).fetchone()[0]:
            return dict(zip(names, judged))
        # Judged again from nothing: no extract may see what a later one said side by side.
        for name in names:
            findings.clear(con, name, check_rule_ids(name))
    return {name: validate(con, name, settings, listed_in=listed_in) for name in names}


def _validate_side_by_side(
    con: duckdb.DuckDBPyConnection, names: list[str], settings: Settings, listed_in: Path, workers: int
) -> list[Outcome]:
    """The extracts' outcomes in the order given, each judged on its thread's own cursor.

    A cursor is a connection of its own to the same warehouse: its own
    transactions, temporary views and macros. One per thread, not one per
    extract, because a cursor's macros take about 20 ms to create; the
    temporary tables and views an extract's rules make are replaced or dropped
    by the rules that make them.
    """
    thread = threading.local()
    cursors: list[duckdb.DuckDBPyConnection] = []

    def judge(name: str) -> Outcome:
        if not hasattr(thread, "cursor"):
            thread.cursor = add_macros(without_progress_bar(con.cursor()))
            cursors.append(thread.cursor)
        return validate(thread.cursor, name, settings, listed_in=listed_in)

    try:
        with ThreadPoolExecutor(workers) as pool:
            return list(pool.map(judge, names))
    finally:
        for cursor in cursors:
            cursor.close()


def validate(
    con: duckdb.DuckDBPyConnection, name: str, settings: Settings, *, listed_in: Path | None = None
) -> Outcome:
    """Run every rule of the extract; errors and findings land in meta.errors and meta.findings.

    listed_in: the problems file the summaries of repeated errors point to.
    """
    extract = EXTRACTS[name]
    findings.clear(con, name, check_rule_ids(name))
    # The rules of single rows read staging directly: it is already typed, and a
    # copy of every row (attendance at state size: 54 M) costs more than the rules.
    con.execute(f"create or replace temp view _rows as {_rows_sql(extract)}")
    findings.record_many(
        con,
        name,
        _column_rules(extract, settings) + _reference_rules(con, extract, settings) + leading_zero_rules(extract),
    )
    _key_rules(con, extract)
    for rule in sql_rules(name):
        params = {"as_of_date": settings.as_of_date, "percent_metrics": PERCENT_STATE_METRICS}
        if name == "targets":
            params.update(_target_parameters(con))
        if name == "assessments":
            params.update(_assessment_parameters(settings))
        findings.record_named(con, name, rule.id, rule.severity, read_sql(f"meta/checks/{rule.id}"), params)
    _drop_findings_of_rows_in_error(con, name)
    _drop_errors_of_ids_that_lost_zeros(con, name)
    _wrong_file_guards(con, extract, settings)
    if not con.execute("select count(*) from meta.errors where extract = ?", [name]).fetchone()[0]:
        findings.record(con, schema_issues(con, extract, settings))
    con.execute("drop view _rows")
    # Rows read through a source profile: the messages name the district's own columns.
    provenance.name_source_columns(con, name)
    errors, total = findings.errors_of(con, name, SHOWN_ERRORS)
    counts = dict(
        con.execute(
            "select rule, count(*) from meta.findings where extract = ? group by rule order by rule", [name]
        ).fetchall()
    )
    told = problem_list.summaries(con, name, listed_in) if total else []
    return Outcome(name, errors, total, told, counts, uncounted.sentences(con, name))


# --- the rows as the rules read them ------------------------------------------------------------


def _school_year_sql(extract: Extract) -> str:
    if "school_year" in extract.column_names:
        return '"school_year"'
    date = CALENDAR_YEAR_DATES.get(extract.name)
    if date:
        return f'school_year_of("{date}")'
    return "null::integer"


def _rows_sql(extract: Extract) -> str:
    """Every row read: staging's and the exact repeats ingest set aside, with the school and school year findings carry.

    Typed columns hold NULL where a cell could not be typed; its text is in
    _<column>_text (ingest.text_column), which messages quote.
    """
    columns = ", ".join(f'"{name}"' for name, _ in staging_columns(extract))
    school = '"school_id"' if "school_id" in extract.column_names else "null::varchar"
    # The student ids the wrong-file guard looks up in the enrollment (which is their source, not judged by it).
    student = (
        '"student_id"' if "student_id" in extract.column_names and extract.name != "enrollment" else "null::varchar"
    )
    return (
        f"select *, {school} as _school_id, {student} as _student_id, {_school_year_sql(extract)} as _school_year from ("
        f"select {columns} from staging.{extract.name} union all select {columns} from staging.{extract.name}_repeats)"
    )


def _select(column: str, value_sql: str) -> str:
    """A rule over _rows naming one column; its parameters start with `expected`, then `reason`."""
    return f"select _source_file, _source_row, '{column}', {value_sql}, ?, ?, _school_id, _school_year from _rows"


# --- one value at a time --------------------------------------------------------------------------

FORMAT = {
    "date": ("this is not a date written as YYYY-MM-DD", "a date as YYYY-MM-DD, e.g. 2025-09-02"),
    "int": ("this is not a whole number", "a whole number"),
    "decimal": ("this is not a number", "a number, e.g. 2 or 0.5"),
    "flag": ("this flag is not Y or N", "Y or N"),
}


def allowed_codes(column: Column, extract: Extract, settings: Settings) -> tuple[str, ...]:
    if extract.name == "attendance" and column.name == "code":
        return tuple(settings.attendance_codes)
    if extract.name == "assessments" and column.name == "assessment":
        return tuple(a.id for a in settings.assessments)
    return column.codes


# Where a code column's allowed codes come from, as an unknown code's message names it.
CODE_SOURCES = {
    ("attendance", "code"): "the code table in the settings (attendance_codes)",
    ("assessments", "assessment"): "the settings' list of assessments (assessments:, each entry's id)",
}


def _column_rules(extract: Extract, settings: Settings) -> list[tuple]:
    parts: list[tuple] = []
    for column in extract.columns:
        value = f'"{column.name}"'  # typed; NULL when empty or when its text could not be typed
        codes = allowed_codes(column, extract, settings)
        if not column.nullable:
            expected = FORMAT.get(column.kind, ("", "a value"))[1] if not codes else "one of " + ", ".join(codes)
            parts.append(
                (
                    "required_value",
                    ERROR,
                    _select(column.name, "null") + f" where {is_empty(column)}",
                    [expected, "a required value is empty"],
                )
            )
        if column.kind in FORMAT:
            reason, expected = FORMAT[column.kind]
            text = f'"{text_column(column)}"'
            parts.append(
                (
                    "value_format",
                    ERROR,
                    _select(column.name, text) + f" where {value} is null and {text} is not null",
                    [expected, reason],
                )
            )
        if codes:
            where = CODE_SOURCES.get((extract.name, column.name), "the data contract")
            parts.append(
                (
                    "unknown_code",
                    ERROR,
                    _select(column.name, value)
                    + f" where {value} is not null and not list_contains(?::varchar[], {value})",
                    ["one of " + ", ".join(codes), f"this code is not one {where} allows", list(codes)],
                )
            )
        if column.names_files:
            parts.append(_unsafe_id_rule(column))
        if column.minimum is not None and column.maximum is not None:
            parts.append(
                (
                    "out_of_range",
                    ERROR,
                    _select(column.name, text_of(column)) + f" where {value} < ? or {value} > ?",
                    [
                        f"a number from {column.minimum:g} to {column.maximum:g}",
                        "this value is out of range",
                        column.minimum,
                        column.maximum,
                    ],
                )
            )
    return parts


def _unsafe_id_rule(column: Column) -> tuple:
    """An id that would name a file must be a safe id: anything else could write outside the reports folder."""
    value = f'"{column.name}"'
    return (
        "unsafe_id",
        ERROR,
        _select(column.name, value)
        + f" where {value} is not null and not (regexp_full_match({value}, ?) and lower({value}) <> all(?::varchar[]))",
        [
            SAFE_ID_RULE,
            "this id names the school's report files, and these characters could place them outside the "
            "reports folder or make them unreadable",
            SAFE_ID_CHARACTERS,
            list(RESERVED_IDS),
        ],
    )


# --- keys -----------------------------------------------------------------------------------------


def _key_rules(con: duckdb.DuckDBPyConnection, extract: Extract) -> None:
    """Rows sharing a key: identical ones are counted once (a warning), different ones are an error."""
    key = list(extract.key)
    others = [c for c in extract.columns if c.name not in key]
    typed_key = ", ".join(f'"{k}"' for k in key)
    window = f"partition by {typed_key} order by _source_file, _source_row"
    firsts = "".join(
        f', first_value("{c.name}") over w as "{c.name}__first", first_value({text_of(c)}) over w as "{c.name}__first_text"'
        for c in others
    )
    ranked = (
        f"select *, first_value(_source_file) over w as _first_file, first_value(_source_row) over w as _first_row, "
        f"row_number() over w as _copy{firsts} from _rows semi join ({_repeated_keys_sql(extract)}) using ({typed_key}) "
        f"window w as ({window})"
    )
    differs = [f'"{c.name}" is distinct from "{c.name}__first"' for c in others]
    first_column = (
        "case " + " ".join(f"when {d} then '{c.name}'" for d, c in zip(differs, others)) + " end" if others else "null"
    )
    first_value = (
        "case " + " ".join(f"when {d} then {text_of(c)}" for d, c in zip(differs, others)) + " end"
        if others
        else "null"
    )
    first_seen = (
        "case " + " ".join(f'when {d} then "{c.name}__first_text"' for d, c in zip(differs, others)) + " end"
        if others
        else "null"
    )
    any_differs = " or ".join(differs) if others else "false"
    place = "_first_file || ', row ' || _first_row"
    con.execute(f"create or replace temp table _copies as select * from ({ranked}) where _copy > 1")
    findings.record_query(
        con,
        extract.name,
        "duplicate_key",
        ERROR,
        f"select _source_file, _source_row, {first_column}, {first_value}, "
        f"'''' || coalesce({first_seen}, '') || ''' as in ' || {place} || ', or only one of the two rows', "
        f"'this row has the same ' || ? || ' as ' || {place} || ' but a different value', _school_id, _school_year "
        f"from _copies where {any_differs}",
        [", ".join(key)],
    )
    findings.record_query(
        con,
        extract.name,
        "duplicate_row",
        WARNING,
        f"select _source_file, _source_row, null, null, null, "
        f"'this row repeats ' || {place} || ' exactly; it was counted once', _school_id, _school_year "
        f"from _copies where not ({any_differs})",
    )
    con.execute("drop table _copies")


def _repeated_keys_sql(extract: Extract) -> str:
    """The keys that occur twice or more: the key rules rank only those rows.

    Keys are almost always unique: the rows whose key hashes alike are found
    first (ingest.repeated_hashes_sql, a sort of one hash per row), and only
    those are grouped by their key (an aggregate or a window over every row of
    attendance would be the costliest step of validation). Staging holds each
    distinct row once: a key made of every column (attendance) can repeat only
    through the rows ingest set aside as exact repeats, and then needs no pass
    over staging at all.
    """
    typed_key = ", ".join(f'"{k}"' for k in extract.key)
    complete = " and ".join(f'"{k}" is not null' for k in extract.key)
    if set(extract.key) == set(extract.column_names):
        return f"select distinct {typed_key} from staging.{extract.name}_repeats where {complete}"
    return (
        f"select {typed_key} from _rows where {complete} "
        f"and hash({typed_key}) in ({repeated_hashes_sql(typed_key, '_rows', complete)}) group by all having count(*) > 1"
    )


# --- references to other extracts, dates, years ---------------------------------------------------


def _reference_rules(con: duckdb.DuckDBPyConnection, extract: Extract, settings: Settings) -> list[tuple]:
    name = extract.name
    parts: list[tuple] = []
    if name != "schools" and "school_id" in extract.column_names:
        known = [
            r[0]
            for r in con.execute(
                "select school_id from staging.schools where school_id is not null order by 1 limit 16"
            ).fetchall()
        ]
        listed = ", ".join(known[:15]) + (", ..." if len(known) > 15 else "")
        # A hash join: searching a list of every school row by row takes minutes at state size.
        parts.append(
            (
                "unknown_school",
                ERROR,
                _select("school_id", '"school_id"')
                + ' where "school_id" is not null and "school_id" not in (select school_id from staging.schools where school_id is not null)'
                # An id that differs from a school's only by leading zeros is reported as id_leading_zeros.
                + " and not (regexp_full_match(\"school_id\", '[0-9]+') and ltrim(\"school_id\", '0') in "
                "(select ltrim(school_id, '0') from staging.schools where regexp_full_match(school_id, '[0-9]+')))",
                [f"a school_id of the schools extract ({listed})", "this school is not in the schools extract"],
            )
        )
    as_of = settings.as_of_date
    for column in EVENT_DATES.get(name, ()):
        parts.append(
            (
                "future_date",
                ERROR,
                _select(column, text_of(extract.column(column))) + f' where "{column}" > ?',
                [
                    f"a date on or before {as_of.isoformat()}"
                    + ("; leave exit_date empty while the student is enrolled" if column == "exit_date" else ""),
                    f"this date is after the as-of date {as_of.isoformat()}, the day the extracts were pulled",
                    as_of,
                ],
            )
        )
    if name in CALENDAR_YEAR_DATES:
        column = CALENDAR_YEAR_DATES[name]
        years = [
            r[0]
            for r in con.execute(
                "select distinct school_year from staging.calendar where school_year is not null order by 1"
            ).fetchall()
        ]
        covered = f"{school_year_label(years[0])} to {school_year_label(years[-1])}" if years else "none"
        # A few such rows are mess (a backdated action of last June); most of a file is a wrong file (the guards).
        parts.append(
            (
                "date_outside_calendar_years",
                EXCLUDED,
                _select(column, text_of(extract.column(column)))
                + f' where "{column}" is not null and not list_contains(?::integer[], _school_year)',
                [
                    f"a date in a school year the calendar covers ({covered})",
                    "this date is in a school year the calendar does not cover; the row is not counted",
                    years,
                ],
            )
        )
    if name in YEARS_AHEAD:
        latest = school_year_of(as_of) + YEARS_AHEAD[name]
        parts.append(
            (
                "school_year_in_future",
                ERROR,
                _select("school_year", text_of(extract.column("school_year"))) + ' where "school_year" > ?',
                [
                    f"a school year up to {latest} ({school_year_label(latest)})",
                    f"this school year has not started by the as-of date {as_of.isoformat()}",
                    latest,
                ],
            )
        )
    return parts


def _target_parameters(con: duckdb.DuckDBPyConnection) -> dict:
    """The metric of every target, resolved in the metric registry, as a temporary table the SQL rules join."""
    con.execute(
        "create or replace temp table _target_metrics "
        "(metric varchar, known boolean, unit varchar, minimum double, maximum double, range_text varchar)"
    )
    for (metric_id,) in con.execute("select distinct metric from staging.targets where metric is not null").fetchall():
        metric = metric_for(metric_id)
        if metric is None or (":" in metric_id and not metric_id.split(":", 1)[1].strip()):
            con.execute("insert into _target_metrics values (?, false, null, null, null, null)", [metric_id])
            continue
        low, high = UNIT_RANGES.get(metric.unit, (0, 100_000))
        con.execute(
            "insert into _target_metrics values (?, true, ?, ?, ?, ?)",
            [metric_id, metric.unit, low, high, f"{low:g} to {high:g}"],
        )
    examples = [m.id.replace(":*", ":<name>") for m in METRICS]
    subgroup_examples = [s for s in SUBGROUPS if not is_grade(s)] + ["grade_<g>"]
    return {
        "metric_examples": "a metric id: " + ", ".join(examples),
        "subgroups": list(SUBGROUPS),
        "subgroup_examples": "a subgroup id: " + ", ".join(subgroup_examples),
    }


def _assessment_parameters(settings: Settings) -> dict:
    """Every (assessment, level) the settings allow, as two lists the SQL rules zip together."""
    pairs = [(a.id, level) for a in settings.assessments for level in a.levels]
    return {
        "level_assessments": [a for a, _ in pairs],
        "level_names": [level for _, level in pairs],
    }


def _drop_findings_of_rows_in_error(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """A row with an error is reported once, as that error (a future date is not also "not a school day")."""
    con.execute(
        "delete from meta.findings as f where f.extract = $name and f.row is not null and exists ("
        "select 1 from meta.errors as e where e.extract = $name and e.file = f.file and e.row = f.row)",
        {"name": name},
    )
    # A row dated in a school year the calendar does not cover is reported as that alone, not also as
    # outside enrollment: the wrong-file guard counts it as a date outside the calendar's years.
    con.execute(
        "delete from meta.findings as f where f.extract = $name and f.rule <> $outside and f.row is not null and exists ("
        "select 1 from meta.findings as o where o.extract = $name and o.rule = $outside and o.file = f.file and o.row = f.row)",
        {"name": name, "outside": "date_outside_calendar_years"},
    )


# Errors of joins that another file's ids break when they lost their leading zeros (a calendar saved
# from Excel leaves every spell "without a calendar"): that file's id_leading_zeros says it once.
JOINS_BROKEN_BY_LOST_ZEROS = ("enrollment_year_without_calendar",)


def _drop_errors_of_ids_that_lost_zeros(con: duckdb.DuckDBPyConnection, name: str) -> None:
    con.execute(
        "delete from meta.errors where extract = $name and rule in (select unnest($rules::varchar[])) "
        "and exists (select 1 from meta.errors where rule = $lost and extract <> $name)",
        {"name": name, "rules": list(JOINS_BROKEN_BY_LOST_ZEROS), "lost": ID_ZEROS_RULE},
    )


# --- the wrong-file guards -----------------------------------------------------------------------

# The rules of sql/meta/checks/wrong_file.sql, the signatures of a wrong file before the general share.
WRONG_FILE_RULES = ("mostly_outside_calendar_years", "mostly_unknown_students", "too_many_bad_rows")


def _wrong_file_guards(con: duckdb.DuckDBPyConnection, extract: Extract, settings: Settings) -> None:
    # Ids that lost their leading zeros leave rows of the right files unjoined: the files are not
    # judged until the ids join (the run stops on id_leading_zeros, which says why).
    if con.execute("select exists (select 1 from meta.errors where rule = ?)", [ID_ZEROS_RULE]).fetchone()[0]:
        return
    run_sql(
        con,
        "meta/checks/file_shares",
        {
            "extract": extract.name,
            "excluded": EXCLUDED,
            "not_signs": list(NOT_SIGNS_OF_A_WRONG_FILE),
            "tolerated": settings.tolerated_bad_rows,
            "bad_share": settings.max_bad_row_share,
            "outside_share": settings.max_outside_calendar_share,
            "unknown_share": settings.max_unknown_student_share,
        },
    )
    for rule in WRONG_FILE_RULES:
        findings.record_named(con, extract.name, rule, ERROR, read_sql("meta/checks/wrong_file"), {"rule": rule})
    con.execute("drop table _file_shares")


# --- the pandera schema, a second reading of the contract --------------------------------------


def schema_issues(con: duckdb.DuckDBPyConnection, extract: Extract, settings: Settings) -> list[Issue]:
    """Check every row of staging.<extract> against its pandera schema, inside DuckDB."""
    codes = {c.name: allowed_codes(c, extract, settings) for c in extract.columns if c.kind == "code"}
    failed = schemas.failures(con, schemas.schema_of(extract, codes), f"staging.{extract.name}")
    return [_schema_issue(con, extract, failure) for failure in (failed or [])[:SHOWN_ERRORS]]


def _schema_issue(con: duckdb.DuckDBPyConnection, extract: Extract, failure: dict) -> Issue:
    """The issue of a failed check, at the first row (in file order) that fails it."""
    column, value = failure["column"], failure["value"]
    where = None
    if column is not None:
        where = f'"{column}" is null' if value is None else f'"{column}" = $value'
    located = None
    if where:
        located = con.execute(
            f"select _source_file, _source_row from staging.{extract.name} where {where} "
            "order by _source_file, _source_row limit 1",
            {"value": value} if value is not None else {},
        ).fetchone()
    return Issue(
        extract.name,
        "schema",
        ERROR,
        located[0] if located else f"staging.{extract.name}",
        f"the value does not satisfy the schema check {failure['check']}",
        row=located[1] if located else None,
        column=column,
        value=None if value is None else str(value),
        expected=f"{failure['check']} (the pandera schema of {extract.name}, generated from sezp_roadmap.extracts)",
    )
