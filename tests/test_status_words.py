"""One word for one state: a target's status reads the same on every page, from sezp_roadmap.targets;
the school header says which students its figures count."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from sezp_roadmap import periods
from sezp_roadmap import targets as target_rules
from sezp_roadmap.reporting.context import Cell, MetricInfo
from sezp_roadmap.reporting.sections import Sections
from sezp_roadmap.reporting.sentences import glance_sentence, glance_status, target_phrase

CHRONIC = MetricInfo("chronic_absence_rate", "Chronic absence", "percent", "lower", "Missed 10% or more.")


def cell(**kw) -> Cell:
    return Cell("A", "chronic_absence_rate", "all", kw.pop("n", 250), kw.pop("value", 31.2), False, **kw)


# -- the words, on hand-made cells ----------------------------------------------------------


def test_a_finished_target_is_met_or_not_met_in_the_registrys_words():
    missed = cell(target=30.0, target_met=False, target_gap=1.2, target_gap_students=3)
    # 250 students, 31.2% against 30%: ceil(250 × 1.2 / 100) = 3 fewer chronically absent students.
    assert (
        target_phrase(CHRONIC, missed, 10) == "target 30.0% not met: 3 fewer chronically absent students would meet it"
    )
    assert target_phrase(CHRONIC, cell(target=31.2, target_met=True), 10) == "target 31.2% met"
    one = cell(target=31.0, target_met=False, target_gap=0.2, target_gap_students=1)
    assert target_phrase(CHRONIC, one, 10) == "target 31.0% not met: 1 fewer chronically absent student would meet it"
    hidden = Cell("A", "chronic_absence_rate", "all", None, None, True, target=30.0)
    assert target_phrase(CHRONIC, hidden, 10) == "target 30.0% cannot be checked (fewer than 10 students)"
    # 104 students hidden to protect a smaller group: "fewer than 10" would be false.
    protecting = Cell("A", "chronic_absence_rate", "all", None, None, True, target=30.0, hidden_n=104)
    assert target_phrase(CHRONIC, protecting, 10) == (
        "target 30.0% cannot be checked (hidden to protect a smaller group)"
    )
    assert glance_sentence(CHRONIC, protecting, "mid_year", 10, 20).startswith(
        "Chronic absence: not shown (hidden to protect a smaller group); target 30.0%"
    )
    assert glance_status(CHRONIC, missed) == "not-met"
    assert glance_status(CHRONIC, cell(target=31.2, target_met=True)) == "met"


def test_a_running_end_of_year_target_reads_as_the_targets_page_judged_it():
    # The figure to date misses the target, but the targets page judged it on pace from the mid-year figure.
    to_date = cell(target=30.0, target_met=False, target_gap=1.2, target_gap_students=3)
    assert target_phrase(CHRONIC, to_date, 10, target_rules.ON_PACE) == (
        "target 30.0% on pace (judged from the mid-year figure)"
    )
    assert glance_status(CHRONIC, to_date, target_rules.ON_PACE) == "on-pace"
    assert glance_status(CHRONIC, to_date, target_rules.TOO_CLOSE) == "too-close-to-call"
    sentence = glance_sentence(CHRONIC, to_date, "end_of_year", 10, 30, target_rules.NOT_ON_PACE)
    assert sentence.endswith("; target 30.0% not on pace (judged from the mid-year figure).")
    assert "not met" not in sentence


def test_the_school_targets_table_uses_the_registry():
    class Data:  # the little of PeriodData the targets table reads
        period, metrics = "end_of_year", {"chronic_absence_rate": CHRONIC}

        def __init__(self, cells):
            self.cells = cells

        def school_cells(self, school_id):
            return self.cells

    missed = cell(target=30.0, target_met=False, target_gap=1.2, target_gap_students=3)
    finished = Sections(Data([missed]), 10, 5, 30).targets("A")
    assert [(r["status"], r["distance"]) for r in finished] == [
        (target_rules.NOT_MET, "1.2 points: 3 fewer chronically absent students")
    ]
    judged = {("A", "chronic_absence_rate", "all"): {"status": target_rules.TOO_CLOSE, "how": "projected 30.4% = …"}}
    running = Sections(Data([missed]), 10, 5, 30, running_targets=judged).targets("A")
    assert [(r["status"], r["distance"]) for r in running] == [(target_rules.TOO_CLOSE, "projected 30.4% = …")]
    no_result = Sections(Data([cell(target=30.0)]), 10, 5, 30).targets("A")
    assert no_result[0]["status"] == target_rules.NO_DATA


def test_the_header_names_enrolled_students_and_those_the_attendance_figures_count():
    class Data:
        period, metrics = "mid_year", {}

        def __init__(self, enrollment):
            self.enrollment = enrollment

    def enrolled(counts):
        return Sections(Data({"A": counts}), 10, 5, 30).enrolled("A", 20)

    assert enrolled({"enrolled": 963, "attending": 947}) == (
        "963 students enrolled; the attendance figures count the 947 students enrolled 20 days or more"
    )
    assert enrolled({"enrolled": 300, "attending": 300}) == "300 students enrolled"
    assert enrolled({"enrolled": None, "attending": 947}) == (
        "947 students enrolled 20 days or more (those the attendance figures count)"
    )
    assert enrolled({"enrolled": 14, "attending": 8}) == (
        "14 students enrolled; the attendance figures count fewer than 10 students enrolled 20 days or more"
    )
    assert enrolled({"enrolled": 6, "attending": None}) == "fewer than 10 students enrolled"
    assert Sections(Data({}), 10, 5, 30).enrolled("A", 20) == "—"


# -- on the built sample zone: every page says the same ------------------------------------------------


def _text(fragment: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment))).strip()


def _cells(row: str) -> list[str]:
    return [_text(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S)]


def targets_page(page: Path) -> dict[tuple[str, str, str, str], str]:
    """{(school_id, period words, measure, students): status} of a school year's targets page."""
    found = {}
    for school_id, row in re.findall(r'<tr data-school="([^"]+)"[^>]*>(.*?)</tr>', page.read_text(), flags=re.S):
        _school, period, measure, students, _target, _result, status, _how = _cells(row)
        found[(school_id, period, measure, students)] = status
    return found


