"""A fingerprint of everything a built warehouse publishes, to check that a change leaves the output as it was.

    python -m benchmarks.mart_hashes WAREHOUSE [--out hashes.json] [--against reference.json] [--dump DIR]

Every table of the schemas a build publishes (marts, meta, staging: what the
reports, the analysts and the data-quality page read) gets its row count and
a hash of its rows as text, independent of the order the rows were written in
(the canonical order is the sorted multiset of rows), twice: exactly (a
double prints in its shortest exact form, so two values hash alike only when
they are the same double), and with every double rounded to 12 significant
digits. The second is what comparisons use by default: the same code on the
same data gives sums of doubles that differ in their last bit from one run to
the next (DuckDB adds them up on parallel threads in no fixed order). `work`
holds one run's scratch tables and is left out.

--against compares with hashes recorded earlier and exits 1 naming every table
that differs, appeared or went missing; --dump writes the tables that differ
(or, without --against, every table) as CSV sorted on every column, to diff.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import duckdb

PUBLISHED_SCHEMAS = ("marts", "meta", "staging")


def _tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute(
        "select schema_name, table_name from duckdb_tables() "
        "where database_name = current_database() and schema_name in (select unnest($schemas::varchar[])) "
        "order by schema_name, table_name",
        {"schemas": list(PUBLISHED_SCHEMAS)},
    ).fetchall()
    return [f"{schema}.{table}" for schema, table in rows]


# Significant digits of a double in the rounded hash. Sums of doubles over parallel threads may differ in
# their last bit from one run to the next (the same code, the same data): 12 digits are far above that noise.
ROUNDED_DIGITS = 12


def _row_hash(row: str) -> str:
    """The sum of the upper 64 bits of each row's md5: the same for the same rows in any order."""
    return f"coalesce(sum(md5_number_upper({row})::hugeint), 0)::varchar"


def table_hash(con: duckdb.DuckDBPyConnection, table: str) -> dict:
    """Rows, the exact hash of the rows as text, and the hash with every double rounded to ROUNDED_DIGITS."""
    # The table name comes from duckdb_tables(), never from input; it is quoted as an identifier.
    schema, name = table.split(".", 1)
    quoted = f'"{schema}"."{name}"'
    described = con.execute(f"describe {quoted}").fetchall()
    rounded = ", ".join(
        f"format('{{:.{ROUNDED_DIGITS}g}}', \"{c}\")" if kind in ("DOUBLE", "FLOAT") else f'"{c}"::varchar'
        for c, kind, *_ in described
    )
    doubles = any(kind in ("DOUBLE", "FLOAT") for _, kind, *_ in described)
    # Without a double the two hashes are the same: the second is not computed (staging tables are large).
    rounded_hash = _row_hash(f"concat_ws(chr(31), {rounded})") if doubles else "null"
    rows, exact, approx = con.execute(
        f"select count(*), {_row_hash('t::varchar')}, {rounded_hash} from {quoted} as t"
    ).fetchone()
    approx = approx if doubles else exact
    return {"rows": rows, "columns": [c for c, *_ in described], "exact": exact, "rounded": approx}


def warehouse_hashes(path: Path) -> dict[str, dict]:
    with duckdb.connect(str(path), read_only=True) as con:
        return {table: table_hash(con, table) for table in _tables(con)}


def differences(now: dict[str, dict], reference: dict[str, dict], *, exact: bool = False) -> list[str]:
    """One line per table whose rows differ from the reference (rounded doubles unless exact), or that is only on one side."""
    key = "exact" if exact else "rounded"
    lines = []
    for table in sorted(set(now) | set(reference)):
        if table not in now:
            lines.append(f"{table}: missing (the reference has {reference[table]['rows']:,} rows)")
        elif table not in reference:
            lines.append(f"{table}: new ({now[table]['rows']:,} rows)")
        elif (now[table]["rows"], now[table]["columns"], now[table][key]) != (
            reference[table]["rows"],
            reference[table]["columns"],
            reference[table][key],
        ):
            a, b = reference[table], now[table]
            what = "columns differ" if a["columns"] != b["columns"] else f"{a['rows']:,} rows then, {b['rows']:,} now"
            lines.append(f"{table}: differs ({what})")
    return lines


