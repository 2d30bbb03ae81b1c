"""Priority levers: configuration, findings, ranking, exports and their privacy (docs/priority-levers.md)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import duckdb
import pytest

from sezp_roadmap import signals
from sezp_roadmap.errors import InputProblem
from sezp_roadmap.levers import Lever, findings_for, load_levers, rank_levers
from sezp_roadmap.reporting.lever_words import lever_texts, ranking_note
from sezp_roadmap.reporting.priority_levers import EXPORT_COLUMNS, export_csv, export_markdown, finding_sentence

MIN_FINDING_N = 30  # defaults.yaml: signals.min_finding_n


def row(metric: str, value: float | None, subgroup: str = "all", **kw) -> dict:
    """A published cell shaped like marts.metric_comparisons with the catalog's label and population."""
    base = {
        "metric": metric,
        "subgroup": subgroup,
        "value": value,
        "suppressed": False,
        "n": 200,
        "label": metric.replace("_", " ").capitalize(),
        "unit": "percent",
        "direction": "lower",
        "population": "students",
        "prior_value": None,
        "change": None,
        "zone_value": None,
        "diff_vs_zone": None,
        "all_value": None,
        "gap_vs_all": None,
        "gap_vs_comparison": None,
        "comparison_value": None,
        "target": None,
        "target_met": None,
        "target_gap": None,
        "target_gap_students": None,
        "ci_low": None,
        "ci_high": None,
        "change_signal": None,
        "gap_signal": None,
        "zone_gap_signal": None,
    }
    return {**base, **kw}


def findings(rows: list[dict]):
    return findings_for(rows, min_finding_n=MIN_FINDING_N)


# -- configuration --------------------------------------------------------------------------


def test_default_levers_are_the_frameworks_six():
    levers = load_levers()
    assert [lever.id for lever in levers] == [
        "instruction_tiered_supports",
        "attendance_engagement",
        "culture_climate",
        "family_partnership",
        "talent_teacher_leadership",
        "schedule_time",
    ]
    by_id = {lever.id: lever for lever in levers}
    assert by_id["attendance_engagement"].bears_on("chronic_absence_rate")
    assert by_id["instruction_tiered_supports"].bears_on("sqr:instruction")
    assert by_id["family_partnership"].bears_on("family_favorable:communication")
    assert not by_id["family_partnership"].bears_on("chronic_absence_rate")


def test_a_zone_replaces_the_levers_in_its_settings_and_patterns_match_families():
    levers = load_levers({"levers": [{"id": "voice", "name": "Teacher voice", "survey_topics": ["educator:*"]}]})
    assert levers == (Lever("voice", "Teacher voice", "", ("educator:*",)),)
    assert levers[0].bears_on("educator:peer_culture") and not levers[0].bears_on("educator_ici")


@pytest.mark.parametrize(
    "levers",
    [
        [],
        [{"name": "No id"}],
        [{"id": "a", "name": "A", "metrics": "x"}],
        [{"id": "a", "name": "A"}, {"id": "a", "name": "B"}],
    ],
)
def test_a_bad_lever_list_is_an_input_problem(levers):
    with pytest.raises(InputProblem):
        load_levers({"levers": levers})


# -- findings -------------------------------------------------------------------------------


