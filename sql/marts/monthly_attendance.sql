-- marts.monthly_attendance: the attendance rate of each month of a period, per school and
-- for the zone, over the period's attending students (the same students as attendance_rate,
-- so the months add up to the period's rate; at the zone, a student's months at every
-- zone school). A month with fewer than $min_students students carries no figures.
-- The monthly sums are work.school_months (sql/work/student_attendance.sql).
create or replace temporary table run_monthly_attendance as
with cells as (
    select school_id, school_year, period, month, membership_days, absent_days, attending_students as n
    from work.school_months
    where attending_students > 0
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
