"""`sezp-roadmap sql`: query the published warehouse read-only, with nothing more than the install.

The DuckDB command line is a separate download the install does not provide;
the Python package it does provide opens the same file. The connection is
read-only, so a session never takes the writer's lock a run needs, and a
statement that would change the warehouse fails with DuckDB's own message.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import TextIO

import duckdb

# A query printed in full can be hundreds of thousands of student-day rows; the rest is counted, not shown.
DEFAULT_MAX_ROWS = 100
PROMPT, CONTINUE = "sql> ", "...> "
QUIT = {".quit", ".exit", "\\q", "quit", "exit"}


class WarehouseMissing(Exception):
    """The warehouse file is not there (no build yet, or another path)."""


def connect(warehouse: Path) -> duckdb.DuckDBPyConnection:
    if not Path(warehouse).is_file():
        raise WarehouseMissing(
            f"{warehouse}: there is no warehouse file here; build one first "
            "(make demo, or sezp-roadmap build --data <folder> --warehouse <file>)"
        )
    return duckdb.connect(str(warehouse), read_only=True)


def _cell(value) -> str:
    return "NULL" if value is None else str(value)


def format_table(columns: Sequence[str], rows: Sequence[Sequence], *, total: int | None = None) -> str:
    """Rows under their column names, aligned, with the row count ('3 rows', '100 of 2,418 rows shown')."""
    texts = [[_cell(v) for v in row] for row in rows]
    widths = [max([len(c), *(len(r[i]) for r in texts)]) for i, c in enumerate(columns)]
    # Numbers right-aligned, text left-aligned, judged by the first non-null value of each column.
    numeric = [
        next(
            (isinstance(r[i], int | float | Decimal) and not isinstance(r[i], bool) for r in rows if r[i] is not None),
            False,
        )
        for i in range(len(columns))
    ]

    def line(cells: Iterable[str]) -> str:
        return " | ".join(
            c.rjust(w) if num else c.ljust(w) for c, w, num in zip(cells, widths, numeric, strict=True)
        ).rstrip()

    out = [line(columns), "-+-".join("-" * w for w in widths)]
    out += [line(r) for r in texts]
    total = len(rows) if total is None else total
    shown = f"{len(rows):,} of {total:,} rows shown" if total > len(rows) else f"{total:,} row{'s' * (total != 1)}"
    out.append(f"({shown})")
    return "\n".join(out)


def run(con: duckdb.DuckDBPyConnection, sql: str, out: TextIO, *, max_rows: int = DEFAULT_MAX_ROWS) -> None:
    """Every statement of sql in turn; each one that returns rows is printed as a table."""
    for statement in con.extract_statements(sql):
        cursor = con.execute(statement.query)
        if cursor.description is None:
            continue
        columns = [d[0] for d in cursor.description]
        rows = cursor.fetchmany(max_rows)
        total = len(rows)
        while chunk := cursor.fetchmany(10_000):
            total += len(chunk)
        print(format_table(columns, rows, total=total), file=out)


def run_reporting(con: duckdb.DuckDBPyConnection, sql: str, out: TextIO, err: TextIO, max_rows: int) -> bool:
    """Each statement of sql on its own, an error printed in place of its rows; whether all succeeded."""
    try:
        statements = [s.query for s in con.extract_statements(sql)]
    except duckdb.Error as e:
        print(f"error: {e}", file=err)
        return False
    ok = True
    for statement in statements:
        try:
            run(con, statement, out, max_rows=max_rows)
        except duckdb.Error as e:
            ok = False
            print(f"error: {e}", file=err)
    return ok


def complete(buffer: str) -> bool:
    """Whether a typed statement is finished: it ends with a semicolon (or is a quit word)."""
    text = buffer.strip()
    return text.endswith(";") or text in QUIT


def repl(
    con: duckdb.DuckDBPyConnection,
    lines: TextIO,
    out: TextIO,
    err: TextIO,
    *,
    interactive: bool,
    max_rows: int = DEFAULT_MAX_ROWS,
) -> int:
    """Statements typed one after another, each ended by ';'; '.quit' or end of input leaves.

    An error is printed and the session goes on, as in any SQL shell; the exit status is 1 if any statement failed.
    """
    if interactive:
        print(
            "Read-only SQL on the published warehouse. End each statement with ';'; .quit (or Ctrl-D) leaves.\n"
            "Tables: marts.* (published figures), meta.* (periods, settings, findings); see docs/analysts.md.",
            file=out,
        )
    failed, buffer = False, ""
    while True:
        if interactive:
            print(CONTINUE if buffer else PROMPT, end="", file=out, flush=True)
        line = lines.readline()
        if not line:
            break
        buffer += line
        if not complete(buffer):
            continue
        text, buffer = buffer.strip(), ""
        if text in QUIT:
            break
        failed |= not run_reporting(con, text, out, err, max_rows)
    if buffer.strip():
        failed |= not run_reporting(con, buffer, out, err, max_rows)
    if interactive:
        print(file=out)
    return 1 if failed else 0


def main(warehouse: Path, query: str | None, file: Path | None, max_rows: int) -> int:
    """The `sql` subcommand: a query, a file of queries, or the interactive shell."""
    try:
        con = connect(warehouse)
    except WarehouseMissing as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    with con:
        if query is None and file is None:
            return repl(con, sys.stdin, sys.stdout, sys.stderr, interactive=sys.stdin.isatty(), max_rows=max_rows)
        if file is not None:
            try:
                query = Path(file).read_text(encoding="utf-8")
            except OSError as e:
                print(f"error: {file}: cannot read the file ({e.strerror})", file=sys.stderr)
                return 1
        try:
            run(con, query, sys.stdout, max_rows=max_rows)
        except duckdb.Error as e:
            print(f"error: {e}", file=sys.stderr)
            return 1
    return 0
