"""Family survey, educator survey and SQR metrics on tiny hand-computed data (docs/metrics.md).

Administrations: A has fall, winter and spring; B only spring; C only fall.
mid_year uses the latest of fall/winter; end_of_year the latest of the year.

Family survey (q1, q2: Communication; q3: School Safety; '-' = skipped):
  A winter  r1: 5 5 5   r2: 1 2 -          -> mid_year: 3 favorable / 5 answers, 2 respondents
  A spring  r1: 4 4 4                      -> end_of_year: 3/3, 1 respondent
  B spring  r1: 4 2 5   r2: 3 - 4          -> end_of_year only: 3/5, 2 respondents
  C fall    r1: 5 3 -   r2: 4 - 2   r3: - - -   -> both periods: 2/4, 2 respondents (r3 skipped all)
  ZONE mid_year: A winter + C fall = 5/9, 4 respondents (r1 at A and r1 at C are different people)
  ZONE end_of_year: A spring + B spring + C fall = 8/12, 5 respondents
"""

import datetime as dt
from decimal import Decimal

import pytest

from tests.tinyzone import calendar, cell, compute, has_cell, load, settings, warehouse, weekdays

D = weekdays(dt.date(2025, 9, 2), 10)
AS_OF = dt.date(2026, 6, 30)
ITEMS = (("q1", "Communication"), ("q2", "Communication"), ("q3", "School Safety"))


def family_rows(school: str, administration: str, answers: dict[str, tuple]) -> list[tuple]:
    return [
        (response_id, school, 2026, administration, item, topic, value)
        for response_id, values in answers.items()
        for (item, topic), value in zip(ITEMS, values)
    ]


def build(**suppression):
    con = warehouse()
    load(con, "schools", [("A", "Alpha", "6-8"), ("B", "Beta", "6-8"), ("C", "Gamma", "6-8")])
    load(con, "calendar", calendar(["A", "B", "C"], D))
    load(
        con,
        "family_survey",
        family_rows("A", "fall", {"r1": (1, 1, 1), "r2": (1, 1, 1)})
        + family_rows("A", "winter", {"r1": (5, 5, 5), "r2": (1, 2, None)})
        + family_rows("A", "spring", {"r1": (4, 4, 4)})
        + family_rows("B", "spring", {"r1": (4, 2, 5), "r2": (3, None, 4)})
        + family_rows("C", "fall", {"r1": (5, 3, None), "r2": (4, None, 2), "r3": (None, None, None)}),
    )
    ici, le = "Instructional Culture Index", "Learning Environment"
    load(
        con,
        "educator_survey",
        [
            ("A", 2026, "fall", ici, Decimal("6.0"), 10),
            ("A", 2026, "fall", le, Decimal("7.0"), 10),
            ("A", 2026, "spring", ici, Decimal("8.0"), 12),
            ("A", 2026, "spring", le, Decimal("5.5"), 12),
            ("B", 2026, "spring", ici, Decimal("5.0"), 4),
            ("B", 2026, "spring", le, Decimal("6.0"), 4),
            ("C", 2026, "winter", ici, Decimal("7.5"), 20),
        ],
    )
    load(
        con,
        "sqr",
        [
            ("A", 2026, "fall", "Instruction", "i1", 3),
            ("A", 2026, "fall", "Instruction", "i2", 4),
            ("A", 2026, "fall", "Family Engagement", "f1", 2),
            ("A", 2026, "spring", "Instruction", "i1", 2),
            ("A", 2026, "spring", "Instruction", "i2", 2),
            ("A", 2026, "spring", "Instruction", "i3", 3),
            ("B", 2026, "winter", "Instruction", "i1", 4),
        ],
    )
    compute(con, settings(AS_OF, suppression=suppression))
    return con


@pytest.fixture(scope="module")
def zone():
    con = build(min_respondents=1)
    yield con
    con.close()


FAMILY = {
    # (school, period, metric): (n, favorable, answers)
    ("A", "mid_year", "family_favorable"): (2, 3, 5),
    ("A", "mid_year", "family_favorable:communication"): (2, 2, 4),
    ("A", "mid_year", "family_favorable:school_safety"): (1, 1, 1),
    ("A", "end_of_year", "family_favorable"): (1, 3, 3),
    ("B", "end_of_year", "family_favorable"): (2, 3, 5),
    ("B", "end_of_year", "family_favorable:communication"): (2, 1, 3),
    ("C", "mid_year", "family_favorable"): (2, 2, 4),
    ("C", "end_of_year", "family_favorable"): (2, 2, 4),
    ("C", "end_of_year", "family_favorable:school_safety"): (1, 0, 1),
    ("ZONE", "mid_year", "family_favorable"): (4, 5, 9),
    ("ZONE", "end_of_year", "family_favorable"): (5, 8, 12),
}


