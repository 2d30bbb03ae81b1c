-- Targets not met in the latest finished period that has targets, with how far
-- each is, in the metric's unit and (for shares of students) in students: the
-- targets the targets page calls "not met". While a school year runs, its
-- end-of-year targets are not met or unmet yet: the targets page judges them
-- "on pace", "not on pace" or "too close to call" from the mid-year figures
-- (docs/priority-levers.md), so they are not listed here.
with latest as (
    select c.school_year, c.period
    from marts.metric_comparisons as c
    join meta.periods as p
        using (school_year, period)
    where c.target is not null
      and p.is_complete
    order by c.school_year desc, c.period = 'end_of_year' desc
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
