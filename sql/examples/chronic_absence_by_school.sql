-- Chronic absence by school at the latest mid-year, all students, with the zone
-- and last year's mid-year beside it. Hidden cells show as NULL.
with latest as (
    select max(school_year) as school_year from marts.metric_values where period = 'mid_year'
),
final as (
    select
        c.school_id,
        c.n as students,
        round(c.value, 1) as chronic_absence_pct,
        round(c.prior_value, 1) as last_year_pct,
        round(c.change, 1) as change_points,
        round(c.zone_value, 1) as zone_pct,
        c.suppressed
    from marts.metric_comparisons as c
    join latest
        using (school_year)
    where c.period = 'mid_year'
      and c.metric = 'chronic_absence_rate'
      and c.subgroup = 'all'
)
select * from final
order by chronic_absence_pct desc nulls last, school_id;
