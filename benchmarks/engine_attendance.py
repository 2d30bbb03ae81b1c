"""The pipeline's own attendance metrics on the same files as the pandas baseline.

The yardstick of the "20x faster than pandas" goal compares like with like:
benchmarks/pandas_baseline.py computes the attendance rate and chronic absence
from the calendar, enrollment and attendance CSV files; this script computes
the same two metrics from the same three files with the metric engine itself.
It reads the files with DuckDB into staging tables typed as ingestion types
them, runs the engine's student-level SQL for the end-of-year period of every
school year (sql/work/student_attendance.sql, which also computes the zone, the
monthly sums and the subgroup profiles) and sql/work/metrics/attendance.sql, and
writes the end-of-year figures of every school and year. It skips what pandas skips as well: validation, the
other metrics, suppression and the reports. Run as a script; it writes the
figures as CSV and prints a one-line JSON summary, like the pandas baseline.
"""

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from sezp_roadmap import metric_engine
from sezp_roadmap.config import load_settings
from sezp_roadmap.extracts import EXTRACTS
from sezp_roadmap.warehouse import SCHEMAS, add_macros, memory_limit, run_sql

NEEDED = ("calendar", "enrollment", "attendance")


def load_staging(con: duckdb.DuckDBPyConnection, data: Path) -> None:
    """staging.<extract> for the three extracts the metrics read, typed from the registry."""
    for name in NEEDED:
        extract = EXTRACTS[name]
        files = sorted(str(p) for p in data.glob(f"{name}*.csv*"))
        columns = "{" + ", ".join(f"'{c.name}': '{c.sql_type}'" for c in extract.columns) + "}"
        # Flags are Y/N in the files: read as text, then typed as ingestion types them.
        select = ", ".join(f"{c.name} = 'Y' as {c.name}" if c.kind == "flag" else c.name for c in extract.columns)
        text_columns = columns.replace("'BOOLEAN'", "'VARCHAR'")
        con.execute(
            f"create table staging.{name} as select {select} "
            f"from read_csv($files, header = true, columns = {text_columns})",
            {"files": files},
        )


def attendance_figures(data: Path) -> tuple[list[tuple], float]:
    """The end-of-year figures of every school and year, and the seconds spent reading the three files."""
    settings = load_settings(None, data)
    with tempfile.TemporaryDirectory() as spill:
        con = add_macros(duckdb.connect(config={"memory_limit": memory_limit(), "temp_directory": spill}))
        for schema in SCHEMAS:
            con.execute(f"create schema {schema}")
        started = time.perf_counter()
        load_staging(con, data)
        read_seconds = time.perf_counter() - started
        # The baseline's figures are end-of-year ones: the engine computes that period of every year, not mid-year.
        years = [
            row[0] for row in con.execute("select distinct school_year from staging.calendar order by 1").fetchall()
        ]
        metric_engine.compute_student_tables(con, settings, [(year, "end_of_year") for year in years])
        run_sql(con, "work/metric_cells")
        run_sql(con, "work/metrics/attendance")
        rows = con.execute(
            """
            select
                school_id,
                school_year,
                max(value) filter (where metric = 'attendance_rate') as attendance_rate,
                max(value) filter (where metric = 'chronic_absence_rate') as chronic_absence_rate
            from work.metric_cells
            where period = 'end_of_year' and subgroup = 'all' and school_id <> 'ZONE'
            group by all
            order by all
            """
        ).fetchall()
        con.close()
    return rows, read_seconds


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", type=Path, required=True)
    p.add_argument("--out", type=Path, required=True, help="CSV of the figures per school and year")
    args = p.parse_args(argv)
    started = time.perf_counter()
    rows, read_seconds = attendance_figures(args.data)
    seconds = time.perf_counter() - started
    with args.out.open("w", encoding="utf-8") as f:
        f.write("school_id,school_year,attendance_rate,chronic_absence_rate\n")
        f.writelines(",".join(str(v) for v in row) + "\n" for row in rows)
    json.dump({"seconds": round(seconds, 2), "read_seconds": round(read_seconds, 2), "cells": len(rows)}, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
