"""`sezp-roadmap build` with the seconds of every SQL file written down.

The benchmark runs this as a child process so that its peak memory is the
build's alone. It wraps `warehouse.run_sql` before anything imports it, then
calls the real command line; the profile (SQL file -> seconds, summed over
calls) goes to the JSON file named by $SEZP_BENCH_PROFILE.
"""

import json
import os
import sys
import time
from collections import defaultdict

from sezp_roadmap import warehouse

_seconds: dict[str, float] = defaultdict(float)
_original_run_sql = warehouse.run_sql


def _timed_run_sql(con, name, params=None):
    started = time.perf_counter()
    try:
        return _original_run_sql(con, name, params)
    finally:
        _seconds[name] += time.perf_counter() - started


def main(argv: list[str]) -> int:
    warehouse.run_sql = _timed_run_sql
    from sezp_roadmap.cli import main as cli_main  # noqa: PLC0415 (after the patch, so every importer sees it)

    try:
        return cli_main(["build", *argv])
    finally:
        target = os.environ.get("SEZP_BENCH_PROFILE")
        if target:
            ranked = dict(sorted(((k, round(v, 3)) for k, v in _seconds.items()), key=lambda kv: -kv[1]))
            with open(target, "w", encoding="utf-8") as f:
                json.dump(ranked, f, indent=1)


if __name__ == "__main__":
    code = main(sys.argv[1:])
    from sezp_roadmap.cli import exit_now  # noqa: PLC0415 (imported by main, after the patch)

    exit_now(code)  # as the installed command ends, so the benchmark times what a user waits for
