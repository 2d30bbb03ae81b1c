"""The statistics of docs/metrics.md, "Uncertainty", on tiny data computed by hand.

First the formulas themselves (sql/macros/interval_functions.sql, the macros the
marts apply), each against numbers worked out in the comments and against
statsmodels; then the marts built by the real pipeline on a hand-made zone:
every interval a cell and its comparisons carry, the edges (0 of n, n of n,
n = 10, n = 1, suppressed cells, metrics with no interval).

z = 1.959964 throughout; z² = 3.841459 (to 6 decimals), z²/2 = 1.920730, z²/4 = 0.960365.
"""

import datetime as dt
from decimal import Decimal

import duckdb
import numpy as np
import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from scipy.stats import norm
from statsmodels.regression.linear_model import WLS
from statsmodels.stats.contingency_tables import Table2x2
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint, proportions_ztest

from sezp_roadmap.warehouse import add_macros, connection_config
from tests.test_privacy import UNCERTAINTY_COLUMNS  # what a suppressed cell leaves blank
from tests.tinyzone import Student, calendar, cell, comparison, compute, load, settings, warehouse, weekdays

Z = 1.959964


@pytest.fixture(scope="module")
def sql():
    """A connection with the interval macros, and a helper that evaluates one expression."""
    con = add_macros(duckdb.connect(config=connection_config()))

    def evaluate(expression: str, *args):
        return con.execute(f"select {expression}", list(args)).fetchone()

    evaluate.con = con
    yield evaluate
    con.close()


# --- Wilson -------------------------------------------------------------------


def test_wilson_three_of_ten_by_hand(sql):
    # centre = (x + z²/2) / (n + z²) = (3 + 1.920729) / 13.841459 = 0.355507
    # half   = z / (n + z²) · sqrt(x(n − x)/n + z²/4)
    #        = 1.959964 / 13.841459 · sqrt(2.1 + 0.960365) = 0.141601 · 1.749390 = 0.247715
    low, high = sql("wilson_low(3::double, 10::bigint), wilson_high(3::double, 10::bigint)")
    assert low == pytest.approx(0.355507 - 0.247715, abs=2e-6)  # 0.107791
    assert high == pytest.approx(0.355507 + 0.247715, abs=2e-6)  # 0.603222
    assert (low, high) == pytest.approx(proportion_confint(3, 10, alpha=0.05, method="wilson"), abs=1e-6)


@pytest.mark.parametrize("n", [10, 11, 57, 250])
def test_wilson_edges_none_and_all(sql, n):
    # 0 of n: sqrt(0 + z²/4) = z/2, so low = (z²/2 − z²/2)/(n + z²) = 0 and high = z²/(n + z²);
    # n of n mirrors it: high = 1, low = n/(n + z²). For n = 10: 3.841459/13.841459 = 0.277533.
    none = sql("wilson_low(0::double, ?::bigint), wilson_high(0::double, ?::bigint)", n, n)
    every = sql("wilson_low(?::double, ?::bigint), wilson_high(?::double, ?::bigint)", n, n, n, n)
    assert none[0] == 0 and none[1] == pytest.approx(3.841459 / (n + 3.841459), abs=1e-6)
    assert every[1] == pytest.approx(1) and every[0] == pytest.approx(n / (n + 3.841459), abs=1e-6)
    for (low, high), x in ((none, 0), (every, n)):
        assert (low, high) == pytest.approx(proportion_confint(x, n, method="wilson"), abs=1e-6)


@hypothesis_settings(max_examples=200, deadline=None)
@given(n=st.integers(1, 5000), share=st.floats(0, 1), grow=st.integers(2, 20))
def test_wilson_contains_the_estimate_and_narrows_as_n_grows(sql, n, share, grow):
    x = round(share * n)
    low, high = sql("wilson_low(?::double, ?::bigint), wilson_high(?::double, ?::bigint)", x, n, x, n)
    assert 0 <= low <= x / n <= high <= 1
    # The same share from `grow` times as many students.
    low2, high2 = sql(
        "wilson_low(?::double, ?::bigint), wilson_high(?::double, ?::bigint)", grow * x, grow * n, grow * x, grow * n
    )
    assert high2 - low2 < high - low


# --- Newcombe and the pooled p-value ----------------------------------------------


