"""Fixtures shared across the test modules: the built zones, the browser, and pandera's verdicts.

Session fixtures are built once per worker process (pytest-xdist) and are
read-only: a test that changes a zone copies it first (`tiny_build`).
"""

from __future__ import annotations

import fcntl
import os
import shutil
from pathlib import Path

import pytest
from browser_pages import ARGS, CHROMIUM, require_chromium
from reports_zone import build_report_zone, report_zone_paths

from sezp_roadmap import schemas

# Two test workers on CI's two cores: DuckDB's own threads on top of them only contend, and most of
# the suite's queries are planning-bound on tiny tables. Child processes (the CLI run as a program) inherit it.
os.environ.setdefault("SEZP_THREADS", "1")

# --- pandera's verdict on a table, once per table content -------------------------------------


def _schema_key(schema) -> tuple:
    return tuple(
        (name, str(column.dtype), column.nullable, tuple((str(c), repr(c.statistics)) for c in column.checks))
        for name, column in schema.columns.items()
    )


def _content_key(con, table: str) -> tuple:
    # Every row of the staging table, its file and row number included; types are fixed by the schema above.
    return con.execute(f"select count(*), sum(hash(t)), bit_xor(hash(t)) from {table} t").fetchall()[0]


@pytest.fixture(autouse=True, scope="session")
def _pandera_once_per_table_content():
    """pandera's answer depends only on the schema and the rows: the same rows are checked once per worker.

    Most tests rebuild the same tiny zone around one changed file (the bad-file
    corpus alone does it 73 times); every distinct table still goes through
    pandera in full, and that is most of the schema's cost in the suite.
    """
    real, verdicts = schemas.failures, {}

    def failures(con, schema, table):
        key = (table, _schema_key(schema), _content_key(con, table))
        if key not in verdicts:
            verdicts[key] = real(con, schema, table)
        return verdicts[key]

    schemas.failures = failures
    yield
    schemas.failures = real


# --- zones built once per test session, shared by the workers ------------------------------------


def _built_once(tmp_path_factory, name: str, build) -> Path:
    """root/<name> after build(root/<name>), built by the first worker that asks; the others wait for it.

    Every worker needs the same read-only zones, and two workers building each
    of them at the same time on two cores doubled the suite's setup. The lock
    is the session's folder (the parent of the workers' own), so a later
    session builds afresh. A build that fails leaves no mark: the next asker
    builds again and fails the same way.
    """
    session = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        session = session.parent
    root, done = session / name, session / f"{name}.built"
    with open(session / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(root, ignore_errors=True)
            root.mkdir()
            build(root)
            done.touch()
    return root


@pytest.fixture(scope="session")
def report_zone(tmp_path_factory) -> tuple[Path, Path, Path]:
    """(landing folder, warehouse, reports folder) of the report zone (tests/reports_zone.py); read-only."""
    return report_zone_paths(_built_once(tmp_path_factory, "report_zone", build_report_zone))


@pytest.fixture(scope="session")
def academic_report_zone(tmp_path_factory) -> tuple[Path, Path, Path]:
    """The report zone with assessments.csv and an academic target; read-only."""
    root = _built_once(tmp_path_factory, "academic_report_zone", lambda r: build_report_zone(r, academics=True))
    return report_zone_paths(root)


def _build(root: Path, data: Path | None = None) -> None:
    """`sezp-roadmap build` of data (root/landing by default) into root/wh.duckdb and root/out."""
    from sezp_roadmap.cli import main

    data = data or root / "landing"
    args = ["--data", str(data), "--warehouse", str(root / "wh.duckdb"), "--reports", str(root / "out")]
    assert main(["build", *args]) == 0


@pytest.fixture(scope="session")
def built_tiny_zone(tmp_path_factory) -> Path:
    """The tiny zone (test_pipeline.write_tiny_zone) built: landing/, wh.duckdb, out/; read-only."""
    from test_pipeline import write_tiny_zone

    def build(root: Path) -> None:
        write_tiny_zone(root / "landing")
        _build(root)

    return _built_once(tmp_path_factory, "built_tiny_zone", build)


@pytest.fixture(scope="session")
def built_zone_without_discipline(tmp_path_factory) -> Path:
    """The ingest tests' zone (ingest_zone.write_zone) built with no discipline.csv, laid out as above; read-only."""
    from ingest_zone import write_zone

    def build(root: Path) -> None:
        (write_zone(root / "landing") / "discipline.csv").unlink()
        _build(root)

    return _built_once(tmp_path_factory, "built_zone_without_discipline", build)


@pytest.fixture(scope="session")
def built_sample_zone(tmp_path_factory) -> Path:
    """The bundled sample zone (data_samples/sample_zone, read in place) built into wh.duckdb and out/; read-only.

    About 15 s: for what only the real zone shows (every example query answering, every page of 13 schools).
    """
    from sezp_roadmap.paths import PROJECT_ROOT

    data = PROJECT_ROOT / "data_samples" / "sample_zone"
    return _built_once(tmp_path_factory, "built_sample_zone", lambda root: _build(root, data))


@pytest.fixture
def tiny_build(built_tiny_zone, tmp_path, capsys) -> Path:
    """A copy of the built tiny zone in tmp_path, to change and build again (its first build's output is not captured)."""
    shutil.copytree(built_tiny_zone, tmp_path, dirs_exist_ok=True)
    capsys.readouterr()
    return tmp_path


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium, launched once per worker; each test opens its own pages (browser_pages.open_page)."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()