@pytest.mark.parametrize(("school", "period", "metric"), sorted(FAMILY))
def test_family_favorable(zone, school, period, metric):
    n, favorable, answers = FAMILY[(school, period, metric)]
    row = cell(zone, school, metric, period=period)
    assert (row["n"], row["numerator"], row["denominator"]) == (n, favorable, answers)
    assert row["value"] == pytest.approx(100 * favorable / answers)


def test_a_school_with_only_a_spring_survey_has_no_mid_year_cells(zone):
    assert not has_cell(zone, "B", "family_favorable", period="mid_year")
    assert not has_cell(zone, "B", "educator_ici", period="mid_year")
    assert has_cell(zone, "B", "family_favorable", period="end_of_year")


def test_topic_labels_are_kept_for_reports(zone):
    labels = dict(zone.execute("select metric, label from marts.metric_catalog").fetchall())
    assert labels["family_favorable:school_safety"] == "Family survey: School Safety"
    assert labels["educator:learning_environment"] == "Educator survey: Learning Environment"
    assert labels["sqr:family_engagement"] == "School Quality Review: Family Engagement"
    assert labels["family_favorable"] == "Family survey: percent favorable"


EDUCATOR = {
    ("A", "mid_year", "educator_ici"): (10, 6.0),
    ("A", "end_of_year", "educator_ici"): (12, 8.0),
    ("A", "end_of_year", "educator:learning_environment"): (12, 5.5),
    ("B", "end_of_year", "educator_ici"): (4, 5.0),
    ("C", "mid_year", "educator_ici"): (20, 7.5),
    ("C", "end_of_year", "educator_ici"): (20, 7.5),
    # Respondent-weighted means of the school scores.
    ("ZONE", "mid_year", "educator_ici"): (30, (6.0 * 10 + 7.5 * 20) / 30),
    ("ZONE", "end_of_year", "educator_ici"): (36, (8.0 * 12 + 5.0 * 4 + 7.5 * 20) / 36),
    ("ZONE", "end_of_year", "educator:learning_environment"): (16, (5.5 * 12 + 6.0 * 4) / 16),
}


@pytest.mark.parametrize(("school", "period", "metric"), sorted(EDUCATOR))
def test_educator_survey(zone, school, period, metric):
    n, value = EDUCATOR[(school, period, metric)]
    row = cell(zone, school, metric, period=period)
    assert row["n"] == n
    assert row["value"] == pytest.approx(value)


SQR = {
    ("A", "mid_year", "sqr:instruction"): (2, 3.5),
    ("A", "mid_year", "sqr:family_engagement"): (1, 2.0),
    ("A", "end_of_year", "sqr:instruction"): (3, 7 / 3),
    ("B", "mid_year", "sqr:instruction"): (1, 4.0),
    ("B", "end_of_year", "sqr:instruction"): (1, 4.0),
    ("ZONE", "mid_year", "sqr:instruction"): (3, 11 / 3),  # indicators pooled
    ("ZONE", "end_of_year", "sqr:instruction"): (4, 11 / 4),
}


@pytest.mark.parametrize(("school", "period", "metric"), sorted(SQR))
def test_sqr_mean_rating(zone, school, period, metric):
    n, value = SQR[(school, period, metric)]
    row = cell(zone, school, metric, period=period)
    assert row["n"] == n
    assert row["value"] == pytest.approx(value)


def test_the_spring_review_rated_no_family_engagement(zone):
    assert not has_cell(zone, "A", "sqr:family_engagement", period="end_of_year")


def test_survey_metrics_have_only_all_students(zone):
    subgroups = zone.execute(
        "select distinct subgroup from marts.metric_values where metric like 'family%' or metric like 'educator%' "
        "or metric like 'sqr:%'"
    ).fetchall()
    assert subgroups == [("all",)]


def test_default_thresholds_hide_small_surveys_but_never_the_sqr():
    con = build()
    # Fewer than 5 respondents: hidden.
    b = cell(con, "B", "educator_ici")
    assert (b["n"], b["value"], b["numerator"], b["denominator"], b["suppressed"]) == (4, None, None, None, True)
    # B alone hidden would be the zone minus A and C: the smallest other school (A, 12) is hidden too.
    assert cell(con, "A", "educator_ici")["suppressed"] is True
    assert cell(con, "C", "educator_ici")["suppressed"] is False
    assert cell(con, "ZONE", "educator_ici")["value"] == pytest.approx(266 / 36)
    # SQR cells are never hidden, even with one indicator.
    assert cell(con, "B", "sqr:instruction", period="mid_year")["value"] == 4.0
