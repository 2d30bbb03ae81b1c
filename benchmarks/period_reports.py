"""One period's reports of every school, rendered from a built warehouse: the other side of the reports goal.

A cold build renders every school year and period the warehouse holds: in the
benchmark's zones (two complete school years and the running one) that is six
reports per school. A scheduled refresh renders only the partition it
refreshes, and the report a Teacher Leadership Team reads in January is one
page: the running school year's mid-year report. This script renders that
period for every school with the pipeline's own renderer (its worker processes,
the zone overview, the data-quality and targets pages and the index included)
into a scratch folder, and prints a one-line JSON summary. Run as a script.

--cores N holds the process (and so its worker processes and DuckDB's
threads) to N of the cores it may run on, so that the same period rendered on
one core and on every core tells how rendering scales with cores.
"""

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from sezp_roadmap.config import load_settings
from sezp_roadmap.reporting.render import render_reports
from sezp_roadmap.warehouse import memory_limit, query


def running_mid_year(periods: list[dict]) -> dict:
    """The latest school year's mid-year period (the report TLTs read in January)."""
    return max((p for p in periods if p["period"] == "mid_year"), key=lambda p: p["school_year"])


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--warehouse", type=Path, required=True, help="a built warehouse (opened read-only)")
    p.add_argument("--data", type=Path, required=True, help="the landing folder it was built from (its roadmap.yaml)")
    p.add_argument("--cores", type=int, help="run on this many of the cores the process may use (default: all)")
    args = p.parse_args(argv)
    if args.cores:
        # Before anything starts a thread or a worker: both follow the process's affinity (warehouse.usable_cores).
        os.sched_setaffinity(0, sorted(os.sched_getaffinity(0))[: args.cores])
    settings = load_settings(None, args.data)
    # Read-only, as the build's reports step opens it: the worker processes then open it too.
    con = duckdb.connect(str(args.warehouse), read_only=True, config={"memory_limit": memory_limit()})
    period = running_mid_year(query(con, "pages/report_periods"))
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        pages = render_reports(con, Path(out), settings, periods=[(period["school_year"], period["period"])])
        seconds = time.perf_counter() - started
    con.close()
    summary = {
        "seconds": round(seconds, 2),
        "school_year": period["school_year"],
        "period": period["period"],
        "schools": len(pages),
        "cores": len(os.sched_getaffinity(0)),
    }
    json.dump(summary, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
