"""Tiny hand-made zones for the metric tests, written straight into staging tables.

Plain functions (not fixtures) so any test module can import them. The metric
engine reads only staging.*, so these tests do not depend on CSV ingestion.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass

import duckdb
import pandas as pd
import yaml

from sezp_roadmap import metric_engine
from sezp_roadmap.config import DEFAULTS_FILE, Settings
from sezp_roadmap.extracts import EXTRACTS
from sezp_roadmap.warehouse import SCHEMAS, add_macros, connection_config

YEAR = 2026


def weekdays(start: dt.date, count: int) -> list[dt.date]:
    """`count` consecutive weekdays from `start` (the tiny zones' school days)."""
    days, day = [], start
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def settings(as_of: dt.date, **overrides) -> Settings:
    """The packaged defaults with `overrides` merged in (nested dicts key by key)."""
    raw = yaml.safe_load(DEFAULTS_FILE.read_text(encoding="utf-8"))

    def merge(base: dict, extra: dict) -> dict:
        out = copy.deepcopy(base)
        for key, value in extra.items():
            out[key] = merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
        return out

    return Settings(raw=merge(raw, overrides), as_of_date=as_of, synthetic=False, sources=("tests",))


def warehouse() -> duckdb.DuckDBPyConnection:
    """An in-memory warehouse with every schema and an empty staging table per extract."""
    con = add_macros(duckdb.connect(config=connection_config()))
    for schema in SCHEMAS:
        con.execute(f"create schema {schema}")
    for name in EXTRACTS:
        load(con, name, [])
    return con


def load(con: duckdb.DuckDBPyConnection, extract: str, rows: list[tuple]) -> None:
    """staging.<extract> holding `rows` (tuples in the extract's column order), typed as ingestion types them."""
    columns = EXTRACTS[extract].columns
    con.execute(
        f"create or replace table staging.{extract} ("
        + ", ".join(f"{c.name} {c.sql_type}" for c in columns)
        + ", _source_file varchar, _source_row integer)"
    )
    if not rows:
        return
    # One insert of every row as text, cast to the column's type as a file's text would be:
    # executemany runs one statement per row, which took seconds for a zone of a few thousand students.
    names = [c.name for c in columns]
    # Optional columns come last: a row that leaves them out has them empty.
    text = [[_as_text(v) for v in (*row, *([None] * (len(columns) - len(row))))] for row in rows]
    frame = pd.DataFrame(text, columns=names, dtype=object)
    frame["_source_file"] = f"{extract}.csv"
    frame["_source_row"] = range(2, len(rows) + 2)
    typed = ", ".join(f'cast("{c.name}" as {c.sql_type})' for c in columns)
    con.register("_tinyzone_rows", frame)
    try:
        con.execute(f"insert into staging.{extract} select {typed}, _source_file, _source_row from _tinyzone_rows")
    finally:
        con.unregister("_tinyzone_rows")


def _as_text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def calendar(schools: str | list[str], days: list[dt.date], year: int = YEAR) -> list[tuple]:
    return [(school, year, day) for school in schools for day in days]


@dataclass
class Student:
    """Demographics of an enrollment spell, defaulting to a Hispanic girl with no flags."""

    race: str = "H"
    gender: str = "F"
    ell: bool = False
    former_ell: bool = False
    swd: bool = False
    low_income: bool = False

    def spell(
        self, student_id: str, school: str, grade: str, entry: dt.date, exit_: dt.date | None = None, year: int = YEAR
    ) -> tuple:
        return (
            student_id,
            school,
            year,
            grade,
            entry,
            exit_,
            self.race,
            self.gender,
            self.ell,
            self.former_ell,
            self.swd,
            self.low_income,
        )


def compute(con: duckdb.DuckDBPyConnection, s: Settings) -> None:
    metric_engine.compute_student_tables(con, s)
    metric_engine.compute_metric_values(con, s)


def cell(con, school: str, metric: str, subgroup: str = "all", period: str = "end_of_year", year: int = YEAR) -> dict:
    """One published row of marts.metric_values as a dict (KeyError when there is no row)."""
    cursor = con.execute(
        "select * from marts.metric_values where school_id = ? and school_year = ? and period = ? "
        "and metric = ? and subgroup = ?",
        [school, year, period, metric, subgroup],
    )
    columns = [d[0] for d in cursor.description]
    rows = cursor.fetchall()
    if not rows:
        raise KeyError((school, year, period, metric, subgroup))
    return dict(zip(columns, rows[0]))


def comparison(
    con, school: str, metric: str, subgroup: str = "all", period: str = "end_of_year", year: int = YEAR
) -> dict:
    cursor = con.execute(
        "select * from marts.metric_comparisons where school_id = ? and school_year = ? and period = ? "
        "and metric = ? and subgroup = ?",
        [school, year, period, metric, subgroup],
    )
    columns = [d[0] for d in cursor.description]
    rows = cursor.fetchall()
    if not rows:
        raise KeyError((school, year, period, metric, subgroup))
    return dict(zip(columns, rows[0]))


def has_cell(
    con, school: str, metric: str, subgroup: str = "all", period: str = "end_of_year", year: int = YEAR
) -> bool:
    return (
        con.execute(
            "select count(*) from marts.metric_values where school_id = ? and school_year = ? and period = ? "
            "and metric = ? and subgroup = ?",
            [school, year, period, metric, subgroup],
        ).fetchone()[0]
        > 0
    )
