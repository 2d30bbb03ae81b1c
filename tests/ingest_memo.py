"""ingest.load_staging of one extract once per distinct input, for the tests that ingest the tiny zone again and again.

The bad-file corpus and the first-hour mistakes each change one file of the
tiny zone and ingest all twelve extracts again: the other eleven read the same
bytes as before. An extract's staging depends only on its files (names and
bytes) and the settings' id_width. For the same input this writes what the
first load wrote: staging.<extract> and its repeats, the files' row counts in
meta.load_files, and the errors and findings of the extract, and raises the
same InputProblem. tests/test_validation_memo.py checks that a run with both
memos gives the rows of a run without them.
"""

from __future__ import annotations

import duckdb
from validation_memo import write_extract_rows

from sezp_roadmap import ingest
from sezp_roadmap.errors import InputProblem
from sezp_roadmap.extracts import Extract

_LOADED: dict[tuple, tuple] = {}


def _key(extract: Extract, files: list, id_widths: dict | None) -> tuple:
    return (
        extract.name,
        tuple(sorted((f.path.name, f.sha256) for f in files)),
        repr(sorted((id_widths or {}).items())),
    )


def _table(con: duckdb.DuckDBPyConnection, table: str):
    # Its own cursor: a relation's Arrow output on a connection with a pending result is refused.
    cursor = con.cursor()
    try:
        return cursor.sql(f"from {table}").to_arrow_table()
    finally:
        cursor.close()


def _snapshot(con: duckdb.DuckDBPyConnection, name: str) -> tuple:
    return (
        _table(con, f"staging.{name}"),
        _table(con, f"staging.{name}_repeats"),
        con.execute("select file_name, rows from meta.load_files where extract = ?", [name]).fetchall(),
        con.execute("from meta.errors where extract = ?", [name]).fetchall(),
        con.execute("from meta.findings where extract = ?", [name]).fetchall(),
    )


def _restore(con: duckdb.DuckDBPyConnection, extract: Extract, snapshot: tuple) -> None:
    staged, repeats, file_rows, errors, found = snapshot
    name = extract.name
    ingest.create_staging(con, extract)
    for table, rows in ((name, staged), (f"{name}_repeats", repeats)):
        con.register("_ingest_memo_rows", rows)
        con.execute(f"insert into staging.{table} select * from _ingest_memo_rows")
        con.unregister("_ingest_memo_rows")
    for file_name, rows in file_rows:
        con.execute("update meta.load_files set rows = ? where file_name = ? and extract = ?", [rows, file_name, name])
    write_extract_rows(con, name, errors, found)


def load_once(con: duckdb.DuckDBPyConnection, extract: Extract, files: list, id_widths: dict | None) -> None:
    """ingest.load_staging(con, extract, files, id_widths), or what it wrote for the same input earlier."""
    key = _key(extract, files, id_widths)
    if key not in _LOADED:
        problems = None
        try:
            ingest.load_staging(con, extract, files, id_widths)
        except InputProblem as raised:
            # Its problems, not the exception: a kept traceback would keep every frame it passed
            # through alive, and their connections with them, until the tests' process ends.
            problems = raised.problems
        _LOADED[key] = (_snapshot(con, extract.name), problems)
    else:
        _restore(con, extract, _LOADED[key][0])
    problems = _LOADED[key][1]
    if problems is not None:
        raise InputProblem(problems)
