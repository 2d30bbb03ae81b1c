-- The metrics of one school year and period, of every school: a page's sections list the period's
-- metrics, also when only a share of the schools' cells is read (sql/pages/period_comparisons.sql).
select distinct metric
from marts.metric_comparisons
where school_year = $school_year
  and period = $period
  and (len($families::varchar[]) = 0 or list_contains($families::varchar[], split_part(metric, ':', 1)))
  and (len($assessments::varchar[]) = 0 or list_contains($assessments::varchar[], split_part(metric, ':', 2)))
order by metric;
