-- Students at each school (and the zone) in one school year and period, two ways: enrolled
-- students (membership of 1 day or more: the discipline metrics' n) and attending students
-- (enrolled for the minimum membership days or more: the attendance metrics' n). Either is
-- null when the period has no metric of that population (no discipline extract, say).
select
    school_id,
    max(n) filter (where metric = 'iss_rate') as enrolled,
    max(n) filter (where metric = 'attendance_rate') as attending
from marts.metric_values
where school_year = $school_year
  and period = $period
  and subgroup = 'all'
  and metric in ('iss_rate', 'attendance_rate')
group by school_id;