def test_each_kind_of_finding_is_a_sentence_with_its_numbers():
    rows = [
        # 31.2% of 250 students, range 25.8% to 37.1%: wholly above the target of 20%, so the miss is clear.
        row(
            "chronic_absence_rate",
            31.2,
            n=250,
            label="Chronic absence",
            ci_low=25.8,
            ci_high=37.1,
            target=20.0,
            target_met=False,
            target_gap=11.2,
            target_gap_students=28,
            zone_value=24.0,
            diff_vs_zone=7.2,
            zone_gap_signal="clear",
            prior_value=27.0,
            change=4.2,
            change_signal="clear",
        ),
        row(
            "chronic_absence_rate",
            45.0,
            "swd",
            n=40,
            label="Chronic absence",
            gap_vs_comparison=15.9,
            comparison_value=29.1,
            gap_signal="clear",
        ),
        # A larger group's smaller gap, within normal variation: the metric's one gap is the clear one above.
        row(
            "chronic_absence_rate",
            35.0,
            "ell",
            n=60,
            label="Chronic absence",
            gap_vs_comparison=4.5,
            comparison_value=30.5,
            gap_signal="unclear",
        ),
        row(
            "sqr:instruction",
            1.5,
            n=4,
            label="School Quality Review: Instruction",
            unit="rating",
            direction="higher",
            population="indicators",
        ),
    ]
    found = findings(rows)
    assert [(f.kind, finding_sentence(f, "mid_year"), f.points) for f in found] == [
        # Large (11.2 >= 2 x 3 points): 3 x 2.
        (
            "target_not_met",
            "Chronic absence, all students: 31.2% against the mid-year target of 20.0%; "
            "28 fewer chronically absent students would meet it (250 students).",
            6,
        ),
        (
            "worse_than_zone",
            "Chronic absence, all students: 31.2%, 7.2 points worse than the zone (24.0%) (250 students).",
            4,
        ),
        (
            "worsening",
            "Chronic absence, all students: 31.2%, 4.2 points worse than last mid-year (27.0%) (250 students).",
            2,
        ),
        ("low_sqr_rating", "School Quality Review: Instruction: rated 1.50 out of 4 (2 or lower).", 6),
        (
            "equity_gap",
            "Chronic absence, Students with disabilities: 45.0%, 15.9 points worse than the rest of the "
            "school (29.1%) (40 students).",
            2,
        ),
    ]
    assert all(f.evidence == signals.LIKELY_REAL for f in found)


def test_only_likely_real_findings_score_and_the_others_say_why_they_were_left_out():
    rows = [
        # The range 25.8% to 37.1% has the target of 30% inside it: missed, but not beyond doubt.
        row(
            "chronic_absence_rate",
            31.2,
            n=250,
            ci_low=25.8,
            ci_high=37.1,
            target=30.0,
            target_met=False,
            target_gap=1.2,
            target_gap_students=3,
            prior_value=27.0,
            change=4.2,
            change_signal="unclear",
            zone_value=26.2,
            diff_vs_zone=5.0,
            zone_gap_signal=None,
        ),
        # A clear gap in a group of 25: a clue, never a finding.
        row(
            "chronic_absence_rate", 40.0, "swd", n=25, gap_vs_comparison=10.0, comparison_value=30.0, gap_signal="clear"
        ),
        # The educator survey has no range (the vendor reports averages only).
        row(
            "educator:peer_culture",
            5.0,
            n=40,
            unit="score",
            direction="higher",
            population="respondents",
            prior_value=5.8,
            change=-0.8,
        ),
    ]
    found = findings(rows)
    assert [(f.kind, f.evidence, f.points) for f in found] == [
        ("target_not_met", signals.NORMAL_VARIATION, 0),
        ("worse_than_zone", signals.NO_RANGE, 0),
        ("worsening", signals.NORMAL_VARIATION, 0),
        ("worsening", signals.NO_RANGE, 0),
        ("equity_gap", signals.SMALL_GROUP, 0),
    ]
    ranked = rank_levers(LEVERS, found, {r["metric"] for r in rows})
    attendance = next(e for e in ranked if e.lever.id == "attendance")
    assert (attendance.score, attendance.findings, len(attendance.left_out)) == (0, [], 4)
    assert (
        lever_texts(attendance).left_out
        == "Left out, 0 points: 2 within normal variation, 1 about a small group, 1 with no range to judge."
    )
    assert lever_texts(attendance).caution == "Thin evidence: no finding is likely real."
    assert lever_texts(attendance).breakdown == "no likely real findings: 0 points."


@pytest.mark.parametrize(("n", "evidence"), [(29, signals.SMALL_GROUP), (30, signals.LIKELY_REAL)])
def test_a_group_of_fewer_than_thirty_never_scores(n, evidence):
    rows = [
        row("chronic_absence_rate", 40.0, "swd", n=n, gap_vs_comparison=10.0, comparison_value=30.0, gap_signal="clear")
    ]
    assert [(f.evidence, f.points) for f in findings(rows)] == [(evidence, 0 if evidence == signals.SMALL_GROUP else 2)]


