-- Every published comparison of one school year and period (all schools and the zone):
-- the columns a report cell is made of (reporting.context.CELL_COLUMNS), in its order.
-- Only these are read: at state size a period has 380,000 cells, and each column
-- more is 380,000 Python objects to make.
select
    school_id,
    metric,
    subgroup,
    n,
    value,
    suppressed,
    prior_value,
    change,
    zone_value,
    diff_vs_zone,
    all_value,
    gap_vs_all,
    comparison_group,
    comparison_value,
    gap_vs_comparison,
    risk_ratio,
    target,
    target_met,
    target_gap,
    target_gap_students,
    direction,
    ci_low,
    ci_high,
    change_low,
    change_high,
    change_signal,
    gap_low,
    gap_high,
    gap_signal,
    rest_of_zone_value,
    zone_gap,
    zone_gap_low,
    zone_gap_high,
    zone_gap_signal,
    risk_ratio_low,
    risk_ratio_high
from marts.metric_comparisons
where school_year = $school_year
  and period = $period
  -- The named metric families only ($families: last spring's academics at mid-year), or every family ([]);
  -- of those, the named assessments only ($assessments: last spring's state test), or every one ([]).
  and (len($families::varchar[]) = 0 or list_contains($families::varchar[], split_part(metric, ':', 1)))
  and (len($assessments::varchar[]) = 0 or list_contains($assessments::varchar[], split_part(metric, ':', 2)))
  -- One share of the schools ($schools; [] = every school), with the zone, and every school's
  -- all-students cells when the share also writes the zone overview ($every_school_all).
  and (
      len($schools::varchar[]) = 0
      or school_id = 'ZONE'
      or list_contains($schools::varchar[], school_id)
      or ($every_school_all and subgroup = 'all')
  )
order by school_id, metric, subgroup;
