-- Membership and absence of every student, per school and for the zone, per period
-- (docs/metrics.md: membership(s) and absent(s)), with the attributes their subgroups come from.
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
--   warehouse file, and
-- * the engine runs this file for a group of the run's school years at a time
--   ($school_years: every year for a zone, one year for a state, see
--   metrics.year_batches), appending to work.student_attendance and
--   work.school_months (sql/work/student_tables.sql creates them): the largest
--   tables of a state (tens of millions of exceptions) are then worked on a
--   third at a time, which keeps DuckDB's hash tables in memory.

-- 0. The run's periods of these school years.
create or replace temporary table year_periods as
select *
from work.run_periods
where list_contains($school_years::integer[], school_year);

-- 1. Every date of the school years at every school with a calendar, with
--    day_number: how many of the school's days fall on or before it. The school
--    days in [a, b] are then numbered day_number(a) - is_school_day(a) + 1
--    through day_number(b). Calendar days after the last day a run period
--    reaches have not happened yet and are not numbered.
create or replace temporary table school_days as
with years as (
    select school_year, max(data_through) as data_through
    from year_periods
    group by school_year
),
calendar as (
    select distinct c.school_id, c.school_year, c.date
    from staging.calendar as c
    join years as y
        using (school_year)
    where c.date between school_year_start(c.school_year) and y.data_through
),
dates as (
    select
        s.school_id,
        s.school_year,
        unnest(range(school_year_start(s.school_year), school_year_start(s.school_year + 1), interval 1 day))::date as date
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

-- 1b. The same calendar as one bit per date of the school year (bit i: July 1 + i
--    days is a school day), one row per school: checking that an exception falls
--    on a school day then looks up one small row per school, not a date among
--    every school's dates.
create or replace temporary table school_calendars as
select
    school_id,
    school_year,
    bitstring_agg(datediff('day', school_year_start(school_year), date)::integer, 0, 365) as school_day_bits
from school_days
where is_school_day
group by all;

-- 2. The last day number of each run period at each school.
create or replace temporary table period_days as
select p.school_year, p.period, d.school_id, d.day_number as last_number
from year_periods as p
join school_days as d
    on d.school_year = p.school_year
    and d.date = p.data_through;

-- 3. Each student's spells at a school, clipped to the school year as far as the
--    run reaches and merged where they overlap (gaps and islands), with the
--    numbers of their first and last school days. Spells holding no school day
--    are left out.
create or replace temporary table membership_spells as
with years as (
    select school_year, min(start_date) as first_day, max(data_through) as last_day
    from year_periods
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
-- Materialized before it is filtered: with the filter in view, DuckDB joined the
-- two lookups of each school's dates to each other first (every date with every
-- date of the school's year: a hundred million rows at state size).
final as materialized (
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

-- 4. Each merged spell in each run period it reaches, cut at the period's last day.
create or replace temporary table cut_spells as
select
    s.student_id,
    s.school_id,
    s.school_year,
    p.period,
    s.first_day,
    least(s.last_day, r.data_through) as last_day,
    s.first_number,
    least(s.last_number, p.last_number) as last_number
from membership_spells as s
join period_days as p
    using (school_id, school_year)
join year_periods as r
    on r.school_year = p.school_year
    and r.period = p.period
where s.first_number <= p.last_number;

-- Dropped after its last use: a temporary table holds memory until then, and at state size
-- those left behind pushed later steps over the memory limit, onto disk.
drop table if exists membership_spells;

-- 5. Membership per student, school and period, and in the whole zone (a student
--    who moved between zone schools counts once there, with all their membership):
--    the attendance indicators count only attending students (the 20-day rule).
--    `spells` says how many merged spells the membership comes from.
create or replace temporary table student_membership as
with at_school as (
    select student_id, school_id, school_year, period, sum(last_number - first_number + 1) as membership_days, count(*) as spells
    from cut_spells
    group by all
),
in_zone as (
    select student_id, school_year, period, sum(membership_days) as membership_days, sum(spells) as spells
    from at_school
    group by all
),
final as (
    select
        s.*,
        s.membership_days >= $min_membership_days as is_attending,
        z.membership_days as zone_membership_days,
        z.spells as zone_spells,
        z.membership_days >= $min_membership_days as is_zone_attending
    from at_school as s
    join in_zone as z
        using (student_id, school_year, period)
)
select * from final;

-- 6. The cut spells again, each with its student's attendance flags and spell counts
--    (in a table of their own: joined inside the queries below, they led DuckDB to
--    join the exceptions to every spell of the student before testing the dates).
create or replace temporary table period_spells as
select s.*, m.is_attending, m.is_zone_attending, m.spells, m.zone_spells
from cut_spells as s
join student_membership as m
    using (student_id, school_id, school_year, period);

drop table if exists cut_spells;

-- 7. Absent days on membership days: exceptions on the school's calendar days inside
--    one of the student's merged spells (cut at the period's last day), each day
--    counting at most one. Only the run's dates are read. The absences are summed
--    three ways in one pass (grouping sets), told apart by `level`:
--    'student' per student, school and period; 'school' per school, period and month
--    over the school's attending students; 'zone' per period and month over the
--    zone's attending students.
create or replace temporary table absences as
with run_dates as (
    select min(start_date) as first_day, max(data_through) as last_day
    from year_periods
),
-- Exceptions on the school's calendar days, checked on the rows as read: DuckDB
-- then looks the school's calendar up in a table of a few thousand rows (checked
-- after the join below, it took the joined rows for the smaller side).
school_day_exceptions as (
    select a.student_id, a.school_id, a.date, c.school_year, k.absent_days
    from staging.attendance as a
    join meta.attendance_codes as k
        on k.code = a.code
    join school_calendars as c
        on c.school_id = a.school_id
        and c.school_year = school_year_of(a.date)
    where a.date between (select first_day from run_dates) and (select last_day from run_dates)
        and k.absent_days > 0
        and get_bit(c.school_day_bits, datediff('day', school_year_start(c.school_year), a.date)::integer) = 1
),
exceptions as (
    select student_id, school_id, date, school_year, least(sum(absent_days), 1) as absent_days
    from school_day_exceptions
    group by all
),
absent_days as (
    select
        s.student_id,
        s.school_id,
        s.school_year,
        s.period,
        date_trunc('month', x.date)::date as month,
        x.absent_days,
        s.is_attending,
        s.is_zone_attending
    from exceptions as x
    join period_spells as s
        on s.student_id = x.student_id
        and s.school_id = x.school_id
        and s.school_year = x.school_year
        and x.date between s.first_day and s.last_day
),
final as (
    select
        case grouping(student_id, school_id, month) when 1 then 'student' when 4 then 'school' else 'zone' end as level,
        student_id,
        school_id,
        school_year,
        period,
        month,
        case grouping(student_id, school_id, month)
            when 1 then sum(absent_days)
            when 4 then sum(absent_days) filter (where is_attending)
            else sum(absent_days) filter (where is_zone_attending)
        end::decimal(18, 3) as absent_days
    from absent_days
    group by grouping sets (
        (student_id, school_id, school_year, period),
        (school_id, school_year, period, month),
        (school_year, period, month)
    )
)
select * from final;

drop table if exists school_calendars;

-- 8. The attributes behind a student's subgroups (and grade), per school and for
--    the zone, per period: from the student's spells at that school in that year
--    that overlap the period (for the zone: at any zone school); where those
--    spells disagree, the spell with the latest entry_date wins (docs/metrics.md).
create or replace temporary table student_attributes as
with spells as (
    select e.*, p.period
    from staging.enrollment as e
    join year_periods as p
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

-- 9. Every combination of attributes the run's students have, each with an id: a few thousand at
--    most, however many students, so their subgroups are worked out once per
--    combination (sql/work/student_subgroups.sql) and metrics add up students per
--    combination before adding combinations up per subgroup.
insert into work.profiles by name
with combinations as (
    select grade, race_ethnicity, gender, ell, former_ell, swd, low_income
    from student_attributes
    except
    select grade, race_ethnicity, gender, ell, former_ell, swd, low_income
    from work.profiles
)
select
    (select coalesce(max(profile_id), 0) from work.profiles) + row_number() over (
        order by grade, race_ethnicity, gender, ell, former_ell, swd, low_income
    )::integer as profile_id,
    *
from combinations;

-- 10. One row per student in membership, per school (and ZONE) and period: membership,
--    absences, the attendance thresholds and the profile of the student's attributes.
insert into work.student_attendance by name
with by_school as (
    select
        m.student_id,
        m.school_id,
        m.school_year,
        m.period,
        m.membership_days,
        coalesce(a.absent_days, 0)::decimal(18, 3) as absent_days
    from student_membership as m
    left join (select * from absences where level = 'student') as a
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
        p.profile_id
    from students as s
    join student_attributes as a
        using (student_id, school_id, school_year, period)
    join work.profiles as p
        on p.grade is not distinct from a.grade
        and p.race_ethnicity is not distinct from a.race_ethnicity
        and p.gender is not distinct from a.gender
        and p.ell is not distinct from a.ell
        and p.former_ell is not distinct from a.former_ell
        and p.swd is not distinct from a.swd
        and p.low_income is not distinct from a.low_income
)
select * from final;

drop table if exists student_membership;
drop table if exists student_attributes;

-- 11. Each month of each period, per school and for the zone: the students with at
--    least one membership day that month (enrolled), and over the period's
--    attending students (those the attendance rate counts) their number,
--    membership and absent days. A student's months at the zone sum all of their
--    schools, so the zone's months add up to the zone's rate. Most students have
--    one spell in a period; only those with several can be counted twice in a
--    month, and only their months are de-duplicated (a distinct count over every
--    row would cost several times the rest of this step).
insert into work.school_months by name
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
        s.period,
        x.month,
        least(s.last_number, x.last_number) - greatest(s.first_number, x.first_number) + 1 as membership_days,
        s.is_attending,
        s.is_zone_attending,
        s.spells,
        s.zone_spells
    from period_spells as s
    join months as x
        on x.school_id = s.school_id
        and x.school_year = s.school_year
        and x.first_number <= s.last_number
        and x.last_number >= s.first_number
),
-- Students with one spell, and the membership days of everyone.
single_spell as (
    select
        school_id,
        school_year,
        period,
        month,
        count(*) filter (where spells = 1) as enrolled_students,
        count(*) filter (where spells = 1 and is_attending) as attending_students,
        coalesce(sum(membership_days) filter (where is_attending), 0) as membership_days
    from spell_months
    group by all
    union all
    select
        'ZONE',
        school_year,
        period,
        month,
        count(*) filter (where zone_spells = 1),
        count(*) filter (where zone_spells = 1 and is_zone_attending),
        coalesce(sum(membership_days) filter (where is_zone_attending), 0)
    from spell_months
    group by all
),
-- Students with several spells, each counted once a month.
several_spells as (
    select school_id, school_year, period, month, count(*) as enrolled_students,
        count(*) filter (where is_attending) as attending_students
    from (
        select distinct student_id, school_id, school_year, period, month, is_attending
        from spell_months
        where spells > 1
    )
    group by all
    union all
    select 'ZONE', school_year, period, month, count(*), count(*) filter (where is_zone_attending)
    from (
        select distinct student_id, school_year, period, month, is_zone_attending
        from spell_months
        where zone_spells > 1
    )
    group by all
),
days as (
    select
        s.school_id,
        s.school_year,
        s.period,
        s.month,
        s.enrolled_students + coalesce(v.enrolled_students, 0) as enrolled_students,
        s.attending_students + coalesce(v.attending_students, 0) as attending_students,
        s.membership_days
    from single_spell as s
    left join several_spells as v
        using (school_id, school_year, period, month)
),
final as (
    select d.*, coalesce(a.absent_days, 0)::decimal(18, 3) as absent_days
    from days as d
    left join (
        select coalesce(school_id, 'ZONE') as school_id, school_year, period, month, absent_days
        from absences
        where level in ('school', 'zone')
    ) as a
        using (school_id, school_year, period, month)
)
select * from final;

drop table if exists absences;
drop table if exists period_spells;
drop table if exists school_days;
drop table if exists period_days;
drop table if exists year_periods;