def school_targets(page: Path) -> dict[tuple[str, str], str]:
    """{(measure, students): status} of a school page's "Targets" table (this period's targets)."""
    section = page.read_text().split('<section id="targets"', 1)[1].split("</section>", 1)[0]
    section = section.split('<h3 id="on-pace-title"', 1)[0]  # a mid-year page's end-of-year targets follow
    found = {}
    for row in re.findall(r'<tr data-cell="[^"]+">(.*?)</tr>', section, flags=re.S):
        measure, students, _actual, _target, status, _distance = _cells(row)
        found[(measure, students)] = status
    return found


@pytest.mark.bench
def test_every_page_gives_a_target_the_same_status_in_the_registrys_words(built_sample_zone):
    reports = built_sample_zone / "out"
    compared = 0
    for year_dir in sorted(p for p in reports.iterdir() if p.is_dir() and p.name.isdigit()):
        by_page = targets_page(year_dir / "targets.html")
        assert set(by_page.values()) <= set(target_rules.STATUSES)
        for period_dir in sorted(p for p in year_dir.iterdir() if p.is_dir()):
            words = periods.label(period_dir.name)
            for page in sorted(period_dir.glob("S*.html")):
                for (measure, students), status in school_targets(page).items():
                    assert status in target_rules.STATUSES, (page, measure, status)
                    assert by_page[(page.stem, words, measure, students)] == status, (page, measure, students)
                    compared += 1
                text = _text(page.read_text())
                assert "not yet met" not in text and "not yet known" not in text
    assert compared > 100
    # The running school year's end-of-year targets are judged on pace on both pages.
    running = [
        s for (_, period, _, _), s in targets_page(reports / "2026" / "targets.html").items() if period == "End of year"
    ]
    assert target_rules.ON_PACE in running or target_rules.NOT_ON_PACE in running


@pytest.mark.bench
def test_the_school_header_explains_the_two_counts_on_the_sample_zone(built_sample_zone):
    import duckdb

    page = _text((built_sample_zone / "out" / "2026" / "mid_year" / "S01.html").read_text())
    with duckdb.connect(str(built_sample_zone / "wh.duckdb"), read_only=True) as con:
        counts = dict(
            con.execute(
                "select metric, n from marts.metric_values where school_id = 'S01' and school_year = 2026 "
                "and period = 'mid_year' and subgroup = 'all' and metric in ('iss_rate', 'attendance_rate')"
            ).fetchall()
        )
    enrolled, attending = counts["iss_rate"], counts["attendance_rate"]
    assert enrolled > attending  # some students enrolled fewer than 20 days
    assert (
        f"Students {enrolled:,} students enrolled; the attendance figures count the {attending:,} students "
        "enrolled 20 days or more"
    ) in page
