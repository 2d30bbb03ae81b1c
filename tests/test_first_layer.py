"""The school report's first layer (issue 27): the findings that touch the most students, in plain words.

Hand-computed findings on hand-written cells, the verdict words, and on the
committed sample zone's pages: no first-layer sentence over 30 words, and a
Flesch-Kincaid grade of 9 or lower.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from sezp_roadmap import signals
from sezp_roadmap.levers import Finding, Lever, LeverEvidence
from sezp_roadmap.reporting import headlines
from sezp_roadmap.reporting.context import Cell, MetricInfo, PeriodData
from sezp_roadmap.reporting.sentences import verdict_with_numbers, verdict_words

CHRONIC = MetricInfo("chronic_absence_rate", "Chronic absence", "percent", "lower", "")
SUSPENDED = MetricInfo("any_suspension_rate", "Any suspension", "percent", "lower", "")
OSS = MetricInfo("oss_rate", "Out-of-school suspension", "percent", "lower", "")
ATTENDANCE = MetricInfo("attendance_rate", "Attendance rate", "percent", "higher", "")
MATH = MetricInfo("meeting_rate:interim_math", "Interim math assessment: on grade level", "percent", "higher", "")
FAMILY = MetricInfo("family_favorable", "Family survey: percent favorable", "percent", "higher", "", "respondents")
MIN_FINDING_N = 30


def cell(info: MetricInfo, subgroup: str, n: int, value: float, **kw) -> Cell:
    return Cell("A", info.id, subgroup, n, value, False, **kw)


def period(cells: list[Cell], infos: list[MetricInfo]) -> PeriodData:
    return PeriodData(
        2026,
        "mid_year",
        {"school_year": 2026, "period": "mid_year"},
        [{"school_id": "A", "school_name": "Alpha"}],
        {(c.school_id, c.metric, c.subgroup): c for c in cells},
        {i.id: i for i in infos},
        {"A": 400},
    )


# -- how many students a finding touches ---------------------------------------------------------


def test_students_touched_is_n_times_the_difference_in_rates_rounded():
    # 120 students with disabilities, 20.0% suspended against 12.5% of their schoolmates: 120 × 7.5% = 9.
    assert headlines.students_touched(120, 20.0, 12.5) == 9
    # 200 students, 33.3% against 30.0%: 6.6, about 7; a rate below the comparison's is fewer students.
    assert headlines.students_touched(200, 33.3, 30.0) == 7
    assert headlines.students_touched(300, 10.0, 20.0) == -30


def zone_cells() -> PeriodData:
    cells = [
        # 9 more students with disabilities suspended than at their schoolmates' 12.5%.
        cell(SUSPENDED, "swd", 120, 20.0, comparison_value=12.5, gap_vs_comparison=7.5, gap_signal="clear"),
        # The same group and topic (suspension), 6 students: named once, by its larger finding.
        cell(OSS, "swd", 120, 15.0, comparison_value=10.0, gap_vs_comparison=5.0, gap_signal="clear"),
        # 400 students, 35% chronically absent against 30% last mid-year: 20 more students.
        cell(
            CHRONIC,
            "all",
            400,
            35.0,
            prior_value=30.0,
            change=5.0,
            change_signal="clear",
            rest_of_zone_value=31.0,
            zone_gap=4.0,
            zone_gap_signal="clear",
        ),
        # Within normal variation: not a finding.
        cell(CHRONIC, "ell", 90, 45.0, comparison_value=33.0, gap_vs_comparison=12.0, gap_signal="unclear"),
        # A small group (20 < 30), however clear: a clue, not a finding.
        cell(CHRONIC, "low_income", 20, 60.0, comparison_value=30.0, gap_vs_comparison=30.0, gap_signal="clear"),
        # Clear but under the notable size (3 points): not called out.
        cell(SUSPENDED, "male", 200, 14.0, comparison_value=12.0, gap_vs_comparison=2.0, gap_signal="clear"),
        # A share of days, not of students: left out of this ranking.
        cell(ATTENDANCE, "all", 400, 88.0, prior_value=93.0, change=-5.0, change_signal="clear"),
        # Respondents, not students: left out.
        cell(FAMILY, "all", 150, 60.0, prior_value=70.0, change=-10.0, change_signal="clear"),
        # 300 students, 30% meeting expectations against 20% in the rest of the zone: 30 more, better.
        cell(MATH, "all", 300, 30.0, rest_of_zone_value=20.0, zone_gap=10.0, zone_gap_signal="clear"),
        # A cell hidden for privacy is never a finding, whatever it carries.
        Cell(
            "A",
            "any_suspension_rate",
            "ell",
            60,
            50.0,
            True,
            comparison_value=10.0,
            gap_vs_comparison=40.0,
            gap_signal="clear",
        ),
    ]
    return period(cells, [CHRONIC, SUSPENDED, OSS, ATTENDANCE, MATH, FAMILY])


def test_findings_are_likely_real_shares_of_students_ranked_by_how_many_students_they_touch():
    found = headlines.ranked(zone_cells(), "A", MIN_FINDING_N)
    assert [(h.metric, h.subgroup, h.kind, h.students, h.better) for h in found] == [
        ("meeting_rate:interim_math", "all", "zone", 30, True),
        ("chronic_absence_rate", "all", "change", 20, False),
        ("any_suspension_rate", "swd", "gap", 9, False),
    ]
    assert [h.sentence for h in found] == [
        "About 30 more students met expectations on the interim math assessment than if the school matched "
        "the rest of the zone.",
        "About 20 more students were chronically absent than if the rate had not changed since last mid-year.",
        "About 9 more students with disabilities were suspended than if they were suspended as often as their "
        "schoolmates.",
    ]
    assert [h.numbers for h in found] == [
        "30.0% here, against 20.0% in the rest of the zone",
        "35.0% now, against 30.0% last mid-year",
        "20.0% of them, against 12.5% of their schoolmates",
    ]


def test_a_group_is_named_once_per_topic_and_at_most_five_findings_are_shown():
    candidates = headlines.candidates(zone_cells(), "A", MIN_FINDING_N)
    # Chronic absence's zone finding (16 students) and the out-of-school suspensions of the same group
    # (6) are candidates, left out of the ranking by a larger finding of the same group and topic.
    assert {(h.metric, h.kind, h.students) for h in candidates} >= {
        ("chronic_absence_rate", "zone", 16),
        ("oss_rate", "gap", 6),
    }
    (oss,) = [h for h in candidates if h.metric == "oss_rate"]
    assert oss.sentence == (
        "About 6 more students with disabilities got an out-of-school suspension than if they got one as often as "
        "their schoolmates."
    )
    assert len(headlines.ranked(zone_cells(), "A", MIN_FINDING_N, most=2)) == 2


def test_one_student_reads_in_the_singular():
    # 30 students, 6.0% suspended against 2.5% last mid-year: 30 × 3.5% = 1.05, about 1.
    one = period([cell(SUSPENDED, "all", 30, 6.0, prior_value=2.5, change=3.5, change_signal="clear")], [SUSPENDED])
    found = headlines.ranked(one, "A", 10)
    assert found[0].students == 1
    assert (
        found[0].sentence == "About 1 more student was suspended than if the rate had not changed since last mid-year."
    )


def test_an_end_of_year_change_and_a_named_assessment_read_plainly():
    mcas = MetricInfo(
        "meeting_rate:mcas_math", "MCAS Mathematics: meeting or exceeding expectations", "percent", "higher", ""
    )
    data = period([cell(mcas, "all", 200, 5.5, prior_value=17.8, change=-12.3, change_signal="clear")], [mcas])
    data.period = "end_of_year"
    (found,) = headlines.ranked(data, "A", MIN_FINDING_N)
    # 200 × (5.5 − 17.8) / 100 = −24.6: about 25 fewer students.
    assert found.students == -25 and not found.better
    assert found.sentence == (
        "About 25 fewer students met expectations on MCAS Mathematics than if the rate had not changed since "
        "the same point last year."
    )
    assert found.numbers == "5.5% now, against 17.8% at the same point last year"


def test_questions_follow_the_findings_then_the_targets_and_levers():
    found = headlines.ranked(zone_cells(), "A", MIN_FINDING_N)
    assert headlines.questions(found, targets_not_met=2, has_levers=True) == [
        "What helped with the interim math assessment results, and how do we keep it going?",
        "What changed since last mid-year for chronic absence?",
        "What do students with disabilities tell us about suspensions, and what would we try first?",
        "Which missed target can we still reach this year, and what will it take?",
        "Do the top levers match what we see in classrooms? Which two will we choose?",
    ]
    assert headlines.questions([], 0, False) == [
        "The figures show no large, likely-real difference. What do we see that they do not?"
    ]


def test_a_levers_reason_is_its_strongest_finding_and_how_many_more():
    lever = Lever("attendance", "Attendance and engagement", "", ("chronic_absence_rate",))
    top = Finding("target_not_met", "chronic_absence_rate", "all", "Chronic absence", "percent", "students", 400, 35.0)
    gap = Finding("equity_gap", "chronic_absence_rate", "swd", "Chronic absence", "percent", "students", 90, 45.0)
    assert headlines.lever_reason(LeverEvidence(lever, 1, [top, gap])) == (
        "Chronic absence: target not met, and 1 more finding."
    )
    assert headlines.lever_reason(LeverEvidence(lever, 1, [gap])) == (
        "Chronic absence: a gap for students with disabilities."
    )
    math = Finding("worse_than_zone", "meeting_rate:interim_math", "all", MATH.label, "percent", "students", 300, 10.0)
    assert headlines.lever_reason(LeverEvidence(lever, 1, [math])) == (
        "Interim math assessment, on grade level: worse than the zone."
    )
    nothing = LeverEvidence(lever, 2, [], metrics_with_data=0)
    assert headlines.lever_reason(nothing) == (
        "No published figure of this period bears on this lever: the data cannot speak to it."
    )


# -- verdicts in a teacher's words ---------------------------------------------------------------------


def test_verdicts_are_words_a_teacher_uses_with_the_number_and_range_beside():
    clear = cell(CHRONIC, "all", 400, 26.0, change=-4.1, change_low=-7.0, change_high=-1.2, change_signal="clear")
    assert verdict_words(CHRONIC, clear, -4.1, "clear", 30, "last mid-year") == (
        "clearly lower than last mid-year, which is better"
    )
    assert verdict_with_numbers(CHRONIC, clear, -4.1, -7.0, -1.2, "clear", 30, "last mid-year") == (
        "clearly lower than last mid-year, which is better: −4.1 points (range −7.0 to −1.2)"
    )
    same = cell(CHRONIC, "all", 60, 30.0)
    assert verdict_with_numbers(CHRONIC, same, 2.4, -4.0, 9.0, "unclear", 30, "last mid-year") == (
        "about the same as last mid-year: +2.4 points (range −4.0 to +9.0)"
    )
    chance = verdict_with_numbers(CHRONIC, same, -2.6, -5.1, -0.2, "unclear", 30, "the rest of the zone")
    assert chance == (
        "about the same as the rest of the zone: −2.6 points (range −5.1 to −0.2); could be chance among "
        "the report's many comparisons"
    )
    small = cell(CHRONIC, "ell", 12, 50.0)
    assert verdict_words(CHRONIC, small, 20.0, "clear", 30, "the rest of the school") == "too few students to tell"
    educator = MetricInfo("educator_ici", "Educator survey", "score", "higher", "", "respondents")
    survey = cell(educator, "all", 40, 6.0)
    assert verdict_words(educator, survey, 0.8, None, 30, "last mid-year") == (
        "higher than last mid-year, with no range to tell if it is real"
    )
    assert verdict_words(educator, survey, 0.01, None, 30, "last mid-year") == "about the same as last mid-year"
    assert signals.evidence("clear", n=12, population="students", min_finding_n=30) == signals.SMALL_GROUP


# -- reading level of the first layer on the sample zone ----------------------------------------------------


class FirstLayerText(HTMLParser):
    """The text of a page's first layer, less its tables (cells are figures, not sentences)."""

    def __init__(self):
        super().__init__()
        self.depth = 0  # inside <div class="first-layer">
        self.skip = 0  # inside a table or a folded details
        self.parts: list[str] = []
        self.found = False

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if tag == "div" and "first-layer" in classes:
            self.depth, self.found = 1, True
            return
        if self.depth:
            if tag == "div":
                self.depth += 1
            if tag in ("table", "details"):
                self.skip += 1
            if tag in ("p", "li", "h2", "h3"):
                self.parts.append("\n")

    def handle_endtag(self, tag):
        if not self.depth:
            return
        if tag in ("table", "details"):
            self.skip -= 1
        if tag == "div":
            self.depth -= 1

    def handle_data(self, data):
        if self.depth and not self.skip:
            self.parts.append(data)


