"""Accessibility of the reports: WCAG AA contrast of every color, text alternatives, heading order, tables."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from sezp_roadmap.reporting.figures import INK, PALETTE
from sezp_roadmap.reporting.render import TEMPLATES


def luminance(hex_color: str) -> float:
    rgb = [int(hex_color.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_contrast_formula_matches_known_pairs():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


def css_variables() -> dict[str, str]:
    css = (TEMPLATES / "report.css").read_text(encoding="utf-8")
    root = re.search(r":root\s*{(.*?)}", css, re.S).group(1)
    return dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})", root))


def test_text_colors_meet_wcag_aa_on_their_backgrounds():
    v = css_variables()
    backgrounds = {"page": "#ffffff", "panel": v["panel"], "banner": v["banner"]}
    for text in ("ink", "muted", "accent", "good", "bad"):
        for name, background in backgrounds.items():
            assert contrast(v[text], background) >= 4.5, (text, name)


def test_graphics_and_focus_ring_meet_the_non_text_contrast_of_three_to_one():
    v = css_variables()
    assert contrast(v["focus"], "#ffffff") >= 3
    for name, color in PALETTE.items():
        assert contrast(color, "#ffffff") >= 3, name
    assert contrast(INK, "#ffffff") >= 4.5


class Outline(HTMLParser):
    """Headings, chart elements and table headers of a page."""

    def __init__(self):
        super().__init__()
        self.headings: list[int] = []
        self.plots: list[dict] = []
        self.tables = 0
        self.th_without_scope = 0
        self.lang = None
        self.images_without_alt = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "div" and "plot" in (a.get("class") or "").split():
            self.plots.append(a)
        if tag == "table":
            self.tables += 1
        if tag == "th" and "scope" not in a:
            self.th_without_scope += 1
        if tag == "img" and not a.get("alt"):
            self.images_without_alt += 1


@pytest.fixture(scope="module")
def pages(report_zone) -> list[Path]:
    _, _, reports = report_zone
    return sorted(reports.rglob("*.html"))


def test_every_page_has_a_language_one_title_heading_and_no_skipped_level(pages):
    for page in pages:
        outline = Outline()
        outline.feed(page.read_text(encoding="utf-8"))
        # A family summary is in its catalogue's language (family/<school>-<code>.html); every other page in English.
        assert outline.lang == (page.stem.rsplit("-", 1)[1] if page.parent.name == "family" else "en"), page
        assert outline.headings[0] == 1 and outline.headings.count(1) == 1, page
        for before, after in zip(outline.headings, outline.headings[1:]):
            assert after <= before + 1, (page, before, after)


def test_every_chart_has_a_text_alternative_and_its_table(pages):
    for page in pages:
        html = page.read_text(encoding="utf-8")
        outline = Outline()
        outline.feed(html)
        for plot in outline.plots:
            assert plot.get("role") == "img" and len(plot.get("aria-label", "")) > 20, (page, plot)
        assert outline.th_without_scope == 0 and outline.images_without_alt == 0, page
        # Every chart block (a heading, a chart, then its table) in a school report carries a table.
        for block in re.findall(r'<figure class="chart-block" id="[^"]+".*?</figure>', html, re.S):
            assert "<table" in block or 'class="no-chart"' in block, (page, block[:120])


def test_pages_can_be_navigated_by_keyboard(pages):
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert '<a class="skip" href="#main">' in html and '<main id="main"' in html
        # Plotly's mode bar (focusable buttons inside an image) is switched off.
        assert '"displayModeBar":false' in html or "Plotly.newPlot" not in html
        assert 'tabindex="' not in html.replace('tabindex="-1"', "")