def test_when_no_gap_of_a_metric_is_clear_its_largest_is_the_one_left_out():
    rows = [
        row(
            "chronic_absence_rate",
            40.0,
            "swd",
            n=60,
            gap_vs_comparison=10.0,
            comparison_value=30.0,
            gap_signal="unclear",
        ),
        row(
            "chronic_absence_rate",
            36.0,
            "ell",
            n=80,
            gap_vs_comparison=5.0,
            comparison_value=31.0,
            gap_signal="unclear",
        ),
    ]
    assert [(f.subgroup, f.evidence) for f in findings(rows)] == [("swd", signals.NORMAL_VARIATION)]


def test_small_differences_better_figures_and_met_targets_are_not_findings():
    rows = [
        row(
            "attendance_rate",
            93.0,
            direction="higher",
            diff_vs_zone=-2.9,
            change=4.0,
            target=93.0,
            target_met=True,
            change_signal="clear",
            zone_gap_signal="clear",
        ),
        row(
            "chronic_absence_rate", 20.0, diff_vs_zone=-5.0, change=-3.0, change_signal="clear", zone_gap_signal="clear"
        ),
        row("chronic_absence_rate", 22.0, "hispanic", gap_vs_comparison=2.0, gap_signal="clear"),
        row("chronic_absence_rate", 30.0, "non_ell", gap_vs_comparison=10.0, gap_signal="clear"),
        row("sqr:culture", 2.25, unit="rating", direction="higher", population="indicators"),
    ]
    assert findings(rows) == []


def test_suppressed_cells_yield_no_finding_even_with_figures_left_in_the_row():
    rows = [
        row(
            "chronic_absence_rate",
            77.77,
            "swd",
            suppressed=True,
            n=7,
            gap_vs_comparison=57.77,
            gap_signal="clear",
            target=30.0,
            target_met=False,
            target_gap=47.77,
            diff_vs_zone=50.0,
            change=40.0,
            change_signal="clear",
        )
    ]
    assert findings(rows) == []


# -- ranking --------------------------------------------------------------------------------

LEVERS = (
    Lever("instruction", "Instruction", "Teaching.", ("sqr:instruction", "educator:*")),
    Lever("attendance", "Attendance", "Coming to school.", ("attendance_rate", "chronic_absence_rate")),
    Lever("family", "Family partnership", "Families.", ("family_favorable*",)),
)


def crafted_rows() -> list[dict]:
    """Attendance is plainly the problem; instruction has one sign and one without a range; families are fine."""
    return [
        row(
            "chronic_absence_rate",
            38.0,
            label="Chronic absence",
            ci_low=31.6,
            ci_high=44.8,
            target=25.0,
            target_met=False,
            target_gap=13.0,
            target_gap_students=26,
            zone_value=26.0,
            diff_vs_zone=12.0,
            zone_gap_signal="clear",
            prior_value=30.0,
            change=8.0,
            change_signal="clear",
        ),
        row(
            "attendance_rate",
            89.0,
            label="Attendance rate",
            direction="higher",
            zone_value=93.0,
            diff_vs_zone=-4.0,
            zone_gap_signal="clear",
        ),
        row(
            "educator:peer_culture",
            6.0,
            label="Educator survey: Peer Culture",
            unit="score",
            direction="higher",
            population="respondents",
            n=40,
            zone_value=6.6,
            diff_vs_zone=-0.6,
        ),
        row(
            "sqr:instruction",
            2.0,
            label="School Quality Review: Instruction",
            unit="rating",
            direction="higher",
            population="indicators",
            n=4,
        ),
        row(
            "family_favorable",
            82.0,
            label="Family survey",
            direction="higher",
            population="respondents",
            n=60,
            zone_value=75.0,
            diff_vs_zone=7.0,
            zone_gap_signal="clear",
        ),
    ]


