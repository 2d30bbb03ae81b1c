-- Students enrolled at each school (and the zone) in one school year and period: the
-- all-students row of the metric with the widest population (enrolled students for
-- discipline metrics, attending students for attendance).
select school_id, max(n) as students
from marts.metric_values
where school_year = $school_year
  and period = $period
  and subgroup = 'all'
  and metric in ('iss_rate', 'attendance_rate')
group by school_id;
