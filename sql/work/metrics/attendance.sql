-- Attendance indicators (docs/metrics.md), over attending students only (at least
-- the configured number of membership days: DESE's 20-day rule). Students are
-- added up per profile (attribute combination) first, then profiles per subgroup.
-- Each cell carries the moments of its standard error (sql/work/metric_cells.sql):
-- attendance rate a_i = days present, m_i = membership days; average days
-- absent a_i = days absent, m_i = 1; chronic and severe absence a_i = 0 or 1,
-- m_i = 1. Sums of squares of exact decimals are exact.
insert into work.metric_cells
with profiles as ( -- noqa: ST03
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
        count(*) filter (where is_severe) as severe,
        sum((membership_days - absent_days) * (membership_days - absent_days)) as present_sq,
        sum((membership_days - absent_days) * membership_days) as present_membership,
        sum(membership_days::bigint * membership_days) as membership_sq,
        sum(absent_days * absent_days) as absent_sq
    from work.student_attendance
    where is_attending
    group by all
),
cells as (
    select * from subgroup_sums('profiles')
),
final as (
    select school_id, school_year, period, 'attendance_rate' as metric, subgroup, n,
        present_days::double as numerator, membership_days::double as denominator,
        100 * present_days::double / membership_days as value,
        present_sq::double as sum_a2, present_membership::double as sum_am, membership_sq::double as sum_m2
    from cells
    union all
    select school_id, school_year, period, 'chronic_absence_rate', subgroup, n,
        chronic, n, 100 * chronic::double / n, chronic, chronic, n
    from cells
    union all
    select school_id, school_year, period, 'severe_absence_rate', subgroup, n,
        severe, n, 100 * severe::double / n, severe, severe, n
    from cells
    union all
    select school_id, school_year, period, 'avg_days_absent', subgroup, n,
        absent_days::double, n, absent_days::double / n, absent_sq::double, absent_days::double, n
    from cells
)
select school_id, school_year, period, metric, subgroup, n, numerator, denominator, value, sum_a2, sum_am, sum_m2
from final;
