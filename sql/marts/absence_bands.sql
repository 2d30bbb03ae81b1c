-- marts.absence_bands: how a school's attending students spread across bands of the share
-- of their enrolled days they missed (under 5%, 5 to under 10%, 10 to under 20%, 20% or
-- more; inclusive lower bounds compared exactly, as for chronic absence). The bands
-- partition the same students as chronic_absence_rate, so a school whose all-students
-- cell is suppressed (n < $min_students) has every band suppressed.
create or replace temporary table run_absence_bands as
with students as (
    select
        school_id,
        school_year,
        period,
        case
            when 100 * absent_days >= $severe_absence_pct * membership_days then 4
            when 100 * absent_days >= $chronic_absence_pct * membership_days then 3
            when 100 * absent_days >= $watch_absence_pct * membership_days then 2
            else 1
        end as band_order
    from work.student_attendance
    where is_attending
),
bands as (
    select * from (values
        (1, 'under ' || $watch_absence_pct || '%'),
        (2, $watch_absence_pct || '% to under ' || $chronic_absence_pct || '%'),
        (3, $chronic_absence_pct || '% to under ' || $severe_absence_pct || '%'),
        (4, $severe_absence_pct || '% or more')
    ) as b (band_order, band)
),
totals as (
    select school_id, school_year, period, count(*) as n
    from students
    group by all
),
counts as (
    select school_id, school_year, period, band_order, count(*) as students
    from students
    group by all
),
final as (
    select
        t.school_id,
        t.school_year,
        t.period,
        b.band_order,
        b.band,
        case when t.n < $min_students then null else coalesce(c.students, 0) end as students,
        case when t.n < $min_students then null else 100 * coalesce(c.students, 0)::double / t.n end as share,
        t.n,
        t.n < $min_students as suppressed
    from totals as t
    cross join bands as b
    left join counts as c
        using (school_id, school_year, period, band_order)
)
select * from final
order by school_id, school_year, period, band_order;
