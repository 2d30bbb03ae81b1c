-- The statistics of docs/metrics.md, "Uncertainty", as DuckDB macros that the
-- marts' SQL applies to whole columns of cells at once. Temporary: they live
-- on the run's connection only, never in the published warehouse.
--
-- Every interval is 95%: z = 1.959964 (the 0.975 quantile of the normal).
-- Proportions here are on 0-1; the marts multiply by the metric's scale.

-- z of a 95% two-sided interval.
create or replace temporary macro z95() as 1.959964;

-- Wilson's score interval of x successes in n trials (Wilson 1927):
-- (x + z²/2 ± z·sqrt(x(n − x)/n + z²/4)) / (n + z²). 0 of n has a lower bound of
-- 0 and n of n an upper bound of 1, set exactly (rounding would leave them a
-- hair off, and the interval would miss its own estimate).
create or replace temporary macro wilson_low(x, n) as
    case
        when n > 0 and x <= 0 then 0
        when n > 0 then
            (x + z95() * z95() / 2 - z95() * sqrt(x * (n - x) / n + z95() * z95() / 4)) / (n + z95() * z95())
    end;

create or replace temporary macro wilson_high(x, n) as
    case
        when n > 0 and x >= n then 1
        when n > 0 then
            (x + z95() * z95() / 2 + z95() * sqrt(x * (n - x) / n + z95() * z95() / 4)) / (n + z95() * z95())
    end;

-- Newcombe's hybrid score interval of p1 − p2 (Newcombe 1998, method 10), from
-- the two Wilson intervals (l1, u1) and (l2, u2):
-- p1 − p2 − sqrt((p1 − l1)² + (u2 − p2)²)  to  p1 − p2 + sqrt((u1 − p1)² + (p2 − l2)²).
create or replace temporary macro newcombe_low(x1, n1, x2, n2) as
    x1 / n1 - x2 / n2
    - sqrt(pow(x1 / n1 - wilson_low(x1, n1), 2) + pow(wilson_high(x2, n2) - x2 / n2, 2));

create or replace temporary macro newcombe_high(x1, n1, x2, n2) as
    x1 / n1 - x2 / n2
    + sqrt(pow(wilson_high(x1, n1) - x1 / n1, 2) + pow(x2 / n2 - wilson_low(x2, n2), 2));

-- The pooled standard error of p1 − p2 under "no difference", behind the
-- p-value of a difference of shares: sqrt(p(1 − p)(1/n1 + 1/n2)), p = (x1 + x2)/(n1 + n2).
create or replace temporary macro pooled_se(x1, n1, x2, n2) as
    sqrt((x1 + x2) / (n1 + n2) * (1 - (x1 + x2) / (n1 + n2)) * (1 / n1 + 1 / n2));

-- The standard error of a ratio R = Σa_i / Σm_i with the student (or
-- respondent) i as the cluster: sqrt(n/(n − 1) · Σ(a_i − R·m_i)²) / Σm_i, where
-- Σ(a_i − R·m_i)² = Σa_i² − 2R·Σa_i·m_i + R²·Σm_i², from the moments every cell
-- carries (sum_a2, sum_am, sum_m2). Rounding can leave the sum a hair below 0
-- when every a_i = R·m_i; it is then 0. A single cluster has no spread to
-- measure: NULL; so are missing moments (greatest() would read them as 0).
create or replace temporary macro ratio_se(n, sum_a, sum_m, sum_a2, sum_am, sum_m2) as
    case when n > 1 and sum_m > 0 and sum_a2 is not null and sum_am is not null and sum_m2 is not null then
        sqrt(n / (n - 1) * greatest(0,
            sum_a2 - 2 * (sum_a / sum_m) * sum_am + (sum_a / sum_m) * (sum_a / sum_m) * sum_m2)) / sum_m
    end;

-- The standard normal's upper tail beyond |z|, twice: the two-sided p-value.
-- erfc(|z|/√2) by the Chebyshev fit of Numerical Recipes (erfcc, fractional
-- error below 1.2e-7 everywhere), as DuckDB has no erf of its own.
create or replace temporary macro erfc_abs(x) as
    (1 / (1 + 0.5 * abs(x))) * exp(-abs(x) * abs(x) - 1.26551223 + (1 / (1 + 0.5 * abs(x))) * (1.00002368
        + (1 / (1 + 0.5 * abs(x))) * (0.37409196 + (1 / (1 + 0.5 * abs(x))) * (0.09678418
        + (1 / (1 + 0.5 * abs(x))) * (-0.18628806 + (1 / (1 + 0.5 * abs(x))) * (0.27886807
        + (1 / (1 + 0.5 * abs(x))) * (-1.13520398 + (1 / (1 + 0.5 * abs(x))) * (1.48851587
        + (1 / (1 + 0.5 * abs(x))) * (-0.82215223 + (1 / (1 + 0.5 * abs(x))) * 0.17087277)))))))));