# How far apart two doubles may be, relative to the larger (or to 1 near zero), to count as the same
# value in `near`: parallel sums differ by a few units in the last place, a billionth is far above that.
RELATIVE_TOLERANCE = 1e-9


def near(path: Path, other: Path, table: str) -> int:
    """Rows of `table` in either warehouse with no row in the other equal in every column but doubles, and those within RELATIVE_TOLERANCE."""
    schema, name = table.split(".", 1)
    with duckdb.connect() as con:
        con.execute("attach $path as a (read_only)", {"path": str(path)})
        con.execute("attach $path as b (read_only)", {"path": str(other)})
        described = con.execute(f'describe a."{schema}"."{name}"').fetchall()
        conditions = " and ".join(
            f'(x."{c}" is not distinct from y."{c}" or abs(x."{c}" - y."{c}") <= {RELATIVE_TOLERANCE} * greatest(abs(x."{c}"), abs(y."{c}"), 1))'
            if kind in ("DOUBLE", "FLOAT")
            else f'x."{c}" is not distinct from y."{c}"'
            for c, kind, *_ in described
        )
        return sum(
            con.execute(
                f'select count(*) from {first}."{schema}"."{name}" as x '
                f'where not exists (select 1 from {second}."{schema}"."{name}" as y where {conditions})'
            ).fetchone()[0]
            for first, second in (("a", "b"), ("b", "a"))
        )


def dump(path: Path, tables: list[str], folder: Path) -> None:
    """Each table as CSV, sorted on every column (the canonical order), to diff by hand."""
    folder.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(path), read_only=True) as con:
        for table in tables:
            schema, name = table.split(".", 1)
            con.execute(
                f'copy (select * from "{schema}"."{name}" order by all) to $out (header true)',
                {"out": str(folder / f"{table}.csv")},
            )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Hash every published table of a warehouse; compare with a reference.")
    p.add_argument("warehouse", type=Path)
    p.add_argument("--out", type=Path, help="write the hashes here (JSON)")
    p.add_argument("--against", type=Path, help="hashes recorded earlier: exit 1 if any table differs")
    p.add_argument("--dump", type=Path, help="write the differing tables (every table without --against) as CSV")
    p.add_argument("--exact", action="store_true", help="compare doubles to the last bit (default: to 12 digits)")
    p.add_argument(
        "--near",
        type=Path,
        metavar="WAREHOUSE",
        help="with --against: compare each differing table row by row with this warehouse (the reference's "
        "build), doubles within a billionth; the table passes when every row has its match",
    )
    args = p.parse_args(argv)
    hashes = warehouse_hashes(args.warehouse)
    if args.out:
        args.out.write_text(json.dumps(hashes, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    if not args.against:
        print(f"{len(hashes)} tables, {sum(h['rows'] for h in hashes.values()):,} rows")
        if args.dump:
            dump(args.warehouse, list(hashes), args.dump)
        return 0
    lines = differences(hashes, json.loads(args.against.read_text(encoding="utf-8")), exact=args.exact)
    if args.near:
        # Tables on both sides whose rows may still match within the tolerance.
        unmatched = {
            line: near(args.warehouse, args.near, line.split(":", 1)[0])
            for line in lines
            if ": differs (" in line and "columns" not in line
        }
        for line, rows in unmatched.items():
            print(
                f"{line}; {rows:,} rows without a match within {RELATIVE_TOLERANCE:g}"
                if rows
                else f"{line}; every row within {RELATIVE_TOLERANCE:g}"
            )
        lines = [line for line in lines if unmatched.get(line, 1)]
    else:
        for line in lines:
            print(line)
    if args.dump and lines:
        dump(args.warehouse, [line.split(":", 1)[0] for line in lines if ": missing" not in line], args.dump)
    print(f"{len(hashes)} tables: " + (f"{len(lines)} differ" if lines else "identical to the reference"))
    return 1 if lines else 0


if __name__ == "__main__":
    sys.exit(main())
