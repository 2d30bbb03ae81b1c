"""Every generated report opened in a real browser (tests/browser_pages.py: Debian's chromium, driven by Playwright)."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser_pages import SCREENSHOTS, open_page, require_chromium

require_chromium()

SCHOOL_SECTIONS = (
    "#header",
    "#at-a-glance",
    "#targets",
    "#equity",
    "#attendance",
    "#discipline",
    "#climate",
    "#sqr",
    "#notes",
)
ZONE_SECTIONS = ("#header", "#schools", "#equity", "#attendance", "#notes")


@pytest.fixture(scope="module")
def reports(report_zone) -> Path:
    return report_zone[2]


@pytest.mark.bench
def test_every_report_opens_cleanly_with_every_section_and_drawn_charts(browser, reports):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    paths = sorted(reports.rglob("*.html"))
    assert len(list(reports.glob("*/*/*.html"))) == 16
    page, problems = open_page(browser, reports / "index.html", reports)
    for path in paths:
        page.goto(path.resolve().as_uri())
        # Period pages (<year>/<period>/*.html) carry report sections; the targets pages are tested below.
        if len(path.relative_to(reports).parts) == 3:
            for selector in ZONE_SECTIONS if path.name == "zone.html" else SCHOOL_SECTIONS:
                assert page.locator(selector).count() == 1, (path, selector)
            plots = page.locator(".plot")
            # Plotly drew every chart (it adds its own class to the element it draws in).
            assert plots.count() > 3 and page.locator(".plot.js-plotly-plot").count() == plots.count(), path
        name = "-".join(path.relative_to(reports).with_suffix("").parts)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))
        assert not problems, (path, problems)
    page.close()


def test_first_screen_answers_how_are_we_doing(browser, reports):
    page, problems = open_page(browser, reports / "2026" / "mid_year" / "A.html", reports)
    # What stands out opens the page: its findings, or the sentence saying there is none, on the first screen.
    first = page.locator("#at-a-glance .glance li, #at-a-glance p").first
    assert first.is_visible() and first.bounding_box()["y"] + first.bounding_box()["height"] < 900
    assert "likely real" in page.locator("#at-a-glance").inner_text()
    # The targets, the levers and the questions follow, before any folded detail.
    order = page.evaluate("[...document.querySelectorAll('main section')].map(s => s.id)")
    assert order[:5] == ["at-a-glance", "targets", "levers", "discuss", "key-figures"]
    page.screenshot(path=str(SCREENSHOTS / "first-screen-A.png"))
    page.screenshot(path=str(SCREENSHOTS / "full-page-A.png"), full_page=True)
    page.close()
    assert not problems


@pytest.mark.bench
def test_keyboard_reaches_the_skip_link_and_the_sections(browser, reports):
    page, _ = open_page(browser, reports / "2026" / "mid_year" / "B.html", reports)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Shift+Tab")
    for _ in range(4):
        page.keyboard.press("Tab")
    # A link, the Print all button, or the summary of a folded part (the keyboard opens it).
    assert page.evaluate("document.activeElement.tagName") in ("A", "BUTTON", "SUMMARY")
    page.close()


@pytest.mark.bench
def test_printing_keeps_charts_whole_and_inside_the_page(browser, reports):
    page, problems = open_page(browser, reports / "2026" / "mid_year" / "A.html", reports, width=1280)
    # "Print all" opens every folded section before printing (print() stands for the browser's dialog here).
    page.evaluate("window.print = () => window.dispatchEvent(new Event('beforeprint'))")
    page.click("#print-all")
    page.emulate_media(media="print")
    page.wait_for_timeout(300)
    # A4 at 96 dpi is 794 px wide, less 1.5 cm margins on each side.
    page.set_viewport_size({"width": 680, "height": 1000})
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    page.wait_for_timeout(300)
    widths = page.evaluate(
        "Array.from(document.querySelectorAll('.plot svg.main-svg')).map(s => s.getBoundingClientRect().right)"
    )
    assert len(widths) > 3 and max(widths) <= 680
    breaks = page.evaluate("getComputedStyle(document.querySelector('.chart-block')).breakInside")
    assert breaks == "avoid"
    pdf = page.pdf(format="A4", print_background=True)
    (SCREENSHOTS / "A-mid-year.pdf").write_bytes(pdf)
    assert pdf.startswith(b"%PDF")
    page.close()
    assert not problems


def test_targets_page_sorts_and_filters_by_keyboard(browser, reports):
    page, problems = open_page(browser, reports / "index.html", reports)
    page.click("text=2025–26")
    assert page.url.endswith("2026/targets.html")
    rows = page.locator("#targets-table tbody tr")
    assert rows.count() == 4
    # Sort by target, ascending then descending, from the keyboard.
    button = page.locator("#targets-table thead button", has_text="Target")
    button.focus()
    page.keyboard.press("Enter")
    targets = page.eval_on_selector_all(
        "#targets-table tbody tr td:nth-child(5)", "cells => cells.map(c => parseFloat(c.dataset.sort))"
    )
    assert targets == sorted(targets)
    page.keyboard.press("Enter")
    targets = page.eval_on_selector_all(
        "#targets-table tbody tr td:nth-child(5)", "cells => cells.map(c => parseFloat(c.dataset.sort))"
    )
    assert targets == sorted(targets, reverse=True)
    assert page.locator("#targets-table thead th[aria-sort=descending]").count() == 1
    page.select_option("#school-filter", "B")
    assert page.locator("#targets-table tbody tr:not([hidden])").count() == 2
    assert "2 targets shown" in page.locator("#targets-count").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "targets-2026.png"), full_page=True)
    page.close()
    assert not problems


@pytest.mark.bench
def test_a_long_table_goes_under_its_chart_and_a_short_one_stays_beside_it(browser, reports):
    """A group's row carries its range and two differences in words: beside its chart such a table wraps into
    rows several lines tall, so a table of more than 8 rows goes under its chart, full width."""
    page, problems = open_page(browser, reports / "2026" / "mid_year" / "A.html", reports, width=1280)
    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")  # the detail layer
    long_block = "#equity .chart-pair.single"
    chart, table = (page.locator(f"{long_block} > {part}").first.bounding_box() for part in (".chart", ".table-wrap"))
    assert table["y"] >= chart["y"] + chart["height"] - 1 and table["width"] > 0.9 * chart["width"]
    page.close()
    assert not problems
    # A short table (Beta High's four grades) gets the wider column beside its chart. (Alpha's grades are
    # hidden: Gamma Academy's few students in the same grades would be the zone's minus Alpha's.)
    page, problems = open_page(browser, reports / "2026" / "mid_year" / "B.html", reports, width=1280)
    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
    short_block = "#attendance-grade-chronic-absence-rate-block .chart-pair"
    chart, table = (page.locator(f"{short_block} > {part}").first.bounding_box() for part in (".chart", ".table-wrap"))
    assert table["x"] >= chart["x"] + chart["width"] and abs(table["y"] - chart["y"]) < 5
    assert table["width"] > chart["width"]
    page.screenshot(path=str(SCREENSHOTS / "chart-and-table-B.png"))
    # On a narrow screen the chart sits above its table and scrolls away with the page.
    page.set_viewport_size({"width": 700, "height": 900})
    chart, table = (page.locator(f"{short_block} > {part}").first.bounding_box() for part in (".chart", ".table-wrap"))
    assert table["y"] >= chart["y"] + chart["height"]
    assert page.evaluate(f"getComputedStyle(document.querySelector('{short_block} > .chart')).position") == "static"
    page.close()
    assert not problems


def test_a_findings_date_reads_on_one_line(browser, reports):
    page, problems = open_page(browser, reports / "data-quality.html", reports, width=1280)
    dates = page.locator("td.value", has_text="-")
    assert dates.count() >= 1
    line = page.evaluate("parseFloat(getComputedStyle(document.querySelector('td.value')).lineHeight)")
    for i in range(dates.count()):
        box = dates.nth(i).bounding_box()
        assert box["height"] < 2 * line + 12, dates.nth(i).inner_text()  # one line, with the cell's padding
    page.close()
    assert not problems


def test_a_large_zones_targets_page_opens_on_a_choice_of_school(browser, report_zone, tmp_path, monkeypatch):
    import duckdb

    from sezp_roadmap.config import load_settings
    from sezp_roadmap.reporting import render, zone_overview

    monkeypatch.setattr(
        zone_overview, "MANY_SCHOOLS", 1
    )  # the test zone (three schools, two with targets) counts as large
    landing, warehouse, _ = report_zone
    with duckdb.connect(str(warehouse), read_only=True) as con:
        render.render_reports(con, tmp_path / "many", load_settings(None, landing))
    page, problems = open_page(browser, tmp_path / "many" / "2026" / "targets.html", tmp_path / "many")
    rows = page.locator("#targets-table tbody tr")
    assert rows.count() == 4 and page.locator("#targets-table tbody tr:visible").count() == 0
    assert "Choose a school to see its targets (4 targets of 2 schools)" in page.locator("#targets-count").inner_text()
    page.select_option("#school-filter", "B")
    assert page.locator("#targets-table tbody tr:visible").count() == 2
    assert "2 targets shown" in page.locator("#targets-count").inner_text()
    page.select_option("#school-filter", "")
    assert page.locator("#targets-table tbody tr:visible").count() == 4
    page.select_option("#school-filter", "none")
    assert page.locator("#targets-table tbody tr:visible").count() == 0
    assert page.locator("#targets-count").inner_text().startswith("Choose a school")
    page.close()
    assert not problems


@pytest.mark.bench
def test_a_period_without_discipline_rows_says_so_in_the_browser(browser, built_zone_without_discipline):
    """No discipline file: the school and zone pages say so where the figures would be, and open cleanly."""
    out = built_zone_without_discipline / "out"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for name, section in (("A.html", "#discipline"), ("zone.html", "#schools")):
        page, problems = open_page(browser, out / "2026" / "mid_year" / name, out)
        notice = page.locator(f"{section} #no-discipline")
        assert notice.is_visible(), name
        assert notice.inner_text().startswith("No discipline actions in the extract for this period")
        page.locator(section).screenshot(path=str(SCREENSHOTS / f"no-discipline-{name.replace('.html', '')}.png"))
        assert not problems, problems
        page.close()
    page, problems = open_page(browser, out / "data-quality.html", out)
    assert page.get_by_text("attendance.csv: 1 of 25 rows (4.0%) is dated outside").is_visible()
    assert not problems, problems
    page.close()
