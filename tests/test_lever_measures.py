"""One measure, one voice: a measure scores at most once per lever (docs/priority-levers.md).

Every score here is worked out by hand in the comments: points per kind are target not met 3, low SQR
rating 3, worse than the zone 2, worse than last year 2, equity gap 1, doubled when large (at least 6
points on a percent).
"""

from __future__ import annotations

import csv

import pytest

from sezp_roadmap import levers as lever_rules
from sezp_roadmap.levers import Lever, load_levers, rank_levers
from sezp_roadmap.metrics import METRICS, measure_of
from sezp_roadmap.reporting.lever_words import lever_texts, ranking_note
from sezp_roadmap.reporting.priority_levers import finding_sentence, scoring_rule
from sezp_roadmap.reporting.render import environment
from tests.test_levers import findings, row


def survey_row(metric: str, value: float, **kw) -> dict:
    """A family survey figure: respondents, percent favorable, higher is better."""
    label = "Family survey: percent favorable" if metric == "family_favorable" else f"Family survey: {metric}"
    return row(metric, value, n=118, label=label, direction="higher", population="respondents", **kw)


def cedar_hill_rows() -> list[dict]:
    """The sample zone's Cedar Hill Academy at mid-year 2025-26, its family survey and interim figures."""
    return [
        # 62.4%, range 53.4% to 70.8%, wholly below the target of 81.6%: missed by 19.2 (large), 3 x 2 = 6.
        # 9.1 below the zone (large) 2 x 2 = 4; 6.3 below last mid-year (large) 2 x 2 = 4.
        survey_row(
            "family_favorable",
            62.4,
            ci_low=53.4,
            ci_high=70.8,
            target=81.6,
            target_met=False,
            target_gap=19.2,
            zone_value=71.5,
            diff_vs_zone=-9.1,
            zone_gap_signal="clear",
            prior_value=68.7,
            change=-6.3,
            change_signal="clear",
        ),
        # Two of its topics, each 9.3 and 8.7 below the zone (large): 4 and 4.
        survey_row("family_favorable:communication", 62.4, zone_value=71.7, diff_vs_zone=-9.3, zone_gap_signal="clear"),
        survey_row(
            "family_favorable:family_engagement", 63.3, zone_value=72.0, diff_vs_zone=-8.7, zone_gap_signal="clear"
        ),
        # Interim reading, all students: 8.3 below last mid-year (large) 4; students with disabilities 16.6 below
        # the rest of the school (large) 1 x 2 = 2.
        row(
            "meeting_rate:interim_reading",
            19.4,
            n=566,
            direction="higher",
            prior_value=27.8,
            change=-8.3,
            change_signal="clear",
        ),
        row(
            "meeting_rate:interim_reading",
            6.1,
            "swd",
            n=114,
            direction="higher",
            gap_vs_comparison=-16.6,
            comparison_value=22.8,
            gap_signal="clear",
        ),
        # Interim math, English learners 17.4 below the rest of the school (large): 2.
        row(
            "meeting_rate:interim_math",
            6.7,
            "ell",
            n=134,
            direction="higher",
            gap_vs_comparison=-17.4,
            comparison_value=24.1,
            gap_signal="clear",
        ),
    ]


def ranking(levers, rows):
    return rank_levers(levers, findings(rows), {r["metric"] for r in rows})


def test_the_registry_declares_each_measure():
    assert measure_of("family_favorable") == measure_of("family_favorable:communication") == "family_survey"
    # The vendor's percent favorable (family_survey_summary) is the same survey in another form.
    assert measure_of("family_vendor_favorable") == measure_of("family_vendor_favorable:safety") == "family_survey"
    assert measure_of("educator_ici") == measure_of("educator:peer_culture") == "educator_survey"
    assert measure_of("sqr:instruction") == measure_of("sqr:tiered_supports") == "sqr"
    # Any other metric is a measure on its own, each assessment of a family apart.
    assert measure_of("chronic_absence_rate") == "chronic_absence_rate"
    assert measure_of("meeting_rate:interim_reading") == "meeting_rate:interim_reading"
    assert measure_of("meeting_rate:interim_math") != measure_of("typical_growth_rate:interim_math")
    assert measure_of("not_in_the_registry") == "not_in_the_registry"
    assert {m.id: m.measure for m in METRICS if m.measure} == {
        "family_favorable": "family_survey",
        "family_favorable:*": "family_survey",
        "family_vendor_favorable": "family_survey",
        "family_vendor_favorable:*": "family_survey",
        "educator_ici": "educator_survey",
        "educator:*": "educator_survey",
        "sqr:*": "sqr",
    }


