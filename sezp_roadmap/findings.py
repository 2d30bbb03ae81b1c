"""Where validation writes what it found: meta.errors and meta.findings.

Both tables have the same columns, one row per problem with one row of one file:

  extract, rule, severity        which check said it, and how serious it is
  file, row, column_name, value  where, as the data clerk sees it in a spreadsheet
  expected, reason               what was expected, and what is wrong, in plain words
  message                        the whole sentence: file, row, column, value, reason, expected
  school_id, school_year         to summarise by school (never a student id)

Severity: `error` (meta.errors: the run stops, nothing is published),
`excluded` (meta.findings: the row is left out of every metric) or
`warning` (meta.findings: the row is used; the reason says how).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from sezp_roadmap.errors import Problem

ERROR, EXCLUDED, WARNING = "error", "excluded", "warning"

COLUMNS = (
    "extract varchar, rule varchar, severity varchar, file varchar, row bigint, column_name varchar, "
    "value varchar, expected varchar, reason varchar, message varchar, school_id varchar, school_year integer"
)

# The same sentence as errors.Problem.__str__, built in SQL so a million
# findings never travel through Python one by one.
MESSAGE_SQL = (
    "file"
    " || coalesce(', row ' || row::varchar, '')"
    " || coalesce(', column ''' || column_name || '''', '')"
    " || ': ' || reason"
    " || case when value is not null then ' (found ''' || value || '''' || coalesce('; expected ' || expected, '') || ')'"
    " when expected is not null then ' (expected ' || expected || ')' else '' end"
)

# What every check query returns, in this order.
CHECK_COLUMNS = ("file", "row", "column_name", "value", "expected", "reason", "school_id", "school_year")


@dataclass(frozen=True)
class Issue:
    """One error or finding, built in Python (file-level problems found while reading)."""

    extract: str
    rule: str
    severity: str
    file: str
    reason: str
    row: int | None = None
    column: str | None = None
    value: str | None = None
    expected: str | None = None
    school_id: str | None = None
    school_year: int | None = None

    @property
    def problem(self) -> Problem:
        return Problem(
            file=self.file,
            message=self.reason,
            row=self.row,
            column=self.column,
            value=self.value,
            expected=self.expected,
        )


def reset(con: duckdb.DuckDBPyConnection) -> None:
    """Empty tables for a new run: the landing folder is read afresh every run."""
    for table in ("errors", "findings"):
        con.execute(f"create or replace table meta.{table} ({COLUMNS})")


def ensure(con: duckdb.DuckDBPyConnection) -> None:
    for table in ("errors", "findings"):
        con.execute(f"create table if not exists meta.{table} ({COLUMNS})")


def table_of(severity: str) -> str:
    return "meta.errors" if severity == ERROR else "meta.findings"


def clear(con: duckdb.DuckDBPyConnection, extract: str, rules: list[str]) -> None:
    """Forget what these rules said about this extract before they run again."""
    ensure(con)
    for table in ("meta.errors", "meta.findings"):
        con.execute(
            f"delete from {table} where extract = ? and rule in (select unnest(?::varchar[]))", [extract, rules]
        )


def record(con: duckdb.DuckDBPyConnection, issues: list[Issue]) -> None:
    for issue in issues:
        con.execute(
            f"insert into {table_of(issue.severity)} "
            "(extract, rule, severity, file, row, column_name, value, expected, reason, message, school_id, school_year) "
            "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                issue.extract,
                issue.rule,
                issue.severity,
                issue.file,
                issue.row,
                issue.column,
                issue.value,
                issue.expected,
                issue.reason,
                str(issue.problem),
                issue.school_id,
                issue.school_year,
            ],
        )


def record_query(
    con: duckdb.DuckDBPyConnection, extract: str, rule: str, severity: str, sql: str, params: list | None = None
) -> None:
    """Insert every row a check query returns (columns CHECK_COLUMNS, positional ? parameters)."""
    record_many(con, extract, [(rule, severity, sql, params or [])])


def record_many(con: duckdb.DuckDBPyConnection, extract: str, parts: list[tuple[str, str, str, list]]) -> None:
    """Several check queries (rule, severity, sql, parameters) in one insert per table: far fewer round trips."""
    cols = ", ".join(CHECK_COLUMNS)
    for table in ("meta.errors", "meta.findings"):
        mine = [p for p in parts if table_of(p[1]) == table]
        if not mine:
            continue
        selects, params = [], [extract]
        for rule, severity, sql, part_params in mine:
            selects.append(f"select ? as rule, ? as severity, * from ({sql}) as part({cols})")
            params += [rule, severity, *part_params]
        con.execute(
            f"insert into {table} (extract, rule, severity, {cols}, message) "
            f"select ?, rule, severity, {cols}, {MESSAGE_SQL} from ({' union all '.join(selects)}) as check_rows",
            params,
        )


def record_named(
    con: duckdb.DuckDBPyConnection, extract: str, rule: str, severity: str, sql: str, params: dict | None = None
) -> None:
    """record_query for SQL with $named parameters (the files in sql/meta/checks/)."""
    cols = ", ".join(CHECK_COLUMNS)
    named = {k: v for k, v in (params or {}).items() if f"${k}" in sql}
    named.update({"_extract": extract, "_rule": rule, "_severity": severity})
    con.execute(
        f"insert into {table_of(severity)} "
        f"(extract, rule, severity, {cols}, message) "
        f"select $_extract, $_rule, $_severity, {cols}, {MESSAGE_SQL} from ({sql.strip().rstrip(';')}) as check_rows({cols})",
        named,
    )


def errors_of(con: duckdb.DuckDBPyConnection, extract: str, limit: int = 50) -> tuple[list[Problem], int]:
    """The first errors of an extract, in file and row order, and how many there are in all."""
    total = con.execute("select count(*) from meta.errors where extract = ?", [extract]).fetchone()[0]
    rows = con.execute(
        "select file, reason, row, column_name, value, expected from meta.errors where extract = ? "
        "order by file, row nulls first, column_name limit ?",
        [extract, limit],
    ).fetchall()
    return [Problem(file=f, message=m, row=r, column=c, value=v, expected=e) for f, m, r, c, v, e in rows], total
