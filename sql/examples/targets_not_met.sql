-- Targets not met in the latest school year and period that has targets, with
-- how far each is, in the metric's unit and (for shares of students) in students.
with latest as (
    select school_year, period
    from marts.metric_comparisons
    where target is not null
    order by school_year desc, period = 'end_of_year' desc
    limit 1
),
final as (
    select
        c.school_id,
        c.school_year,
        c.period,
        k.label,
        c.subgroup,
        round(c.value, 1) as value,
        c.target,
        round(c.target_gap, 1) as still_to_go,
        c.target_gap_students as students_to_go
    from marts.metric_comparisons as c
    join latest
        using (school_year, period)
    join marts.metric_catalog as k
        using (metric)
    where c.target_met = false
)
select * from final
order by school_id, label, subgroup;
