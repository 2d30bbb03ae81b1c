"""The family summaries in Debian's chromium: no axe-core violation, one printed Letter page, nothing fetched.

axe-core (tests/vendor/axe-core/axe.min.js, 4.14.1 from its npm package, MPL-2.0)
runs every rule of its default set on each page, the best-practice `region`
rule included (all content inside header, main and footer landmarks).
Screenshots go to test-artifacts/screenshots/family-*.png.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser_pages import SCREENSHOTS, open_page, require_chromium

from sezp_roadmap.reporting.family_summary import FOLDER

# A browser sweep of built pages: slow, so it runs with `make test-bench` (CI runs both).
pytestmark = pytest.mark.bench

require_chromium()

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
# A PDF's page objects (not its /Pages tree): chromium writes them as plain dictionaries.
PDF_PAGE = re.compile(rb"/Type\s*/Page(?![s\w])")


def axe_violations(page) -> list[dict]:
    """axe-core's violations on the page as it is now, each with its rule, impact and first elements."""
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async () => {
            const results = await axe.run(document, {resultTypes: ["violations"]});
            return results.violations.map(v => ({
                rule: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ")),
            }));
        }"""
    )


def printed_pages(page) -> int:
    return len(PDF_PAGE.findall(page.pdf(format="Letter", prefer_css_page_size=True)))


@pytest.fixture(scope="module")
def summaries(report_zone) -> tuple[Path, list[Path]]:
    reports = report_zone[2]
    return reports, sorted(reports.glob(f"*/*/{FOLDER}/*.html"))


def test_axe_finds_no_violation_on_the_summaries_in_either_language(browser, summaries):
    reports, paths = summaries
    # Two languages of every school and period; mid-year 2026 and a complete end of year, with Gamma's hidden cells.
    chosen = [p for p in paths if p.parts[-4:-2] in (("2026", "mid_year"), ("2025", "end_of_year"))]
    assert len(chosen) == 12
    for path in chosen:
        page, problems = open_page(browser, path, reports)
        assert axe_violations(page) == [], path
        assert not problems, (path, problems)
        page.close()


def test_every_summary_prints_on_one_letter_page_and_fetches_nothing(browser, summaries):
    reports, paths = summaries
    assert len(paths) == 24
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for path in paths:
        page, problems = open_page(browser, path, reports, width=1280)
        assert printed_pages(page) == 1, path
        if path.parts[-4:-2] == ("2026", "mid_year") and path.stem.startswith(("A", "C")):
            name = "family-" + "-".join(path.relative_to(reports).with_suffix("").parts[:2] + (path.stem,))
            page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
        assert not problems, (path, problems)
        page.close()


def test_the_page_test_can_fail(browser, summaries, tmp_path):
    """The same checks on a copy with a paragraph outside every landmark and three times the text: both caught."""
    reports, paths = summaries
    html = paths[0].read_text(encoding="utf-8")
    main = re.search(r"<main.*?</main>", html, re.S).group(0)
    broken = html.replace("<header>", "<p>Outside every landmark.</p>\n<header>").replace(main, main * 3)
    copy = tmp_path / "broken.html"
    copy.write_text(broken, encoding="utf-8")
    page, _ = open_page(browser, copy, tmp_path)
    assert "region" in {v["rule"] for v in axe_violations(page)}
    assert printed_pages(page) > 1
    page.close()
