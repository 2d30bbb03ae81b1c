-- Membership and absence of every student, per school and for the zone, per period
-- (metrics.md: membership(s) and absent(s)), with the attributes their subgroups come from.
--
-- A membership day is a calendar school day of the school, inside the period
-- (through the date the data runs through), inside one of the student's
-- spells at that school. Overlapping spells at one school count a day once.
-- Absence values come from the configured code table and are exact decimals,
-- so the inclusive 10% and 20% thresholds compare exactly. Several exceptions
-- on one day (a tardy and a half-day absence) never count more than one day.
--
-- How it stays fast at state size (tens of millions of exceptions):
-- * spells are never expanded into one row per student and day: each school's
--   days are numbered, and a spell holds the school days numbered from its
--   first to its last,
-- * the periods of one school year all start on July 1 and differ only in the
--   day the data runs through, so spells and absences are computed once per
--   school year and each period keeps the days up to its own last day number,
-- * lookups are equality joins on a dense calendar (one row per school and
--   date), never range or as-of joins, and
-- * what only this step needs lives in temporary tables, never written to the
--   warehouse file.

-- 1. Every date of the run's school years at every school with a calendar, with
--    day_number: how many of the school's days fall on or before it. The school
--    days in [a, b] are then numbered day_number(a) - is_school_day(a) + 1
--    through day_number(b). Calendar days after the last day a run period
--    reaches have not happened yet and are not numbered.
create or replace temporary table school_days as
with years as (
    select school_year, max(data_through) as data_through
    from work.run_periods
    group by school_year
),
calendar as (
    select distinct c.school_id, c.school_year, c.date
    from staging.calendar as c
    join years as y
        using (school_year)
    where c.date between make_date(c.school_year - 1, 7, 1) and y.data_through
),
dates as (
    select
        s.school_id,
        s.school_year,
        unnest(range(make_date(s.school_year - 1, 7, 1), make_date(s.school_year, 7, 1), interval 1 day))::date as date
    from (select distinct school_id, school_year from calendar) as s
),
final as (
    select
        d.school_id,
        d.school_year,
        d.date,
        c.date is not null as is_school_day,
        count(c.date) over (
            partition by d.school_id, d.school_year order by d.date rows unbounded preceding
        )::integer as day_number
    from dates as d
    left join calendar as c
        using (school_id, school_year, date)
)
select * from final;

-- 2. The last day number of each run period at each school.
create or replace temporary table period_days as
select p.school_year, p.period, d.school_id, d.day_number as last_number
from work.run_periods as p
join school_days as d
    on d.school_year = p.school_year
    and d.date = p.data_through;

-- 3. Each student's spells at a school, clipped to the school year as far as the
--    run reaches and merged where they overlap (gaps and islands), with the
--    numbers of their first and last school days. Spells holding no school day
--    are left out.
create or replace table work.membership_spells as
with years as (
    select school_year, min(start_date) as first_day, max(data_through) as last_day
    from work.run_periods
    group by school_year
),
spells as (
    select
        e.student_id,
        e.school_id,
        e.school_year,
        greatest(e.entry_date, y.first_day) as first_day,
        least(coalesce(e.exit_date, y.last_day), y.last_day) as last_day
    from staging.enrollment as e
    join years as y
        using (school_year)
),
ordered as (
    select
        *,
        max(last_day) over (
            partition by student_id, school_id, school_year
            order by first_day, last_day rows between unbounded preceding and 1 preceding
        ) as reach
    from spells
    where first_day <= last_day
),
islands as (
    select
        *,
        sum(case when reach is null or first_day > reach then 1 else 0 end) over (
            partition by student_id, school_id, school_year
            order by first_day, last_day rows unbounded preceding
        ) as island
    from ordered
),
merged as (
    select student_id, school_id, school_year, min(first_day) as first_day, max(last_day) as last_day
    from islands
    group by student_id, school_id, school_year, island
),
final as (
    select
        m.*,
        f.day_number - f.is_school_day::integer + 1 as first_number,
        l.day_number as last_number
    from merged as m
    join school_days as f
        on f.school_id = m.school_id and f.school_year = m.school_year and f.date = m.first_day
    join school_days as l
        on l.school_id = m.school_id and l.school_year = m.school_year and l.date = m.last_day
)
select * from final
where first_number <= last_number;

-- 4. Absent days per student, school, period and month: exceptions on the
--    school's calendar days inside one of the student's merged spells, each day
--    counting at most one. Only the run's dates are read.
create or replace temporary table absence_months as
with run_dates as (
    select min(start_date) as first_day, max(data_through) as last_day
    from work.run_periods
),
exceptions as (
    select a.student_id, a.school_id, a.date, least(sum(k.absent_days), 1) as absent_days
    from staging.attendance as a
    join meta.attendance_codes as k
        on k.code = a.code
    where a.date between (select first_day from run_dates) and (select last_day from run_dates)
        and k.absent_days > 0
    group by all
),
on_membership_days as (
    select x.student_id, x.school_id, d.school_year, d.day_number, date_trunc('month', x.date)::date as month, x.absent_days
    from exceptions as x
    join school_days as d
        on d.school_id = x.school_id
        and d.date = x.date
        and d.is_school_day
    join work.membership_spells as s
        on s.student_id = x.student_id
        and s.school_id = x.school_id
        and s.school_year = d.school_year
        and d.day_number between s.first_number and s.last_number
),
final as (
    select o.student_id, o.school_id, o.school_year, p.period, o.month, sum(o.absent_days)::decimal(18, 3) as absent_days
    from on_membership_days as o
    join period_days as p
        on p.school_id = o.school_id
        and p.school_year = o.school_year
        and o.day_number <= p.last_number
    group by all
)
select * from final;

