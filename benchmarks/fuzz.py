"""`make fuzz`: the fuzz of ingest and validation on 10,000 new examples, and its record.

Runs the `fuzz`-marked tests (tests/test_fuzz_ingest.py) in this process,
appends the run to benchmarks/fuzz_history.jsonl (when, code, examples per
property, failures, seconds) and rewrites the fuzzing section of
benchmarks/results.md from it; `make bench` keeps that section when it
rewrites the rest of the file. CI does not run it: `make test` runs the same
properties on the `ci` profile's few hundred examples.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.machine import _git_revision

ROOT = Path(__file__).resolve().parent.parent
HISTORY = ROOT / "benchmarks" / "fuzz_history.jsonl"
RESULTS = ROOT / "benchmarks" / "results.md"
HEADING = "## Fuzzing of ingest and validation"
# How an example ended (fuzz_landing.FuzzLanding.check), in the order the table shows them.
ENDINGS = ("accepted", "refused by ingest", "refused by validation")


def record(path: Path, run: dict) -> None:
    with path.open("a", encoding="utf-8") as f:
        f.write(json.dumps(run) + "\n")


def load(path: Path) -> list[dict]:
    """The fuzz runs on record, oldest first (none when the file does not exist)."""
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def section(runs: list[dict], limit: int = 8) -> list[str]:
    """The results file's fuzzing section: the last run in words, then the latest runs as a table."""
    lines = [HEADING, ""]
    if not runs:
        return [*lines, "No fuzz run on record (`make fuzz`).", ""]
    last = runs[-1]
    examples = sum(last["examples"].values())
    verdict = "no failure" if not last["failures"] else f"**{last['failures']} failing properties**"
    lines += [
        f"Last run (`make fuzz`, {last['when']} UTC, code {last['code']}): {examples:,} examples "
        f"in {last['seconds']:,.0f} s, {verdict}.",
        "",
        "| When (UTC) | Code | Property | Examples | Accepted | Refused by ingest | Refused by validation "
        "| Failures | Seconds |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for run in runs[-limit:]:
        for prop, count in run["examples"].items():
            ended = run.get("endings", {}).get(prop, {})
            by_ending = " | ".join(f"{ended.get(e, 0):,}" for e in ENDINGS)
            lines.append(
                f"| {run['when']} | {run['code']} | {prop} | {count:,} | {by_ending} "
                f"| {run['failures']} | {run['seconds']:,.0f} |"
            )
    return [
        *lines,
        "",
        "An example is one mangled extract file read into the tiny zone (tests/fuzz_landing.py); examples also "
        "count the kept failures and the shrinking of a new one. Ingest alone draws any bytes; validation "
        "draws readable files with mangled columns and cells.",
        "",
    ]


def write_section(results: Path, runs: list[dict]) -> None:
    """Put the fuzzing section in the results file: in place of the one there, or at the end."""
    text = results.read_text(encoding="utf-8") if results.exists() else ""
    lines = text.splitlines()
    if HEADING in lines:
        start = lines.index(HEADING)
        end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
        lines[start:end] = section(runs)
    else:
        lines += ["", *section(runs)] if lines and lines[-1] else section(runs)
    results.write_text("\n".join(lines).rstrip("\n") + "\n", encoding="utf-8")


class _Failures:
    """A pytest plugin counting the tests that failed."""

    def __init__(self) -> None:
        self.failed = 0

    def pytest_runtest_logreport(self, report) -> None:
        if report.failed:
            self.failed += 1


def main(argv: list[str] | None = None) -> int:
    import pytest  # noqa: PLC0415 (a test dependency: only `make fuzz` needs it)

    p = argparse.ArgumentParser(description="Fuzz ingest and validation; record the run in benchmarks/results.md.")
    p.add_argument("--ingest-examples", type=int, default=6_000, help="examples of ingest alone (default 6,000)")
    p.add_argument(
        "--validation-examples", type=int, default=4_000, help="examples of ingest and validation (default 4,000)"
    )
    p.add_argument("--history", type=Path, default=HISTORY)
    p.add_argument("--results", type=Path, default=RESULTS)
    args = p.parse_args(argv)
    os.environ["SEZP_FUZZ_INGEST_EXAMPLES"] = str(args.ingest_examples)
    os.environ["SEZP_FUZZ_VALIDATION_EXAMPLES"] = str(args.validation_examples)
    failures = _Failures()
    code_tested = _git_revision(ROOT)  # before the run: a commit made while it runs is not what it tested
    started = time.perf_counter()
    code = pytest.main(
        ["-m", "fuzz", str(ROOT / "tests" / "test_fuzz_ingest.py"), "-p", "no:cacheprovider", "-q"],
        plugins=[failures],
    )
    seconds = time.perf_counter() - started
    landing = sys.modules.get("fuzz_landing")  # the harness, as pytest imported it
    counted = getattr(landing, "EXAMPLES_RUN", {})
    run = {
        "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M"),
        "code": code_tested,
        "examples": dict(sorted(counted.items())),
        "endings": {prop: dict(ended) for prop, ended in sorted(getattr(landing, "ENDINGS", {}).items())},
        # A run that stopped before any test (a collection error) failed too.
        "failures": failures.failed or (0 if code == 0 else 1),
        "seconds": round(seconds, 1),
    }
    record(args.history, run)
    write_section(args.results, load(args.history))
    return int(code)


if __name__ == "__main__":
    sys.exit(main())
