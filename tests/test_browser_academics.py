"""The Academics section in a real browser (issue 19): Debian's chromium, driven by Playwright, as tests/test_browser.py.

The report zone with assessments: interim reading in fall and winter of the running year (and all of 2025), MCAS ELA
in spring 2025. Alpha's mid-year report must show this winter's interim and last spring's state test, labelled so,
with charts drawn, no console error and no request outside the report folder.
"""

from __future__ import annotations

import pytest
from browser_pages import SCREENSHOTS, open_page, require_chromium

# A browser sweep of built pages: slow, so it runs with `make test-bench` (CI runs both).
pytestmark = pytest.mark.bench

require_chromium()


@pytest.fixture(scope="module")
def reports(academic_report_zone):
    return academic_report_zone[2]


def test_the_mid_year_report_shows_the_interim_and_last_springs_state_test(browser, reports):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page, problems = open_page(browser, reports / "2026" / "mid_year" / "A.html", reports)
    section = page.locator("#academics")
    # First among the outcome sections: before Equity and Attendance.
    order = page.evaluate("[...document.querySelectorAll('main section')].map(s => s.id)")
    assert order.index("academics") < order.index("equity") < order.index("attendance")
    # Folded in the detail layer: one click on its summary opens it.
    section.locator("details.layer > summary").click()
    headings = section.locator("h3").all_inner_texts()
    assert headings == ["Interim reading assessment: winter results", "State test (MCAS): last spring (2024–25)"]
    text = section.inner_text()
    assert "on grade level" in text and "met typical growth" in text and "range" in text
    # Plotly drew both stacked bars.
    assert section.locator(".plot.js-plotly-plot").count() == 2
    # The numbers are folded under the chart, and open on a click.
    numbers = section.locator("details.glance-numbers summary").first
    numbers.click()
    assert section.locator("table").first.is_visible()
    # The key figures lead with the academic figures, last spring's labelled so.
    key_figures = page.locator("#key-figures tbody th").all_text_contents()
    assert key_figures[0] == "State test, last spring (2024–25): meeting or exceeding expectations"
    assert any(line.startswith("Interim reading assessment: on grade level") for line in key_figures[:3])
    section.screenshot(path=str(SCREENSHOTS / "academics-A-mid-year.png"))
    page.close()
    assert not problems


def test_the_end_of_year_report_and_the_targets_page(browser, reports):
    page, problems = open_page(browser, reports / "2025" / "end_of_year" / "A.html", reports)
    page.locator("#academics details.layer > summary").click()
    headings = page.locator("#academics h3").all_inner_texts()
    assert headings == ["Interim reading assessment: spring results", "State test (MCAS): spring 2025"]
    page.goto((reports / "2026" / "targets.html").resolve().as_uri())
    assert "Interim reading assessment: on grade level" in page.locator("main").inner_text()
    page.close()
    assert not problems
