-- What changed since the same period last year, beyond normal variation: every
-- `clear` change of the latest finished period (docs/metrics.md,
-- "Uncertainty"), better or worse in the direction that matters for the metric,
-- with its 95% range. A change that is not here is within normal variation, or
-- has no prior year, or is hidden for privacy. A school year still under way
-- is compared at its mid-year: its end of year to date has no like-for-like
-- figure from last year (the pages say "no figure from the same point last
-- year to compare").
with latest as (
    select school_year, period
    from meta.periods
    where is_complete
    order by school_year desc, period = 'end_of_year' desc
    limit 1
),
final as (
    select
        c.school_id,
        k.label,
        c.subgroup,
        c.n,
        round(c.prior_value, 1) as last_year,
        round(c.value, 1) as this_year,
        round(c.change, 1) as change,
        round(c.change_low, 1) as change_low,
        round(c.change_high, 1) as change_high,
        case when (c.change > 0) = (c.direction = 'higher') then 'better' else 'worse' end as reading
    from marts.metric_comparisons as c
    join latest
        using (school_year, period)
    join marts.metric_catalog as k
        using (metric)
    where c.change_signal = 'clear'
)
select * from final
order by school_id, label, subgroup;
