-- The reconciliation with DESE's figures as the data-quality page lists it:
-- what differs first (largest difference first), then what cannot be compared, then what agrees.
select
    r.school_id,
    s.school_name,
    r.state_school_id,
    r.school_year,
    r.subgroup,
    r.metric,
    r.our_value,
    r.state_value,
    r.difference,
    r.tolerance,
    r.status
from marts.state_reconciliation as r
left join staging.schools as s
    using (school_id)
order by
    case r.status when 'differs' then 0 when 'ours_hidden' then 1 when 'ours_year_to_date' then 2 else 3 end,
    abs(r.difference) desc nulls last,
    r.school_id,
    r.school_year,
    r.subgroup,
    r.metric;
