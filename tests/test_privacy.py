"""Privacy of the published reports: no student id anywhere, and no suppressed value anywhere.

The zone of tests/reports_zone.py has a 14-student school, so many of its
subgroup cells (and some of the larger schools') are suppressed.
"""

from __future__ import annotations

import html as html_lib
import re
from pathlib import Path

import duckdb

from sezp_roadmap.reporting.sections import COMPLEMENTARY_TEXT
import pytest

from reports_zone import build_report_zone, student_ids
from sezp_roadmap.reporting.formatting import subgroup_label


@pytest.fixture(scope="module")
def zone(tmp_path_factory):
    return build_report_zone(tmp_path_factory.mktemp("privacy"))


def outputs(reports: Path) -> list[Path]:
    # plotly.min.js is Plotly's own packaged file, copied unchanged.
    return [p for p in reports.rglob("*") if p.is_file() and p.name != "plotly.min.js"]


def test_no_student_id_appears_in_any_output(zone):
    landing, _, reports = zone
    ids = student_ids(landing)
    assert len(ids) == 144
    pattern = re.compile(r"(?<![\d.])(" + "|".join(sorted(ids)) + r")(?![\d])")
    for path in outputs(reports):
        found = pattern.findall(path.read_text(encoding="utf-8"))
        assert not found, (path, found[:3])


def suppressed_cells(warehouse: Path) -> list[tuple]:
    """Suppressed cells with the value they would have had (from the unpublished working cells)."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(
            """
            select v.school_id, v.school_year, v.period, v.metric, v.subgroup, c.n, c.value
            from marts.metric_values as v
            join work.metric_cells as c using (school_id, school_year, period, metric, subgroup)
            where v.suppressed and v.school_id <> 'ZONE'
            """
        ).fetchall()


def table_rows(html: str) -> dict[str, str]:
    return {m.group(1): m.group(2) for m in re.finditer(r'<tr data-cell="([^"]+)">(.*?)</tr>', html, re.S)}


def test_suppressed_cells_read_fewer_than_and_carry_no_value(zone):
    _, warehouse, reports = zone
    cells = suppressed_cells(warehouse)
    assert len(cells) > 50
    checked_rows = 0
    for school_id, year, period, metric, subgroup, n, value in cells:
        page = reports / str(year) / period / f"{school_id}.html"
        html = page.read_text(encoding="utf-8")
        # The exact hidden value never appears (a short one like 87.5 could be another cell's, so only long ones).
        if value is not None and len(repr(value)) >= 8:
            assert repr(value) not in html and repr(round(value, 4)) not in html
        row = table_rows(html).get(f"{metric}|{subgroup}")
        if row is not None:
            checked_rows += 1
            cells_text = [html_lib.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            # Below the threshold it reads "fewer than N"; a larger group hidden only to protect a
            # smaller one (complementary suppression) says so instead of a false "fewer than".
            expected = "fewer than" if n < 10 else COMPLEMENTARY_TEXT
            assert any(t.startswith(expected) for t in cells_text), (page, metric, subgroup, n, cells_text)
            # Neither its count of students nor any figure derived from it is shown.
            assert f">{n}<" not in row
        # In charts, a suppressed group has no bar: its label is absent from its metric's chart data.
        label = subgroup_label(subgroup)
        for match in re.finditer(r'Plotly\.newPlot\("[a-z-]*' + re.escape(metric.replace("_", "-").replace(":", "-")) + r'",(.*?)\);', html):
            if subgroup != "all":
                assert f'"{label}"' not in match.group(1), (page, metric, subgroup)
    assert checked_rows > 20


def test_small_aggregates_are_suppressed_below_the_threshold(zone):
    _, warehouse, _ = zone
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for table, columns in (("monthly_attendance", "rate, membership_days, absent_days"),
                               ("absence_bands", "students, share"),
                               ("monthly_discipline", "iss_actions, oss_actions, days_removed")):
            leaked = con.execute(
                f"select count(*) from marts.{table} where n < 10 and coalesce({columns.replace(', ', ', ')}) is not null"
            ).fetchone()[0]
            assert leaked == 0, table
            assert con.execute(f"select count(*) from marts.{table} where suppressed <> (n < 10)").fetchone()[0] == 0