def test_newcombe_by_hand(sql):
    # p1 = 3/10 = 0.3, Wilson (0.107791, 0.603222) as above.
    # p2 = 7/12 = 0.583333: centre (7 + 1.920729)/15.841459 = 0.563125,
    #   half 1.959964/15.841459 · sqrt(7·5/12 + 0.960365) = 0.123724 · 1.969018 = 0.243614,
    #   Wilson (0.319511, 0.806740).
    # d = 0.3 − 0.583333 = −0.283333
    # low  = d − sqrt((0.3 − 0.107791)² + (0.806740 − 0.583333)²) = d − sqrt(0.036944 + 0.049910) = −0.578044
    # high = d + sqrt((0.603222 − 0.3)² + (0.583333 − 0.319511)²) = d + sqrt(0.091943 + 0.069602) = 0.118594
    low, high = sql(
        "newcombe_low(3::double, 10::bigint, 7::double, 12::bigint), "
        "newcombe_high(3::double, 10::bigint, 7::double, 12::bigint)"
    )
    assert low == pytest.approx(-0.578044, abs=3e-6)
    assert high == pytest.approx(0.118594, abs=3e-6)
    assert (low, high) == pytest.approx(
        confint_proportions_2indep(3, 10, 7, 12, method="newcomb", compare="diff"), abs=1e-6
    )


@pytest.mark.parametrize(
    "x1, n1, x2, n2",
    [(0, 10, 0, 10), (10, 10, 10, 10), (0, 10, 10, 10), (1, 40, 9, 11), (45, 200, 60, 210), (0, 12, 3, 300)],
)
def test_newcombe_edges_against_statsmodels(sql, x1, n1, x2, n2):
    low, high = sql(
        "newcombe_low(?::double, ?::bigint, ?::double, ?::bigint), "
        "newcombe_high(?::double, ?::bigint, ?::double, ?::bigint)",
        x1,
        n1,
        x2,
        n2,
        x1,
        n1,
        x2,
        n2,
    )
    assert low <= x1 / n1 - x2 / n2 <= high
    assert (low, high) == pytest.approx(
        confint_proportions_2indep(x1, n1, x2, n2, method="newcomb", compare="diff"), abs=1e-6
    )


def test_pooled_p_value_by_hand(sql):
    # pooled p = (3 + 7)/(10 + 12) = 0.454545; SE = sqrt(0.454545 · 0.545455 · (1/10 + 1/12))
    #   = sqrt(0.247934 · 0.183333) = 0.213201; z = −0.283333 / 0.213201 = −1.328951;
    # two-sided p = 2 · (1 − Φ(1.328951)) = 0.183864
    (se,) = sql("pooled_se(3::double, 10::bigint, 7::double, 12::bigint)")
    assert se == pytest.approx(0.213201, abs=1e-6)
    (p,) = sql("two_sided_p(?, ?)", 0.3 - 7 / 12, se)
    assert p == pytest.approx(0.183864, abs=1e-6)
    assert p == pytest.approx(proportions_ztest([3, 7], [10, 12])[1], rel=1e-6)


@pytest.mark.parametrize("z", [0.0, 0.3, 1.0, 1.959964, 2.5, 3.3, 5.0, 8.0])
def test_two_sided_p_against_the_normal(sql, z):
    (p,) = sql("two_sided_p(?, 1.0)", z)
    assert p == pytest.approx(2 * norm.sf(z), rel=2e-7, abs=1e-300)
    assert sql("two_sided_p(?, 1.0)", -z)[0] == p


def test_a_difference_with_no_spread(sql):
    # Both sides without any spread: no difference is certain (p = 1), a difference too (p = 0).
    assert sql("two_sided_p(0.0, 0.0), two_sided_p(1.5, 0.0), two_sided_p(NULL, 1.0)") == (1, 0, None)


# --- the ratio estimator with the student as the cluster ---------------------------------

# Four students: (days present a_i, membership days m_i).
STUDENTS = [(36, 40), (40, 40), (15, 20), (19, 20)]


