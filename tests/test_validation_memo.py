"""The tests' validation memo (tests/validation_memo.py) writes the same rows as running the rules; settings read once are the folder's."""

from __future__ import annotations

import ingest_zone
import pytest
from ingest_zone import BASELINE_FINDING, DAYS, ingest_and_validate, settings_of, write_zone
from validation_memo import REFERENCED

from sezp_roadmap.config import load_settings
from sezp_roadmap.validation.run import validate


def _verdict(run) -> tuple[list, list]:
    key = ("extract", "rule", "severity", "file", "row", "column_name", "value", "message")
    return [tuple(r[k] for k in key) for r in run.errors], sorted(tuple(r[k] for k in key) for r in run.findings)


@pytest.fixture
def fresh(monkeypatch):
    """ingest_and_validate running every rule, without the memo."""

    def run(folder):
        with monkeypatch.context() as m:
            m.setattr(ingest_zone, "validate_once", validate)
            return ingest_and_validate(folder)

    return run


def test_the_rules_read_across_extracts_are_found_in_their_sql_and_code():
    assert {"schools", "calendar", "enrollment"} <= REFERENCED


def test_a_zone_seen_before_gets_the_same_rows_as_running_the_rules(tmp_path, fresh):
    folder = write_zone(tmp_path / "landing")
    first, again = ingest_and_validate(folder), ingest_and_validate(folder)
    assert _verdict(first) == _verdict(again) == _verdict(fresh(folder))
    assert [(f["rule"], f["file"], f["row"], f["column_name"]) for f in again.findings] == [BASELINE_FINDING]


def test_a_changed_enrollment_changes_the_verdict_of_the_extracts_that_read_it(tmp_path, fresh):
    folder = write_zone(tmp_path / "landing")
    ingest_and_validate(folder)
    # Student 0005 now withdraws after the absence that was outside the spell: attendance's finding goes.
    enrollment = folder / "enrollment.csv"
    text = enrollment.read_text()
    assert f"0005,A,2026,6,{DAYS[0]},{DAYS[18]}" in text
    enrollment.write_text(text.replace(f"0005,A,2026,6,{DAYS[0]},{DAYS[18]}", f"0005,A,2026,6,{DAYS[0]},{DAYS[30]}"))
    changed = ingest_and_validate(folder)
    assert _verdict(changed) == _verdict(fresh(folder))
    assert not [f for f in changed.findings if f["rule"] == "attendance_outside_enrollment"]


def test_the_settings_read_once_are_the_settings_of_the_folder(tmp_path):
    folder = write_zone(tmp_path / "landing")
    assert settings_of(folder) == load_settings(None, folder)
    other = write_zone(tmp_path / "other")
    (other / "roadmap.yaml").write_text("as_of_date: 2025-10-30\nsuppression:\n  min_students: 5\n")
    assert settings_of(other) == load_settings(None, other) != settings_of(folder)
    assert settings_of(other).min_students == 5
    # Each run gets its own copy: a test that changes one changes no other.
    settings_of(folder).raw["suppression"]["min_students"] = 99
    assert settings_of(folder) == load_settings(None, folder)
