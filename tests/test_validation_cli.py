"""Validation seen from outside: the CLI, the Dagster checks, the data-quality page, and a failed run."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from ingest_zone import DAYS, append, write_zone


def snapshot(*roots: Path) -> dict[str, bytes]:
    """Every file under the roots, byte for byte."""
    files = {}
    for root in roots:
        paths = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        files.update({str(p): p.read_bytes() for p in paths})
    return files


@pytest.mark.bench
def test_a_failed_run_leaves_the_last_good_warehouse_and_reports_byte_identical(tmp_path, capsys):
    from sezp_roadmap.cli import main

    folder = write_zone(tmp_path / "landing")
    # A finding whose only column is a student id: the data-quality page must not show it.
    append(folder, "attendance.csv", f"0099,A,{DAYS[5]},A")
    warehouse, reports = tmp_path / "wh.duckdb", tmp_path / "reports"
    args = ["build", "--data", str(folder), "--warehouse", str(warehouse), "--reports", str(reports)]
    assert main(args) == 0
    capsys.readouterr()

    page = (reports / "data-quality.html").read_text()
    assert 'href="data-quality.html"' in (reports / "index.html").read_text()
    assert "attendance_no_enrollment" in page and "attendance_outside_enrollment" in page
    for student in ("0001", "0005", "0099"):
        assert student not in page
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select count(*) from meta.findings").fetchone()[0] == 2
        assert con.execute("select count(*) from meta.errors").fetchone()[0] == 0

    good = snapshot(warehouse, reports)

    # A value error, found by a check ...
    append(folder, "attendance.csv", f"0001,A,{DAYS[21]},ZZ")
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "nothing was published" in err
    assert "attendance.csv, row 28, column 'code': this code is not one the code table in the settings" in err
    assert "Traceback" not in err and "DagsterAssetCheckFailedError" not in err and "internal error" not in err
    assert snapshot(warehouse, reports) == good

    # ... and a file that cannot be read at all.
    (folder / "schools.csv").write_bytes("school_id,school_name\nA,Escuela Mart\xed\n".encode("cp1252"))
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "schools.csv, row 2, column 'school_name': the file is not UTF-8 text" in err
    assert "Windows-1252" in err and "Traceback" not in err
    assert snapshot(warehouse, reports) == good


def test_dagster_checks_block_and_show_the_failing_rows(tmp_path):
    import dagster as dg

    from pipelines.definitions import all_assets, defs
    from pipelines.partitions import partition_key
    from pipelines.resources import RoadmapPaths

    assert {key.name for key in defs.get_repository_def().asset_graph.asset_check_keys} == {
        f"{name}_valid"
        for name in (
            "schools",
            "calendar",
            "enrollment",
            "attendance",
            "discipline",
            "educator_survey",
            "family_survey",
            "family_survey_summary",
            "sqr",
            "targets",
            "state_figures",
            "assessments",
        )
    }
    folder = write_zone(tmp_path / "landing")
    append(folder, "targets.csv", "A,2026,end_of_year,attendance_rate,everyone,95")
    paths = RoadmapPaths(data_dir=str(folder), warehouse=str(tmp_path / "wh.duckdb"), reports_dir=str(tmp_path / "out"))
    result = dg.materialize(
        all_assets,
        partition_key=partition_key(2026, "end_of_year"),
        resources={"paths": paths},
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
    )
    assert not result.success
    evaluations = {e.check_name: e for e in result.get_asset_check_evaluations()}
    assert evaluations["attendance_valid"].passed
    failed = evaluations["targets_valid"]
    assert not failed.passed and failed.blocking
    table = failed.metadata["failing rows (first 50)"].value
    assert "| targets.csv | 5 | subgroup | everyone |" in table
    assert failed.metadata["errors"].value == 1
    materialized = {
        e.event_specific_data.materialization.asset_key.to_user_string()
        for e in result.get_asset_materialization_events()
    }
    assert "targets" in materialized and "published_roadmap" not in materialized
    assert not (tmp_path / "wh.duckdb").exists() and not (tmp_path / "out").exists()