def test_cluster_standard_error_by_hand(sql):
    # R = Σa/Σm = 110/120 = 0.916667
    # a − R·m: 36 − 36.6667 = −0.6667, 40 − 36.6667 = 3.3333, 15 − 18.3333 = −3.3333, 19 − 18.3333 = 0.6667
    # Σ(a − R·m)² = 0.4444 + 11.1111 + 11.1111 + 0.4444 = 23.1111
    # SE = sqrt(4/3 · 23.1111) / 120 = sqrt(30.8148) / 120 = 5.551108 / 120 = 0.0462592
    a = np.array([s[0] for s in STUDENTS], float)
    m = np.array([s[1] for s in STUDENTS], float)
    (se,) = sql("ratio_se(4::bigint, ?, ?, ?, ?, ?)", a.sum(), m.sum(), (a * a).sum(), (a * m).sum(), (m * m).sum())
    assert se == pytest.approx(0.0462592, abs=1e-7)
    # statsmodels: regressing a on m with weights 1/m gives Σa/Σm; its HC1 standard error
    # (n/(n−1) · Σ(a − R·m)² / (Σm)²) is the same estimator.
    fit = WLS(a, m, weights=1 / m).fit(cov_type="HC1")
    assert fit.params[0] == pytest.approx(110 / 120)
    assert se == pytest.approx(fit.bse[0], rel=1e-9)


def test_cluster_standard_error_of_a_plain_mean_is_the_usual_one(sql):
    # m_i = 1: SE = sqrt(n/(n−1) · Σ(a − ā)²)/n = s/√n. Days absent 4, 0, 5, 1: mean 2.5,
    # Σ(a − 2.5)² = 2.25 + 6.25 + 6.25 + 2.25 = 17, s = sqrt(17/3) = 2.380476, s/2 = 1.190238.
    (se,) = sql("ratio_se(4::bigint, 10.0, 4.0, 42.0, 10.0, 4.0)")  # Σa² = 16 + 0 + 25 + 1 = 42
    assert se == pytest.approx(1.190238, abs=1e-6)


def test_one_student_has_no_standard_error(sql):
    assert sql("ratio_se(1::bigint, 3.0, 1.0, 9.0, 3.0, 1.0)") == (None,)


def test_no_spread_gives_zero_not_a_rounding_error(sql):
    # Every student present every day (a_i = m_i): the sum of squares is exactly 0.
    assert sql("ratio_se(3::bigint, 60.0, 60.0, 1200.0, 1200.0, 1200.0)") == (0.0,)


@hypothesis_settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 40), st.integers(20, 40)), min_size=2, max_size=30), st.integers(2, 10))
def test_cluster_interval_contains_the_estimate_and_narrows_as_n_grows(sql, students, copies):
    pairs = [(min(a, m), m) for a, m in students]

    def interval(sample):
        a = np.array([s[0] for s in sample], float)
        m = np.array([s[1] for s in sample], float)
        value = a.sum() / m.sum()
        (se,) = sql(
            "ratio_se(?::bigint, ?, ?, ?, ?, ?)",
            len(sample),
            a.sum(),
            m.sum(),
            (a * a).sum(),
            (a * m).sum(),
            (m * m).sum(),
        )
        return value, value - Z * se, value + Z * se

    value, low, high = interval(pairs)
    assert low <= value <= high
    _, low2, high2 = interval(pairs * copies)  # the same students' pattern, `copies` times as many
    # Where every student is alike the spread is 0, and the moments' sums leave a rounding residue
    # whose square root, √(ε·Σa²)/Σm with ε = 2.2e-16, reaches a few 1e-8 of a rate; 1e-6 of a
    # rate (0.0001 points) is still far below the tenth of a point a report shows.
    assert high2 - low2 <= high - low + 1e-6


# --- Katz ------------------------------------------------------------------------


def test_katz_by_hand(sql):
    # 6 of 20 against 10 of 80: RR = 0.3/0.125 = 2.4, ln 2.4 = 0.875469
    # var = 1/6 − 1/20 + 1/10 − 1/80 = 0.204167, sd = 0.451848, z·sd = 0.885606
    # exp(0.875469 − 0.885606) = exp(−0.010137) = 0.989914; exp(0.875469 + 0.885606) = exp(1.761075) = 5.818687
    low, high = sql("katz_low(6.0, 20.0, 10.0, 80.0), katz_high(6.0, 20.0, 10.0, 80.0)")
    assert low == pytest.approx(0.989914, abs=2e-6)
    assert high == pytest.approx(5.818687, abs=2e-5)
    assert (low, high) == pytest.approx(Table2x2(np.array([[6, 14], [10, 70]])).riskratio_confint(0.05), rel=1e-6)
    assert sql("katz_low(0.0, 20.0, 10.0, 80.0), katz_high(6.0, 20.0, 0.0, 80.0)") == (None, None)