def first_layer_text(html: str) -> str:
    # The aria-hidden marks (▲ ▼) are single characters with no words: drop them before parsing.
    html = re.sub(r'<span class="mark" aria-hidden="true">[^<]*</span>', "", html)
    parser = FirstLayerText()
    parser.feed(html)
    assert parser.found
    return "".join(parser.parts)


def sentences_of(text: str) -> list[str]:
    """Sentences end at '.', '?' or '!' before a space or the end, and at a heading's or a list item's end."""
    pieces = []
    for block in text.split("\n"):
        pieces += [s.strip() for s in re.split(r"(?<=[.?!])\s+", block) if s.strip()]
    return pieces


def words_of(sentence: str) -> list[str]:
    return re.findall(r"[A-Za-z0-9][A-Za-z0-9'’%.,-]*", sentence)


def syllables(word: str) -> int:
    """A simple syllable counter: vowel groups, a final silent e dropped; a number counts one per digit."""
    digits = re.sub(r"\D", "", word)
    if digits:
        return max(1, len(digits))
    w = re.sub(r"[^a-z]", "", word.lower())
    if not w:
        return 1
    groups = len(re.findall(r"[aeiouy]+", w))
    if w.endswith("e") and not w.endswith(("le", "ee")) and groups > 1:
        groups -= 1
    return max(1, groups)


