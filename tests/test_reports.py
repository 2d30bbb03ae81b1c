"""The Roadmap reports: aggregates computed by hand, sentences, every section, size, determinism, e-mail option."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from pathlib import Path

import duckdb
import plotly.graph_objects as go
import pytest
from reports_zone import SCHOOLS

from sezp_roadmap.reporting.context import Cell, MetricInfo
from sezp_roadmap.reporting.formatting import without_shared_prefix, wrapped
from sezp_roadmap.reporting.sentences import gap_sentence, glance_sentence

SECTIONS = ("header", "at-a-glance", "targets", "equity", "attendance", "discipline", "climate", "sqr", "notes")


@pytest.fixture(scope="module")
def zone(report_zone):
    return report_zone


# -- aggregates on a tiny zone, computed by hand ---------------------------------------------


def weekdays(start: dt.date, count: int) -> list[dt.date]:
    days, day = [], start
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


SEP = weekdays(dt.date(2025, 9, 1), 20)
OCT = weekdays(dt.date(2025, 10, 1), 10)


def write_tiny(folder: Path) -> Path:
    """School A: five students over 20 September and 10 October days; school B: two students.

    s1 no absence; s2 2 September absences (6.7%); s3 1 September + 2 October (exactly 10%);
    s4 6 October absences (exactly 20%); s5 a September half day (1.7%), withdrawn October 14,
    with an out-of-school suspension dated after the withdrawal (not counted).
    """
    folder.mkdir(parents=True)
    days = SEP + OCT
    (folder / "schools.csv").write_text("school_id,school_name,grade_span\nA,Alpha,6-8\nB,Beta,6-8\n")
    (folder / "calendar.csv").write_text(
        "school_id,school_year,date\n" + "".join(f"{s},2026,{d}\n" for s in "AB" for d in days)
    )
    spells = [
        ("1000001", "A", ""),
        ("1000002", "A", ""),
        ("1000003", "A", ""),
        ("1000004", "A", ""),
        ("1000005", "A", OCT[-1]),
        ("1000006", "B", ""),
        ("1000007", "B", ""),
    ]
    (folder / "enrollment.csv").write_text(
        "student_id,school_id,school_year,grade,entry_date,exit_date,race_ethnicity,gender,ell,former_ell,swd,low_income\n"
        + "".join(f"{s},{school},2026,7,{days[0]},{exit_},H,F,N,N,N,Y\n" for s, school, exit_ in spells)
    )
    absences = (
        [("1000002", d, "A") for d in SEP[:2]]
        + [("1000003", SEP[5], "A")]
        + [("1000003", d, "AE") for d in OCT[:2]]
        + [("1000004", d, "A") for d in OCT[:6]]
        + [("1000005", SEP[3], "AH")]
    )
    (folder / "attendance.csv").write_text(
        "student_id,school_id,date,code\n" + "".join(f"{s},A,{d},{c}\n" for s, d, c in absences)
    )
    (folder / "discipline.csv").write_text(
        "incident_id,student_id,school_id,incident_date,offense,action,days_removed\n"
        f"i1,1000002,A,{SEP[7]},Fight,ISS,1\n"
        f"i2,1000004,A,{OCT[1]},Fight,OSS,2\n"
        f"i2,1000004,A,{OCT[1]},Fight,OTHER,0\n"
        f"i3,1000005,A,2025-10-20,Fight,OSS,3\n"
    )
    (folder / "roadmap.yaml").write_text("as_of_date: 2025-10-31\nsuppression:\n  min_students: 3\n")
    return folder


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> duckdb.DuckDBPyConnection:
    from sezp_roadmap.config import load_settings
    from sezp_roadmap.extracts import EXTRACTS
    from sezp_roadmap.stages import (
        Locations,
        build_metric_values,
        build_student_tables,
        ingest_extracts,
        prepare_landing,
    )

    root = tmp_path_factory.mktemp("tiny")
    data = write_tiny(root / "landing")
    loc = Locations(data, root / "wh.duckdb", root / "reports")
    settings = load_settings(None, data)
    prepare_landing(loc)
    ingest_extracts(loc, list(EXTRACTS), settings)
    build_student_tables(loc, settings)
    build_metric_values(loc, settings)
    con = duckdb.connect(str(loc.working_warehouse), read_only=True)
    yield con
    con.close()


def rows(con, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


def test_monthly_attendance_by_hand(tiny):
    got = rows(
        tiny,
        "select school_id, month, membership_days, absent_days, rate, n, suppressed from marts.monthly_attendance "
        "where period = 'end_of_year' order by school_id, month",
    )
    # A, September: 5 students x 20 days, 2 + 1 + 0.5 days absent. October: s5 withdrew on the 10th October day
    # (still in membership), 5 x 10 days, 2 + 6 absent.
    expected = [
        ("A", dt.date(2025, 9, 1), 100, 3.5, 96.5, 5, False),
        ("A", dt.date(2025, 10, 1), 50, 8.0, 84.0, 5, False),
        ("B", dt.date(2025, 9, 1), None, None, None, 2, True),
        ("B", dt.date(2025, 10, 1), None, None, None, 2, True),
        ("ZONE", dt.date(2025, 9, 1), 140, 3.5, 100 * 136.5 / 140, 7, False),
        ("ZONE", dt.date(2025, 10, 1), 70, 8.0, 100 * 62 / 70, 7, False),
    ]
    assert [r[:4] + (pytest.approx(r[4]) if r[4] is not None else None,) + r[5:] for r in got] == expected


def test_absence_bands_by_hand_and_suppressed_for_a_small_school(tiny):
    got = rows(
        tiny,
        "select school_id, band, students, share, suppressed from marts.absence_bands "
        "where period = 'end_of_year' and school_id in ('A', 'B') order by school_id, band_order",
    )
    assert got == [
        ("A", "under 5%", 2, pytest.approx(40.0), False),  # s1 0%, s5 1.7%
        ("A", "5% to under 10%", 1, pytest.approx(20.0), False),  # s2 6.7%
        ("A", "10% to under 20%", 1, pytest.approx(20.0), False),  # s3 exactly 10%
        ("A", "20% or more", 1, pytest.approx(20.0), False),  # s4 exactly 20%
        ("B", "under 5%", None, None, True),
        ("B", "5% to under 10%", None, None, True),
        ("B", "10% to under 20%", None, None, True),
        ("B", "20% or more", None, None, True),
    ]


def test_monthly_discipline_counts_only_actions_within_enrollment(tiny):
    got = rows(
        tiny,
        "select school_id, month, iss_actions, oss_actions, days_removed from marts.monthly_discipline "
        "where period = 'end_of_year' and school_id = 'A' order by month",
    )
    # The OTHER action removes no days; the OSS dated after s5's withdrawal is not counted.
    assert got == [("A", dt.date(2025, 9, 1), 1, 0, 1.0), ("A", dt.date(2025, 10, 1), 0, 1, 2.0)]


# -- sentences ---------------------------------------------------------------------------------

CHRONIC = MetricInfo("chronic_absence_rate", "Chronic absence", "percent", "lower", "Missed 10% or more.")


def test_glance_sentence_says_change_zone_and_target_in_words():
    # Better and worse are said only of a clear change (issue 16): this one is.
    cell = Cell(
        "A",
        "chronic_absence_rate",
        "all",
        250,
        31.2,
        False,
        prior_value=35.3,
        change=-4.1,
        zone_value=28.0,
        target=30.0,
        target_met=False,
        target_gap=1.2,
        target_gap_students=6,
        change_low=-7.0,
        change_high=-1.2,
        change_signal="clear",
        zone_gap=3.5,
        zone_gap_low=-1.0,
        zone_gap_high=8.0,
        zone_gap_signal="unclear",
    )
    assert glance_sentence(CHRONIC, cell, "mid_year", 10, 30) == (
        "Chronic absence 31.2%, down 4.1 points from last mid-year: better, likely real (range −7.0 to −1.2 points); "
        "zone 28.0% (the difference from the rest of the zone is within normal variation); "
        "target 30.0% not met: 6 fewer chronically absent students would meet it."
    )


def test_glance_sentence_of_a_suppressed_cell_has_no_number_but_the_threshold():
    cell = Cell.from_row(
        {
            "school_id": "A",
            "metric": "chronic_absence_rate",
            "subgroup": "all",
            "n": 4,
            "value": None,
            "suppressed": True,
            "prior_value": 20.0,
            "change": 1.0,
            "target": 30.0,
            "target_met": True,
            "ci_low": 1.0,
            "ci_high": 50.0,
            "change_low": -5.0,
            "change_high": 7.0,
            "change_signal": "unclear",
        }
    )
    sentence = glance_sentence(CHRONIC, cell, "end_of_year", 10, 30)
    assert (
        sentence
        == "Chronic absence: not shown (fewer than 10 students); target 30.0% cannot be checked (fewer than 10 students)."
    )
    assert cell.n is None and cell.change is None and cell.target_met is None
    # Nothing worked out from the hidden value reaches the page: not its range, nor its change's.
    assert (cell.ci_low, cell.ci_high, cell.change_low, cell.change_high, cell.change_signal) == (None,) * 5


def test_gap_sentence_names_only_likely_real_gaps_against_the_rest_of_the_school():
    cells = [
        Cell("A", "chronic_absence_rate", "all", 200, 25.0, False, prior_value=26.0),
        Cell(
            "A",
            "chronic_absence_rate",
            "swd",
            40,
            40.0,
            False,
            prior_value=38.0,
            gap_vs_comparison=17.1,
            comparison_value=22.9,
            gap_low=2.9,
            gap_high=31.3,
            gap_signal="clear",
        ),
        # As large and clear, but a group of 20: a clue, not a finding.
        Cell(
            "A",
            "chronic_absence_rate",
            "ell",
            20,
            45.0,
            False,
            gap_vs_comparison=21.0,
            comparison_value=24.0,
            gap_low=0.5,
            gap_high=41.5,
            gap_signal="clear",
        ),
        # A notable gap within normal variation.
        Cell(
            "A",
            "chronic_absence_rate",
            "black",
            60,
            30.0,
            False,
            gap_vs_comparison=6.0,
            comparison_value=24.0,
            gap_low=-6.5,
            gap_high=18.5,
            gap_signal="unclear",
        ),
    ]
    assert gap_sentence(CHRONIC, cells, "mid_year", 30) == (
        "Largest gaps in chronic absence, likely real: Students with disabilities: 40.0%, 17.1 points worse than the "
        "rest of the school (22.9%; range +2.9 to +31.3 points); 38.0% last mid-year."
    )
    assert gap_sentence(CHRONIC, cells[2:], "mid_year", 30) is None
    # On the zone's page a group is compared with the rest of the zone's students.
    zone = [
        Cell(
            "ZONE",
            c.metric,
            c.subgroup,
            c.n,
            c.value,
            False,
            prior_value=c.prior_value,
            gap_vs_comparison=c.gap_vs_comparison,
            comparison_value=c.comparison_value,
            gap_low=c.gap_low,
            gap_high=c.gap_high,
            gap_signal=c.gap_signal,
        )
        for c in cells[:2]
    ]
    assert "17.1 points worse than the rest of the zone's students (22.9%;" in gap_sentence(
        CHRONIC, zone, "mid_year", 30
    )


def test_survey_and_review_labels_lose_the_prefix_their_chart_title_already_says():
    assert without_shared_prefix(["Educator survey: Instructional Culture Index", "Educator survey: Peer Culture"]) == [
        "Instructional Culture Index",
        "Peer Culture",
    ]
    # The overall figure's label is lower-case after the prefix; on its own it starts a line.
    assert without_shared_prefix(["Family survey: percent favorable", "Family survey: Safety"]) == [
        "Percent favorable",
        "Safety",
    ]
    # Different prefixes, or a label without one: every label stays whole.
    mixed = ["Family survey: Safety", "Educator survey: Evaluation"]
    assert without_shared_prefix(mixed) == mixed
    assert without_shared_prefix(["Family survey: Safety", "Attendance rate"]) == [
        "Family survey: Safety",
        "Attendance rate",
    ]
    assert without_shared_prefix([]) == []


def test_long_chart_labels_wrap_at_spaces_and_keep_long_words_whole():
    assert wrapped("Instructional Planning for Student Growth") == "Instructional Planning<br>for Student Growth"
    assert wrapped("Safety") == "Safety"
    assert wrapped("a" * 30 + " b") == "a" * 30 + "<br>b"
    assert all(len(line) <= 24 for line in wrapped("Observation and Feedback on Teaching Practice").split("<br>"))


def test_survey_charts_and_tables_name_domains_without_repeating_the_survey(zone):
    page = (zone[2] / "2026" / "mid_year" / "A.html").read_text(encoding="utf-8")
    block = page[page.index('id="climate-educator-block"') :]
    block = block[: block.index("</figure>")]
    rows = re.findall(r'<tr data-cell="educator[^"]*">\s*<th scope="row">([^<]+)</th>', block)
    assert rows and "Instructional Culture Index" in rows
    assert not any(r.startswith("Educator survey") for r in rows)
    plot = json.loads("[" + re.search(r'Plotly\.newPlot\("climate-educator",(.*)\);</script>', block).group(1) + "]")
    labels = plot[0][0]["y"]
    assert labels[0] == "Instructional Culture<br>Index" and not any("survey" in label for label in labels)
    # Among the family survey's topics, its overall figure is the one over every question.
    family = page[page.index('id="climate-family-block"') :]
    family = family[: family.index("</figure>")]
    rows = re.findall(r'<tr data-cell="family_favorable[^"]*">\s*<th scope="row">([^<]+)</th>', family)
    assert rows[0] == "All questions" and "Communication" in rows


def test_ratings_and_scores_are_drawn_against_their_whole_scale():
    from sezp_roadmap.reporting.figures import grouped_bars

    series = [("This school", [2.5, 3.0], "school")]
    rating = grouped_bars(["Instruction", "Culture"], series, title="t", unit="rating", axis_title="a", horizontal=True)
    assert rating["layout"]["xaxis"]["range"] == [0, 4]
    score = grouped_bars(
        ["Index", "Peer Culture"],
        [("This school", [6.8, 7.4], "school")],
        title="t",
        unit="score",
        axis_title="a",
        horizontal=True,
    )
    assert score["layout"]["xaxis"]["range"] == [0, 10]
    # A percent has no fixed top worth drawing: its axis fits the bars.
    percent = grouped_bars(
        ["All questions"],
        [("This school", [84.0], "school")],
        title="t",
        unit="percent",
        axis_title="a",
        horizontal=True,
    )
    assert "range" not in percent["layout"]["xaxis"]
    go.Figure(data=rating["data"], layout=rating["layout"])


def test_a_bar_charts_reference_line_is_named_and_absent_when_its_figure_is():
    from sezp_roadmap.reporting.figures import subgroup_bars

    by_school = subgroup_bars(
        ["Alpha", "Beta"], [90.0, 92.0], all_value=91.0, title="t", unit="percent", axis_title="a", marked_label="Zone"
    )
    assert by_school["layout"]["annotations"][0]["text"] == "Zone" and by_school["layout"]["shapes"][0]["x0"] == 91.0
    # The zone's own figure hidden: no line and no name, and the chart is still drawn.
    hidden = subgroup_bars(
        ["Alpha", "Beta"], [90.0, 92.0], all_value=None, title="t", unit="percent", axis_title="a", marked_label="Zone"
    )
    assert "shapes" not in hidden["layout"] and "annotations" not in hidden["layout"]
    go.Figure(data=hidden["data"], layout=hidden["layout"])


def test_schools_spread_over_bins_of_a_width_a_reader_can_add_up():
    from sezp_roadmap.reporting.figures import bins

    # 85.0 to 99.9 spans 14.9 points: 0.5-point bins would be 30, 1-point bins are 15 (85 to 100).
    edges, counts = bins([85.0, 86.2, 87.5, 90.0, 99.9])
    assert edges == list(range(85, 101)) and len(counts) == 15
    assert counts == [1, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1]
    # A value on an inner edge opens the next bin; the highest value, on the last edge, stays in the last bin.
    edges, counts = bins([0.0, 2.0, 4.0], max_bins=4)
    assert edges == [0, 1, 2, 3, 4] and counts == [1, 0, 1, 1]
    # 10.0 to 13.0 in 0.2-point bins (0.1 would make 30): 3.0 / 0.2 = 15 bins, and no float noise in the edges.
    edges, counts = bins([10.0, 10.1, 13.0])
    assert edges[:3] == [10.0, 10.2, 10.4] and edges[-1] == 13.0 and counts[0] == 2 and sum(counts) == 3
    assert bins([]) == ([], [])
    assert bins([7.5]) == ([7.5, 7.55], [1])


def test_a_zone_of_many_schools_shows_how_they_spread_and_folds_its_lists(zone, tmp_path, monkeypatch):
    """Past MANY_SCHOOLS, a bar per school gives way to a histogram with its table; the long lists fold away."""
    from sezp_roadmap.config import load_settings
    from sezp_roadmap.reporting import render, zone_overview

    landing, warehouse, _ = zone
    monkeypatch.setattr(
        zone_overview, "MANY_SCHOOLS", 1
    )  # the test zone (three schools, two with targets) counts as large
    with duckdb.connect(str(warehouse), read_only=True) as con:
        render.render_reports(con, tmp_path / "many", load_settings(None, landing))
    page = (tmp_path / "many" / "2026" / "mid_year" / "zone.html").read_text(encoding="utf-8")
    assert 'id="zone-attendance-rate"' not in page  # no bar per school
    block = page[page.index('id="zone-spread-attendance-rate-block"') :]
    block = block[: block.index("</figure>")]
    assert "Attendance rate across schools" in block
    counts = [int(n) for n in re.findall(r"<th scope=\"row\">[\d.]+% to [\d.]+%</th><td>(\d+)</td>", block)]
    assert sum(counts) == len(SCHOOLS)  # every school with a published attendance rate, in one range each
    assert f"{len(SCHOOLS)} schools with a published figure." in block
    # Every school's figures are still on the page, folded after the charts.
    details = page[page.index('<details class="every-school">') :]
    assert page.index('id="zone-spread-attendance-rate-block"') < page.index('<details class="every-school">')
    assert all(f'href="{school_id}.html"' in details for school_id, *_ in SCHOOLS)
    index = (tmp_path / "many" / "index.html").read_text(encoding="utf-8")
    assert index.count('<details class="every-school">') == index.count("Zone overview: every school side by side")
    assert f"Every school's report ({len(SCHOOLS)} schools)" in index
    for _, data, layout in figure_specs(page):
        go.Figure(data=data, layout=layout)
    # The targets page opens on a choice of school, every target folded (shown again without JavaScript).
    targets = (tmp_path / "many" / "2026" / "targets.html").read_text(encoding="utf-8")
    rows = re.findall(r"<tr data-school=\"[^\"]+\"( hidden)?>", targets)
    assert rows and all(rows)
    assert '<option value="none" selected>a school of your choice</option>' in targets
    assert "<noscript><style>#targets-table tbody tr[hidden] { display: table-row; }</style></noscript>" in targets


def test_chart_table_cells_are_escaped_exactly_as_autoescape_escapes():
    """Chart tables' rows are written by reporting.table_rows, not by autoescape: same text, same safety."""
    from markupsafe import Markup, escape

    from sezp_roadmap.reporting.table_rows import chart_table_rows, escaped

    values = [
        "<script>alert('x')</script>",
        'a "quoted" & <b>bold</b>',
        "fewer than 10 students",
        "−0.5 points",
        "&amp; already",
        "",
        12,
        3.5,
        None,
        Markup("<em>trusted</em>"),
    ]
    for value in values:
        assert escaped(value) == str(escape(value)), value
    rows = chart_table_rows([["<All>", "1", "b&c"]], ['m|"all"'])
    assert rows == Markup(
        '        <tr data-cell="m|&#34;all&#34;">\n          <th scope="row">&lt;All&gt;</th>'
        "<td>1</td><td>b&amp;c</td>        </tr>\n"
    )
    assert "data-cell" not in chart_table_rows([["May", "95.0%"]], [])
    with pytest.raises(ValueError):
        chart_table_rows([["a", "1"], ["b", "2"]], ["k|all"])