# --- Benjamini-Hochberg --------------------------------------------------------------

# Ten p-values of one family, q = 0.10: the k-th smallest is compared with k/10 · 0.10 = 0.01·k.
#   rank  1      2      3      4      5      6      7      8      9      10
#   p     0.001  0.008  0.039  0.041  0.042  0.059  0.074  0.205  0.212  0.216
#   0.01k 0.01   0.02   0.03   0.04   0.05   0.06   0.07   0.08   0.09   0.10
#   p ≤ ? yes    yes    no     no     yes    yes    no     no     no     no
# The largest k with p ≤ 0.01·k is 6: the six smallest are rejected (ranks 3 and 4 too,
# although they miss their own threshold). A second family of two: 0.04 ≤ 1/2 · 0.10 = 0.05
# and 0.30 > 2/2 · 0.10, so only its first is rejected.
BH_P = [0.001, 0.008, 0.039, 0.041, 0.042, 0.059, 0.074, 0.205, 0.212, 0.216]
BH_OTHER = [0.04, 0.30]


def test_benjamini_hochberg_by_hand(sql):
    con = sql.con
    rows = [("a", i, p) for i, p in enumerate(BH_P)] + [("b", i, p) for i, p in enumerate(BH_OTHER)]
    con.execute("create or replace temporary table bh_tests (family varchar, test integer, p double)")
    con.executemany("insert into bh_tests values (?, ?, ?)", rows)
    found = {
        (f, t): r
        for f, t, r in con.execute("select family, test, rejected from benjamini_hochberg('bh_tests', 0.10)").fetchall()
    }
    assert [found[("a", i)] for i in range(10)] == [True] * 6 + [False] * 4
    assert [found[("b", i)] for i in range(2)] == [True, False]
    for family, ps in (("a", BH_P), ("b", BH_OTHER)):
        expected = multipletests(ps, alpha=0.10, method="fdr_bh")[0]
        assert [found[(family, i)] for i in range(len(ps))] == list(expected)


@hypothesis_settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(0, 1), min_size=1, max_size=40), st.sampled_from([0.05, 0.10, 0.20]))
def test_benjamini_hochberg_against_statsmodels(sql, ps, q):
    con = sql.con
    con.execute("create or replace temporary table bh_tests (family varchar, test integer, p double)")
    con.executemany("insert into bh_tests values ('f', ?, ?)", list(enumerate(ps)))
    found = dict(con.execute("select test, rejected from benjamini_hochberg('bh_tests', ?)", [q]).fetchall())
    assert [found[i] for i in range(len(ps))] == list(multipletests(ps, alpha=q, method="fdr_bh")[0])


# --- the marts, on a hand-made zone -------------------------------------------------
#
# 40 school days a year from early September; every cell published (suppression at 1).
# School A, 2025-26: four students (docs/metrics.md: a_i days present, m_i membership days)
#   s1 40 days, 4 absent (10%: chronic)   s2 40 days, 0 absent
#   s3 20 days, 5 absent (25%: chronic and severe)   s4 20 days, 1 absent
#   attendance 110/120 = 91.6667%, SE 100 · 0.0462592 = 4.625924 points (test above);
#   average days absent 2.5, SE 1.190238; chronic 2 of 4.
# School A, 2024-25: the same four, 40 days each, only s1 absent (4 days):
#   attendance 156/160 = 97.5%; a − R·m = −3, 1, 1, 1; Σ = 12; SE = sqrt(4/3 · 12)/160 = 0.025,
#   i.e. 2.5 points; chronic 1 of 4.
# School B, 2025-26: nine students b1-b9 (b2 black, the others Hispanic), no absences, and
#   I1 b1 OSS 2 days + b2 OSS 3 days (one incident, two profiles), I2 b3 ISS 1 day,
#   I3 b3 OSS 5 days, I5 b5 ISS 0.5 day.
# Family survey at A, 2025-26 (three items): r1 5 5 5 (3 of 3 favorable), r2 1 2 - (0 of 2),
#   r3 4 1 4 (2 of 3). Educator survey and SQR at A both years.

D25 = weekdays(dt.date(2024, 9, 3), 40)
D26 = weekdays(dt.date(2025, 9, 2), 40)
AS_OF = dt.date(2026, 6, 30)
ITEMS = (("q1", "Communication"), ("q2", "Communication"), ("q3", "School Safety"))