def test_the_vendors_family_survey_figures_are_one_measure_with_the_survey():
    # A school whose survey came as the vendor's report: its overall figure 8.0 below the zone (large, 4),
    # two topics 9.5 and 7.0 below (4 each), and a missed target on one topic (large: 3 x 2 = 6).
    rows = [
        survey_row("family_vendor_favorable", 61.0, zone_value=69.0, diff_vs_zone=-8.0, zone_gap_signal="clear"),
        survey_row(
            "family_vendor_favorable:communication", 60.5, zone_value=70.0, diff_vs_zone=-9.5, zone_gap_signal="clear"
        ),
        survey_row(
            "family_vendor_favorable:family_engagement",
            62.0,
            ci_low=53.1,
            ci_high=70.2,
            target=80.0,
            target_met=False,
            target_gap=18.0,
            zone_value=69.0,
            diff_vs_zone=-7.0,
            zone_gap_signal="clear",
        ),
    ]
    family = next(e for e in ranking(load_levers(), rows) if e.lever.id == "family_partnership")
    # Before the rule: 4 + 4 + 6 + 4 = 18. Now the survey scores once, with its strongest finding.
    assert family.score == 6
    assert [(f.metric, f.kind) for f in family.findings] == [
        ("family_vendor_favorable:family_engagement", "target_not_met")
    ]
    assert sorted((f.metric, f.kind, f.points) for f in family.support) == [
        ("family_vendor_favorable", "worse_than_zone", 0),
        ("family_vendor_favorable:communication", "worse_than_zone", 0),
        ("family_vendor_favorable:family_engagement", "worse_than_zone", 0),
    ]


def test_a_measure_with_five_clear_findings_scores_once():
    ranked = ranking(load_levers(), cedar_hill_rows())
    family = next(e for e in ranked if e.lever.id == "family_partnership")
    # Before: 6 + 4 + 4 + 4 + 4 = 22 from one figure. Now the family survey scores once, with its strongest
    # finding (the missed target, 6); the four others are listed under it as support.
    assert family.score == 6
    assert [(f.metric, f.kind, f.points) for f in family.findings] == [("family_favorable", "target_not_met", 6)]
    # Listed strongest first: all worth 4 before the rule, the zone's three (by difference: 9.3, 9.1, 8.7)
    # before last year's.
    assert [(f.metric, f.kind, f.points, f.support, f.counts) for f in family.support] == [
        ("family_favorable:communication", "worse_than_zone", 0, True, True),
        ("family_favorable", "worse_than_zone", 0, True, True),
        ("family_favorable:family_engagement", "worse_than_zone", 0, True, True),
        ("family_favorable", "worsening", 0, True, True),
    ]
    assert family.support_of(family.findings[0]) == family.support
    # The support keeps its size: the same finding, flagged, with its points set aside.
    assert all(f.large for f in family.support)
    assert family.thin_evidence == lever_rules.SINGLE_MEASURE
    texts = lever_texts(family)
    assert texts.caution == "Thin evidence: every likely real finding is on one measure."
    assert texts.support == "Support, 0 points: 4 more likely real findings on measures that already score."
    assert texts.reason == "Family survey: percent favorable is below its target: 62.4% against 81.6%."


def test_a_lever_with_two_measures_scores_twice_and_ranks_above_one_with_one_measure():
    ranked = ranking(load_levers(), cedar_hill_rows())
    instruction = next(e for e in ranked if e.lever.id == "instruction_tiered_supports")
    # Interim reading: 4 (worse than last year) with its 2-point gap as support; interim math: 2. 4 + 2 = 6.
    assert instruction.score == 6
    assert [(f.metric, f.kind, f.points) for f in instruction.findings] == [
        ("meeting_rate:interim_reading", "worsening", 4),
        ("meeting_rate:interim_math", "equity_gap", 2),
    ]
    assert [(f.metric, f.subgroup, f.kind, f.points) for f in instruction.support] == [
        ("meeting_rate:interim_reading", "swd", "equity_gap", 0)
    ]
    assert lever_texts(instruction).breakdown == (
        "1 × worse than the same point last year at 2 points (1 large, counted double) = 4; "
        "1 × equity gap at 1 point (1 large, counted double) = 2. Total 6 points."
    )
    # Instruction and family partnership both score 6: two measures rank above one (before, family led 22 to 8).
    assert [(e.lever.id, e.score) for e in ranked[:2]] == [
        ("instruction_tiered_supports", 6),
        ("family_partnership", 6),
    ]


