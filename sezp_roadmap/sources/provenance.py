"""The district's file, row and column back on the rows and messages of profiled extracts.

A profiled extract is read by ingest from the canonical CSVs the profile wrote
(sezp_roadmap.sources.convert). Right after ingest, every staging row gets
back the district file and row it came from, and meta.load_files the
district file's name, so that every rule after ingest names what the data
team can open: `X2_Attendance.csv, row 1,204`. meta.source_columns keeps
which district column each field came from; `name_source_columns` puts it
into the messages once an extract's rules have run. Nothing else after
ingest knows a source.

Findings keep `student_id` as their column name (only errors, which stop the
run and are never published, name the district's id column): the
data-quality page hides the value of every `student_id` finding.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from sezp_roadmap.errors import Problem
from sezp_roadmap.findings import MESSAGE_SQL
from sezp_roadmap.sources.convert import MANIFEST, SOURCES_DIR

# A finding's column that keeps its canonical name: the data-quality page hides its values by it.
HIDDEN_COLUMNS = ("student_id",)


def manifest(read_dir: Path) -> dict | None:
    """What the profile wrote into the folder ingest reads; None when the folder is the landing folder itself."""
    path = Path(read_dir) / SOURCES_DIR / MANIFEST
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def district_name(read_dir: Path, file_name: str) -> str:
    found = manifest(read_dir)
    entry = (found or {}).get("files", {}).get(file_name)
    return entry["district_file"] if entry else file_name


def translate_problems(read_dir: Path, problems: list[Problem]) -> list[Problem]:
    """Problems found while reading the canonical files, naming the district's files instead."""
    found = manifest(read_dir)
    if not found:
        return problems
    files = found["files"]
    return [
        Problem(
            file=files[p.file]["district_file"] if p.file in files else p.file,
            message=p.message,
            row=None if p.file in files else p.row,
            column=files[p.file]["columns"].get(p.column, p.column) if p.file in files and p.column else p.column,
            value=p.value,
            expected=p.expected,
        )
        for p in problems
    ]


def reset(con: duckdb.DuckDBPyConnection) -> None:
    """A new run: the working warehouse is a copy of the published one, whose run may have read another profile."""
    con.execute("drop table if exists meta.source_columns")
    con.execute("drop table if exists meta.source_profile")


def restore(con: duckdb.DuckDBPyConnection, read_dir: Path, extract: str) -> None:
    """Staging rows, their repeats, meta.load_files and the reading's findings of one extract: the district's file and row."""
    found = manifest(read_dir)
    if not found:
        return
    con.execute(
        "create table if not exists meta.source_columns "
        "(extract varchar, file varchar, column_name varchar, source_column varchar)"
    )
    con.execute("create table if not exists meta.source_profile (profile varchar, source varchar)")
    con.execute("delete from meta.source_profile")
    con.execute("insert into meta.source_profile values (?, ?)", [found["profile"], found["source"]])
    con.execute("delete from meta.source_columns where extract = ?", [extract])
    for canonical, entry in found["files"].items():
        if entry["extract"] != extract:
            continue
        district = entry["district_file"]
        rows = Path(read_dir) / SOURCES_DIR / (canonical + ".rows")
        con.execute(
            "create or replace temp table _provenance as select * from "
            "read_csv(?, header = true, auto_detect = false, delim = ',', "
            "columns = {'canonical_row': 'BIGINT', 'source_row': 'BIGINT'})",
            [str(rows)],
        )
        for table in (f"staging.{extract}", f"staging.{extract}_repeats"):
            con.execute(
                f"update {table} as s set _source_file = $district, _source_row = p.source_row "
                "from _provenance as p where s._source_file = $canonical and s._source_row = p.canonical_row",
                {"district": district, "canonical": canonical},
            )
        con.execute(
            "update meta.load_files set file_name = $district, sha256 = $sha256, bytes = $bytes "
            "where file_name = $canonical and extract = $extract",
            {
                "district": district,
                "canonical": canonical,
                "extract": extract,
                "sha256": entry["sha256"],
                "bytes": entry["bytes"],
            },
        )
        for table in ("meta.errors", "meta.findings"):
            con.execute(
                f"update {table} set file = $district, row = null where file = $canonical and extract = $extract",
                {"district": district, "canonical": canonical, "extract": extract},
            )
            con.execute(f"update {table} set message = {MESSAGE_SQL} where file = $district", {"district": district})
        con.execute(
            "insert into meta.source_columns select $extract, $district, unnest($columns), unnest($sources)",
            {
                "extract": extract,
                "district": district,
                "columns": list(entry["columns"]),
                "sources": list(entry["columns"].values()),
            },
        )
        con.execute("drop table _provenance")


def name_source_columns(con: duckdb.DuckDBPyConnection, extract: str) -> None:
    """An extract's errors and findings name the district's columns (its findings' student ids excepted)."""
    exists = con.execute(
        "select count(*) from information_schema.tables where table_schema = 'meta' and table_name = 'source_columns'"
    ).fetchone()[0]
    if not exists:
        return
    for table in ("meta.errors", "meta.findings"):
        hidden = "and t.column_name not in (select unnest($hidden::varchar[]))" if table == "meta.findings" else ""
        con.execute(
            f"update {table} as t set column_name = s.source_column from meta.source_columns as s "
            f"where t.extract = $extract and s.extract = t.extract and s.file = t.file "
            f"and s.column_name = t.column_name {hidden}",
            {"extract": extract, **({"hidden": list(HIDDEN_COLUMNS)} if hidden else {})},
        )
        con.execute(
            f"update {table} set message = {MESSAGE_SQL} where extract = $extract "
            "and file in (select file from meta.source_columns where extract = $extract)",
            {"extract": extract},
        )


def profile_in_use(con: duckdb.DuckDBPyConnection) -> str | None:
    """The profile the run's extracts were read through, if any (for the run's metadata)."""
    exists = con.execute(
        "select count(*) from information_schema.tables where table_schema = 'meta' and table_name = 'source_profile'"
    ).fetchone()[0]
    if not exists:
        return None
    row = con.execute("select profile from meta.source_profile").fetchone()
    return row[0] if row else None
