"""Where the project's own files are, and where a run reads and writes by default (overridable by environment variables).

The CLI and the Dagster resource both start from these, so `sezp-roadmap build`
and `make dev` publish to the same places.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SQL_DIR = PROJECT_ROOT / "sql"

DATA_DIR = "data_samples/sample_zone"
WAREHOUSE = "warehouse/roadmap.duckdb"
REPORTS = "reports/output"


def data_dir() -> str:
    return os.environ.get("SEZP_DATA_DIR", DATA_DIR)


def warehouse() -> str:
    return os.environ.get("SEZP_WAREHOUSE", WAREHOUSE)


def reports() -> str:
    return os.environ.get("SEZP_REPORTS", REPORTS)


def config_file() -> str | None:
    return os.environ.get("SEZP_CONFIG") or None


def profile() -> str | None:
    return os.environ.get("SEZP_PROFILE") or None