def test_templates_read_dict_rows_as_jinja_does():
    """render.ReportEnvironment skips Jinja's AttributeError on dict rows; what a template reads stays the same."""
    from jinja2 import Environment

    from sezp_roadmap.reporting.render import environment

    row = {"label": "Attendance", "values": [1, 2], "items": "a key named like a method"}
    ours, jinja = environment(), Environment()
    for name in ("label", "values", "items", "get", "missing"):
        mine, theirs = ours.getattr(row, name), jinja.getattr(row, name)
        assert type(mine) is type(theirs) and (mine == theirs or name == "missing"), name
    template = "{{ row.label }}|{{ row.missing }}|{{ row.items() | list | length }}|{{ row.get('label') }}"
    assert ours.from_string(template).render(row=row) == jinja.from_string(template).render(row=row)


# -- the rendered zone ---------------------------------------------------------------------------


def school_pages(reports: Path) -> list[Path]:
    return sorted(p for p in reports.glob("*/*/*.html") if p.name != "zone.html")


def test_every_school_and_period_has_a_report_with_every_section(zone):
    _, _, reports = zone
    pages = school_pages(reports)
    # 2 school years x 2 periods x 3 schools.
    assert len(pages) == 12
    for page in pages:
        html = page.read_text(encoding="utf-8")
        for section in SECTIONS:
            assert f'id="{section}"' in html, (page, section)
    assert {p.stem for p in pages} == {s[0] for s in SCHOOLS}
    index = (reports / "index.html").read_text(encoding="utf-8")
    for page in pages:
        assert f'href="{page.relative_to(reports)}"' in index
    assert index.count("zone.html") == 4


