"""The two layers of a school report in a real browser, and axe-core on every kind of page, folded and unfolded.

The sample zone's pages (data_samples/sample_zone) are opened in Debian's
chromium (tests/browser_pages.py). axe-core is vendored under
tests/vendor/axe-core/ (4.14.1, MPL-2.0; its README says where it came from)
and injected into each page: no network is needed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from browser_pages import SCREENSHOTS, open_page, require_chromium

# A browser sweep of built pages: slow, so it runs with `make test-bench` (CI runs both).
pytestmark = pytest.mark.bench

require_chromium()

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
VIEWPORT_HEIGHT = 900
# The first layer fits in five screens at 1280 × 900, and the page as first opened (every section folded) too.
MOST_SCREENS = 5
MOST_PRINTED_PAGES = 2


def pdf_pages(pdf: bytes) -> int:
    """Pages of a PDF chromium printed: its page objects, less the page tree's own."""
    return pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")


@pytest.fixture(scope="module")
def sample_reports(built_sample_zone) -> Path:
    """The reports of the committed sample zone (conftest's built_sample_zone)."""
    return built_sample_zone / "out"


def latest_school_pages(reports: Path) -> list[Path]:
    period = reports / "2026" / "mid_year"
    return sorted(p for p in period.glob("*.html") if p.name != "zone.html")


def test_the_page_as_first_opened_fits_in_five_screens_and_prints_on_two_pages(browser, sample_reports):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pages = latest_school_pages(sample_reports)
    assert len(pages) == 13
    for path in pages:
        page, problems = open_page(browser, path, sample_reports)
        height = page.evaluate("document.documentElement.scrollHeight")
        assert height <= MOST_SCREENS * VIEWPORT_HEIGHT, (path.name, height)
        assert page.locator(".detail-layer details.layer[open]").count() == 0
        page.emulate_media(media="print")
        pdf = page.pdf(format="A4", print_background=True)
        assert pdf_pages(pdf) <= MOST_PRINTED_PAGES, (path.name, pdf_pages(pdf))
        if path.stem == "S01":
            page.emulate_media(media="screen")
            page.screenshot(path=str(SCREENSHOTS / "layers-S01-folded.png"), full_page=True)
            (SCREENSHOTS / "layers-S01-first-layer.pdf").write_bytes(pdf)
        page.close()
        assert not problems, (path.name, problems)


def test_print_all_opens_every_section_prints_it_all_and_folds_it_back(browser, sample_reports):
    path = sample_reports / "2026" / "mid_year" / "S01.html"
    page, problems = open_page(browser, path, sample_reports)
    button = page.locator("#print-all")
    assert button.is_visible()
    # The browser's own Print prints the first layer and the sections the reader opened, not the others.
    page.locator("#equity details.layer > summary").click()
    page.emulate_media(media="print")
    assert page.locator("#equity").is_visible() and page.locator("#targets").is_visible()
    assert not page.locator("#attendance").is_visible() and not button.is_visible()
    page.emulate_media(media="screen")
    page.locator("#equity details.layer > summary").click()
    # The browser's print dialog cannot be driven here: print() is replaced by the events it fires around printing.
    page.evaluate("window.print = () => { window.dispatchEvent(new Event('beforeprint')); window.__printed = true; }")
    button.click()
    assert page.evaluate("window.__printed") is True
    closed = page.evaluate("document.querySelectorAll('details:not([open])').length")
    assert closed == 0 and page.evaluate("document.body.classList.contains('print-all')")
    page.emulate_media(media="print")
    assert page.locator("#equity").is_visible() and page.locator(".plot").first.is_visible()
    whole = page.pdf(format="A4", print_background=True)
    assert pdf_pages(whole) > 10
    (SCREENSHOTS / "layers-S01-print-all.pdf").write_bytes(whole)
    page.emulate_media(media="screen")
    page.screenshot(path=str(SCREENSHOTS / "layers-S01-unfolded.png"), full_page=True)
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    assert page.locator(".detail-layer details.layer[open]").count() == 0
    assert not page.evaluate("document.body.classList.contains('print-all')")
    page.close()
    assert not problems


def test_a_folded_section_opens_from_the_keyboard_and_its_charts_are_drawn_at_full_width(browser, sample_reports):
    page, problems = open_page(browser, sample_reports / "2026" / "mid_year" / "S01.html", sample_reports)
    summary = page.locator("#attendance details.layer > summary")
    block = page.locator("#attendance-monthly-block")
    assert not block.is_visible()
    summary.focus()
    page.keyboard.press("Enter")
    page.wait_for_timeout(300)
    assert block.is_visible()
    # A chart drawn while folded is redrawn when opened: it fills its column, not Plotly's default 700 px.
    widths = page.evaluate(
        "Array.from(document.querySelectorAll('#attendance .chart')).filter(c => c.offsetParent)"
        ".map(c => [c.getBoundingClientRect().width, c.querySelector('svg.main-svg').getBoundingClientRect().width])"
    )
    assert widths and all(abs(chart - svg) < 2 for chart, svg in widths), widths
    page.keyboard.press("Enter")
    assert not block.is_visible()
    page.close()
    assert not problems


def axe_violations(page) -> list[dict]:
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    return page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ["violations"], preload: false});
            return result.violations.map(v => ({id: v.id, impact: v.impact,
                                                nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}));
        }"""
    )


@pytest.mark.parametrize(
    "relative",
    [
        "index.html",
        "data-quality.html",
        "2026/targets.html",
        "2026/mid_year/S01.html",
        "2026/mid_year/zone.html",
        "2025/end_of_year/S03.html",
        "2025/end_of_year/zone.html",
    ],
)
def test_axe_finds_no_violation_of_any_impact_folded_or_unfolded(browser, sample_reports, relative):
    page, problems = open_page(browser, sample_reports / relative, sample_reports)
    assert axe_violations(page) == [], relative
    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
    page.wait_for_timeout(300)
    assert axe_violations(page) == [], relative
    page.close()
    assert not problems
