"""The state's published figures on the pages: beside ours in the reports, reconciled on the data-quality page.

The report test zone (tests/reports_zone.py) carries a state_figures.csv of a
fictional district 09990000: Alpha (A) and Beta (B) have DESE codes, Gamma (C)
has none; the state's 2024 chronic absence (19.9%) is older than its 2025 one (19.1%).
"""

from __future__ import annotations

import re

import duckdb
import pytest
from browser_pages import SCREENSHOTS, open_page


@pytest.fixture(scope="module")
def zone(report_zone):
    return report_zone


def page(reports, *parts) -> str:
    return (reports.joinpath(*parts)).read_text(encoding="utf-8")


def state_block(html: str, section: str) -> str | None:
    found = re.search(rf'<div class="state-figures" id="{section}-state">(.*?)</div>', html, re.S)
    return found.group(1) if found else None


def cells(block: str, key: str) -> list[str]:
    row = re.search(rf'<tr data-state-cell="{re.escape(key)}">(.*?)</tr>', block, re.S).group(1)
    return [re.sub(r"<[^>]+>", " ", c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]


def test_end_of_year_shows_the_schools_dese_figure_beside_ours_and_the_latest_district_and_state(zone):
    _, warehouse, reports = zone
    html = page(reports, "2025", "end_of_year", "A.html")
    block = state_block(html, "attendance")
    assert "Beside the state's published figures (DESE)" in block
    with duckdb.connect(str(warehouse), read_only=True) as con:
        ours = con.execute(
            "select value from marts.metric_values where school_id = 'A' and school_year = 2025 and period = 'end_of_year' "
            "and metric = 'chronic_absence_rate' and subgroup = 'all'"
        ).fetchone()[0]
    label, our_text, dese, references = cells(block, "chronic_absence_rate|all")
    assert (label, our_text, dese) == ("Chronic absence", f"{ours:.1f}%", "31.7%")
    # The most recent statewide figure (2025, not 2024); the hispanic row of the file is no all-students figure.
    assert references == "District, 2024–25: 36.4% Massachusetts, 2024–25: 19.1%"
    assert "19.9%" not in block and "30.2%" not in block
    # Alpha's attendance rate is published; its severe chronic absence is not, and no district or state figure
    # of it is in the file either, so the measure has no row.
    assert cells(block, "attendance_rate|all")[2] == "91.3%"
    assert "severe_absence_rate|all" not in block
    discipline = state_block(html, "discipline")
    assert cells(discipline, "oss_rate|all")[2:] == ["6.2%", "District, 2024–25: 7.7% Massachusetts, 2024–25: 2.6%"]


def test_mid_year_uses_last_years_published_figures_labelled_as_such(zone):
    _, _, reports = zone
    block = state_block(page(reports, "2026", "mid_year", "A.html"), "attendance")
    assert "Last year's published figures (DESE, 2024–25), for context" in block
    assert "our figure" not in block  # nothing of this year is held against last year's
    label, dese, references = cells(block, "chronic_absence_rate|all")
    assert dese == "31.7%" and "Massachusetts, 2024–25: 19.1%" in references
    # A year earlier, the latest figure before 2024–25 is the state's 2023–24 one; Alpha had none published then.
    block = state_block(page(reports, "2025", "mid_year", "A.html"), "attendance")
    label, dese, references = cells(block, "chronic_absence_rate|all")
    assert (dese, references) == ("not published", "Massachusetts, 2023–24: 19.9%")
    assert "attendance_rate|all" not in block  # nothing published for it up to 2023–24


def test_a_school_without_a_dese_code_and_the_zone_get_district_and_state_only(zone):
    _, _, reports = zone
    for name in ("C.html", "zone.html"):
        block = state_block(page(reports, "2025", "end_of_year", name), "attendance")
        assert ", DESE 2024–25" not in block, name
        assert "Massachusetts, 2024–25: 19.1%" in re.sub(r"\s+", " ", block), name
    # Beta's one published figure is its attendance rate; its discipline block has the district and state only.
    beta = page(reports, "2025", "end_of_year", "B.html")
    assert cells(state_block(beta, "attendance"), "attendance_rate|all")[2] == "90.1%"
    assert cells(state_block(beta, "discipline"), "oss_rate|all")[2] == "not published"


def test_no_state_figures_no_block(tmp_path):
    from sezp_roadmap.reporting.state_figures import StateFigures

    assert StateFigures().context("A", 2025, "end_of_year", ["attendance_rate"], {}) is None


def test_the_data_quality_page_lists_what_differs_first_with_the_reasons(zone):
    _, warehouse, reports = zone
    html = page(reports, "data-quality.html")
    section = html[html.index('aria-labelledby="dq-state"') :]
    section = section[: section.index("</section>")]
    for reason in (
        "school of their last enrollment in the end-of-year SIMS collection",
        "at least 20 days of membership",
        "suppresses small groups",
    ):
        assert reason in section
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute("select status, count(*) from marts.state_reconciliation group by status").fetchall()
    counts = dict(rows)
    assert sum(counts.values()) == 4  # A 2025: attendance, chronic absence, OSS; B 2025: attendance
    listed = re.findall(r'<tr class="reconciliation-([a-z-]+)">', section)
    assert len(listed) == sum(counts.values())
    # What does not agree comes first; the agreeing figures are folded below it.
    order = [0 if s != "agrees" else 1 for s in listed]
    assert order == sorted(order)
    assert f"{counts.get('differs', 0)} differ" in section
    if counts.get("agrees"):
        assert '<details class="reconciliation-agrees">' in section


def test_the_data_quality_page_says_how_to_add_the_figures_when_there_are_none(built_tiny_zone):
    # The tiny zone has no state_figures.csv.
    assert not (built_tiny_zone / "landing" / "state_figures.csv").exists()
    page = (built_tiny_zone / "out" / "data-quality.html").read_text()
    assert "add DESE's published figures as <code>state_figures.csv</code>" in page


@pytest.mark.bench
def test_pages_with_state_figures_render_in_chromium_without_errors(zone, browser):
    _, _, reports = zone
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for parts in (("2025", "end_of_year", "A.html"), ("2026", "mid_year", "A.html"), ("data-quality.html",)):
        tab, problems = open_page(browser, reports.joinpath(*parts), reports)
        target = "#dq-state" if parts[-1] == "data-quality.html" else "#attendance-state"
        if target == "#attendance-state":  # in the school report's detail layer: opened from its summary
            tab.locator("#attendance details.layer > summary").click()
        assert tab.locator(target).is_visible(), parts
        tab.locator(target).scroll_into_view_if_needed()
        tab.screenshot(path=str(SCREENSHOTS / ("state-" + "-".join(parts).replace(".html", "") + ".png")))
        tab.close()
        assert not problems, (parts, problems)
