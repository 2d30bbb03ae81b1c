-- marts.monthly_discipline: suspensions and days removed in each month of a period, per
-- school and for the zone. Only actions dated within one of the student's enrollment
-- spells at the school count (docs/metrics.md); n is the students enrolled that month. A month
-- with fewer than $min_students enrolled students carries no figures.
create or replace temporary table run_monthly_discipline as
with actions as (
    select distinct
        d.school_id,
        p.school_year,
        p.period,
        d.incident_id,
        d.student_id,
        d.action,
        d.days_removed,
        date_trunc('month', d.incident_date)::date as month
    from staging.discipline as d
    join work.run_periods as p
        on d.incident_date between p.start_date and p.data_through
    semi join staging.enrollment as e
        on e.student_id = d.student_id
        and e.school_id = d.school_id
        and e.school_year = p.school_year
        and within_spell(d.incident_date, e.school_year, e.entry_date, e.exit_date)
),
enrolled as (
    -- Only the periods the discipline extract covers (work.discipline_periods, sql/work/metrics/discipline.sql):
    -- elsewhere a month without actions is not a measured zero.
    select school_id, school_year, period, month, enrolled_students as n
    from work.school_months
    semi join work.discipline_periods
        using (school_year, period)
),
counted as (
    select
        school_id, school_year, period, month,
        count(*) filter (where action = 'ISS') as iss_actions,
        count(*) filter (where action = 'OSS') as oss_actions,
        coalesce(sum(days_removed) filter (where is_removal(action)), 0) as days_removed
    from actions
    group by all
    union all
    select
        'ZONE', school_year, period, month,
        count(*) filter (where action = 'ISS'),
        count(*) filter (where action = 'OSS'),
        coalesce(sum(days_removed) filter (where is_removal(action)), 0)
    from actions
    group by all
),
final as (
    select
        e.school_id,
        e.school_year,
        e.period,
        e.month,
        case when e.n < $min_students then null else coalesce(c.iss_actions, 0) end as iss_actions,
        case when e.n < $min_students then null else coalesce(c.oss_actions, 0) end as oss_actions,
        case when e.n < $min_students then null else coalesce(c.days_removed, 0)::double end as days_removed,
        e.n,
        e.n < $min_students as suppressed
    from enrolled as e
    left join counted as c
        using (school_id, school_year, period, month)
)
select * from final
order by school_id, school_year, period, month;