def test_notes_define_the_metrics_state_privacy_and_list_the_extracts(zone):
    """The notes' definitions and extracts are rendered once per period: every page of it carries the same."""
    _, _, reports = zone
    for period_dir in sorted({p.parent for p in school_pages(reports)}):
        shared = set()
        for page in sorted(period_dir.glob("[ABC].html")):
            notes = page.read_text(encoding="utf-8").split('<section id="notes"', 1)[1]
            headings = [
                notes.index(f"<h3>{h}</h3>")
                for h in ("How these numbers are defined", "Privacy", "Data quality", "Extracts used")
            ]
            assert headings == sorted(headings), page
            assert "<dt>Chronic absence</dt><dd>Share of students who missed 10% or more" in notes
            assert "a figure about fewer than 10 students (or fewer than 5 survey respondents) is not shown" in notes
            for extract in ("attendance", "calendar", "enrollment", "family_survey", "sqr"):
                assert f'<tr><th scope="row">{extract}</th><td>{extract}.csv</td>' in notes, (page, extract)
            assert "All extracts were pulled as of January 16, 2026." in notes
            school_part = notes[notes.index("<h3>Data quality</h3>") : notes.index("<h3>Extracts used</h3>")]
            shared.add(notes.replace(school_part, ""))
        assert len(shared) == 1, period_dir