def build_hand_zone(**suppression):
    con = warehouse()
    load(con, "schools", [("A", "Alpha", "6-8"), ("B", "Beta", "6-8")])
    load(con, "calendar", calendar(["A", "B"], D25, 2025) + calendar(["A", "B"], D26, 2026))
    h = Student()
    spells = [h.spell(s, "A", "7", D25[0], year=2025) for s in ("s1", "s2", "s3", "s4")]
    spells += [
        h.spell("s1", "A", "7", D26[0]),
        h.spell("s2", "A", "7", D26[0]),
        h.spell("s3", "A", "7", D26[20]),
        h.spell("s4", "A", "7", D26[20]),
    ]
    spells += [(Student(race="B") if i == 2 else h).spell(f"b{i}", "B", "7", D26[0]) for i in range(1, 10)]
    load(con, "enrollment", spells)
    absences = [("s1", "A", D25[i], "A") for i in range(4)]
    absences += [("s1", "A", D26[i], "A") for i in range(4)]
    absences += [("s3", "A", D26[20 + i], "A") for i in range(5)] + [("s4", "A", D26[25], "AE")]
    load(con, "attendance", absences)
    load(
        con,
        "discipline",
        [
            ("I1", "b1", "B", D26[5], "fight", "OSS", Decimal(2)),
            ("I1", "b2", "B", D26[5], "fight", "OSS", Decimal(3)),
            ("I2", "b3", "B", D26[8], "disruption", "ISS", Decimal(1)),
            ("I3", "b3", "B", D26[9], "weapon", "OSS", Decimal(5)),
            ("I5", "b5", "B", D26[12], "disruption", "ISS", Decimal("0.5")),
        ],
    )
    load(
        con,
        "family_survey",
        [
            (r, "A", 2026, "spring", item, topic, value)
            for r, values in {"r1": (5, 5, 5), "r2": (1, 2, None), "r3": (4, 1, 4)}.items()
            for (item, topic), value in zip(ITEMS, values)
        ],
    )
    ici = "Instructional Culture Index"
    load(
        con,
        "educator_survey",
        [("A", 2025, "spring", ici, Decimal("6.0"), 30), ("A", 2026, "spring", ici, Decimal("8.0"), 30)],
    )
    load(con, "sqr", [("A", 2025, "spring", "Instruction", "i1", 2), ("A", 2026, "spring", "Instruction", "i1", 4)])
    compute(con, settings(AS_OF, suppression=suppression or {"min_students": 1, "min_respondents": 1}))
    return con


@pytest.fixture(scope="module")
def zone():
    con = build_hand_zone()
    yield con
    con.close()


def test_attendance_rate_interval_is_the_cluster_one_clipped_at_100(zone):
    row = cell(zone, "A", "attendance_rate")
    assert row["value"] == pytest.approx(100 * 110 / 120)
    assert row["se"] == pytest.approx(4.625924, abs=1e-6)
    # 91.6667 ± 1.959964 · 4.625924 = 91.6667 ± 9.066645: (82.6000, 100.7333), clipped to 100.
    assert row["ci_low"] == pytest.approx(82.600022, abs=1e-5)
    assert row["ci_high"] == 100


def test_average_days_absent_interval_is_the_mean_plus_minus_z_standard_errors(zone):
    row = cell(zone, "A", "avg_days_absent")
    # 2.5 ± 1.959964 · 1.190238 = 2.5 ± 2.332824
    assert (row["value"], row["se"]) == pytest.approx((2.5, 1.190238), abs=1e-6)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((0.167176, 4.832824), abs=1e-6)


def test_chronic_absence_interval_is_wilsons(zone):
    row = cell(zone, "A", "chronic_absence_rate")
    # 2 of 4: centre (2 + 1.920729)/5.841459... no: n + z² = 7.841459, centre 3.920729/7.841459 = 0.5;
    # half 1.959964/7.841459 · sqrt(2·2/4 + 0.960365) = 0.249948 · 1.400130 = 0.349961
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((15.003899, 84.996101), abs=1e-5)
    assert (row["ci_low"] / 100, row["ci_high"] / 100) == pytest.approx(
        proportion_confint(2, 4, method="wilson"), abs=1e-6
    )
    # For shares se is the binomial one, for reference: 100 · sqrt(0.5 · 0.5 / 4) = 25.
    assert row["se"] == pytest.approx(25.0)


