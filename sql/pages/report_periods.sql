-- Every (school year, period) that has published metrics, newest first, with its dates.
select
    p.school_year,
    p.period,
    p.start_date,
    p.end_date,
    p.is_complete,
    coalesce(p.last_school_day, p.data_through) as data_through
from meta.periods as p
where exists (
    select 1 from marts.metric_values as v
    where v.school_year = p.school_year and v.period = p.period
)
order by p.school_year desc, p.period desc;
