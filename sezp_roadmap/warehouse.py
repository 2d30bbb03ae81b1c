"""The DuckDB warehouse: connections, SQL files, and safe publication.

A run never writes the published warehouse. The pipeline is the only writer of
a working copy beside it (`roadmap.duckdb.working`); only when every step of a
run succeeded is the working copy copied next to the published file and
renamed over it in one atomic step. An analyst's open read-only session on the
published file is never blocked (it keeps reading the file it opened) and never
sees a half-written state. The working copy persists between runs, so a run
that refreshes one school year and period keeps every other period's results.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import duckdb

from sezp_roadmap.extracts import ADMINISTRATIONS, MID_YEAR_ADMINISTRATIONS, REMOVAL_ACTIONS
from sezp_roadmap.paths import SQL_DIR

SCHEMAS = ("meta", "staging", "work", "marts")


def working_path(warehouse: Path) -> Path:
    """The working copy every run writes; readers never open it."""
    return Path(warehouse).with_name(Path(warehouse).name + ".working")


def read_sql(name: str) -> str:
    """The text of `sql/<name>.sql`."""
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def run_sql(con: duckdb.DuckDBPyConnection, name: str, params: dict | None = None) -> None:
    """Run every statement of `sql/<name>.sql`, with named parameters bound ($name)."""
    for statement in split_statements(read_sql(name)):
        if params:
            used = {k: v for k, v in params.items() if f"${k}" in statement}
            con.execute(statement, used)
        else:
            con.execute(statement)


def insert_rows(con: duckdb.DuckDBPyConnection, table: str, rows: list[tuple | list]) -> None:
    """Insert the rows in one statement: executemany runs one statement per row, each planned afresh."""
    if not rows:
        return
    placeholders = "(" + ", ".join(["?"] * len(rows[0])) + ")"
    con.execute(f"insert into {table} values " + ", ".join([placeholders] * len(rows)), [v for r in rows for v in r])


def split_statements(sql: str) -> list[str]:
    """Split a file on semicolons that end a line of SQL (our SQL files never put one inside a literal).

    A comment line ending in a semicolon ends nothing.
    """
    statements, current = [], []
    for line in sql.splitlines():
        current.append(line)
        if line.rstrip().endswith(";") and not line.lstrip().startswith("--"):
            statements.append("\n".join(current))
            current = []
    tail = "\n".join(current).strip()
    if tail and not all(line.strip().startswith("--") or not line.strip() for line in current):
        statements.append(tail)
    return [s for s in statements if s.strip()]


# DuckDB would otherwise take up to 80% of the machine's memory; past this it
# spills to a temporary folder beside the warehouse instead, so a state-size
# build leaves room for the report workers and everything else on the machine.
DEFAULT_MEMORY_LIMIT = "3GB"


def memory_limit() -> str:
    """DuckDB's memory limit for the pipeline's connections: $SEZP_MEMORY_LIMIT (e.g. 8GB), or 3GB."""
    return os.environ.get("SEZP_MEMORY_LIMIT") or DEFAULT_MEMORY_LIMIT


def usable_cores() -> int:
    """The cores this process may run on: its CPU affinity (taskset, a container's cpuset), else the machine's."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def connection_config(share: int = 1) -> dict[str, str | int]:
    """DuckDB's settings for the pipeline's connections: the memory limit, and $SEZP_THREADS when set.

    DuckDB uses every core by default. Where several builds share a machine (two
    test workers on two cores, a server running other jobs) each is better
    off with a share of them than with all of them contending.

    share: how many processes use these settings at once (the report workers).
    Each gets that share of the memory limit and of the threads, so together
    they stay within what one build may take.
    """
    limit = memory_limit()
    limit_bytes = bytes_of(limit)
    config: dict[str, str | int] = {
        "memory_limit": limit if share == 1 or limit_bytes is None else f"{limit_bytes // share}B"
    }
    if _threads_setting() or share > 1:
        config["threads"] = max(1, pipeline_cores() // share)
    return config


def _threads_setting() -> int | None:
    threads = os.environ.get("SEZP_THREADS", "").strip()
    return int(threads) if threads.isdigit() and int(threads) > 0 else None


def pipeline_cores() -> int:
    """The cores the pipeline may use: $SEZP_THREADS when set, else every core this process may run on."""
    return _threads_setting() or usable_cores()


# DuckDB's units for a memory limit: KB, MB, GB and TB are powers of 1000, KiB to TiB of 1024.
_UNITS = {"": 1, "b": 1, "bytes": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9, "tb": 10**12}
_UNITS |= {"kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40}


def bytes_of(limit: str) -> int | None:
    """The bytes of a memory limit written as DuckDB reads it ('3GB', '1.5 GiB', '800MB'); None when it is not one."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*", limit)
    if not match or match.group(2).lower() not in _UNITS:
        return None
    return int(float(match.group(1)) * _UNITS[match.group(2).lower()])


@contextmanager
def connect(path: Path, *, read_only: bool = False, macros: bool = True) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the warehouse; closed on exit so the single-writer lock is released.

    macros=False for a connection that runs none of the pipeline's rules: creating them takes about 20 ms.
    """
    if not read_only:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    con = without_progress_bar(duckdb.connect(str(path), read_only=read_only, config=connection_config()))
    try:
        if macros:
            add_macros(con)
        yield con
    finally:
        con.close()


def without_progress_bar(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """No progress bar on this connection (a setting of the connection, not of the database).

    DuckDB draws one on the terminal for any query over two seconds: at state
    size it drew bars between the build's own lines, and from every report
    worker at once.
    """
    con.execute("set enable_progress_bar = false")
    return con


# The registry's lists the macros read by name (getvariable), set on every connection by add_macros.
REGISTRY_LISTS = {
    "administrations": ADMINISTRATIONS,
    "mid_year_administrations": MID_YEAR_ADMINISTRATIONS,
    "removal_actions": REMOVAL_ACTIONS,
}


def add_macros(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """The rules every query shares (sql/macros/), as temporary macros of this connection.

    Temporary, so the published warehouse holds no object an analyst's session
    would need the pipeline to read.
    """
    # The registry's lists the macros read (getvariable, folded to constants when a
    # query is planned): bound as values, so each list has its one home in Python.
    for name, values in REGISTRY_LISTS.items():
        con.execute(f"set variable {name} = $values", {"values": list(values)})
    for sql in _macro_texts():
        con.execute(sql)
    return con


@cache
def _macro_texts() -> tuple[str, ...]:
    # Read once per process: every connection (each report worker's too) creates them.
    # DuckDB binds a scalar macro's body when it is created, so the school-year rule,
    # which others call (within_spell), is created first; the rest in name order.
    paths = sorted((SQL_DIR / "macros").glob("*.sql"), key=lambda path: (path.stem != "school_year_of", path.name))
    return tuple(path.read_text(encoding="utf-8") for path in paths)


def open_working_copy(warehouse: Path) -> Path:
    """The working copy, created from the published warehouse (or empty) when there is none yet."""
    warehouse = Path(warehouse)
    path = working_path(warehouse)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        if warehouse.exists():
            shutil.copyfile(warehouse, path)
    with connect(path, macros=False) as con:
        for schema in SCHEMAS:
            con.execute(f"create schema if not exists {schema}")
    return path


def publish_warehouse(warehouse: Path) -> Path:
    """Publish the working copy: copy it beside the published file, then one atomic rename."""
    warehouse = Path(warehouse)
    source = working_path(warehouse)
    if not source.exists():
        raise FileNotFoundError(f"there is no working warehouse to publish at {source}: run the whole pipeline first")
    with connect(source, macros=False) as con:
        con.execute("checkpoint")
    staged = warehouse.with_name(warehouse.name + ".publishing")
    shutil.copyfile(source, staged)
    os.replace(staged, warehouse)
    return warehouse


def publish_directory(staged: Path, target: Path) -> Path:
    """Swap a freshly written folder in for the published one.

    The old folder is renamed aside first and removed only after the new one
    is in place, so readers see either the old reports or the new ones.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    retired = target.with_name(target.name + ".previous")
    if retired.exists():
        shutil.rmtree(retired)
    if target.exists():
        os.replace(target, retired)
    os.replace(staged, target)
    if retired.exists():
        shutil.rmtree(retired)
    return target


def execute_query(con: duckdb.DuckDBPyConnection, name: str, params: dict | None = None) -> duckdb.DuckDBPyConnection:
    """The single query in `sql/<name>.sql` executed, with the parameters it names bound; its rows still to fetch."""
    sql = read_sql(name)
    return con.execute(sql, {k: v for k, v in (params or {}).items() if f"${k}" in sql})


def query(con: duckdb.DuckDBPyConnection, name: str, params: dict | None = None) -> list[dict]:
    """Rows of the single query in `sql/<name>.sql`, as dictionaries."""
    cursor = execute_query(con, name, params)
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row)) for row in cursor.fetchall()]


def replace_run_periods(con: duckdb.DuckDBPyConnection, table: str, *, all_periods: bool) -> int:
    """marts.<table> gets this run's rows (the temporary table run_<table>) for the periods of work.run_periods.

    The run's rows live in a temporary table of this connection: written once
    into the mart, they are never also written to the warehouse file (a table
    of the file is compressed as it is written, at three to four times the
    cost of a temporary one).

    Rows of other (school year, period) partitions, built by earlier runs, stay
    as they are; rows of periods that no longer exist (meta.periods) go. Call it
    inside a transaction so the mart never holds half a partition. `table` is
    one of our own table names, never user input. Returns the rows inserted.
    """
    mart, fresh = f"marts.{table}", f"run_{table}"
    if not table_exists(con, mart):
        create_like(con, mart, fresh)
    elif _columns(con, mart) != _columns(con, fresh):
        if not (all_periods or _run_covers_every_period(con)):
            raise RuntimeError(
                f"{mart} has different columns from this version of the pipeline: "
                "rebuild every period once (sezp-roadmap build) before refreshing single periods"
            )
        con.execute(f"drop table {mart}")
        create_like(con, mart, fresh)
    con.execute(
        f"delete from {mart} as m where exists (select 1 from work.run_periods as r "
        "where r.school_year = m.school_year and r.period = m.period) "
        "or not exists (select 1 from meta.periods as p where p.school_year = m.school_year and p.period = m.period)"
    )
    # The insert's own count: `fresh` may be a view (run_metric_comparisons), which a count would compute again.
    return con.execute(f"insert into {mart} by name select * from {fresh}").fetchone()[0]


def _run_covers_every_period(con: duckdb.DuckDBPyConnection) -> bool:
    """The run computes every period there is (`build` names them all): a mart of an older layout can be rebuilt."""
    return not con.execute(
        "select exists (select 1 from meta.periods as p where not exists ("
        "select 1 from work.run_periods as r where r.school_year = p.school_year and r.period = p.period))"
    ).fetchone()[0]


def create_like(con: duckdb.DuckDBPyConnection, table: str, source: str) -> None:
    """An empty `table` with the columns and types of `source` (both our own table names).

    Written out column by column, never `create table ... as select ... limit 0`:
    in DuckDB 2.0 a table made that way inside a transaction, then given more
    than a row group (122,880 rows) in the same transaction, gets statistics that
    hide its rows from every filtered read (joins, where clauses), even after
    the commit. Every first build of a zone larger than the sample made
    marts.metric_values that way.
    """
    columns = ", ".join(f'"{name}" {sql_type}' for name, sql_type, *_ in con.execute(f"describe {source}").fetchall())
    con.execute(f"create table {table} ({columns})")


def table_exists(con: duckdb.DuckDBPyConnection, qualified: str) -> bool:
    schema, name = qualified.split(".", 1)
    found = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?", [schema, name]
    ).fetchone()[0]
    return found > 0


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    return [d[0] for d in con.execute(f"select * from {table} limit 0").description]


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """All or nothing: a failure rolls every statement back."""
    con.begin()
    try:
        yield con
    except BaseException:
        con.rollback()
        raise
    con.commit()