def test_incidents_per_100_share_each_incident_among_the_groups_students(zone):
    # Everyone at B: a_i = b1 1/2, b2 1/2 (I1 shared), b3 2 (I2, I3), b5 1; Σa = 4 = the incidents,
    # Σa² = 0.25 + 0.25 + 4 + 1 = 5.5; R = 4/9; Σ(a − R)² = 5.5 − 2·(4/9)·4 + (4/9)²·9 = 3.722222
    # SE = 100 · sqrt(9/8 · 3.722222)/9 = 22.737091; 44.4444 ± 44.564 -> (0, 89.0085)
    row = cell(zone, "B", "incidents_per_100")
    assert (row["value"], row["se"]) == pytest.approx((400 / 9, 22.737091), abs=1e-5)
    assert row["ci_low"] == 0 and row["ci_high"] == pytest.approx(400 / 9 + Z * 22.737091, abs=1e-4)
    # Hispanic students (b2 is not): I1 now involves one of them, so b1 counts it whole.
    # a_i = b1 1, b3 2, b5 1: Σa² = 6, R = 4/8, Σ(a − R)² = 6 − 4 + 2 = 4, SE = 100 · sqrt(8/7 · 4)/8 = 26.726124
    assert cell(zone, "B", "incidents_per_100", "hispanic")["se"] == pytest.approx(26.726124, abs=1e-5)
    moments = zone.execute(
        "select c.sum_a2, c.sum_am, o.sum_a2, o.sum_am, o.n from work.metric_cells as c join work.other_cells as o "
        "using (school_id, school_year, period, metric, subgroup) where school_id = 'B' and school_year = 2026 "
        "and period = 'end_of_year' and metric = 'incidents_per_100' and subgroup = 'hispanic'"
    ).fetchone()
    # The rest of the school (b2 alone) has I1 whole: a = 1, so Σa² = 1 and Σa = 1.
    assert moments == pytest.approx((6, 4, 1, 1, 1))


def test_days_removed_per_100_interval(zone):
    # days per student 2, 3, 6, 0.5 and five zeros: mean 1.277778, Σ(a − ā)² = 49.25 − 9 · 1.277778² = 34.555556
    # SE = 100 · sqrt(9/8 · 34.555556)/9 = 69.277577; the low end is clipped at 0.
    row = cell(zone, "B", "days_removed_per_100")
    assert (row["value"], row["se"]) == pytest.approx((127.777778, 69.277577), abs=1e-5)
    assert row["ci_low"] == 0 and row["ci_high"] == pytest.approx(127.777778 + Z * 69.277577, abs=1e-4)


def test_family_favorable_interval_takes_the_respondent_as_the_cluster(zone):
    # a = 3, 0, 2 favorable of m = 3, 2, 3 answers: R = 5/8; a − R·m = 1.125, −1.25, 0.125;
    # Σ² = 2.84375; SE = 100 · sqrt(3/2 · 2.84375)/8 = 25.816737; 62.5 − 50.599875 = 11.900125, top clipped.
    row = cell(zone, "A", "family_favorable")
    assert (row["value"], row["se"]) == pytest.approx((62.5, 25.816737), abs=1e-5)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((11.900125, 100), abs=1e-5)


def test_no_interval_for_educator_survey_and_sqr_and_for_one_student(zone):
    for metric in ("educator_ici", "sqr:instruction"):
        row = comparison(zone, "A", metric)
        assert row["change"] is not None  # 8.0 − 6.0; 4 − 2
        assert all(
            row[c] is None for c in ("ci_low", "ci_high", "change_low", "change_high", "change_p", "change_signal")
        ), metric
        assert cell(zone, "A", metric)["se"] is None
    # b2 is the only black student at B: a share still has Wilson's interval, a ratio none.
    assert cell(zone, "B", "oss_rate", "black")["ci_low"] is not None
    assert cell(zone, "B", "incidents_per_100", "black")["ci_low"] is None


def test_change_of_a_ratio_adds_the_two_years_variances(zone):
    # 91.6667 − 97.5 = −5.833333; SE = sqrt(4.625924² + 2.5²) = 5.258248;
    # −5.833333 ± 10.305977 = (−16.139311, 4.472644); p = 2Φ(−5.833333/5.258248) = 2Φ(−1.109368) = 0.267271
    row = comparison(zone, "A", "attendance_rate")
    assert row["change"] == pytest.approx(-5.833333, abs=1e-6)
    assert (row["change_low"], row["change_high"]) == pytest.approx((-16.139311, 4.472644), abs=1e-5)
    assert row["change_p"] == pytest.approx(0.267271, abs=1e-6)
    assert row["change_signal"] == "unclear"