def test_the_lever_the_data_plainly_points_to_ranks_first_with_its_score():
    rows = crafted_rows()
    ranked = rank_levers(LEVERS, findings(rows), {r["metric"] for r in rows})
    # Attendance has two measures, so it scores twice: chronic absence's strongest finding, its target missed by
    # 13 (large: 3 x 2 = 6), with its 12 worse than the zone and 8 worse than last mid-year as support (0 points);
    # the attendance rate, 4 worse than the zone (2). Instruction: SQR 2.0 (3); the educator survey's 0.6 below
    # the zone has no range and is left out.
    assert [(e.lever.id, e.score, len(e.findings), len(e.support), len(e.left_out)) for e in ranked] == [
        ("attendance", 6 + 2, 2, 2, 0),
        ("instruction", 3, 1, 0, 1),
        ("family", 0, 0, 0, 0),
    ]
    top = ranked[0]
    assert [(f.metric, f.kind, f.points) for f in top.findings] == [
        ("chronic_absence_rate", "target_not_met", 6),
        ("attendance_rate", "worse_than_zone", 2),
    ]
    assert [(f.metric, f.kind, f.points, f.counts) for f in top.support_of(top.findings[0])] == [
        ("chronic_absence_rate", "worse_than_zone", 0, True),
        ("chronic_absence_rate", "worsening", 0, True),
    ]
    assert top.support_of(top.findings[1]) == []
    assert lever_texts(top).breakdown == (
        "1 × target not met at 3 points (1 large, counted double) = 6; "
        "1 × worse than the zone at 2 points = 2. Total 8 points."
    )
    assert lever_texts(top).reason == (
        "Chronic absence is above its target: 38.0% against 25.0%; 26 fewer chronically absent students would meet it."
    )
    assert lever_texts(top).support == "Support, 0 points: 2 more likely real findings on measures that already score."
    assert lever_texts(top).caution is None and lever_texts(top).left_out is None
    assert lever_texts(ranked[1]).caution == "Thin evidence: a single likely real finding."
    assert lever_texts(ranked[1]).left_out == "Left out, 0 points: 1 with no range to judge."
    assert lever_texts(ranked[1]).reason == "School Quality Review: Instruction is rated low: 2.00 out of 4."
    assert lever_texts(ranked[2]).caution is None and ranked[2].metrics_with_data == 1
    assert lever_texts(ranked[2]).reason is None and lever_texts(ranked[2]).support is None
    assert ranking_note(ranked) is None


def test_thin_evidence_is_said_not_hidden():
    no_data = rank_levers(LEVERS, [], {"attendance_rate"})
    assert no_data[0].lever.id == "instruction"  # ties keep the configured order
    assert lever_texts(no_data[0]).caution.startswith("No published figure of this period bears on this lever")
    assert ranking_note(no_data).startswith("No likely real finding points to any lever")
    small = [
        row(
            "chronic_absence_rate",
            40.0,
            n=12,
            zone_value=20.0,
            diff_vs_zone=20.0,
            zone_gap_signal="clear",
            prior_value=30.0,
            change=10.0,
            change_signal="clear",
        )
    ]
    ranked = rank_levers(LEVERS, findings(small), {"chronic_absence_rate"})
    assert (ranked[0].lever.id, ranked[0].score) == ("instruction", 0)
    attendance = next(e for e in ranked if e.lever.id == "attendance")
    assert lever_texts(attendance).caution == "Thin evidence: no finding is likely real."
    assert lever_texts(attendance).left_out == "Left out, 0 points: 2 about a small group."


# -- exports --------------------------------------------------------------------------------


def period_data() -> SimpleNamespace:
    return SimpleNamespace(school_year=2026, period="mid_year", period_row={"data_through": dt.date(2025, 12, 19)})


def crafted_ranking():
    rows = crafted_rows()
    return rank_levers(LEVERS, findings(rows), {r["metric"] for r in rows})


