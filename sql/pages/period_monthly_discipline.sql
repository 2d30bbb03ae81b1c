-- Suspensions and days removed by month of a period, this school year and the one before.
select school_id, school_year, month, iss_actions, oss_actions, days_removed, suppressed
from marts.monthly_discipline
where period = $period
  and school_year in ($school_year, $school_year - 1)
order by school_id, school_year, month;
