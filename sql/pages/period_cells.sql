-- The cells of one school year and period with the figures they are read against, looked up
-- in the mart itself: the same cell a year earlier, the zone's, and all students'. Used only
-- while marts.metric_comparisons is not built; suppressed cells carry NULL values already.
select
    v.school_id,
    v.school_year,
    v.period,
    v.metric,
    v.subgroup,
    v.n,
    v.value,
    v.suppressed,
    v.ci_low,
    v.ci_high,
    prior.value as prior_value,
    zone.value as zone_value,
    whole.value as all_value
from marts.metric_values as v
left join marts.metric_values as prior
    on prior.school_id = v.school_id and prior.school_year = v.school_year - 1
    and prior.period = v.period and prior.metric = v.metric and prior.subgroup = v.subgroup
left join marts.metric_values as zone
    on zone.school_id = 'ZONE' and zone.school_year = v.school_year
    and zone.period = v.period and zone.metric = v.metric and zone.subgroup = v.subgroup
left join marts.metric_values as whole
    on whole.school_id = v.school_id and whole.school_year = v.school_year
    and whole.period = v.period and whole.metric = v.metric and whole.subgroup = 'all'
where v.school_year = $school_year
  and v.period = $period
order by v.school_id, v.metric, v.subgroup;
