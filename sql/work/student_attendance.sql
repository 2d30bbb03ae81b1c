-- Membership and absence of every student, per school and for the zone, per period
-- (metrics.md: membership(s) and absent(s)).
--
-- A membership day is a calendar school day of the school, inside the period
-- (through the date the data runs through), inside one of the student's
-- spells at that school. Overlapping spells at one school count a day once.
-- Absence values come from the configured code table and are exact decimals,
-- so the inclusive 10% and 20% thresholds compare exactly. Several exceptions
-- on one day (a tardy and a half-day absence) never count more than one day.
create or replace table work.membership_days as
select distinct
    e.student_id,
    e.school_id,
    p.school_year,
    p.period,
    c.date
from staging.enrollment as e
join work.run_periods as p
    on p.school_year = e.school_year
join staging.calendar as c
    on c.school_id = e.school_id
    and c.school_year = e.school_year
    and c.date >= greatest(e.entry_date, p.start_date)
    and c.date <= least(coalesce(e.exit_date, p.data_through), p.data_through);

create or replace table work.absence_days as
with exceptions as (
    select a.student_id, a.school_id, a.date, sum(k.absent_days) as absent_days
    from staging.attendance as a
    join meta.attendance_codes as k
        on k.code = a.code
    group by all
),
final as (
    select
        m.student_id,
        m.school_id,
        m.school_year,
        m.period,
        m.date,
        least(x.absent_days, 1)::decimal(18, 3) as absent_days
    from work.membership_days as m
    join exceptions as x
        on x.student_id = m.student_id
        and x.school_id = m.school_id
        and x.date = m.date
    where x.absent_days > 0
)
select * from final;

create or replace table work.student_attendance as
with membership as (
    select student_id, school_id, school_year, period, count(*) as membership_days
    from work.membership_days
    group by all
),
absence as (
    select student_id, school_id, school_year, period, sum(absent_days)::decimal(18, 3) as absent_days
    from work.absence_days
    group by all
),
by_school as (
    select
        m.student_id,
        m.school_id,
        m.school_year,
        m.period,
        m.membership_days,
        coalesce(a.absent_days, 0)::decimal(18, 3) as absent_days
    from membership as m
    left join absence as a
        using (student_id, school_id, school_year, period)
),
-- The zone counts a student who moved between zone schools once, with all
-- of their membership and absences summed.
zone as (
    select
        student_id,
        'ZONE' as school_id,
        school_year,
        period,
        sum(membership_days) as membership_days,
        sum(absent_days)::decimal(18, 3) as absent_days
    from by_school
    group by all
),
final as (
    select * from by_school
    union all
    select * from zone
)
select
    *,
    membership_days >= $min_membership_days as is_attending,
    100 * absent_days >= $chronic_absence_pct * membership_days as is_chronic,
    100 * absent_days >= $severe_absence_pct * membership_days as is_severe
from final;
