"""Privacy of the published reports: no student id anywhere, and no suppressed value anywhere.

The zone of tests/reports_zone.py has a 14-student school, so many of its
subgroup cells (and some of the larger schools') are suppressed.
"""

from __future__ import annotations

import html as html_lib
import re
from pathlib import Path

import duckdb
import pytest
from reports_zone import student_ids

from sezp_roadmap.reporting.formatting import COMPLEMENTARY_TEXT, subgroup_label


@pytest.fixture(scope="module")
def zone(report_zone):
    return report_zone


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
            cells_text = [
                html_lib.unescape(re.sub(r"<[^>]+>", "", c)).strip()
                for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
            ]
            # Below the threshold it reads "fewer than N"; a larger group hidden only to protect a
            # smaller one (complementary suppression) says so instead of a false "fewer than".
            expected = "fewer than" if n < 10 else COMPLEMENTARY_TEXT
            assert any(t.startswith(expected) for t in cells_text), (page, metric, subgroup, n, cells_text)
            # Neither its count of students nor any figure derived from it is shown.
            assert f">{n}<" not in row
        # In charts, a suppressed group has no bar: its label is absent from its metric's chart data.
        label = subgroup_label(subgroup)
        for match in re.finditer(
            r'Plotly\.newPlot\("[a-z-]*' + re.escape(metric.replace("_", "-").replace(":", "-")) + r'",(.*?)\);', html
        ):
            if subgroup != "all":
                assert f'"{label}"' not in match.group(1), (page, metric, subgroup)
    assert checked_rows > 20


def test_small_aggregates_are_suppressed_below_the_threshold(zone):
    _, warehouse, _ = zone
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for table, columns in (
            ("monthly_attendance", "rate, membership_days, absent_days"),
            ("absence_bands", "students, share"),
            ("monthly_discipline", "iss_actions, oss_actions, days_removed"),
        ):
            leaked = con.execute(
                f"select count(*) from marts.{table} where n < 10 and coalesce({columns.replace(', ', ', ')}) is not null"
            ).fetchone()[0]
            assert leaked == 0, table
            assert con.execute(f"select count(*) from marts.{table} where suppressed <> (n < 10)").fetchone()[0] == 0


UNCERTAINTY_COLUMNS = (
    "ci_low",
    "ci_high",
    "change_low",
    "change_high",
    "change_p",
    "change_signal",
    "gap_low",
    "gap_high",
    "gap_p",
    "gap_signal",
    "rest_of_zone_value",
    "zone_gap",
    "zone_gap_low",
    "zone_gap_high",
    "zone_gap_p",
    "zone_gap_signal",
    "risk_ratio_low",
    "risk_ratio_high",
)


def test_intervals_and_signals_of_hidden_cells_are_empty(zone):
    _, warehouse, _ = zone
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select count(*) from marts.metric_values where suppressed").fetchone()[0] > 50
        assert (
            con.execute(
                "select count(*) from marts.metric_values where suppressed "
                "and coalesce(ci_low, ci_high, se) is not null"
            ).fetchone()[0]
            == 0
        )
        leaked = con.execute(
            f"select count(*) from marts.metric_comparisons where suppressed "
            f"and coalesce({', '.join(c + '::varchar' for c in UNCERTAINTY_COLUMNS)}) is not null"
        ).fetchone()[0]
        assert leaked == 0
        # A comparison's interval exists only where the comparison does (a hidden side makes it NULL).
        for comparison, columns in (
            ("change", "change_low, change_high, change_p"),
            ("gap_vs_comparison", "gap_low, gap_high, gap_p"),
            ("zone_gap", "zone_gap_low, zone_gap_high, zone_gap_p"),
        ):
            assert (
                con.execute(
                    f"select count(*) from marts.metric_comparisons where {comparison} is null "
                    f"and coalesce({columns}) is not null"
                ).fetchone()[0]
                == 0
            ), comparison


def test_the_rest_of_the_zone_is_a_sum_of_published_cells(zone):
    # Anyone can recompute it from the published mart, so it reveals nothing hidden.
    _, warehouse, _ = zone
    with duckdb.connect(str(warehouse), read_only=True) as con:
        mismatched, compared = con.execute("""
            with published as (
                select v.*, k.unit from marts.metric_values as v join marts.metric_catalog as k using (metric)
                where school_id <> 'ZONE' and not suppressed
            ),
            recomputed as (
                select c.school_id, c.school_year, c.period, c.metric, c.subgroup, c.rest_of_zone_value,
                    (case when any_value(c.unit) in ('percent', 'per_100') then 100 else 1 end)
                        * sum(o.numerator) / sum(o.denominator) as from_published
                from marts.metric_comparisons as c
                join published as o
                    on o.school_year = c.school_year and o.period = c.period and o.metric = c.metric
                    and o.subgroup = c.subgroup and o.school_id <> c.school_id
                where c.rest_of_zone_value is not null
                group by all
            )
            select count(*) filter (where abs(rest_of_zone_value - from_published) > 1e-9), count(*) from recomputed
        """).fetchone()
        assert compared > 50 and mismatched == 0
