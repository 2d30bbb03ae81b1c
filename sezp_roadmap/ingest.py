"""Reading the landing folder into the warehouse: raw rows as received, then typed staging tables.

raw.<extract>     every row as text, with its source file, row number and the file's hash
staging.<extract> typed values (dates, integers, flags as booleans), one row per raw row
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from sezp_roadmap.errors import InputProblem, Problem
from sezp_roadmap.extracts import EXTRACTS, Extract

CSV_SUFFIXES = (".csv", ".csv.gz")


@dataclass(frozen=True)
class LandingFile:
    extract: str
    path: Path
    sha256: str
    size: int


def _extract_of(path: Path) -> str | None:
    name = path.name.lower()
    for suffix in CSV_SUFFIXES:
        if name.endswith(suffix):
            stem = name[: -len(suffix)]
            for extract in EXTRACTS:
                if stem == extract or stem.startswith(extract + "_"):
                    return extract
    return None


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def discover(data_dir: Path) -> tuple[list[LandingFile], list[str]]:
    """The extract files in the landing folder, and warnings about other files."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise InputProblem(Problem(file=str(data_dir), message="the landing folder does not exist"))
    files, warnings = [], []
    for path in sorted(data_dir.iterdir()):
        if not path.is_file() or path.name.startswith("."):
            continue
        extract = _extract_of(path)
        if extract is None:
            if path.name != "roadmap.yaml":
                warnings.append(f"{path.name}: not an extract name this pipeline knows; the file was ignored")
            continue
        files.append(LandingFile(extract, path, file_hash(path), path.stat().st_size))
    missing = [e.name for e in EXTRACTS.values() if e.required and not any(f.extract == e.name for f in files)]
    if missing:
        raise InputProblem(
            [Problem(file=f"{name}.csv", message=f"the required {name} extract is missing from {data_dir}") for name in missing]
        )
    return files, warnings


def record_files(con: duckdb.DuckDBPyConnection, files: list[LandingFile]) -> None:
    con.execute(
        "create or replace table meta.load_files (extract varchar, file_name varchar, sha256 varchar, bytes bigint, rows bigint)"
    )
    for f in files:
        con.execute("insert into meta.load_files values (?, ?, ?, ?, null)", [f.extract, f.path.name, f.sha256, f.size])


def _header(con: duckdb.DuckDBPyConnection, path: Path) -> list[str]:
    rel = con.execute(
        "select * from read_csv(?, all_varchar = true, header = true, auto_detect = true, sample_size = 1) limit 0",
        [str(path)],
    )
    return [d[0] for d in rel.description]


def load_raw(con: duckdb.DuckDBPyConnection, extract: Extract, files: list[LandingFile]) -> int:
    """Every row as received, as text, with file name, row number and content hash."""
    columns = ", ".join(f'"{c}" varchar' for c in extract.column_names)
    con.execute(
        f"create or replace table raw.{extract.name} ({columns}, _source_file varchar, _source_row bigint, _file_sha256 varchar)"
    )
    for f in files:
        header = [h.strip().lower() for h in _header(con, f.path)]
        missing = [c for c in extract.column_names if c not in header]
        if missing:
            raise InputProblem(
                [Problem(file=f.path.name, row=1, column=c, message="a required column is missing from the header") for c in missing]
            )
        con.execute(
            "create or replace temp table _landing as select * from read_csv(?, all_varchar = true, header = true)",
            [str(f.path)],
        )
        actual = [d[0] for d in con.execute("select * from _landing limit 0").description]
        by_lower = {a.strip().lower(): a for a in actual}
        select = ", ".join(f'nullif(trim("{by_lower[c]}"), \'\')' for c in extract.column_names)
        # rowid is the insertion order of the temporary table, i.e. the order
        # of the file; +2 turns it into the line number a spreadsheet shows.
        con.execute(
            f"insert into raw.{extract.name} select {select}, ?, rowid + 2, ? from _landing order by rowid",
            [f.path.name, f.sha256],
        )
        con.execute("drop table _landing")
    return con.execute(f"select count(*) from raw.{extract.name}").fetchone()[0]


def _cast(column) -> str:
    raw = f'"{column.name}"'
    if column.kind == "flag":
        return f"case upper({raw}) when 'Y' then true when 'N' then false end"
    if column.kind == "date":
        return f"try_strptime({raw}, '%Y-%m-%d')::date"
    if column.kind in ("int", "decimal"):
        return f"try_cast({raw} as {column.sql_type})"
    return raw


def _is_valid(column) -> str:
    """A SQL condition true when the raw text is acceptable for the column."""
    raw = f'"{column.name}"'
    if column.kind == "flag":
        ok = f"upper({raw}) in ('Y', 'N')"
    elif column.kind == "date":
        ok = f"regexp_full_match({raw}, '\\d{{4}}-\\d{{2}}-\\d{{2}}') and {_cast(column)} is not null"
    elif column.kind == "int":
        ok = f"{_cast(column)} is not null"
    elif column.kind == "decimal":
        ok = f"{_cast(column)} is not null"
    else:
        ok = "true"
    if column.minimum is not None:
        ok += f" and {_cast(column)} >= {float(column.minimum)}"
    if column.maximum is not None:
        ok += f" and {_cast(column)} <= {float(column.maximum)}"
    if column.nullable:
        return f"({raw} is null or ({ok}))"
    return f"({raw} is not null and ({ok}))"


def _expected(column, codes: tuple[str, ...]) -> str:
    base = {
        "flag": "Y or N",
        "date": "a date as YYYY-MM-DD",
        "int": "a whole number",
        "decimal": "a number",
    }.get(column.kind, "a value")
    if codes:
        base = "one of " + ", ".join(codes)
    if column.minimum is not None and column.maximum is not None:
        base += f" from {column.minimum:g} to {column.maximum:g}"
    return base + ("" if column.nullable else " (required)")


def load_staging(
    con: duckdb.DuckDBPyConnection, extract: Extract, *, codes: dict[str, tuple[str, ...]] | None = None, limit: int = 50
) -> int:
    """Type every column; any value that does not fit its column stops the run with its file, row and column."""
    codes = codes or {}
    problems: list[Problem] = []
    for column in extract.columns:
        allowed = codes.get(column.name, column.codes)
        condition = _is_valid(column)
        params: list = []
        if allowed:
            condition = f"({condition} and ({column.name} is null or {column.name} in (select unnest(?::varchar[]))))"
            params.append(list(allowed))
        bad = con.execute(
            f'select _source_file, _source_row, "{column.name}" from raw.{extract.name} where not {condition} '
            f"order by _source_file, _source_row limit {int(limit)}",
            params,
        ).fetchall()
        for file, row, value in bad:
            problems.append(
                Problem(
                    file=file,
                    row=row,
                    column=column.name,
                    value="" if value is None else value,
                    message="this value cannot be used" if value is not None else "a required value is empty",
                    expected=_expected(column, allowed),
                )
            )
    if problems:
        raise InputProblem(problems)
    select = ", ".join(f"{_cast(c)} as {c.name}" for c in extract.columns)
    con.execute(
        f"create or replace table staging.{extract.name} as select {select}, _source_file, _source_row from raw.{extract.name}"
    )
    return con.execute(f"select count(*) from staging.{extract.name}").fetchone()[0]


_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")
assert all(_IDENTIFIER.match(c) for e in EXTRACTS.values() for c in e.column_names)