-- Two-sided p-value of a difference with standard error se. A difference with
-- no spread at all (se = 0) is certain: p = 1 when it is 0, else 0.
create or replace temporary macro two_sided_p(diff, se) as
    case
        when diff is null or se is null then null
        when se > 0 then least(1, erfc_abs(diff / se / sqrt(2)))
        when diff = 0 then 1
        else 0
    end;

-- A value's interval is clipped to what the metric can take: percents to
-- 0-100, growth percentiles to 1-99, days and rates per 100 to at least 0. (DuckDB's greatest and least
-- skip NULLs, so a missing bound is kept missing first.)
create or replace temporary macro clip_to_unit(x, unit) as
    case
        when x is null then null
        when unit = 'percent' then least(100, greatest(0, x))
        when unit = 'percentile' then least(99, greatest(1, x))
        else greatest(0, x)
    end;

-- The 95% interval of a difference between two cells (docs/metrics.md,
-- "Uncertainty"), in the metric's unit, and the standard error its p-value is
-- judged on, as {low, high, se}: for shares (`interval_kind` 'wilson', x1 of n1
-- against x2 of n2 students) Newcombe's interval and the pooled standard error
-- (what the spread would be if both sides had the same rate); for per-student
-- ratios and means ('ratio') the difference ± z·sqrt(se1² + se2²) and that
-- standard error. NULL when the difference is, or when the metric has no interval.
-- (Give se to two_sided_p as a column: a macro copies its arguments into every
-- place it uses them, and erfc_abs uses its argument many times.)
create or replace temporary macro difference_interval(interval_kind, scale, difference, x1, n1, x2, n2, se1, se2) as
    case when difference is not null then
        case interval_kind
            when 'wilson' then {
                'low': scale * newcombe_low(x1, n1, x2, n2),
                'high': scale * newcombe_high(x1, n1, x2, n2),
                'se': scale * pooled_se(x1, n1, x2, n2)
            }
            when 'ratio' then {
                'low': difference - z95() * sqrt(se1 * se1 + se2 * se2),
                'high': difference + z95() * sqrt(se1 * se1 + se2 * se2),
                'se': sqrt(se1 * se1 + se2 * se2)
            }
        end
    end;

-- Katz's log interval of a risk ratio x1/n1 ÷ x2/n2 (Katz et al. 1978):
-- exp(ln RR ± z·sqrt(1/x1 − 1/n1 + 1/x2 − 1/n2)); none when either count is 0.
create or replace temporary macro katz_low(x1, n1, x2, n2) as
    case when x1 > 0 and x2 > 0 then
        exp(ln((x1 / n1) / (x2 / n2)) - z95() * sqrt(1 / x1 - 1 / n1 + 1 / x2 - 1 / n2))
    end;

create or replace temporary macro katz_high(x1, n1, x2, n2) as
    case when x1 > 0 and x2 > 0 then
        exp(ln((x1 / n1) / (x2 / n2)) + z95() * sqrt(1 / x1 - 1 / n1 + 1 / x2 - 1 / n2))
    end;

-- 'clear' when the interval (low, high) excludes 0 and Benjamini-Hochberg
-- rejected the comparison within its family; NULL when there is no interval.
create or replace temporary macro signal_of(low, high, rejected) as
    case
        when low is null or high is null then null
        when (low > 0 or high < 0) and rejected then 'clear'
        else 'unclear'
    end;

-- Benjamini-Hochberg at false discovery rate q within each family of tests.
-- `tests` names a table with a column family (the family's key: any value,
-- e.g. a struct) and a column p (the test's p-value, never NULL). With a
-- family's m p-values in ascending order, the first k are rejected, k being
-- the largest rank with p ≤ rank / m · q (none when there is no such rank);
-- tied p-values fall on the same side. Returns every row of `tests` with
-- `rejected`.
create or replace temporary macro benjamini_hochberg(tests, q) as table
    with ranked as (
        select
            *,
            row_number() over (partition by family order by p) as bh_rank,
            count(*) over (partition by family) as bh_m
        from query_table(tests)
    ),
    found as (
        select *, max(case when p <= bh_rank / bh_m * q then bh_rank end) over (partition by family) as bh_k
        from ranked
    )
    select * exclude (bh_rank, bh_m, bh_k), coalesce(bh_rank <= bh_k, false) as rejected
    from found;
