"""Extracts with ordinary mess build and publish with the mess reported; empty is a valid answer.

End to end through `sezp-roadmap build` on the tiny zone (tests/ingest_zone.py):
a few percent of stray discipline rows publish with a warning that gives the
share; a wrong file stops with a message naming the setting; a header-only
optional file reads as zero rows; and a period the discipline extract has no
action in says so instead of showing 0% (docs/data-contract.md, "No discipline
rows").
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from ingest_zone import DAYS, write_zone

from sezp_roadmap.cli import main

DISCIPLINE = "incident_id,student_id,school_id,incident_date,offense,action,days_removed"
NO_DISCIPLINE = "No discipline actions in the extract for this period"
DISCIPLINE_METRICS = ("iss_rate", "oss_rate", "any_suspension_rate", "incidents_per_100", "days_removed_per_100")


def build(tmp_path: Path, folder: Path, capsys) -> tuple[int, str, str]:
    code = main(
        ["build", "--data", str(folder), "--warehouse", str(tmp_path / "wh.duckdb"), "--reports", str(tmp_path / "out")]
    )
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def write_discipline(folder: Path, counted: int, after_withdrawal: int) -> None:
    """`counted` actions of student 0001 at Alpha, then `after_withdrawal` of 0005 (who left Alpha on DAYS[18])."""
    good = [f"G{i},0001,A,{DAYS[i % 40]},Fighting,ISS,1" for i in range(counted)]
    stray = [f"S{i},0005,A,{DAYS[19 + i]},Fighting,OSS,1" for i in range(after_withdrawal)]
    (folder / "discipline.csv").write_text("\n".join([DISCIPLINE, *good, *stray]) + "\n")


def discipline_values(warehouse: Path) -> dict[tuple, float]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            "select school_id, period, metric, value from marts.metric_values "
            "where subgroup = 'all' and metric in (select unnest($m::varchar[]))",
            {"m": list(DISCIPLINE_METRICS)},
        ).fetchall()
        monthly = con.execute("select count(*) from marts.monthly_discipline").fetchone()[0]
    return {r[:3]: r[3] for r in rows} | {("monthly rows",): monthly}


@pytest.mark.bench
def test_19_of_339_stray_discipline_rows_publish_with_the_share_on_the_command_line_and_the_pages(tmp_path, capsys):
    # The district: 19 of 339 actions (5.6%) dated after the student withdrew.
    folder = write_zone(tmp_path / "landing")
    write_discipline(folder, 320, 19)
    code, out, err = build(tmp_path, folder, capsys)
    assert code == 0, err
    sentence = "discipline.csv: 19 of 339 rows (5.6%) are outside every enrollment spell and are not counted"
    assert f"Warning: {sentence}; see data-quality.html" in out.splitlines()
    assert "Warning: attendance.csv: 1 of 25 rows (4.0%) is dated outside the student's enrollment spells" in out
    page = (tmp_path / "out" / "data-quality.html").read_text()
    assert f"<li>{sentence}.</li>" in page
    assert '<td class="num">19 (5.6%)</td>' in page  # the files table: rows not counted
    notes = (tmp_path / "out" / "2026" / "end_of_year" / "A.html").read_text().split('<section id="notes"', 1)[1]
    # All 339 actions are Alpha's and dated in 2025-26.
    assert "<td>19 of 339 (5.6%)</td>" in notes
    # The stray OSS actions are not counted: Alpha's out-of-school suspensions are none.
    assert discipline_values(tmp_path / "wh.duckdb")[("A", "end_of_year", "oss_rate")] == 0.0


@pytest.mark.bench
def test_a_file_that_mostly_cannot_be_counted_stops_with_the_setting_that_lets_it_through(tmp_path, capsys):
    folder = write_zone(tmp_path / "landing")
    write_discipline(folder, 9, 11)
    code, out, err = build(tmp_path, folder, capsys)
    assert code == 1 and "nothing was published" in err
    assert "discipline.csv: 11 of 20 rows (55.0%) cannot be counted (by rule: discipline_outside_enrollment: 11;" in err
    assert (
        "set validation: {max_bad_row_share: 0.55} in the roadmap.yaml beside the extracts, or in the settings file given with --config"
        in err
    )
    # Done as the message says, in a --config file: the run publishes, with the rows reported.
    config = tmp_path / "checked.yaml"
    config.write_text("validation: {max_bad_row_share: 0.55}\n")
    code = main(
        [
            "build",
            "--data",
            str(folder),
            "--warehouse",
            str(tmp_path / "wh.duckdb"),
            "--reports",
            str(tmp_path / "out"),
            "--config",
            str(config),
        ]
    )
    assert code == 0
    assert (
        "discipline.csv: 11 of 20 rows (55.0%) are outside every enrollment spell and are not counted"
        in capsys.readouterr().out
    )


@pytest.mark.bench
def test_no_discipline_file_and_a_header_only_one_read_the_same_and_never_show_0_percent(
    built_zone_without_discipline, tmp_path, capsys
):
    absent = built_zone_without_discipline
    header_only = tmp_path / "header only"
    folder = write_zone(header_only / "landing")
    (folder / "discipline.csv").write_text(DISCIPLINE + "\n")
    code, out, err = build(header_only, folder, capsys)
    assert code == 0, err
    assert (
        "Warning: discipline.csv: the file has a header row and no data rows; it was read as zero rows; see data-quality.html"
        in out
    )
    for root in (absent, header_only):
        html = (root / "out" / "2026" / "mid_year" / "A.html").read_text()
        section = html.split('<section id="discipline"', 1)[1].split("</section>", 1)[0]
        assert NO_DISCIPLINE in section and "%" not in section
        zone = (root / "out" / "2026" / "mid_year" / "zone.html").read_text()
        assert NO_DISCIPLINE in zone and "suspension" not in zone.lower().replace("suspension rates are not shown", "")
    assert (
        discipline_values(absent / "wh.duckdb")
        == discipline_values(header_only / "wh.duckdb")
        == {("monthly rows",): 0}
    )


@pytest.mark.bench
def test_a_school_without_actions_in_a_period_the_extract_covers_has_a_measured_0_percent(tmp_path, capsys):
    folder = write_zone(tmp_path / "landing")
    # Only Beta has an action (DAYS[12]); Alpha's 0% is measured, and its page shows it.
    (folder / "discipline.csv").write_text(f"{DISCIPLINE}\nI2,0006,B,{DAYS[12]},Disruption,ISS,0.5\n")
    code, _, err = build(tmp_path, folder, capsys)
    assert code == 0, err
    values = discipline_values(tmp_path / "wh.duckdb")
    assert values[("A", "mid_year", "any_suspension_rate")] == 0.0
    assert values[("B", "mid_year", "iss_rate")] == 50.0  # 0006 of Beta's two students (0004 from DAYS[10], 0006)
    html = (tmp_path / "out" / "2026" / "mid_year" / "A.html").read_text()
    assert NO_DISCIPLINE not in html and "Discipline, all students" in html
    assert NO_DISCIPLINE not in (tmp_path / "out" / "2026" / "mid_year" / "zone.html").read_text()


@pytest.mark.bench
def test_a_period_the_discipline_extract_does_not_reach_says_so(tmp_path, capsys):
    # The mid-year period ends on 2025-09-15; the only action is on DAYS[20] (2025-09-30): end of year only.
    folder = write_zone(tmp_path / "landing")
    (folder / "discipline.csv").write_text(f"{DISCIPLINE}\nI1,0001,A,{DAYS[20]},Fighting,OSS,2\n")
    (folder / "roadmap.yaml").write_text(
        (folder / "roadmap.yaml").read_text() + "mid_year_cutoff:\n  by_school_year:\n    2026: 2025-09-15\n"
    )
    assert DAYS[20].isoformat() == "2025-09-30"
    code, _, err = build(tmp_path, folder, capsys)
    assert code == 0, err
    values = discipline_values(tmp_path / "wh.duckdb")
    assert {period for (_, period, _) in (k for k in values if len(k) == 3)} == {"end_of_year"}
    assert values[("B", "end_of_year", "any_suspension_rate")] == 0.0
    for period, says in (("mid_year", True), ("end_of_year", False)):
        html = (tmp_path / "out" / "2026" / period / "A.html").read_text()
        assert (NO_DISCIPLINE in html) == says, period
