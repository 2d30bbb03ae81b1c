-- Membership and absence of every student, per school and for the zone, per period
-- (metrics.md: membership(s) and absent(s)).
--
-- A membership day is a calendar school day of the school, inside the period
-- (through the date the data runs through), inside one of the student's
-- spells at that school. Overlapping spells at one school count a day once.
-- Absence values come from the configured code table and are exact decimals,
-- so the inclusive 10% and 20% thresholds compare exactly. Several exceptions
-- on one day (a tardy and a half-day absence) never count more than one day.
-- Spells are never expanded into one row per student and day (at state size that
-- is hundreds of millions of rows): membership is counted from day numbers.
-- 1. Each spell is clipped to the run's periods, and a student's overlapping
--    spells at one school are merged (gaps and islands), so a day counts once.
create or replace table work.membership_spells as
with spells as (
    select
        e.student_id,
        e.school_id,
        p.school_year,
        p.period,
        greatest(e.entry_date, p.start_date) as first_day,
        least(coalesce(e.exit_date, p.data_through), p.data_through) as last_day
    from staging.enrollment as e
    join work.run_periods as p
        on p.school_year = e.school_year
),
ordered as (
    select
        *,
        max(last_day) over (
            partition by student_id, school_id, school_year, period
            order by first_day, last_day rows between unbounded preceding and 1 preceding
        ) as reach
    from spells
    where first_day <= last_day
),
islands as (
    select
        *,
        sum(case when reach is null or first_day > reach then 1 else 0 end) over (
            partition by student_id, school_id, school_year, period
            order by first_day, last_day rows unbounded preceding
        ) as island
    from ordered
),
final as (
    select student_id, school_id, school_year, period, min(first_day) as first_day, max(last_day) as last_day
    from islands
    group by student_id, school_id, school_year, period, island
)
select * from final;

-- 2. Each school day gets its running number within the school's year; the school
--    days in [a, b] are then number(last day <= b) - number(last day < a).
create or replace table work.school_day_numbers as
select
    school_id,
    school_year,
    date,
    row_number() over (partition by school_id, school_year order by date) as day_number
from (select distinct school_id, school_year, date from staging.calendar);

-- 3. Membership days per student, school, period and month (the monthly trend needs
--    the months; the period's membership is their sum).
create or replace table work.membership_months as
with months as (
    select
        s.*,
        unnest(generate_series(date_trunc('month', s.first_day), date_trunc('month', s.last_day), interval 1 month))::date
            as month
    from work.membership_spells as s
),
bounded as (
    select
        student_id,
        school_id,
        school_year,
        period,
        month,
        greatest(first_day, month) as from_day,
        least(last_day, (month + interval 1 month - interval 1 day)::date) as to_day
    from months
),
through_last as (
    select b.*, coalesce(d.day_number, 0) as days_through_last
    from bounded as b
    asof left join work.school_day_numbers as d
        on d.school_id = b.school_id
        and d.school_year = b.school_year
        and d.date <= b.to_day
),
counted as (
    select t.*, t.days_through_last - coalesce(d.day_number, 0) as membership_days
    from through_last as t
    asof left join work.school_day_numbers as d
        on d.school_id = t.school_id
        and d.school_year = t.school_year
        and d.date < t.from_day
),
final as (
    select student_id, school_id, school_year, period, month, sum(membership_days) as membership_days
    from counted
    group by all
    having sum(membership_days) > 0
)
select * from final;

-- 4. Absences on membership days: exceptions on the school's calendar days,
--    inside one of the student's merged spells. Only the run's dates are read:
--    a one-partition run does not aggregate every year's exceptions.
create or replace table work.absence_days as
with run_dates as (
    select min(start_date) as first_day, max(data_through) as last_day
    from work.run_periods
),
exceptions as (
    select a.student_id, a.school_id, d.school_year, a.date, sum(k.absent_days) as absent_days
    from staging.attendance as a
    join meta.attendance_codes as k
        on k.code = a.code
    join work.school_day_numbers as d
        on d.school_id = a.school_id
        and d.date = a.date
    where a.date between (select first_day from run_dates) and (select last_day from run_dates)
    group by all
    having sum(k.absent_days) > 0
),
final as (
    select
        s.student_id,
        s.school_id,
        s.school_year,
        s.period,
        x.date,
        least(x.absent_days, 1)::decimal(18, 3) as absent_days
    from work.membership_spells as s
    join exceptions as x
        on x.student_id = s.student_id
        and x.school_id = s.school_id
        and x.school_year = s.school_year
        and x.date between s.first_day and s.last_day
)
select * from final;

create or replace table work.student_attendance as
with membership as (
    select student_id, school_id, school_year, period, sum(membership_days) as membership_days
    from work.membership_months
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