def flesch_kincaid_grade(sentences: list[str]) -> float:
    """0.39 × words per sentence + 11.8 × syllables per word − 15.59 (Kincaid et al. 1975)."""
    words = [w for s in sentences for w in words_of(s)]
    return 0.39 * len(words) / len(sentences) + 11.8 * sum(syllables(w) for w in words) / len(words) - 15.59


def test_the_syllable_counter_and_the_formula_by_hand():
    assert [syllables(w) for w in ("students", "were", "suspended", "absent", "chronically", "the", "244")] == [
        2,
        1,
        3,
        2,
        4,
        1,
        3,
    ]
    # "The cat sat on the mat." 6 words, 6 syllables, 1 sentence: 0.39 × 6 + 11.8 × 1 − 15.59 = −1.45.
    assert flesch_kincaid_grade(["The cat sat on the mat."]) == pytest.approx(-1.45)


@pytest.fixture(scope="module")
def sample_reports(built_sample_zone) -> Path:
    """The reports of the committed sample zone (conftest's built_sample_zone)."""
    return built_sample_zone / "out"


def school_pages(reports: Path) -> list[Path]:
    return sorted(p for p in reports.glob("*/*/*.html") if p.name != "zone.html")


def assert_plain_first_layers(pages: list[Path]) -> None:
    for page in pages:
        said = sentences_of(first_layer_text(page.read_text(encoding="utf-8")))
        longest = max(said, key=lambda s: len(words_of(s)))
        assert len(words_of(longest)) <= 30, (page, longest)
        grade = flesch_kincaid_grade(said)
        assert grade <= 9, (page, round(grade, 1))