def test_change_of_a_share_is_newcombes(zone):
    # 2 of 4 against 1 of 4: Newcombe (−31.9557, 65.5287) points; pooled p = 0.465209.
    row = comparison(zone, "A", "chronic_absence_rate")
    assert row["change"] == 25
    low, high = confint_proportions_2indep(2, 4, 1, 4, method="newcomb", compare="diff")
    assert (row["change_low"], row["change_high"]) == pytest.approx((100 * low, 100 * high), abs=1e-4)
    assert row["change_p"] == pytest.approx(proportions_ztest([2, 1], [4, 4])[1], rel=1e-6)
    assert row["change_signal"] == "unclear"


def test_school_against_the_rest_of_the_zone(zone):
    # A's chronic absence 2 of 4 against B's 0 of 9 (the rest of the zone).
    row = comparison(zone, "A", "chronic_absence_rate")
    assert row["rest_of_zone_value"] == 0 and row["zone_gap"] == 50
    low, high = confint_proportions_2indep(2, 4, 0, 9, method="newcomb", compare="diff")
    assert (row["zone_gap_low"], row["zone_gap_high"]) == pytest.approx((100 * low, 100 * high), abs=1e-4)
    assert row["zone_gap_p"] == pytest.approx(proportions_ztest([2, 0], [4, 9])[1], rel=1e-6)  # 0.021104
    # Attendance: B's nine students were never absent, so the rest of the zone has no spread
    # and the SE is A's alone: 91.6667 − 100 ± 1.959964 · 4.625924.
    att = comparison(zone, "A", "attendance_rate")
    assert att["zone_gap"] == pytest.approx(-100 / 12)
    assert (att["zone_gap_low"], att["zone_gap_high"]) == pytest.approx(
        (-100 / 12 - Z * 4.625924, -100 / 12 + Z * 4.625924), abs=1e-5
    )
    zone_row = comparison(zone, "ZONE", "chronic_absence_rate")
    assert all(zone_row[c] is None for c in ("rest_of_zone_value", "zone_gap", "zone_gap_low", "zone_gap_signal"))


def test_gap_and_risk_ratio_of_a_group_against_the_rest_of_the_school(zone):
    # OSS at B: b2 (black) 1 of 1, the others b1, b3 of 8: gap 100 − 25 = 75 points.
    row = comparison(zone, "B", "oss_rate", "black")
    assert (row["comparison_group"], row["gap_vs_comparison"]) == ("others", 75)
    low, high = confint_proportions_2indep(1, 1, 2, 8, method="newcomb", compare="diff")
    assert (row["gap_low"], row["gap_high"]) == pytest.approx((100 * low, 100 * high), abs=1e-4)
    assert row["gap_p"] == pytest.approx(proportions_ztest([1, 2], [1, 8])[1], rel=1e-6)
    # RR = 1/(2/8) = 4; var = 1/1 − 1/1 + 1/2 − 1/8 = 0.375; exp(ln 4 ± 1.959964 · 0.612372) = (1.204502, 13.283495)
    assert row["risk_ratio"] == pytest.approx(4)
    assert (row["risk_ratio_low"], row["risk_ratio_high"]) == pytest.approx((1.204502, 13.283495), abs=1e-5)
    # No ISS for b2: no Katz interval (ln 0).
    iss = comparison(zone, "B", "iss_rate", "black")
    assert iss["risk_ratio"] == 0 and iss["risk_ratio_low"] is None and iss["risk_ratio_high"] is None


