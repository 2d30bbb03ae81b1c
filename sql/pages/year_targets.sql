-- Every target the TLTs set for one school year (both periods), with the
-- published figures its status is judged on: the target's own cell, this
-- year's mid-year cell (for end-of-year targets on pace), and last year's
-- mid-year and end-of-year values (the movement the on-pace rule projects).
-- A target without a published cell keeps its row, with NULL figures.
with targets as (
    select school_id, school_year, period, metric, subgroup, max(target) as target
    from staging.targets
    where school_year = $school_year
    group by all
),
-- Only the cells of a target's school, metric and subgroup: a state's year has a
-- million cells and some twenty thousand targets, and joined whole, each lookup below
-- built a hash table of the million.
target_cells as (
    select distinct school_id, metric, subgroup
    from targets
),
values_of_year as (
    select c.*
    from marts.metric_comparisons as c
    semi join target_cells as t
        using (school_id, metric, subgroup)
    where c.school_year = $school_year
),
values_of_mid_year as (
    select v.*
    from marts.metric_values as v
    semi join target_cells as t
        using (school_id, metric, subgroup)
    where v.school_year = $school_year and v.period = 'mid_year'
),
last_year as (
    select v.*
    from marts.metric_values as v
    semi join target_cells as t
        using (school_id, metric, subgroup)
    where v.school_year = $school_year - 1
),
final as (
    select
        t.school_id,
        s.school_name,
        t.school_year,
        t.period,
        t.metric,
        coalesce(k.label, t.metric) as label,
        coalesce(k.unit, '') as unit,
        coalesce(k.direction, 'higher') as direction,
        coalesce(k.population, 'students') as population,
        t.subgroup,
        t.target::double as target,
        own.n,
        own.value,
        coalesce(own.suppressed, false) as suppressed,
        own.target_met,
        own.target_gap,
        own.target_gap_students,
        own.ci_low,
        own.ci_high,
        mid.n as mid_n,
        mid.value as mid_value,
        coalesce(mid.suppressed, false) as mid_suppressed,
        case when not last_mid.suppressed then last_mid.value end as last_mid_value,
        case when not last_end.suppressed then last_end.value end as last_end_value,
        -- 95% intervals and standard errors (NULL when hidden or without one), from
        -- which the projection's own range can be judged (docs/metrics.md, "Uncertainty").
        mid.ci_low as mid_ci_low,
        mid.ci_high as mid_ci_high,
        mid_value_row.se as mid_se,
        last_mid.se as last_mid_se,
        last_end.se as last_end_se,
        coalesce(p.is_complete, false) as period_complete
    from targets as t
    left join meta.periods as p
        on p.school_year = t.school_year and p.period = t.period
    left join staging.schools as s
        on s.school_id = t.school_id
    left join marts.metric_catalog as k
        on k.metric = t.metric
    left join values_of_year as own
        on own.school_id = t.school_id and own.period = t.period
        and own.metric = t.metric and own.subgroup = t.subgroup
    left join values_of_year as mid
        on mid.school_id = t.school_id and mid.period = 'mid_year'
        and mid.metric = t.metric and mid.subgroup = t.subgroup
    left join values_of_mid_year as mid_value_row
        on mid_value_row.school_id = t.school_id
        and mid_value_row.metric = t.metric and mid_value_row.subgroup = t.subgroup
    left join last_year as last_mid
        on last_mid.school_id = t.school_id and last_mid.period = 'mid_year'
        and last_mid.metric = t.metric and last_mid.subgroup = t.subgroup
    left join last_year as last_end
        on last_end.school_id = t.school_id and last_end.period = 'end_of_year'
        and last_end.metric = t.metric and last_end.subgroup = t.subgroup
)
select * from final
order by school_name, school_id, period desc, label, subgroup;
