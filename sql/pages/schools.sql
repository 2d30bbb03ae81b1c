-- Schools that have published cells in the period, with their names.
select s.school_id, s.school_name, s.grade_span
from staging.schools as s
where exists (
    select 1 from marts.metric_values as v
    where v.school_id = s.school_id and v.school_year = $school_year and v.period = $period
)
order by s.school_name;
