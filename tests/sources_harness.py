"""Building a landing folder through the library's stages, without Dagster: ingest, checks and marts of a working warehouse.

Used by the source-profile tests to compare a build through a profile with a
build of the canonical files, and to read the messages a profiled file gets.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
from ingest_zone import ORDER  # the order the checks run in: every extract after those it refers to

from sezp_roadmap import stages
from sezp_roadmap.config import load_settings
from sezp_roadmap.validation.run import check_extracts


def build(landing: Path, root: Path, profile: str | None = None, *, marts: bool = True) -> stages.Locations:
    """Ingest and check the folder into root/wh.duckdb.working (and compute the marts); returns where it wrote."""
    loc = stages.Locations(landing, root / "wh.duckdb", root / "out", profile)
    settings = load_settings(None, landing)
    stages.prepare_landing(loc)
    stages.ingest_extracts(loc, list(ORDER), settings)
    outcomes = check_extracts(loc.working_warehouse, list(ORDER), settings)
    failed = {name: o.description for name, o in outcomes.items() if not o.passed}
    assert not failed, failed
    if marts:
        stages.build_student_tables(loc, settings)
        stages.build_metric_values(loc, settings)
        stages.build_state_reconciliation(loc, settings)
    return loc


def _cell(value):
    # Sums of doubles depend on the order DuckDB's threads add them in: two builds of the same rows can
    # differ in the last bits. Rounded to 9 decimals, every cell must be the same.
    return round(value, 9) if isinstance(value, float) else value


def marts(loc: stages.Locations) -> dict[str, list[tuple]]:
    """Every marts table's rows, sorted, doubles rounded to 9 decimals."""
    with duckdb.connect(str(loc.working_warehouse), read_only=True) as con:
        names = [
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables where table_schema = 'marts' order by 1"
            ).fetchall()
        ]
        return {
            name: [
                tuple(_cell(v) for v in row)
                for row in con.execute(f"select * from marts.{name} order by all").fetchall()
            ]
            for name in names
        }
