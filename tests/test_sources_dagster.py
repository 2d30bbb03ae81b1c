"""The Dagster side of source profiles: the landing sensor watches the district's files, and the run records its profile."""

from __future__ import annotations

import json
import os
from pathlib import Path

import dagster as dg

from sezp_roadmap.landing import snapshot

ATTENDANCE = (
    '"local_id","school_local_id","ATT_DATE","ATT_ABSENT_IND","ATT_TARDY_IND","ATT_DISMISSED_IND",'
    '"ATT_EXCUSED_IND","ATT_PORTION_ABSENT","ATT_REASON_CODE"\n'
    '"0001","A","10/01/2025","1","0","0","0","0.0000",""\n'
)


def _landing(folder: Path) -> Path:
    folder.mkdir()
    (folder / "roadmap-profile.yaml").write_text("base: aspen-x2\n")
    (folder / "schools.csv").write_text("school_id,school_name,grade_span\nA,Alpha,6-8\n")
    (folder / "X2_Attendance.csv").write_text(ATTENDANCE, encoding="windows-1252")
    (folder / "notes.txt").write_text("not an extract")
    return folder


def _tick(folder: Path, cursor: str | None, profile: str | None = None):
    from pipelines.definitions import defs, refresh_roadmap_job
    from pipelines.sensors import build_landing_sensor

    sensor = build_landing_sensor(refresh_roadmap_job, str(folder), profile)
    repository = defs.get_repository_def()
    return sensor.evaluate_tick(dg.build_sensor_context(cursor=cursor, repository_def=repository))


def test_the_snapshot_holds_the_files_the_profile_reads_and_the_profile(tmp_path):
    folder = _landing(tmp_path / "landing")
    assert set(snapshot(folder)) == {"roadmap-profile.yaml", "schools.csv", "X2_Attendance.csv"}
    # Without the profile file the district's export is no extract the folder knows.
    (folder / "roadmap-profile.yaml").unlink()
    assert set(snapshot(folder)) == {"schools.csv"}
    # A profile named for the run (as `--profile` or SEZP_PROFILE names it) does the same.
    assert set(snapshot(folder, "aspen-x2")) == {"schools.csv", "X2_Attendance.csv"}


def test_a_changed_district_file_starts_a_run(tmp_path):
    folder = _landing(tmp_path / "landing")
    first = _tick(folder, None)
    assert first.run_requests
    assert set(json.loads(first.cursor)) == {"roadmap-profile.yaml", "schools.csv", "X2_Attendance.csv"}
    assert not _tick(folder, first.cursor).run_requests
    stat = (folder / "X2_Attendance.csv").stat()
    os.utime(folder / "X2_Attendance.csv", ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    changed = _tick(folder, first.cursor)
    assert changed.run_requests
    assert all(r.tags["sezp/files"] == "X2_Attendance.csv" for r in changed.run_requests)


def test_a_profile_that_cannot_be_read_still_starts_the_run_that_explains_it(tmp_path):
    folder = _landing(tmp_path / "landing")
    (folder / "roadmap-profile.yaml").write_text("base: aspen-x9\n")
    assert "X2_Attendance.csv" in snapshot(folder)


def test_the_profile_in_use_is_in_the_landing_assets_metadata(tmp_path):
    from pipelines.defs.ingest import landing_files
    from pipelines.resources import RoadmapPaths
    from sezp_roadmap.sample import write_sample_zone
    from sezp_roadmap.sources import aspen_x2

    write_sample_zone(tmp_path / "canonical", schools=2, students=60)
    aspen_x2.write_sample(tmp_path / "canonical", tmp_path / "x2")

    def metadata(data_dir: Path, root: Path) -> dict:
        paths = RoadmapPaths(data_dir=str(data_dir), warehouse=str(root / "wh.duckdb"), reports_dir=str(root / "out"))
        result = dg.materialize([landing_files], resources={"paths": paths})
        (event,) = result.asset_materializations_for_node("landing_files")
        return event.metadata

    through_profile = metadata(tmp_path / "x2", tmp_path / "run_x2")
    assert through_profile["source profile"].value == "aspen-x2 + roadmap-profile.yaml"
    assert "X2_Attendance.csv" in through_profile["preview"].value
    canonical = metadata(tmp_path / "canonical", tmp_path / "run_canonical")
    assert canonical["source profile"].value == "none (canonical CSV files)"
