-- Comparisons a report shows beside every published cell (docs/metrics.md), keyed
-- like marts.metric_values. Built only from published values, except the
-- "all other students" figures, which are published only when the subgroup's
-- own cell and `all` are published and the other students number at least the
-- threshold: then all minus the group reveals nothing that is hidden.
-- Every figure that involves a hidden value is NULL.
-- Only this run's cells are compared; the prior year, the zone and the pairs
-- are read from marts.metric_values, which holds every period built so far.
create or replace table work.run_metric_comparisons as
with cells as (
    select v.*, k.direction, k.unit, k.scale, k.counts_students, k.risk_ratio as has_risk_ratio, k.population
    from work.run_metric_values as v
    join meta.metric_catalog as k
        using (metric)
),
pairs as (
    select * from (values
        ('ell', 'non_ell'), ('non_ell', 'ell'),
        ('swd', 'non_swd'), ('non_swd', 'swd'),
        ('low_income', 'non_low_income'), ('non_low_income', 'low_income')
    ) as p(subgroup, comparison_group)
),
targets as (
    select school_id, school_year, period, metric, subgroup, max(target) as target
    from staging.targets
    group by all
),
joined as (
    select
        c.*,
        prior.value as prior_value,
        zone.value as zone_value,
        everyone.value as all_value,
        everyone.suppressed as all_suppressed,
        case
            when c.subgroup = 'all' then null
            when p.comparison_group is not null then p.comparison_group
            else 'others'
        end as comparison_group,
        pair.value as pair_value,
        o.n as others_n,
        o.value as others_value,
        t.target
    from cells as c
    left join marts.metric_values as prior
        on prior.school_id = c.school_id and prior.school_year = c.school_year - 1 and prior.period = c.period
        and prior.metric = c.metric and prior.subgroup = c.subgroup
    left join marts.metric_values as zone
        on zone.school_id = 'ZONE' and zone.school_year = c.school_year and zone.period = c.period
        and zone.metric = c.metric and zone.subgroup = c.subgroup
    left join marts.metric_values as everyone
        on everyone.school_id = c.school_id and everyone.school_year = c.school_year and everyone.period = c.period
        and everyone.metric = c.metric and everyone.subgroup = 'all'
    left join pairs as p
        on p.subgroup = c.subgroup
    left join marts.metric_values as pair
        on pair.school_id = c.school_id and pair.school_year = c.school_year and pair.period = c.period
        and pair.metric = c.metric and pair.subgroup = p.comparison_group
    left join work.other_cells as o
        on o.school_id = c.school_id and o.school_year = c.school_year and o.period = c.period
        and o.metric = c.metric and o.subgroup = c.subgroup
    left join targets as t
        on t.school_id = c.school_id and t.school_year = c.school_year and t.period = c.period
        and t.metric = c.metric and t.subgroup = c.subgroup
),
compared as (
    select
        *,
        case
            when suppressed or comparison_group is null then null
            when comparison_group <> 'others' then pair_value
            when all_suppressed then null
            when others_n < case population when 'respondents' then $min_respondents else $min_students end then null
            else others_value
        end as comparison_value,
        -- value - target in exact decimals, signed so that positive means still to go.
        case when not suppressed and target is not null then
            (case direction when 'lower' then 1 else -1 end)
            * (scale * numerator::decimal(38, 6) - target * denominator::decimal(38, 6))
        end as target_shortfall
    from joined
),
final as (
    select
        school_id,
        school_year,
        period,
        metric,
        subgroup,
        direction,
        unit,
        n,
        value,
        suppressed,
        prior_value,
        value - prior_value as change,
        case when school_id <> 'ZONE' then zone_value end as zone_value,
        case when school_id <> 'ZONE' then value - zone_value end as diff_vs_zone,
        case when subgroup <> 'all' then all_value end as all_value,
        case when subgroup <> 'all' then value - all_value end as gap_vs_all,
        comparison_group,
        comparison_value,
        value - comparison_value as gap_vs_comparison,
        case when has_risk_ratio and comparison_value > 0 then value / comparison_value end as risk_ratio,
        target,
        target_shortfall <= 0 as target_met,
        target_shortfall::double / denominator as target_gap,
        case when counts_students and target_shortfall is not null
            then greatest(0, ceil(target_shortfall::double / scale))::bigint
        end as target_gap_students
    from compared
)
select * from final
order by school_id, school_year, period, metric, subgroup;
