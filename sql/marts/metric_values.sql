-- The published mart's rows for this run's periods (merged into marts.metric_values by
-- sezp_roadmap.metric_engine): one row per (school_id, school_year, period, metric, subgroup).
-- A hidden cell (sql/work/suppression_cells.sql, complementary_suppression.sql)
-- has value, numerator, denominator and its interval NULL, so the figure cannot be
-- recovered from them; n (how many students or respondents) stays. A subgroup
-- with n = 0 has no row.
--
-- The 95% interval (docs/metrics.md, "Uncertainty"; the macros are in
-- sql/macros/interval_functions.sql): Wilson's for shares of students; for
-- per-student ratios and means, value ± z·se with se from the ratio estimator
-- with the student (respondent) as the cluster, clipped to the metric's range;
-- none for educator survey scores and SQR ratings. se is the standard error in
-- the value's unit: the ratio estimator's, or for a share sqrt(p(1 − p)/n).
create or replace temporary table run_metric_values as
with flagged as (
    select c.*, s.suppressed, r.interval_kind, r.unit, r.scale
    from work.metric_cells as c
    join suppression_cells as s
        using (school_id, school_year, period, metric, subgroup)
    join meta.metric_catalog as k
        using (metric)
    join meta.metrics as r
        on r.metric = k.family
),
spread as (
    select
        *,
        case interval_kind
            when 'ratio' then scale * ratio_se(n, numerator, denominator, sum_a2, sum_am, sum_m2)
            when 'wilson' then scale * sqrt(numerator / denominator * (1 - numerator / denominator) / denominator)
        end as se
    from flagged
),
final as (
    select
        school_id,
        school_year,
        period,
        metric,
        subgroup,
        n,
        case when suppressed then null else numerator end as numerator,
        case when suppressed then null else denominator end as denominator,
        case when suppressed then null else value end as value,
        suppressed,
        case when not suppressed then
            case interval_kind
                when 'wilson' then scale * wilson_low(numerator, denominator)
                when 'ratio' then clip_to_unit(value - z95() * se, unit)
            end
        end as ci_low,
        case when not suppressed then
            case interval_kind
                when 'wilson' then scale * wilson_high(numerator, denominator)
                when 'ratio' then clip_to_unit(value + z95() * se, unit)
            end
        end as ci_high,
        case when not suppressed then se end as se
    from spread
)
-- Left unsorted, as the comparisons are: every reader filters or orders for itself,
-- and sorting the run's cells cost a second at state size.
select * from final;

-- Dropped after its last use: a temporary table holds memory until then, and at state size
-- those left behind pushed later steps over the memory limit, onto disk.
drop table if exists suppression_cells;
drop table if exists suppression_sets;
