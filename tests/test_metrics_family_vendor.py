"""The vendor's family survey figures (family_survey_summary) on a tiny hand-computed zone (docs/metrics.md).

Each row is a school's topic as the vendor reports it: percent favorable and respondents.
favorable = percent × respondents / 100, the respondents each read as one yes-or-no answer.

  A spring  Communication 75.0 % of 20 -> 15 / 20   School Safety 62.5 % of 8 -> 5 / 8   Overall 70 % of 24 -> 16.8 / 24
  B spring  Communication 50.0 % of 4  -> 2 / 4     School Safety 80.0 % of 10 -> 8 / 10
  D spring  Communication 60.0 % of 10 -> 6 / 10
  C fall    Communication 40.0 % of 15 -> 6 / 15    (the mid-year reads it: no winter survey)
  C spring  Communication 90.0 % of 30, but C's spring answers are in family_survey: they win,
            and the vendor row is a finding, not counted (end of year reads the answers).
  ZONE end_of_year: Communication (15 + 2 + 6) / 34, School Safety 13 / 18, Overall 16.8 / 24
  ZONE mid_year: Communication 6 / 15

Suppression (5 respondents): B's Communication (4) is hidden; alone among the schools it could be
worked out from the zone, so the smallest other school's (D, 10) is hidden too; A's stays.
"""

import datetime as dt
from decimal import Decimal

import pytest
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

from tests.tinyzone import calendar, cell, comparison, compute, has_cell, load, settings, warehouse, weekdays

D = weekdays(dt.date(2025, 9, 2), 10)
AS_OF = dt.date(2026, 6, 30)
TOPIC = "family_vendor_favorable:communication"
SAFETY = "family_vendor_favorable:school_safety"
OVERALL = "family_vendor_favorable"


def summary(school: str, administration: str, topic: str, percent: str, respondents: int) -> tuple:
    return (school, 2026, administration, topic, Decimal(percent), respondents)


@pytest.fixture(scope="module")
def zone():
    con = warehouse()
    load(con, "schools", [(s, s, "6-8") for s in "ABCD"])
    load(con, "calendar", calendar(list("ABCD"), D))
    load(
        con,
        "family_survey",
        [("r1", "C", 2026, "spring", "q1", "Communication", 4), ("r2", "C", 2026, "spring", "q1", "Communication", 2)],
    )
    load(
        con,
        "family_survey_summary",
        [
            summary("A", "spring", "Communication", "75.0", 20),
            summary("A", "spring", "School Safety", "62.5", 8),
            summary("A", "spring", "Overall", "70", 24),
            summary("B", "spring", "Communication", "50.0", 4),
            summary("B", "spring", "School Safety", "80.0", 10),
            summary("D", "spring", "Communication", "60.0", 10),
            summary("C", "fall", "Communication", "40.0", 15),
            summary("C", "spring", "Communication", "90.0", 30),
        ],
    )
    compute(con, settings(AS_OF))
    yield con
    con.close()


CELLS = {
    # (school, period, metric): (n, favorable, value)
    ("A", "end_of_year", TOPIC): (20, 15, 75.0),
    ("A", "end_of_year", SAFETY): (8, 5, 62.5),
    ("A", "end_of_year", OVERALL): (24, 16.8, 70.0),
    ("B", "end_of_year", SAFETY): (10, 8, 80.0),
    ("C", "mid_year", TOPIC): (15, 6, 40.0),
    ("ZONE", "end_of_year", TOPIC): (34, 23, 100 * 23 / 34),
    ("ZONE", "end_of_year", SAFETY): (18, 13, 100 * 13 / 18),
    ("ZONE", "end_of_year", OVERALL): (24, 16.8, 70.0),
    ("ZONE", "mid_year", TOPIC): (15, 6, 40.0),
}


@pytest.mark.parametrize(("school", "period", "metric"), sorted(CELLS))
def test_the_vendors_figure_with_its_respondents(zone, school, period, metric):
    n, favorable, value = CELLS[(school, period, metric)]
    row = cell(zone, school, metric, period=period)
    assert (row["n"], row["denominator"], row["suppressed"]) == (n, n, False)
    assert row["numerator"] == pytest.approx(favorable)
    assert row["value"] == pytest.approx(value)