def test_a_schools_data_quality_findings_are_in_words_with_what_the_figures_did(zone):
    """Alpha has one exception on a Saturday (reports_zone): its 2026 pages say so in words, with its share of
    Alpha's attendance rows that school year; the others list nothing."""
    landing, _, reports = zone
    with (landing / "attendance.csv").open() as f:
        alpha = sum(
            1 for row in csv.DictReader(f) if row["school_id"] == "A" and "2025-07-01" <= row["date"] <= "2026-06-30"
        )
    for period in ("mid_year", "end_of_year"):
        notes = (reports / "2026" / period / "A.html").read_text(encoding="utf-8").split('<section id="notes"', 1)[1]
        assert (
            '<tr><th scope="row">attendance</th><td>An attendance exception on a day that is not a school day of '
            "the school (weekend, holiday); not counted.</td><td>left out of the metrics</td>"
            f"<td>1 of {alpha:,} ({100 / alpha:.1f}%)</td></tr>"
        ) in notes
        assert "attendance_not_school_day" not in notes  # the rule's id is for the data team's page
        assert '<a href="../../data-quality.html">' in notes and (reports / "data-quality.html").exists()
        for other in ("B", "C"):
            html = (reports / "2026" / period / f"{other}.html").read_text(encoding="utf-8")
            assert "No data-quality finding affects this school's figures." in html
    assert "No data-quality finding affects this school's figures." in (
        reports / "2025" / "mid_year" / "A.html"
    ).read_text(encoding="utf-8")