-- 5. The attributes behind a student's subgroups (and grade), per school and for
--    the zone, per period: from the student's spells at that school in that year
--    that overlap the period (for the zone: at any zone school); where those
--    spells disagree, the spell with the latest entry_date wins (metrics.md).
create or replace temporary table student_attributes as
with spells as (
    select e.*, p.period
    from staging.enrollment as e
    join work.run_periods as p
        on p.school_year = e.school_year
        and e.entry_date <= p.data_through
        and coalesce(e.exit_date, p.data_through) >= p.start_date
),
by_school as (
    select * exclude (rn) from (
        select
            student_id, school_id, school_year, period, grade, race_ethnicity, gender,
            ell, former_ell, swd, low_income,
            row_number() over (
                partition by student_id, school_id, school_year, period
                order by entry_date desc, exit_date desc nulls first
            ) as rn
        from spells
    )
    where rn = 1
),
zone as (
    select * exclude (rn) from (
        select
            student_id, 'ZONE' as school_id, school_year, period, grade, race_ethnicity, gender,
            ell, former_ell, swd, low_income,
            row_number() over (
                partition by student_id, school_year, period
                order by entry_date desc, exit_date desc nulls first, school_id
            ) as rn
        from spells
    )
    where rn = 1
)
select * from by_school
union all
select * from zone;

-- 6. One row per student in membership, per school (and ZONE) and period: membership,
--    absences, the attendance thresholds and the subgroup attributes. The zone counts
--    a student who moved between zone schools once, with all of their membership and
--    absences summed.
create or replace table work.student_attendance as
with membership as (
    select s.student_id, s.school_id, s.school_year, p.period,
        sum(least(s.last_number, p.last_number) - s.first_number + 1) as membership_days
    from work.membership_spells as s
    join period_days as p
        using (school_id, school_year)
    where s.first_number <= p.last_number
    group by all
),
absence as (
    select student_id, school_id, school_year, period, sum(absent_days)::decimal(18, 3) as absent_days
    from absence_months
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
students as (
    select * from by_school
    union all
    select * from zone
),
final as (
    select
        s.*,
        s.membership_days >= $min_membership_days as is_attending,
        100 * s.absent_days >= $chronic_absence_pct * s.membership_days as is_chronic,
        100 * s.absent_days >= $severe_absence_pct * s.membership_days as is_severe,
        a.grade,
        a.race_ethnicity,
        a.gender,
        a.ell,
        a.former_ell,
        a.swd,
        a.low_income
    from students as s
    join student_attributes as a
        using (student_id, school_id, school_year, period)
)
select * from final;

-- 7. Each month of each period, per school and for the zone: the students with at
--    least one membership day that month (enrolled), and over the period's
--    attending students (those the attendance rate counts) their number,
--    membership and absent days. A student's months at the zone sum all of their
--    schools, so the zone's months add up to the zone's rate.
create or replace table work.school_months as
with months as (
    select school_id, school_year, date_trunc('month', date)::date as month,
        min(day_number) as first_number, max(day_number) as last_number
    from school_days
    where is_school_day
    group by all
),
spell_months as (
    select
        s.student_id,
        s.school_id,
        s.school_year,
        p.period,
        m.month,
        least(s.last_number, p.last_number, m.last_number) - greatest(s.first_number, m.first_number) + 1
            as membership_days
    from work.membership_spells as s
    join period_days as p
        using (school_id, school_year)
    join months as m
        on m.school_id = s.school_id
        and m.school_year = s.school_year
        and m.first_number <= least(s.last_number, p.last_number)
        and m.last_number >= s.first_number
),
attending as (
    select student_id, school_id, school_year, period, is_attending
    from work.student_attendance
),
flagged_days as (
    select m.*, a.is_attending, z.is_attending as is_zone_attending
    from spell_months as m
    join attending as a
        using (student_id, school_id, school_year, period)
    join attending as z
        on z.student_id = m.student_id
        and z.school_year = m.school_year
        and z.period = m.period
        and z.school_id = 'ZONE'
),
flagged_absences as (
    select x.*, a.is_attending, z.is_attending as is_zone_attending
    from absence_months as x
    join attending as a
        using (student_id, school_id, school_year, period)
    join attending as z
        on z.student_id = x.student_id
        and z.school_year = x.school_year
        and z.period = x.period
        and z.school_id = 'ZONE'
),
days as (
    select
        school_id, school_year, period, month,
        count(distinct student_id) as enrolled_students,
        count(distinct student_id) filter (where is_attending) as attending_students,
        coalesce(sum(membership_days) filter (where is_attending), 0) as membership_days
    from flagged_days
    group by all
    union all
    select
        'ZONE', school_year, period, month,
        count(distinct student_id),
        count(distinct student_id) filter (where is_zone_attending),
        coalesce(sum(membership_days) filter (where is_zone_attending), 0)
    from flagged_days
    group by all
),
absences as (
    select school_id, school_year, period, month, sum(absent_days) filter (where is_attending) as absent_days
    from flagged_absences
    group by all
    union all
    select 'ZONE', school_year, period, month, sum(absent_days) filter (where is_zone_attending)
    from flagged_absences
    group by all
),
final as (
    select d.*, coalesce(a.absent_days, 0)::decimal(18, 3) as absent_days
    from days as d
    left join absences as a
        using (school_id, school_year, period, month)
)
select * from final;
