"""validate() of one extract once per distinct input, for the tests that ingest and validate a whole zone again and again.

Most tests rebuild the tiny zone around one changed file (the bad-file
corpus alone does it 73 times) and validate all eleven extracts; most of
the eleven get the same verdict as before. An extract's verdict depends only
on what its rules read:
- its own staging rows and its set-aside repeats;
- the staging tables its check files (sql/meta/checks/<extract>_*.sql), the
  macros and the validation package read, whole;
- the ids of the other files its lost-leading-zeros rule compares with
  (validation.id_zeros.compared_with), only those columns;
- its files (meta.load_files: their row counts), the names of every
  extract's files (a lost-zeros message names them), the errors and findings ingest recorded for it, whether another
  extract already lost its ids' zeros (that stops the wrong-file guards), and
  the settings.
When all of those are the same as in an earlier call in this process, the
earlier rows of meta.errors and meta.findings are written instead of running
the rules again. (The settings are compared without the paths they were read
from: each test's landing folder is another temporary folder.)
tests/test_fuzz_record.py and tests/test_validation_memo.py check that the two give the same rows.
"""

from __future__ import annotations

import dataclasses
import re
from functools import cache
from pathlib import Path

import duckdb

import sezp_roadmap.validation.run as validation_run
from sezp_roadmap.extracts import EXTRACTS
from sezp_roadmap.rules import sql_rules
from sezp_roadmap.validation.id_zeros import RULE as ID_ZEROS_RULE
from sezp_roadmap.validation.id_zeros import compared_with
from sezp_roadmap.validation.run import validate
from sezp_roadmap.warehouse import insert_rows, read_sql

ROOT = Path(__file__).resolve().parent.parent
_STAGING = re.compile(r"staging\.([a-z_]+)")


def _read_by_every_extract() -> frozenset[str]:
    """Staging tables the macros and the validation package read for every extract's rules."""
    found = set()
    for path in [*(ROOT / "sql" / "macros").glob("*.sql"), *Path(validation_run.__file__).parent.glob("*.py")]:
        found |= set(_STAGING.findall(path.read_text()))
    return frozenset(found & set(EXTRACTS))


READ_BY_EVERY_EXTRACT = _read_by_every_extract()


@cache
def tables_read(name: str) -> frozenset[str]:
    """The staging tables an extract's rules read whole: its own, its check files', and READ_BY_EVERY_EXTRACT."""
    found = {name, *READ_BY_EVERY_EXTRACT}
    for rule in sql_rules(name):
        found |= set(_STAGING.findall(read_sql(f"meta/checks/{rule.id}")))
    return frozenset(found & set(EXTRACTS))


@cache
def ids_compared(name: str) -> tuple[tuple[str, str], ...]:
    """The (extract, column) pairs of other files whose ids the extract's lost-zeros rule reads."""
    extract = EXTRACTS[name]
    pairs = {
        pair
        for column in extract.columns
        if column.identifies not in (None, "dese_code")
        for pair in compared_with(extract, column.identifies)
    }
    return tuple(sorted(pairs))


_VERDICTS: dict[tuple, tuple[list[tuple], list[tuple]]] = {}


def _contents(con: duckdb.DuckDBPyConnection, queries: list[tuple[str, list]]) -> tuple:
    """(rows, sum of hashes, xor of hashes) of each query's rows, in one statement (each is a round trip of planning)."""
    parts = ", ".join(
        f"(select [count(*), coalesce(sum(hash(t)), 0), coalesce(bit_xor(hash(t)), 0)] from ({sql}) t)"
        for sql, _ in queries
    )
    values = con.execute(f"select {parts}", [p for _, params in queries for p in params]).fetchone()
    return tuple(tuple(v) for v in values)


def _by_extract(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, tuple]:
    """(rows, sum of hashes, xor of hashes) of each extract's rows of a meta table, in one grouped query."""
    rows = con.execute(
        f"select extract, count(*), sum(hash(t)), bit_xor(hash(t)) from {table} t group by extract"
    ).fetchall()
    return {extract: tuple(sums) for extract, *sums in rows}


class StagingContents:
    """Every staging table's content, the distinct ids of every id column, and what ingest left for each extract
    (its repeats, its files, its errors and findings), read once per ingest in four statements.

    Validation reads staging and never writes it; it writes the errors and findings
    of the extract it judges only, so what ingest left for the others stays as read.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection):
        tables = sorted(EXTRACTS)
        id_columns = sorted({pair for name in EXTRACTS for pair in ids_compared(name)})
        queries = [(f"from staging.{t}", []) for t in tables]
        queries += [(f'select distinct "{column}" from staging.{t}', []) for t, column in id_columns]
        queries += [(f"from staging.{t}_repeats", []) for t in tables]
        # The lost-zeros rule names the files of the extract that writes an id with its zeros.
        queries += [("select extract, file_name from meta.load_files", [])]
        contents = _contents(con, queries)
        self._tables = dict(zip(tables, contents))
        self._ids = dict(zip(id_columns, contents[len(tables) :]))
        repeats = dict(zip(tables, contents[len(tables) + len(id_columns) :]))
        file_names = contents[-1]
        meta = [_by_extract(con, table) for table in ("meta.load_files", "meta.errors", "meta.findings")]
        self._ingested = {name: (repeats[name], file_names, *(m.get(name) for m in meta)) for name in tables}

    def table(self, name: str) -> tuple:
        return self._tables[name]

    def ids(self, name: str, column: str) -> tuple:
        return self._ids[name, column]

    def ingested(self, name: str) -> tuple:
        return self._ingested[name]


def _key(con: duckdb.DuckDBPyConnection, name: str, settings, staging: StagingContents) -> tuple:
    return (
        name,
        # Where the settings were read from is no input of a rule (no rule reads settings.sources).
        repr(dataclasses.replace(settings, sources=())),
        tuple((t, staging.table(t)) for t in sorted(tables_read(name))),
        tuple((pair, staging.ids(*pair)) for pair in ids_compared(name)),
        staging.ingested(name),
        # Changed by the extracts judged before this one.
        con.execute(
            "select count(*) from meta.errors where rule = ? and extract <> ?", [ID_ZEROS_RULE, name]
        ).fetchone(),
    )


def _rows(con: duckdb.DuckDBPyConnection, table: str, name: str) -> list[tuple]:
    return con.execute(f"from meta.{table} where extract = ?", [name]).fetchall()


def validate_once(con: duckdb.DuckDBPyConnection, name: str, settings, staging: StagingContents | None = None) -> None:
    """validate(con, name, settings), or the rows it wrote for the same input earlier in this process.

    `staging` is shared by the calls that validate the extracts of one ingest.
    """
    key = _key(con, name, settings, staging or StagingContents(con))
    if key not in _VERDICTS:
        validate(con, name, settings)
        _VERDICTS[key] = (_rows(con, "errors", name), _rows(con, "findings", name))
        return
    write_extract_rows(con, name, *_VERDICTS[key])


def write_extract_rows(con: duckdb.DuckDBPyConnection, name: str, errors: list[tuple], findings: list[tuple]) -> None:
    """The extract's rows of meta.errors and meta.findings, in place of those it has."""
    for table, rows in (("errors", errors), ("findings", findings)):
        con.execute(f"delete from meta.{table} where extract = ?", [name])
        insert_rows(con, f"meta.{table}", rows)