def test_a_period_reads_every_cell_column_from_the_mart(zone):
    """A column missing from the query would read as None on every page: the query has exactly a cell's columns."""
    from sezp_roadmap.reporting.context import CELL_COLUMNS
    from sezp_roadmap.warehouse import read_sql

    _, warehouse, _ = zone
    with duckdb.connect(str(warehouse), read_only=True) as con:
        cursor = con.execute(
            read_sql("pages/period_comparisons"),
            {
                "school_year": 2026,
                "period": "mid_year",
                "families": [],
                "assessments": [],
                "schools": [],
                "every_school_all": True,
            },
        )
        assert tuple(d[0] for d in cursor.description) == CELL_COLUMNS
        assert cursor.fetchall()


def test_key_figures_say_change_zone_and_target_in_a_teachers_words_with_the_numbers_beside(zone):
    _, _, reports = zone
    html = (reports / "2026" / "mid_year" / "A.html").read_text(encoding="utf-8")
    # The first layer opens the page; the verdicts with their numbers and ranges are in the folded key figures.
    assert html.index('id="at-a-glance"') < html.index('id="targets"') < html.index('id="key-figures"')
    key_figures = html[html.index('id="key-figures"') : html.index('id="levers-detail"')]
    # 60 students: a change of a few points is within normal variation: "about the same", its range beside it.
    assert re.search(
        r'<tr data-cell="chronic_absence_rate\|all"><th scope="row">Chronic absence</th><td>\d+\.\d% \(range [^)]*\)</td>'
        r"<td>about the same as last mid-year: [−+]?\d+\.\d points \(range −\d+\.\d to \+\d+\.\d\) "
        r"\(last mid-year: \d+\.\d%\)</td><td>about the same as the rest of the zone: [−+]?\d+\.\d points "
        r"\(range −\d+\.\d to \+\d+\.\d\) \(zone: \d+\.\d%\)</td><td>target 20\.0% (met|not met)",
        key_figures,
    )
    assert "Synthetic sample data" in html
    assert "60 students" in html