def test_the_csv_export_has_one_row_per_finding_strongest_first_with_the_levers_rank_and_score():
    text = export_csv({"school_id": "A", "school_name": "Alpha Middle"}, period_data(), crafted_ranking())
    lines = text.splitlines()
    assert lines[0] == (
        "school_id,school_name,school_year,period,rank,lever_id,lever,score,score_breakdown,reason,left_out,"
        "caution,finding_kind,finding_measure,finding_metric,finding_subgroup,finding_role,finding_points,"
        "finding_evidence,finding"
    )
    breakdown = (
        '"1 × target not met at 3 points (1 large, counted double) = 6; 1 × worse than the zone at 2 points = 2. '
        'Total 8 points."'
    )
    reason = (
        "Chronic absence is above its target: 38.0% against 25.0%; 26 fewer chronically absent students would meet it."
    )
    head = f"A,Alpha Middle,2026,mid_year,1,attendance,Attendance,8,{breakdown},{reason},,,"
    second = (
        "A,Alpha Middle,2026,mid_year,2,instruction,Instruction,3,1 × low School Quality Review rating at 3 "
        "points = 3. Total 3 points.,School Quality Review: Instruction is rated low: 2.00 out of 4.,"
        '"Left out, 0 points: 1 with no range to judge.",Thin evidence: a single likely real finding.,'
    )
    chronic = "chronic_absence_rate,chronic_absence_rate,all"
    assert lines[1:] == [
        # Chronic absence scores once, with its strongest finding; its other likely real findings follow it as
        # support, 0 points: an analyst can check the rule from the measure, metric, subgroup and role columns.
        head + f'target_not_met,{chronic},scores,6,likely real,"Chronic absence, all students: 38.0% against the '
        'mid-year target of 25.0%; 26 fewer chronically absent students would meet it (200 students)."',
        head + f'worse_than_zone,{chronic},support,0,likely real,"Chronic absence, all students: 38.0%, 12.0 points '
        'worse than the zone (26.0%) (200 students)."',
        head + f'worsening,{chronic},support,0,likely real,"Chronic absence, all students: 38.0%, 8.0 points worse '
        'than last mid-year (30.0%) (200 students)."',
        head + "worse_than_zone,attendance_rate,attendance_rate,all,scores,2,likely real,"
        '"Attendance rate, all students: 89.0%, 4.0 points worse than the zone (93.0%) (200 students)."',
        second + "low_sqr_rating,sqr,sqr:instruction,all,scores,3,likely real,School Quality Review: Instruction: "
        "rated 2.00 out of 4 (2 or lower).",
        # Left out, with its judgment and no points: the export says what the score set aside.
        second + "worse_than_zone,educator_survey,educator:peer_culture,all,left out,0,no range,"
        '"Educator survey: Peer Culture: 6.0, 0.6 points worse than the zone (6.6) (40 respondents)."',
        "A,Alpha Middle,2026,mid_year,3,family,Family partnership,0,no likely real findings: 0 points.,,,,,,,,,,,",
    ]


def test_the_markdown_export_reads_as_the_form_expects():
    text = export_markdown({"school_id": "A", "school_name": "Alpha Middle"}, period_data(), crafted_ranking())
    lines = text.splitlines()
    assert lines[0] == "# Priority levers: Alpha Middle"
    assert lines[2].startswith("Mid-year 2025–26, data through December 19, 2025.")
    assert lines[4].startswith("How the score works: Each finding that is likely real adds points (target not met 3, ")
    assert "Each measure scores once per lever, with its strongest likely real finding" in lines[4]
    assert lines[6:] == [
        "## 1. Attendance (8 points)",
        "",
        "Coming to school.",
        "",
        "Why: Chronic absence is above its target: 38.0% against 25.0%; 26 fewer chronically absent students "
        "would meet it.",
        "",
        "Score: 1 × target not met at 3 points (1 large, counted double) = 6; 1 × worse than the zone at 2 points "
        "= 2. Total 8 points.",
        "",
        "Support, 0 points: 2 more likely real findings on measures that already score.",
        "",
        "- Chronic absence, all students: 38.0% against the mid-year target of 25.0%; 26 fewer chronically absent "
        "students would meet it (200 students). (6 points)",
        "  - Support, 0 points: Chronic absence, all students: 38.0%, 12.0 points worse than the zone (26.0%) "
        "(200 students).",
        "  - Support, 0 points: Chronic absence, all students: 38.0%, 8.0 points worse than last mid-year (30.0%) "
        "(200 students).",
        "- Attendance rate, all students: 89.0%, 4.0 points worse than the zone (93.0%) (200 students). (2 points)",
        "",
        "## 2. Instruction (3 points)",
        "",
        "Teaching.",
        "",
        "Why: School Quality Review: Instruction is rated low: 2.00 out of 4.",
        "",
        "Score: 1 × low School Quality Review rating at 3 points = 3. Total 3 points.",
        "",
        "Left out, 0 points: 1 with no range to judge.",
        "",
        "Caution: Thin evidence: a single likely real finding.",
        "",
        "- School Quality Review: Instruction: rated 2.00 out of 4 (2 or lower). (3 points)",
        "",
        "## 3. Family partnership (0 points)",
        "",
        "Families.",
        "",
        "Score: no likely real findings: 0 points.",
    ]
    assert text.endswith("points.\n")


