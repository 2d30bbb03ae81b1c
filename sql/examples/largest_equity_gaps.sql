-- The largest equity gaps of the latest finished period (the end of year, or
-- the mid-year while the school year is still under way): subgroups doing
-- worse than all other students of their school, in the direction that matters
-- for each metric, with the gap's 95% range and whether it is likely real
-- (`clear`) or within normal variation for groups this size (docs/metrics.md,
-- "Uncertainty").
with latest as (
    select school_year, period
    from meta.periods
    where is_complete
    order by school_year desc, period = 'end_of_year' desc
    limit 1
),
gaps as (
    select
        c.school_id,
        c.metric,
        k.label,
        c.subgroup,
        c.comparison_group,
        c.n,
        c.value,
        c.comparison_value,
        c.gap_vs_comparison,
        c.risk_ratio,
        -- positive = the subgroup does worse than its comparison group
        case c.direction when 'lower' then c.gap_vs_comparison else -c.gap_vs_comparison end as shortfall,
        case c.direction when 'lower' then c.gap_low else -c.gap_high end as shortfall_low,
        case c.direction when 'lower' then c.gap_high else -c.gap_low end as shortfall_high,
        c.gap_signal
    from marts.metric_comparisons as c
    join latest
        using (school_year, period)
    join marts.metric_catalog as k
        using (metric)
    where c.school_id <> 'ZONE'
      and c.gap_vs_comparison is not null
      and c.unit = 'percent'
),
final as (
    select
        school_id,
        label,
        subgroup,
        comparison_group,
        n,
        round(value, 1) as subgroup_pct,
        round(comparison_value, 1) as comparison_pct,
        round(shortfall, 1) as points_worse,
        round(shortfall_low, 1) as points_worse_low,
        round(shortfall_high, 1) as points_worse_high,
        gap_signal as signal,
        round(risk_ratio, 2) as risk_ratio
    from gaps
    where shortfall > 0
)
select * from final
order by points_worse desc, school_id, label, subgroup
limit 25;