def test_the_answers_win_over_the_vendors_figure_of_the_same_administration(zone):
    # C's spring: family_favorable from the two answers (hidden: 2 respondents); no vendor figure at all.
    assert cell(zone, "C", "family_favorable:communication")["n"] == 2
    assert not has_cell(zone, "C", TOPIC)
    # Schools with only the vendor's figures have no respondent-level cells, and no overall figure is made up.
    assert not has_cell(zone, "B", "family_favorable")
    assert not has_cell(zone, "B", OVERALL)


def test_small_cells_are_hidden_and_cannot_be_worked_out_from_the_zone(zone):
    b, d = cell(zone, "B", TOPIC), cell(zone, "D", TOPIC)
    assert (b["n"], b["suppressed"], b["value"], b["numerator"], b["ci_low"]) == (4, True, None, None, None)
    assert (d["n"], d["suppressed"], d["value"], d["ci_high"]) == (10, True, None, None)
    assert cell(zone, "A", TOPIC)["suppressed"] is False


def test_wilson_interval_over_respondents_by_hand(zone):
    # 15 of 20, z = 1.959964, z² = 3.8414589: x(n - x)/n + z²/4 = 3.75 + 0.9603647 = 4.7103647, its root 2.1703375,
    # times z 4.2537837; (15 + 1.9207294 ∓ 4.2537837) / 23.8414589 = 0.531299 to 0.888138.
    row = cell(zone, "A", TOPIC)
    assert row["ci_low"] == pytest.approx(53.1299, abs=1e-4)
    assert row["ci_high"] == pytest.approx(88.8138, abs=1e-4)
    # The share's standard error, for reference: 100 × sqrt(0.75 × 0.25 / 20) = 9.6825.
    assert row["se"] == pytest.approx(9.6825, abs=1e-4)


@pytest.mark.parametrize(
    ("school", "metric", "favorable", "n"), [("A", TOPIC, 15, 20), ("A", OVERALL, 16.8, 24), ("B", SAFETY, 8, 10)]
)
def test_wilson_interval_against_statsmodels(zone, school, metric, favorable, n):
    # A fractional count (16.8 of 24: 70% of 24) is what the approximation gives; statsmodels takes it as it is.
    low, high = proportion_confint(favorable, n, alpha=0.05, method="wilson")
    row = cell(zone, school, metric)
    assert row["ci_low"] == pytest.approx(100 * low, abs=1e-4)
    assert row["ci_high"] == pytest.approx(100 * high, abs=1e-4)


def test_the_school_against_the_rest_of_the_zone_is_newcombes(zone):
    # A's School Safety (5 of 8) against B's, the rest of the zone (8 of 10).
    row = comparison(zone, "A", SAFETY)
    assert row["rest_of_zone_value"] == pytest.approx(80.0)
    assert row["zone_gap"] == pytest.approx(-17.5)
    low, high = confint_proportions_2indep(5, 8, 8, 10, method="newcomb", compare="diff")
    assert (row["zone_gap_low"], row["zone_gap_high"]) == (
        pytest.approx(100 * low, abs=1e-4),
        pytest.approx(100 * high, abs=1e-4),
    )
    assert row["zone_gap_signal"] == "unclear"
    # No group of families is in a vendor's summary: no equity gap to compute.
    assert row["gap_vs_comparison"] is None


def test_a_hidden_school_is_left_out_of_the_rest_of_the_zone(zone):
    # A's Communication against B and D: both hidden, so no rest of the zone to compare with.
    assert comparison(zone, "A", TOPIC)["rest_of_zone_value"] is None


def test_labels_say_it_is_the_vendors_figure(zone):
    labels = dict(zone.execute("select metric, label from marts.metric_catalog").fetchall())
    assert labels[TOPIC] == "Family survey: Communication (vendor's figure)"
    assert labels[OVERALL] == "Family survey: percent favorable (vendor's figure)"
