-- Published cells of one school year and period, with the same period a year earlier
-- (suppressed cells carry no value: the mart already holds NULL there).
select
    v.school_id,
    v.school_year,
    v.metric,
    v.subgroup,
    v.n,
    v.value,
    v.suppressed
from marts.metric_values as v
where v.period = $period
  and v.school_year in ($school_year, $school_year - 1);
