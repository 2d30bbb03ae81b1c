"""pandera schemas of the typed staging tables, generated from the extract registry.

The registry (sezp_roadmap.extracts) is the one contract: each column's kind,
codes, range, pattern and nullability, and each extract's key. This module
turns it into pandera schemas for pandera's Ibis backend, which runs every
check as a query on staging.<extract> inside DuckDB: every row is checked,
and none is copied into pandas (attendance at state size is tens of millions
of rows). The SQL rules (sezp_roadmap.validation.run) find the same problems
first, with file and row numbers; the schema is a second, independent
reading of the typed result, so it should never be the only error.
"""

from __future__ import annotations

import copy
import re

import duckdb
import ibis
import ibis.expr.datatypes as dt
import pandera.ibis as pa

from sezp_roadmap.extracts import Column, Extract

# The staging type of each kind of column (Column.sql_type), as Ibis names it.
IBIS_TYPES = {
    "text": dt.String(),
    "code": dt.String(),
    "int": dt.Int32(),
    "decimal": dt.Decimal(18, 3),
    "date": dt.Date(),
    "flag": dt.Boolean(),
}


def column_schema(column: Column, codes: tuple[str, ...]) -> pa.Column:
    checks = []
    if codes:
        checks.append(pa.Check.isin(list(codes)))
    if column.pattern:
        checks.append(pa.Check.str_matches(column.pattern))
    if column.minimum is not None and column.maximum is not None:
        checks.append(pa.Check.in_range(column.minimum, column.maximum))
    elif column.minimum is not None:
        checks.append(pa.Check.ge(column.minimum))
    elif column.maximum is not None:
        checks.append(pa.Check.le(column.maximum))
    return pa.Column(IBIS_TYPES[column.kind], checks=checks, nullable=column.nullable, description=column.description)


def schema_of(extract: Extract, codes: dict[str, tuple[str, ...]] | None = None) -> pa.DataFrameSchema:
    """The extract's schema; `codes` replaces a column's registry codes (the attendance codes are settings)."""
    codes = codes or {}
    return pa.DataFrameSchema(
        {c.name: column_schema(c, codes.get(c.name, c.codes)) for c in extract.columns},
        # No `unique` on the key: the SQL rule duplicate_key already checks it on
        # every row, with file and row numbers, and pandera's window count over the
        # key costs three times all the other checks together.
        # Staging also holds each row's file and row number.
        strict=False,
        name=extract.name,
    )


def failures(con: duckdb.DuckDBPyConnection, schema: pa.DataFrameSchema, table: str) -> list[dict] | None:
    """Validate every row of `table`; None when it passes, else one dict per failed check.

    Each dict has the check, the column and, for a value check, the first
    failing value pandera reports.
    """
    # An absent or header-only extract: pandera's Ibis backend reads an aggregate
    # over no rows (NULL) as a failed check.
    if not con.execute(f"select exists (select 1 from {table})").fetchone()[0]:
        return None
    schema_name, name = table.split(".")
    staged = ibis.duckdb.from_connection(con).table(name, database=schema_name)
    return verdict(prechecked(schema, staged), staged)


def verdict(schema: pa.DataFrameSchema, staged: ibis.Table) -> list[dict] | None:
    """pandera's validation of every row of `staged`: None when it passes, else one dict per failed check."""
    try:
        schema.validate(staged, lazy=True)
    except pa.errors.SchemaErrors as exc:
        return [_failure(case) for case in exc.failure_cases.drop_duplicates(["check", "check_number"]).itertuples()]
    return None


def prechecked(schema: pa.DataFrameSchema, staged: ibis.Table) -> pa.DataFrameSchema:
    """The schema without the checks that one query over every row of the table has found to pass.

    pandera runs each check in a query of its own, each a pass over every row:
    at state size three dozen passes over tens of millions of rows. Here one
    query per table asks every check at once, with pandera's own test of each
    (`_passes`), and a pattern once per distinct value of its column: the
    not-null checks (the column is left nullable) and the value checks (the
    check is left out) that pass have then run. A check that fails,
    or one `_passes` does not know, stays, so pandera reports it exactly as it
    would have; so does every check of a column the table lacks.
    """
    asked, by_value = {}, {}
    for name, column in schema.columns.items():
        if name not in staged.columns:
            continue
        if not column.nullable:
            asked[("null", name, -1)] = ~_is_missing(staged[name])
        for number, check in enumerate(column.checks):
            # A pattern is matched once per distinct value (ids repeat down tens of millions of rows, and a
            # regular expression costs far more than finding the distinct ones): the same verdict.
            if check.name == "str_matches":
                values, questions = by_value.setdefault(name, (staged.select(name).distinct(), {}))
                questions[("check", name, number)] = _passes(check, values[name])
                continue
            passes = _passes(check, staged[name])
            if passes is not None:
                asked[("check", name, number)] = passes
    passed = _all_true(staged, asked)
    for values, questions in by_value.values():
        passed |= _all_true(values, questions)
    if not passed:
        return schema
    lighter = copy.deepcopy(schema)
    for name, column in lighter.columns.items():
        if ("null", name, -1) in passed:
            column.nullable = True
        column.checks = [c for number, c in enumerate(column.checks) if ("check", name, number) not in passed]
    return lighter


def _all_true(table: ibis.Table, questions: dict) -> set:
    """The keys of `questions` (boolean columns of `table`) true on every row, asked in one query."""
    if not questions:
        return set()
    keys = list(questions)
    answers = table.aggregate([questions[key].all().name(f"q{i}") for i, key in enumerate(keys)]).to_pyarrow()
    return {key for i, key in enumerate(keys) if answers.column(f"q{i}")[0].as_py() is True}


def _is_missing(column: ibis.Column) -> ibis.BooleanColumn:
    """pandera's reading of a missing value (pandera.backends.ibis.components, check_nullable): null, or NaN in a float."""
    missing = column.isnull()
    return missing | column.isnan() if column.type().is_floating() else missing


def _passes(check: pa.Check, column: ibis.Column) -> ibis.BooleanColumn | None:
    """Whether a value passes one of the checks column_schema makes, as pandera's Ibis backend tests it.

    The tests are those of pandera.backends.ibis.builtin_checks; a missing value
    passes unless the check says otherwise (ignore_na), as in its postprocessing.
    tests/test_validation.py holds each against pandera's own verdict. None for
    any other check.
    """
    options = check.statistics
    if check.name == "isin":
        passes = column.isin(list(options["allowed_values"]))
    elif check.name == "str_matches":
        pattern = options["pattern"]
        pattern = pattern.pattern if isinstance(pattern, re.Pattern) else pattern
        passes = column.re_search(pattern if pattern.startswith("^") else f"^{pattern}")
    elif check.name == "in_range" and options.get("include_min", True) and options.get("include_max", True):
        passes = column.between(options["min_value"], options["max_value"])
    elif check.name == "greater_than_or_equal_to":
        passes = column >= options["min_value"]
    elif check.name == "less_than_or_equal_to":
        passes = column <= options["max_value"]
    else:
        return None
    return passes | column.isnull() if check.ignore_na else passes


def _failure(case) -> dict:
    # A value check reports {column: value}; a null check reports the query it ran.
    if isinstance(case.failure_case, dict):
        ((column, value),) = case.failure_case.items()
        return {"check": str(case.check), "column": column, "value": value}
    return {"check": str(case.check), "column": case.column, "value": None}
