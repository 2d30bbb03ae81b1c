-- Monthly attendance of a period, this school year and the one before.
select school_id, school_year, month, rate, n, suppressed
from marts.monthly_attendance
where period = $period
  and school_year in ($school_year, $school_year - 1)
order by school_id, school_year, month;
