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
    try:
        schema_name, name = table.split(".")
        schema.validate(ibis.duckdb.from_connection(con).table(name, database=schema_name), lazy=True)
    except pa.errors.SchemaErrors as exc:
        return [_failure(case) for case in exc.failure_cases.drop_duplicates(["check", "check_number"]).itertuples()]
    return None


def _failure(case) -> dict:
    # A value check reports {column: value}; a null check reports the query it ran.
    if isinstance(case.failure_case, dict):
        ((column, value),) = case.failure_case.items()
        return {"check": str(case.check), "column": column, "value": value}
    return {"check": str(case.check), "column": case.column, "value": None}