def test_the_report_zones_first_layers_have_no_sentence_over_30_words_and_read_at_grade_9_or_lower(report_zone):
    _, _, reports = report_zone
    pages = school_pages(reports)
    assert len(pages) >= 3
    assert_plain_first_layers(pages)


@pytest.mark.bench
def test_the_first_layer_has_no_sentence_over_30_words_and_reads_at_grade_9_or_lower(sample_reports):
    pages = school_pages(sample_reports)
    assert len(pages) >= 13
    assert_plain_first_layers(pages)


@pytest.mark.bench
def test_the_first_layer_names_findings_targets_levers_and_questions(sample_reports):
    html = (sample_reports / "2026" / "mid_year" / "S01.html").read_text(encoding="utf-8")
    first = html[html.index('<div class="first-layer">') : html.index('<div class="detail-layer"')]
    for section in ('id="at-a-glance"', 'id="targets"', 'id="levers"', 'id="discuss"'):
        assert section in first
    found = re.findall(r'<li class="status-(?:better|worse)" data-cell="[^"]+" data-kind="\w+">', first)
    assert 3 <= len(found) <= headlines.MOST
    assert len(re.findall(r"<li><strong>", first)) == 6  # every lever, each with its reason
    # No chart, no range and no folded method in the first layer.
    assert "Plotly.newPlot" not in first and "range " not in first.replace("likely range", "")
    detail = html[html.index('<div class="detail-layer"') :]
    # Everything else is folded: every section of the detail layer opens from a summary.
    for section in (
        "key-figures",
        "levers-detail",
        "academics",
        "equity",
        "attendance",
        "discipline",
        "climate",
        "sqr",
        "notes",
    ):
        block = detail[detail.index(f'<section id="{section}"') :]
        block = block[: block.index("</section>")]
        assert '<details class="layer"><summary>' in block, section


def test_every_page_of_the_report_zone_opens_on_the_first_layer_and_folds_the_rest(report_zone):
    _, _, reports = report_zone
    for page in school_pages(reports):
        html = page.read_text(encoding="utf-8")
        first = html[html.index('<div class="first-layer">') : html.index('<div class="detail-layer"')]
        for section in ('id="at-a-glance"', 'id="targets"', 'id="levers"', 'id="discuss"'):
            assert section in first, (page, section)
        assert len(re.findall(r"<li><strong>", first)) == 6, page  # every lever, each with its reason
        assert "Plotly.newPlot" not in first, page
        detail = html[html.index('<div class="detail-layer"') :]
        # The top-level sections (priority-levers is inside levers-detail).
        sections = ("key-figures", "levers-detail", "equity", "attendance", "discipline", "climate", "sqr", "notes")
        for section in sections:
            block = detail[detail.index(f'<section id="{section}"') :]
            block = block[: block.index("</section>")]
            assert "<details" in block and "<summary>" in block, (page, section)
