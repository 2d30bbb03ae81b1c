-- Tested students by performance level in one school year and period (the Academics section's stacked bars):
-- the columns the bars are drawn from (reporting.context.LEVEL_COLUMNS), after the three that group them.
-- At state size a period has up to 700,000 of these rows, each made a Python object.
select school_id, assessment, subgroup, administration, level, is_meeting, share, suppressed
from marts.assessment_levels
where school_year = $school_year
  and period = $period
  -- The named assessments only ($assessments: last spring's state test at mid-year), or every one ([]).
  and (len($assessments::varchar[]) = 0 or list_contains($assessments::varchar[], assessment))
  -- One share of the schools ($schools; [] = every school), with the zone.
  and (len($schools::varchar[]) = 0 or school_id = 'ZONE' or list_contains($schools::varchar[], school_id))
order by school_id, assessment, subgroup, level_order;
