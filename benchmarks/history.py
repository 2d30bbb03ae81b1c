"""Every benchmark run on record, one JSON line each, so the results file shows the spread between runs.

One run's figures depend on the virtual machine's state as much as on the code
(docs/scaling.md gives the spread). The results file's goals come from the latest
run; the history beside them says how far one run can be trusted. Runs are appended by
`python -m benchmarks.run` (never by --report-only), and the file is committed
with results.md.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path


def summarize(result: dict) -> dict:
    """What the history keeps of one size's result.json: the figures the results tables show."""
    build, pandas, engine = result["build"], result.get("pandas") or {}, result.get("engine") or {}
    return {
        "schools": result["schools"],
        "students": result["students"],
        "typed_floor_seconds": (result.get("typed_floor") or {}).get("seconds"),
        "floor_seconds": result["floor"]["seconds"],
        "build_seconds": build["seconds"],
        "build_finished": build["finished"],
        "repeats": build.get("repeats"),
        "peak_rss_mib": build["peak_rss_mib"],
        "host_steal_pct": build.get("host_steal_pct"),
        "stages": build.get("stages", {}),
        "report_pages": build.get("report_pages"),
        "period_reports_seconds": (result.get("period_reports") or {}).get("seconds"),
        "period_report_schools": (result.get("period_reports") or {}).get("schools"),
        "pandas_seconds": pandas.get("seconds"),
        "pandas_finished": pandas.get("finished"),
        "engine_seconds": engine.get("seconds"),
    }


def record(path: Path, code: str, results: list[dict], when: datetime | None = None) -> dict:
    """Append one run (the sizes it measured) to the history; returns the line written."""
    run = {
        "when": (when or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M"),
        "code": code,
        "sizes": {r["size"]: summarize(r) for r in results},
    }
    with path.open("a", encoding="utf-8") as f:
        f.write(json.dumps(run) + "\n")
    return run


def load(path: Path) -> list[dict]:
    """The runs on record, oldest first (none when the file does not exist)."""
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