def test_support_findings_have_no_points_and_findings_left_out_stay_left_out():
    rows = [
        # 5.0 below the zone (2) and 4.0 below last year (2): one measure, the zone's finding scores.
        survey_row(
            "family_favorable",
            70.0,
            zone_value=75.0,
            diff_vs_zone=-5.0,
            zone_gap_signal="clear",
            prior_value=74.0,
            change=-4.0,
            change_signal="clear",
        ),
        # Within normal variation: left out, not support, though it is on the same measure.
        survey_row(
            "family_favorable:communication", 68.0, zone_value=74.0, diff_vs_zone=-6.0, zone_gap_signal="unclear"
        ),
    ]
    lever = Lever("family", "Family", "", ("family_favorable*",))
    (e,) = rank_levers((lever,), findings(rows), {r["metric"] for r in rows})
    assert [(f.kind, f.points) for f in e.findings] == [("worse_than_zone", 2)]
    assert [(f.kind, f.points, f.support) for f in e.support] == [("worsening", 0, True)]
    assert [(f.metric, f.points, f.support) for f in e.left_out] == [("family_favorable:communication", 0, False)]
    assert e.score == 2
    assert lever_texts(e).left_out == "Left out, 0 points: 1 within normal variation."


def test_a_finding_that_supports_one_lever_can_score_for_another():
    rows = [
        survey_row("family_favorable", 60.0, zone_value=70.0, diff_vs_zone=-10.0, zone_gap_signal="clear"),
        survey_row("family_favorable:safety", 66.0, zone_value=70.0, diff_vs_zone=-4.0, zone_gap_signal="clear"),
    ]
    family = Lever("family", "Family", "", ("family_favorable*",))
    climate = Lever("climate", "Climate", "", ("family_favorable:safety",))
    ranked = rank_levers((family, climate), findings(rows), {r["metric"] for r in rows})
    # Family: the overall figure, 10 below the zone (large, 4), the safety topic supports it. Climate bears on
    # the safety topic only: there it is the measure's strongest finding and scores 2.
    assert [(e.lever.id, e.score, [f.metric for f in e.findings], [f.metric for f in e.support]) for e in ranked] == [
        ("family", 4, ["family_favorable"], ["family_favorable:safety"]),
        ("climate", 2, ["family_favorable:safety"], []),
    ]


CHRONIC = {"label": "Chronic absence", "ci_low": 30.0, "ci_high": 40.0}


@pytest.mark.parametrize(
    ("rows", "scores"),
    [
        # The most points first: 7.0 worse than last year (large, 4) over 4.0 worse than the zone (2).
        (
            [
                row(
                    "chronic_absence_rate",
                    35.0,
                    zone_value=31.0,
                    diff_vs_zone=4.0,
                    zone_gap_signal="clear",
                    prior_value=28.0,
                    change=7.0,
                    change_signal="clear",
                )
            ],
            ("chronic_absence_rate", "all", "worsening", 4),
        ),
        # Equal points (2 and 2): the kind's order, the zone before last year, though last year's difference is
        # larger.
        (
            [
                row(
                    "chronic_absence_rate",
                    35.0,
                    zone_value=31.0,
                    diff_vs_zone=4.0,
                    zone_gap_signal="clear",
                    prior_value=30.0,
                    change=5.0,
                    change_signal="clear",
                )
            ],
            ("chronic_absence_rate", "all", "worse_than_zone", 2),
        ),
        # Equal points and kind (two missed targets, both large, 6 and 6): all students before a group.
        (
            [
                row(
                    "chronic_absence_rate",
                    45.0,
                    "ell",
                    n=80,
                    **{**CHRONIC, "ci_low": 35.0, "ci_high": 55.0},
                    target=20.0,
                    target_met=False,
                    target_gap=25.0,
                ),
                row("chronic_absence_rate", 35.0, **CHRONIC, target=25.0, target_met=False, target_gap=10.0),
            ],
            ("chronic_absence_rate", "all", "target_not_met", 6),
        ),
        # Equal points, kind and group (two topics, each worse than the zone, 2 and 2): the larger difference.
        (
            [
                survey_row(
                    "family_favorable:communication", 70.0, zone_value=74.0, diff_vs_zone=-4.0, zone_gap_signal="clear"
                ),
                survey_row(
                    "family_favorable:engagement", 69.0, zone_value=74.0, diff_vs_zone=-5.0, zone_gap_signal="clear"
                ),
            ],
            ("family_favorable:engagement", "all", "worse_than_zone", 2),
        ),
        # Everything equal (4.0 and 4.0): the metric id, in alphabetical order.
        (
            [
                survey_row(
                    "family_favorable:engagement", 70.0, zone_value=74.0, diff_vs_zone=-4.0, zone_gap_signal="clear"
                ),
                survey_row(
                    "family_favorable:communication", 70.0, zone_value=74.0, diff_vs_zone=-4.0, zone_gap_signal="clear"
                ),
            ],
            ("family_favorable:communication", "all", "worse_than_zone", 2),
        ),
        # Two SQR domains rated low, 3 points each (neither is 1.5 or lower): the lower rating.
        (
            [
                row("sqr:instruction", 2.0, n=4, unit="rating", direction="higher", population="indicators"),
                row("sqr:tiered_supports", 1.75, n=4, unit="rating", direction="higher", population="indicators"),
            ],
            ("sqr:tiered_supports", "all", "low_sqr_rating", 3),
        ),
    ],
    ids=["most_points", "kind_order", "all_students_first", "larger_difference", "metric_id", "lower_rating"],
)
def test_ties_within_a_measure_have_one_documented_answer(rows, scores):
    lever = Lever("any", "Any", "", ("*",))
    (e,) = rank_levers((lever,), findings(rows), {r["metric"] for r in rows})
    assert [(f.metric, f.subgroup, f.kind, f.points) for f in e.findings] == [scores]
    assert len(e.support) == len(findings(rows)) - 1 and all(f.points == 0 for f in e.support)
    assert e.score == scores[-1]