def test_signals_follow_the_interval_and_benjamini_hochberg_within_each_family(zone):
    rows = zone.execute(
        "select school_id, school_year, period, metric, subgroup, change_low, change_high, change_p, change_signal, "
        "gap_low, gap_high, gap_p, gap_signal, zone_gap_low, zone_gap_high, zone_gap_p, zone_gap_signal "
        "from marts.metric_comparisons"
    ).fetchall()
    checked = 0
    for offset in (5, 9, 13):  # the change, the gap, the zone gap
        families: dict[tuple, list] = {}
        for row in rows:
            low, high, p, signal = row[offset : offset + 4]
            if p is None:
                assert signal is None or low is None
                continue
            families.setdefault(row[:3], []).append((low, high, p, signal))
        for members in families.values():
            rejected = multipletests([m[2] for m in members], alpha=0.10, method="fdr_bh")[0]
            for (low, high, _, signal), reject in zip(members, rejected):
                assert signal == ("clear" if reject and (low > 0 or high < 0) else "unclear")
                checked += 1
    assert checked > 20


def test_missing_moments_give_no_standard_error(sql):
    assert sql("ratio_se(5::bigint, 3.0, 5.0, NULL, 3.0, 5.0), clip_to_unit(NULL, 'percent')") == (None, None)


def test_ten_students_and_suppressed_cells_with_the_default_thresholds():
    # School A: ten students (a0, a1 black), 40 days; a2-a4 absent 4 days (10%): 3 of 10 chronic.
    # A year earlier the same ten, nobody absent. School B: twelve students, nobody absent.
    con = warehouse()
    load(con, "schools", [("A", "Alpha", "6-8"), ("B", "Beta", "6-8")])
    load(con, "calendar", calendar(["A", "B"], D25, 2025) + calendar(["A", "B"], D26, 2026))
    spells = []
    for year, days in ((2025, D25), (2026, D26)):
        spells += [Student(race="B" if i < 2 else "H").spell(f"a{i}", "A", "7", days[0], year=year) for i in range(10)]
    spells += [Student().spell(f"b{i}", "B", "7", D26[0]) for i in range(12)]
    load(con, "enrollment", spells)
    load(con, "attendance", [(f"a{i}", "A", D26[d], "A") for i in (2, 3, 4) for d in range(4)])
    compute(con, settings(AS_OF))

    row = comparison(con, "A", "chronic_absence_rate")
    # n = 10 is published: Wilson 3 of 10 = (10.7791, 60.3222), as computed at the top.
    assert (row["n"], row["value"]) == (10, 30)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((10.779127, 60.322185), abs=1e-5)
    # 3 of 10 against 0 of 10: Newcombe, pooled p = 2Φ(−0.3/sqrt(0.15 · 0.85 · 0.2)) = 2Φ(−1.878673) = 0.060289
    assert row["change_p"] == pytest.approx(0.060289, abs=1e-6)
    low, high = confint_proportions_2indep(3, 10, 0, 10, method="newcomb", compare="diff")
    assert (row["change_low"], row["change_high"]) == pytest.approx((100 * low, 100 * high), abs=1e-4)
    # Against the rest of the zone, B's 12 students (0 chronic).
    assert (row["rest_of_zone_value"], row["zone_gap"]) == (0, 30)

    # Two black students: hidden, and the Hispanic students with them (all minus one would tell).
    for subgroup in ("black", "hispanic"):
        hidden = comparison(con, "A", "chronic_absence_rate", subgroup)
        assert hidden["suppressed"] is True
        assert all(hidden[c] is None for c in ("value", *UNCERTAINTY_COLUMNS)), subgroup
        assert cell(con, "A", "chronic_absence_rate", subgroup)["se"] is None
    # B's Hispanic students (12, published) are compared with the rest of the zone's published
    # cells only: A's hidden Hispanic cell is not added in, so nothing is left to compare with.
    assert comparison(con, "B", "chronic_absence_rate", "hispanic")["rest_of_zone_value"] is None
    con.close()


# --- the false discovery rate setting -------------------------------------------------


def test_the_false_discovery_rate_is_a_setting(tmp_path):
    from sezp_roadmap.config import load_settings
    from sezp_roadmap.errors import InputProblem

    assert load_settings(None, tmp_path).false_discovery_rate == 0.10
    (tmp_path / "roadmap.yaml").write_text("signals:\n  false_discovery_rate: 0.05\n")
    assert load_settings(None, tmp_path).false_discovery_rate == 0.05
    for bad in ("0", "1.5", "ten percent", "null"):
        (tmp_path / "roadmap.yaml").write_text(f"signals:\n  false_discovery_rate: {bad}\n")
        with pytest.raises(InputProblem) as raised:
            load_settings(None, tmp_path)
        assert "false_discovery_rate" in str(raised.value.problems[0]) and "between 0 and 1" in str(
            raised.value.problems[0]
        )