def test_reports_are_small_and_share_plotly(zone):
    _, _, reports = zone
    assert (reports / "assets" / "plotly.min.js").stat().st_size > 1_000_000
    for page in [*school_pages(reports), *reports.glob("*/*/zone.html")]:
        assert page.stat().st_size < 1_000_000
        html = page.read_text(encoding="utf-8")
        assert '<script src="../../assets/plotly.min.js"></script>' in html


def figure_specs(html: str) -> list[tuple[str, list, dict]]:
    decoder = json.JSONDecoder()
    specs = []
    for match in re.finditer(r'Plotly\.newPlot\("([^"]+)",', html):
        data, end = decoder.raw_decode(html, match.end())
        layout, end = decoder.raw_decode(html, end + 1)
        specs.append((match.group(1), data, layout))
    return specs


def test_every_figure_is_a_valid_plotly_figure_with_a_unique_id(zone):
    _, _, reports = zone
    for page in reports.glob("*/*/*.html"):
        specs = figure_specs(page.read_text(encoding="utf-8"))
        assert specs, page
        ids = [s[0] for s in specs]
        assert len(ids) == len(set(ids)), page
        for _, data, layout in specs:
            go.Figure(data=data, layout=layout)  # raises on any invalid property


def test_rendering_is_deterministic(zone, tmp_path):
    from sezp_roadmap.config import load_settings
    from sezp_roadmap.reporting.render import render_reports

    landing, warehouse, reports = zone
    settings = load_settings(None, landing)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        render_reports(con, tmp_path / "again", settings)
    for page in reports.rglob("*.html"):
        assert (tmp_path / "again" / page.relative_to(reports)).read_bytes() == page.read_bytes(), page


def test_the_cycle_collector_is_paused_only_while_rendering(zone, tmp_path):
    """render_reports turns Python's cycle collector off while it works and back on after, even on failure."""
    import gc

    from sezp_roadmap.config import load_settings
    from sezp_roadmap.reporting.render import cycle_collection_paused, render_reports

    landing, warehouse, _ = zone
    with duckdb.connect(str(warehouse), read_only=True) as con:
        render_reports(con, tmp_path / "again", load_settings(None, landing))
    assert gc.isenabled()
    with pytest.raises(RuntimeError), cycle_collection_paused():
        assert not gc.isenabled()
        raise RuntimeError("a failed render")
    assert gc.isenabled()


