-- The published mart: one row per (school_id, school_year, period, metric, subgroup).
-- A cell whose n is below the threshold is suppressed: value, numerator and
-- denominator are NULL so the hidden figure cannot be recovered from them.
create or replace table marts.metric_values as
with cells as (
    select c.*, coalesce(m.population, 'students') as population
    from work.metric_cells as c
    left join meta.metrics as m
        on m.metric = c.metric
),
flagged as (
    select
        *,
        case population
            when 'students' then n < $min_students
            when 'respondents' then n < $min_respondents
            else false
        end as suppressed
    from cells
    where n > 0
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