# -- the rendered zone ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def zone(report_zone):
    return report_zone


def test_every_school_report_has_the_section_and_its_exports_beside_it(zone):
    _, _, reports = zone
    pages = sorted(p for p in reports.glob("*/*/*.html") if p.name != "zone.html")
    assert len(pages) == 12
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert 'id="priority-levers"' in html and "How the score works." in html
        assert '<th scope="col">Main reason</th>' in html
        for suffix in (".csv", ".md"):
            export = page.with_name(f"{page.stem}-priority-levers{suffix}")
            assert export.is_file(), export
            if suffix == ".csv":
                assert export.read_text(encoding="utf-8").splitlines()[0] == ",".join(EXPORT_COLUMNS)
            assert f'href="{export.name}"' in html
        assert ("End-of-year targets: on pace?" in html) == (page.parent.name == "mid_year")
    b = (reports / "2026" / "mid_year" / "B.html").read_text(encoding="utf-8")
    assert 'data-target="chronic_absence_rate|swd"' in b


def test_exports_carry_no_hidden_value(zone):
    _, warehouse, reports = zone
    with duckdb.connect(str(warehouse), read_only=True) as con:
        hidden = con.execute(
            """
            select v.school_id, v.school_year, v.period, c.value
            from marts.metric_values as v
            join work.metric_cells as c using (school_id, school_year, period, metric, subgroup)
            where v.suppressed and v.school_id <> 'ZONE' and c.value is not null
            """
        ).fetchall()
    assert len(hidden) > 20
    checked = 0
    for school_id, year, period, value in hidden:
        for suffix in (".csv", ".md"):
            text = (reports / str(year) / period / f"{school_id}-priority-levers{suffix}").read_text(encoding="utf-8")
            # One-decimal renderings of short values could be another cell's; the exact value never appears.
            if len(repr(value)) >= 8:
                checked += 1
                assert repr(value) not in text and repr(round(value, 4)) not in text
    assert checked > 0


def test_targets_page_lists_every_target_with_its_status(zone):
    _, _, reports = zone
    index = (reports / "index.html").read_text(encoding="utf-8")
    assert 'href="2026/targets.html"' in index and 'href="2025/targets.html"' in index
    html = (reports / "2026" / "targets.html").read_text(encoding="utf-8")
    assert html.count('<tr data-school="') == 4
    assert '<option value="A">Alpha Middle</option>' in html
    statuses = [s for s in ("met", "not met", "on pace", "not on pace", "cannot be checked") if f">{s}</td>" in html]
    assert statuses
    assert "No targets were set for this school year." in (reports / "2025" / "targets.html").read_text(
        encoding="utf-8"
    )


def test_the_instruction_lever_draws_on_the_academic_figures():
    """Issue 19: a clear academic finding (below the rest of the zone, a gap for English learners) scores for
    Instruction and tiered supports, and only there; an unclear one scores nothing."""
    levers = load_levers()
    rows = [
        row(
            "meeting_rate:interim_reading",
            14.0,
            n=300,
            label="Interim reading: on grade level",
            direction="higher",
            zone_value=24.0,
            diff_vs_zone=-10.0,
            zone_gap_signal="clear",
        ),
        row(
            "typical_growth_rate:interim_reading",
            40.0,
            "ell",
            n=80,
            label="Interim reading: met typical growth",
            direction="higher",
            gap_vs_comparison=-15.0,
            comparison_value=55.0,
            gap_signal="clear",
        ),
        row(
            "mean_sgp:mcas_math",
            38.0,
            n=200,
            label="MCAS Mathematics: mean student growth percentile",
            unit="percentile",
            direction="higher",
            zone_value=46.0,
            diff_vs_zone=-8.0,
            zone_gap_signal="unclear",
        ),
    ]
    found = findings(rows)
    assert [(f.kind, f.metric, f.counts) for f in found] == [
        ("worse_than_zone", "meeting_rate:interim_reading", True),
        ("worse_than_zone", "mean_sgp:mcas_math", False),
        ("equity_gap", "typical_growth_rate:interim_reading", True),
    ]
    ranked = rank_levers(levers, found, {r["metric"] for r in rows})
    assert ranked[0].lever.id == "instruction_tiered_supports" and ranked[0].score > 0
    assert all(e.score == 0 for e in ranked[1:])