def _files(folder: Path) -> list[Path]:
    return sorted(p.relative_to(folder) for p in folder.rglob("*") if p.is_file())


@pytest.mark.parametrize("one_period", [False, True], ids=["periods shared", "schools of one period shared"])
def test_worker_processes_write_the_same_pages_as_one_process(zone, tmp_path, monkeypatch, one_period):
    """Large zones render in worker processes (whole periods, or a one-partition run's schools); same bytes."""
    from sezp_roadmap.config import load_settings
    from sezp_roadmap.reporting import render

    landing, warehouse, reports = zone
    settings = load_settings(None, landing)
    periods = [(2026, "mid_year")] if one_period else None
    with duckdb.connect(str(warehouse), read_only=True) as con:
        render.render_reports(con, tmp_path / "serial", settings, periods=periods)
        monkeypatch.setattr(render, "PARALLEL_MIN_PAGES", 0)
        monkeypatch.delenv("SEZP_THREADS")
        monkeypatch.setattr("os.sched_getaffinity", lambda pid: {0, 1})
        assert render._worker_count(con, render.query(con, "pages/report_periods")) == 2
        render.render_reports(con, tmp_path / "parallel", settings, periods=periods)
    assert _files(tmp_path / "parallel") == _files(tmp_path / "serial")
    for relative in _files(tmp_path / "serial"):
        assert (tmp_path / "parallel" / relative).read_bytes() == (tmp_path / "serial" / relative).read_bytes(), (
            relative
        )
    if not one_period:
        assert _files(tmp_path / "serial") == _files(reports)


def test_workers_started_before_the_warehouse_exists_write_the_same_pages_and_let_it_go(zone, tmp_path, monkeypatch):
    """`build` starts its report workers first (render.report_workers): they render every page, even a zone's
    few, byte for byte as one process does, and end with the render, so the warehouse can be published."""
    from sezp_roadmap.config import load_settings
    from sezp_roadmap.reporting import render

    landing, warehouse, _ = zone
    settings = load_settings(None, landing)
    copy = tmp_path / "later.duckdb"  # the workers start before the build has written its warehouse
    with duckdb.connect(str(warehouse), read_only=True) as con:
        render.render_reports(con, tmp_path / "serial", settings)
    with render.report_workers():
        assert render._early_pool is None  # one core for the pipeline: nothing started
    monkeypatch.setenv("SEZP_THREADS", "2")
    with render.report_workers():
        assert render._early_pool is not None and render._early_pool[1] == 2
        copy.write_bytes(warehouse.read_bytes())
        with duckdb.connect(str(copy), read_only=True) as con:
            assert render._worker_count(con, render.query(con, "pages/report_periods")) == 2
            render.render_reports(con, tmp_path / "early", settings)
        assert render._early_pool is None  # the workers served this render and ended
        with duckdb.connect(str(copy)) as con:  # a writer's lock: no worker holds the file any more
            con.execute("select 1")
    assert _files(tmp_path / "early") == _files(tmp_path / "serial")
    for relative in _files(tmp_path / "serial"):
        assert (tmp_path / "early" / relative).read_bytes() == (tmp_path / "serial" / relative).read_bytes(), relative


def test_a_share_of_a_period_reads_only_its_schools_cells_with_the_zones(zone):
    """A worker rendering a share of one period's schools reads their cells, not the whole period's."""
    from sezp_roadmap.reporting.context import ZONE, load_catalog, load_period
    from sezp_roadmap.warehouse import add_macros, query

    _, warehouse, _ = zone
    with add_macros(duckdb.connect(str(warehouse), read_only=True)) as con:
        row = next(
            r for r in query(con, "pages/report_periods") if (r["school_year"], r["period"]) == (2026, "mid_year")
        )
        catalog = load_catalog(con)
        whole = load_period(con, row, catalog)
        share = load_period(con, row, catalog, schools=["A"], every_school_all=False)
        first = load_period(con, row, catalog, schools=["A"], every_school_all=True)
    assert {school for school, _, _ in share.cells} == {"A", ZONE}
    assert all(share.cells[key] == whole.cells[key] for key in share.cells)
    assert share.cells.keys() == {key for key in whole.cells if key[0] in ("A", ZONE)}
    assert share.metrics == whole.metrics and share.schools == whole.schools
    # The first share also writes the zone overview: every school's all-students cells.
    others = {key for key in first.cells if key[0] not in ("A", ZONE)}
    assert others == {key for key in whole.cells if key[0] not in ("A", ZONE) and key[2] == "all"}


def test_a_writable_connection_renders_in_one_process(zone, tmp_path, monkeypatch):
    """Other processes cannot open a warehouse this process holds for writing."""
    from sezp_roadmap.reporting import render

    _, warehouse, _ = zone
    copy = tmp_path / "copy.duckdb"
    copy.write_bytes(warehouse.read_bytes())
    monkeypatch.setattr(render, "PARALLEL_MIN_PAGES", 0)
    with duckdb.connect(str(copy)) as con:
        assert render._worker_count(con, render.query(con, "pages/report_periods")) == 1