def test_levers_with_the_same_score_rank_by_measures_then_by_the_configured_order():
    rows = [
        # One measure of 4: 8.0 worse than the zone (large).
        row("oss_rate", 12.0, zone_value=4.0, diff_vs_zone=8.0, zone_gap_signal="clear"),
        # Two measures of 2: 4.0 and 3.0 worse than the zone.
        row("chronic_absence_rate", 30.0, zone_value=26.0, diff_vs_zone=4.0, zone_gap_signal="clear"),
        row("severe_absence_rate", 12.0, zone_value=9.0, diff_vs_zone=3.0, zone_gap_signal="clear"),
    ]
    climate = Lever("climate", "Climate", "", ("oss_rate",))
    attendance = Lever("attendance", "Attendance", "", ("chronic_absence_rate", "severe_absence_rate"))
    also_climate = Lever("also_climate", "Also climate", "", ("oss_rate",))
    ranked = rank_levers((climate, also_climate, attendance), findings(rows), {r["metric"] for r in rows})
    # All three score 4: attendance's two measures first, then the two one-measure levers in configured order.
    assert [(e.lever.id, e.score, len(e.findings)) for e in ranked] == [
        ("attendance", 4, 2),
        ("climate", 4, 1),
        ("also_climate", 4, 1),
    ]


def test_the_section_lists_support_under_the_finding_that_scores_with_each_levers_reason():
    ranked = ranking(load_levers(), cedar_hill_rows())
    html = (
        environment()
        .get_template("_priority_levers.html.j2")
        .render(
            school={"school_id": "S03"},
            priority_levers={
                "ranked": ranked,
                "texts": {e.lever.id: lever_texts(e) for e in ranked},
                "note": ranking_note(ranked),
                "rule": scoring_rule(),
                "sentence": lambda f: finding_sentence(f, "mid_year"),
            },
        )
    )
    family = html[html.index('id="lever-family_partnership"') :]
    family = family[: family.index("<h3")]
    # One scoring item with the four support items nested in it, each 0 points.
    scoring = family.index("(6 points, large)")
    nested = family.index('<ul class="support">')
    assert scoring < nested < family.index("</ul>") and family.count("Support: ") == 4
    assert family.count("(0 points)") == 4
    assert family.count("<li>") == 5
    assert "<td>Family survey: percent favorable is below its target: 62.4% against 81.6%.</td>" in html


def check_one_voice(export) -> set[str]:
    """The rule, checked from one CSV export's columns as an analyst would: per lever and measure, one `scores`
    row at most, first among the likely real ones; support and left-out rows add no points; the lever's score
    is the sum of its rows' points. Returns the roles seen."""
    with export.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    roles = set()
    for lever_id, score in {(r["lever_id"], int(r["score"])) for r in rows}:
        mine = [r for r in rows if r["lever_id"] == lever_id and r["finding_role"]]
        assert sum(int(r["finding_points"]) for r in mine) == score, (export, lever_id)
        for measure in {r["finding_measure"] for r in mine}:
            real = [
                r["finding_role"] for r in mine if r["finding_measure"] == measure and r["finding_role"] != "left out"
            ]
            assert real in ([], ["scores"] + ["support"] * (len(real) - 1)), (export, lever_id, measure)
        assert all(int(r["finding_points"]) == 0 for r in mine if r["finding_role"] != "scores")
        roles |= {r["finding_role"] for r in mine}
    return roles


def test_every_export_scores_each_measure_at_most_once_per_lever(report_zone):
    _, _, reports = report_zone
    exports = sorted(reports.glob("*/*/*-priority-levers.csv"))
    assert exports
    assert "scores" in set().union(*(check_one_voice(export) for export in exports))
