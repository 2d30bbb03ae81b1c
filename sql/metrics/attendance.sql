-- Attendance indicators (docs/metrics.md), over attending students only (at least
-- the configured number of membership days: DESE's 20-day rule). Students are
-- added up per profile (attribute combination) first, then profiles per subgroup.
insert into work.metric_cells
with profiles as (
    select
        school_id,
        school_year,
        period,
        profile_id,
        count(*) as n,
        sum(membership_days - absent_days) as present_days,
        sum(membership_days) as membership_days,
        sum(absent_days) as absent_days,
        count(*) filter (where is_chronic) as chronic,
        count(*) filter (where is_severe) as severe
    from work.student_attendance
    where is_attending
    group by all
),
cells as (
    select
        p.school_id,
        p.school_year,
        p.period,
        g.subgroup,
        sum(p.n) as n,
        sum(p.present_days) as present_days,
        sum(p.membership_days) as membership_days,
        sum(p.absent_days) as absent_days,
        sum(p.chronic) as chronic,
        sum(p.severe) as severe
    from profiles as p
    join work.profile_subgroups as g
        using (profile_id)
    group by all
),
final as (
    select school_id, school_year, period, 'attendance_rate' as metric, subgroup, n,
        present_days::double as numerator, membership_days::double as denominator,
        100 * present_days::double / membership_days as value
    from cells
    union all
    select school_id, school_year, period, 'chronic_absence_rate', subgroup, n,
        chronic, n, 100 * chronic::double / n
    from cells
    union all
    select school_id, school_year, period, 'severe_absence_rate', subgroup, n,
        severe, n, 100 * severe::double / n
    from cells
    union all
    select school_id, school_year, period, 'avg_days_absent', subgroup, n,
        absent_days::double, n, absent_days::double / n
    from cells
)
select school_id, school_year, period, metric, subgroup, n, numerator, denominator, value
from final;
