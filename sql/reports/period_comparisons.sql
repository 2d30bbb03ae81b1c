-- Every published comparison of one school year and period (all schools and the zone).
select *
from marts.metric_comparisons
where school_year = $school_year
  and period = $period
order by school_id, metric, subgroup;
