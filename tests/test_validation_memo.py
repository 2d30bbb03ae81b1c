"""The tests' validation memo (tests/validation_memo.py) writes the same rows as running the rules; settings read once are the folder's."""

from __future__ import annotations

import ingest_zone
import pytest
import validation_memo
from ingest_zone import BASELINE_FINDING, DAYS, ingest_and_validate, settings_of, write_zone
from validation_memo import ids_compared, tables_read

from sezp_roadmap import ingest
from sezp_roadmap.config import load_settings
from sezp_roadmap.extracts import EXTRACTS
from sezp_roadmap.validation.run import validate


def _staging(run) -> dict[str, list]:
    return {t: run.con.execute(f"from staging.{t} order by all").fetchall() for t in (*EXTRACTS, "attendance_repeats")}


def _verdict(run) -> tuple[list, list]:
    key = ("extract", "rule", "severity", "file", "row", "column_name", "value", "message")
    return [tuple(r[k] for k in key) for r in run.errors], sorted(tuple(r[k] for k in key) for r in run.findings)


@pytest.fixture
def fresh(monkeypatch):
    """ingest_and_validate reading every file and running every rule, without the memos."""

    def run(folder):
        with monkeypatch.context() as m:
            m.setattr(ingest_zone, "validate_once", lambda con, name, settings, _staging: validate(con, name, settings))
            m.setattr(ingest_zone, "load_once", ingest.load_staging)
            return ingest_and_validate(folder)

    return run


def test_the_tables_a_rule_reads_are_found_in_its_sql_and_code():
    # The enrollment spells macro reads enrollment and schools for every extract's rules.
    assert {"discipline", "enrollment", "schools"} <= tables_read("discipline")
    assert {"attendance", "calendar", "enrollment", "schools"} <= tables_read("attendance")
    assert "attendance" not in tables_read("discipline")
    # Lost zeros: the source of student ids is compared with every file that writes one, and each file with it.
    assert ("attendance", "student_id") in ids_compared("enrollment")
    assert ("enrollment", "student_id") in ids_compared("discipline")
    assert ("attendance", "student_id") not in ids_compared("discipline")


def test_a_change_that_other_rules_do_not_read_reuses_their_verdicts_and_agrees_with_the_rules(
    tmp_path, fresh, monkeypatch
):
    folder = write_zone(tmp_path / "landing")
    ingest_and_validate(folder)
    ran = []
    real = validation_memo.validate
    monkeypatch.setattr(validation_memo, "validate", lambda con, name, s: (ran.append(name), real(con, name, s)))
    # A discipline row's days change, not its ids: only discipline is judged again.
    discipline = folder / "discipline.csv"
    discipline.write_text(discipline.read_text().replace("Fighting,OSS,2", "Fighting,OSS,3"))
    assert _verdict(ingest_and_validate(folder)) == _verdict(fresh(folder))
    assert ran == ["discipline"]
    # A student id that lost its zeros: every file compared with enrollment's ids is judged again.
    ran.clear()
    discipline.write_text(discipline.read_text().replace("I1,0001,A", "I1,1,A"))
    changed = ingest_and_validate(folder)
    assert _verdict(changed) == _verdict(fresh(folder))
    assert {"discipline", "enrollment"} <= set(ran)
    assert any(e["rule"] == "id_leading_zeros" for e in changed.errors)


def test_a_zone_seen_before_gets_the_same_rows_as_running_the_rules(tmp_path, fresh):
    folder = write_zone(tmp_path / "landing")
    first, again, unremembered = ingest_and_validate(folder), ingest_and_validate(folder), fresh(folder)
    assert _verdict(first) == _verdict(again) == _verdict(unremembered)
    # The second ingest was remembered: the same staging rows, and the files' row counts.
    assert _staging(again) == _staging(unremembered)
    files = "select extract, file_name, sha256, rows from meta.load_files order by all"
    assert again.con.execute(files).fetchall() == unremembered.con.execute(files).fetchall()
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
