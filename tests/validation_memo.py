"""validate() of one extract once per distinct input, for the tests that ingest and validate a whole zone again and again.

Most tests rebuild the tiny zone around one changed file (the bad-file
corpus alone does it 73 times) and validate all eleven extracts; the ten
unchanged ones get the same verdict as before. An extract's verdict depends
only on what its rules read: its own staging rows, the staging tables any
rule or macro reads across extracts (REFERENCED: found in the rules' SQL and
in sezp_roadmap/validation/run.py, so a rule added later is covered), the
files' rows and the findings ingest recorded for it, and the settings. When
all of those are the same as in an earlier call in this process, the earlier
rows of meta.errors and meta.findings are written instead of running the
rules again. (The settings are compared without the paths they were read
from: each test's landing folder is another temporary folder.) tests/test_fuzz_record.py checks that the two give the same rows.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import duckdb

import sezp_roadmap.validation.run as validation_run
from sezp_roadmap.extracts import EXTRACTS
from sezp_roadmap.validation.run import validate

ROOT = Path(__file__).resolve().parent.parent
_STAGING = re.compile(r"staging\.([a-z_]+)")


def _referenced() -> frozenset[str]:
    """Extracts whose staging a rule of another extract reads (a check file, a macro, the validation package)."""
    found = set()
    for path in (ROOT / "sql" / "meta" / "checks").glob("*.sql"):
        own = max((e for e in EXTRACTS if path.stem.startswith(e + "_")), key=len, default=None)
        found |= {name for name in _STAGING.findall(path.read_text()) if name != own}
    for path in [*(ROOT / "sql" / "macros").glob("*.sql"), *Path(validation_run.__file__).parent.glob("*.py")]:
        found |= set(_STAGING.findall(path.read_text()))
    # The lost-leading-zeros check (validation/id_zeros.py) names its tables in code: an extract's ids are
    # compared with every other file that carries the same kind of id.
    found |= {e.name for e in EXTRACTS.values() if any(c.identifies for c in e.columns)}
    return frozenset(name for name in found if name in EXTRACTS)


REFERENCED = _referenced()
_VERDICTS: dict[tuple, tuple[list[tuple], list[tuple]]] = {}


def _content(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> tuple:
    return con.execute(f"select count(*), sum(hash(t)), bit_xor(hash(t)) from ({sql}) t", params or []).fetchone()


def _key(con: duckdb.DuckDBPyConnection, name: str, settings) -> tuple:
    tables = sorted({name, *REFERENCED})
    return (
        name,
        # Where the settings were read from is no input of a rule (no rule reads settings.sources).
        repr(dataclasses.replace(settings, sources=())),
        tuple(_content(con, f"from staging.{t}") for t in tables),
        _content(con, f"from staging.{name}_repeats"),
        _content(con, "from meta.load_files where extract = ?", [name]),
        _content(con, "from meta.errors where extract = ?", [name]),
        _content(con, "from meta.findings where extract = ?", [name]),
    )


def _rows(con: duckdb.DuckDBPyConnection, table: str, name: str) -> list[tuple]:
    return con.execute(f"from meta.{table} where extract = ?", [name]).fetchall()


def validate_once(con: duckdb.DuckDBPyConnection, name: str, settings) -> None:
    """validate(con, name, settings), or the rows it wrote for the same input earlier in this process."""
    key = _key(con, name, settings)
    if key not in _VERDICTS:
        validate(con, name, settings)
        _VERDICTS[key] = (_rows(con, "errors", name), _rows(con, "findings", name))
        return
    errors, findings = _VERDICTS[key]
    for table, rows in (("errors", errors), ("findings", findings)):
        con.execute(f"delete from meta.{table} where extract = ?", [name])
        if rows:
            marks = ", ".join("?" * len(rows[0]))
            con.executemany(f"insert into meta.{table} values ({marks})", rows)
