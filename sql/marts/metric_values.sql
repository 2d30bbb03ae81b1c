-- The published mart's rows for this run's periods (merged into marts.metric_values by
-- sezp_roadmap.metrics): one row per (school_id, school_year, period, metric, subgroup).
-- A hidden cell (sql/work/suppression_cells.sql, complementary_suppression.sql)
-- has value, numerator and denominator NULL, so the figure cannot be
-- recovered from them; n (how many students or respondents) stays. A subgroup
-- with n = 0 has no row.
create or replace table work.run_metric_values as
with flagged as (
    select c.*, s.suppressed
    from work.metric_cells as c
    join work.suppression_cells as s
        using (school_id, school_year, period, metric, subgroup)
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
        suppressed
    from flagged
)
select * from final
order by school_id, school_year, period, metric, subgroup;