def test_self_contained_reports_need_no_other_file(zone, tmp_path):
    from sezp_roadmap.config import load_settings
    from sezp_roadmap.reporting.render import render_reports

    landing, warehouse, _ = zone
    with duckdb.connect(str(warehouse), read_only=True) as con:
        render_reports(con, tmp_path / "mail", load_settings(None, landing), self_contained=True)
    assert not (tmp_path / "mail" / "assets").exists()
    html = (tmp_path / "mail" / "2026" / "mid_year" / "B.html").read_text(encoding="utf-8")
    assert "<script src=" not in html and '<link rel="stylesheet"' not in html
    assert "Plotly.newPlot" in html and ".chart-pair" in html and len(html) > 1_000_000


def test_cli_build_accepts_self_contained(tmp_path):
    from sezp_roadmap.cli import parser

    args = parser().parse_args(["build", "--data", str(tmp_path), "--self-contained"])
    assert args.self_contained is True


# -- signal and noise on the page (issue 16) -----------------------------------------------------


def test_the_zone_overview_reads_each_share_with_a_funnel_plot_not_a_league_table(zone):
    _, _, reports = zone
    page = (reports / "2026" / "mid_year" / "zone.html").read_text(encoding="utf-8")
    for metric in ("chronic-absence-rate", "severe-absence-rate", "any-suspension-rate", "oss-rate"):
        start = page.index(f'id="zone-funnel-{metric}-block"')
        block = page[start : page.index("</figure>", start)]
        assert "each school against its size" in block and '"95% limits"' in block and '"99.8% limits"' in block
        assert "Compared with the zone" in block
        assert f'id="zone-{metric}"' not in page  # no bar per school, ranked by eye
    assert "Small schools swing more by chance" in page  # how to read a funnel, said once
    # The plain list of every school's figures, a league table to the eye, comes last and folded.
    assert page.index('id="zone-funnel-oss-rate-block"') < page.index('<details class="every-school">')
    # Every school of the test zone is in each funnel's table, with its size.
    block = page[page.index('id="zone-funnel-chronic-absence-rate-block"') :]
    block = block[: block.index("</figure>")]
    assert all(f"{name} " in block for name in ("Alpha Middle", "Beta High", "Gamma Academy"))
    assert "(60 students)" in block
    # The attendance rate, not a share, keeps a bar per school, with its table.
    assert 'id="zone-attendance-rate-block"' in page and "vs the rest of the zone" in page


def test_a_school_report_says_better_or_worse_in_words_only_where_likely_real(zone):
    _, _, reports = zone
    html = (reports / "2026" / "mid_year" / "A.html").read_text(encoding="utf-8")
    assert "(better)" not in html and "(worse)" not in html  # the old mark on every difference
    key_figures = html[html.index('id="key-figures"') : html.index('id="levers-detail"')]
    assert "Clearly&#34; higher or lower: the difference is likely real." in key_figures  # quotes escaped
    # Alpha has 60 students: its groups of 10 to 29 are shown, as clues.
    assert "(small group: a clue, not a finding)" in html
    assert "vs the rest of the school" in html


def test_each_worker_takes_its_share_of_the_memory_limit_and_threads(zone, tmp_path, monkeypatch):
    """Two report workers take half of the build's memory limit and of its threads each, not the whole of each."""
    from sezp_roadmap.config import load_settings
    from sezp_roadmap.reporting import render

    landing, warehouse, _ = zone
    monkeypatch.setenv("SEZP_MEMORY_LIMIT", "3GB")
    monkeypatch.setenv("SEZP_THREADS", "2")
    job = render.RenderJob(tmp_path, load_settings(None, landing), self_contained=False)
    try:
        con = render._renderer_in_worker(str(warehouse), job, 2).con
        assert con.execute("select current_setting('threads')").fetchone() == (1,)
        limit = con.execute("select current_setting('memory_limit')").fetchone()[0]
        assert limit == "1.3 GiB"  # 1.5 GB, as DuckDB prints it
    finally:
        render._worker_renderer.con.close()
        monkeypatch.setattr(render, "_worker_renderer", None)
        monkeypatch.setattr(render, "_worker_key", None)


def test_a_worker_ends_with_its_connection_closed_and_without_the_teardown(zone, monkeypatch):
    """A report worker's exit closes its read-only connection and ends the process at once (render._end_worker)."""
    from sezp_roadmap.reporting import render

    _, warehouse, _ = zone
    ended = []
    monkeypatch.setattr("os._exit", ended.append)
    con = duckdb.connect(str(warehouse), read_only=True)
    monkeypatch.setattr(render, "_worker_renderer", type("Renderer", (), {"con": con})())
    render._end_worker()
    assert ended == [0]
    with pytest.raises(duckdb.ConnectionException):
        con.execute("select 1")
