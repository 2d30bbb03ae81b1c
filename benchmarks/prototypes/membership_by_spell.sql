-- Proposed replacement for work.membership_days + work.absence_days in
-- sql/work/student_attendance.sql (docs/scaling.md, "The fix"): membership and
-- absence per student, school and period counted from spell intervals, never
-- materializing one row per student-day.
--
-- Overlapping spells of a student at one school are merged first (gaps and
-- islands), so a day is counted once. The membership days of a merged spell
-- are the school days through its last day minus those before its first day,
-- from a per-school running day number (two ASOF joins). Absences are joined
-- to the merged spells by date range, on calendar school days only.
-- Periods come from meta.periods (commit ecb7ba0; work.run_periods since issue 7).
create or replace temp table proto_attendance as
with spells as (
    select
        e.student_id, e.school_id, p.school_year, p.period,
        greatest(e.entry_date, p.start_date) as first_day,
        least(coalesce(e.exit_date, p.data_through), p.data_through) as last_day
    from staging.enrollment as e
    join meta.periods as p
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
merged as (
    select student_id, school_id, school_year, period, min(first_day) as first_day, max(last_day) as last_day
    from islands
    group by student_id, school_id, school_year, period, island
),
school_days as (
    select school_id, school_year, date, row_number() over (partition by school_id, school_year order by date) as day_number
    from (select distinct school_id, school_year, date from staging.calendar)
),
through_last as (
    select m.*, coalesce(d.day_number, 0) as days_through_last
    from merged as m
    asof left join school_days as d
        on d.school_id = m.school_id and d.school_year = m.school_year and d.date <= m.last_day
),
counted as (
    select t.*, t.days_through_last - coalesce(d.day_number, 0) as membership_days
    from through_last as t
    asof left join school_days as d
        on d.school_id = t.school_id and d.school_year = t.school_year and d.date < t.first_day
),
exceptions as (
    select a.student_id, a.school_id, c.school_year, a.date, least(sum(k.absent_days), 1)::decimal(18, 3) as absent_days
    from staging.attendance as a
    join meta.attendance_codes as k
        on k.code = a.code
    join (select distinct school_id, school_year, date from staging.calendar) as c
        on c.school_id = a.school_id and c.date = a.date
    group by all
    having sum(k.absent_days) > 0
),
absent as (
    select m.student_id, m.school_id, m.school_year, m.period, sum(x.absent_days)::decimal(18, 3) as absent_days
    from merged as m
    join exceptions as x
        on x.student_id = m.student_id and x.school_id = m.school_id and x.school_year = m.school_year
        and x.date between m.first_day and m.last_day
    group by all
),
final as (
    select c.student_id, c.school_id, c.school_year, c.period, sum(c.membership_days) as membership_days
    from counted as c
    group by all
    having sum(c.membership_days) > 0
)
select f.*, coalesce(a.absent_days, 0)::decimal(18, 3) as absent_days
from final as f
left join absent as a
    using (student_id, school_id, school_year, period);
