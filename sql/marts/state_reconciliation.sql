-- marts.state_reconciliation: every end-of-year figure of ours that DESE also
-- published (staging.state_figures, for a school mapped by schools.state_school_id),
-- side by side. One row per (school_id, school_year, subgroup, metric).
-- status:
--   agrees          |ours − DESE's| is within the metric's tolerance (settings: state_figures.tolerance)
--   differs         further apart than that
--   ours_hidden     our cell is suppressed for privacy: it cannot be compared, and nothing of it is shown
--   ours_year_to_date  our school year is still under way: a partial year is not compared with DESE's whole year
-- The difference is rounded to 6 decimals before the comparison, so that a
-- difference of exactly the tolerance (92.1 against 91.6) agrees whatever the
-- binary rounding of the two numbers.
create or replace table marts.state_reconciliation as
with tolerances as (
    select unnest($metrics::varchar[]) as metric, unnest($tolerances::double[]) as tolerance
),
state as (
    select
        s.school_id,
        f.org_code as state_school_id,
        f.school_year,
        f.subgroup,
        f.metric,
        f.value::double as state_value,
        f.source
    from staging.state_figures as f
    join staging.schools as s
        on s.state_school_id = f.org_code
),
ours as (
    select v.school_id, v.school_year, v.subgroup, v.metric, v.value, v.suppressed, p.is_complete
    from marts.metric_values as v
    join meta.periods as p
        on p.school_year = v.school_year and p.period = v.period
    where v.period = 'end_of_year'
),
joined as (
    select
        st.school_id,
        st.state_school_id,
        st.school_year,
        st.subgroup,
        st.metric,
        case when o.suppressed then null else o.value end as our_value,
        st.state_value,
        case when o.suppressed then null else round(o.value - st.state_value, 6) end as difference,
        t.tolerance,
        o.suppressed,
        o.is_complete,
        st.source
    from state as st
    join ours as o
        using (school_id, school_year, subgroup, metric)
    left join tolerances as t
        using (metric)
),
final as (
    select
        school_id,
        state_school_id,
        school_year,
        subgroup,
        metric,
        our_value,
        state_value,
        difference,
        tolerance,
        case
            when suppressed then 'ours_hidden'
            when not is_complete then 'ours_year_to_date'
            when abs(difference) <= tolerance then 'agrees'
            else 'differs'
        end as status,
        source
    from joined
)
select * from final
order by school_id, school_year, subgroup, metric;
