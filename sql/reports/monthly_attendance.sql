-- marts.monthly_attendance: the attendance rate of each month of a period, per school and
-- for the zone, over the period's attending students (the same students as attendance_rate,
-- so the months add up to the period's rate). A month with fewer than $min_students
-- students carries no figures.
create or replace table work.run_monthly_attendance as
with attending as (
    select student_id, school_id, school_year, period
    from work.student_attendance
    where is_attending
),
days as (
    select m.school_id, m.school_year, m.period, m.month, m.student_id, m.membership_days
    from work.membership_months as m
    semi join attending as a
        using (student_id, school_id, school_year, period)
),
absent as (
    select
        x.school_id,
        x.school_year,
        x.period,
        date_trunc('month', x.date)::date as month,
        sum(x.absent_days) as absent_days
    from work.absence_days as x
    semi join attending as a
        using (student_id, school_id, school_year, period)
    group by all
),
by_school as (
    select school_id, school_year, period, month, sum(membership_days) as membership_days, count(distinct student_id) as n
    from days
    group by all
),
-- The zone counts each student once: membership and absences summed over their schools.
zone_days as (
    select 'ZONE' as school_id, d.school_year, d.period, d.month, sum(d.membership_days) as membership_days,
        count(distinct d.student_id) as n
    from days as d
    semi join (select student_id, school_year, period from work.student_attendance where school_id = 'ZONE' and is_attending) as z
        using (student_id, school_year, period)
    group by all
),
zone_absent as (
    select 'ZONE' as school_id, x.school_year, x.period, date_trunc('month', x.date)::date as month, sum(x.absent_days) as absent_days
    from work.absence_days as x
    semi join (select student_id, school_year, period from work.student_attendance where school_id = 'ZONE' and is_attending) as z
        using (student_id, school_year, period)
    group by all
),
cells as (
    select b.*, coalesce(a.absent_days, 0) as absent_days
    from by_school as b
    left join absent as a using (school_id, school_year, period, month)
    union all
    select z.*, coalesce(a.absent_days, 0) as absent_days
    from zone_days as z
    left join zone_absent as a using (school_id, school_year, period, month)
),
final as (
    select
        school_id,
        school_year,
        period,
        month,
        case when n < $min_students then null else membership_days end as membership_days,
        case when n < $min_students then null else absent_days::double end as absent_days,
        case when n < $min_students then null
            else 100 * (membership_days - absent_days)::double / membership_days end as rate,
        n,
        n < $min_students as suppressed
    from cells
)
select * from final
order by school_id, school_year, period, month;
