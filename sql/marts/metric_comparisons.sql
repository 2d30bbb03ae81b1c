-- Comparisons a report shows beside every published cell (docs/metrics.md), keyed
-- like marts.metric_values. Built only from published values, except the
-- "all other students" figures, which are published only when the subgroup's
-- own cell and `all` are published and the other students number at least the
-- threshold: then all minus the group reveals nothing that is hidden.
-- Every figure that involves a hidden value is NULL.
-- Only this run's cells are compared; the prior year, the zone and the pairs
-- are read from marts.metric_values, which holds every period built so far.
--
-- Every comparison of a metric with an interval gets its own 95% interval, a
-- two-sided p-value and a signal (docs/metrics.md, "Uncertainty"; the macros are
-- in sql/macros/interval_functions.sql):
-- * change (this year − the same period last year; none while the period is
--   under way), gap (the subgroup − the
--   rest of the school: its comparison group) and zone_gap (the school − the
--   rest of the zone: the same cell of the zone's other schools, added up);
-- * shares of students: Newcombe's hybrid score interval, p from the pooled
--   two-proportion SE; other metrics: the difference ± z·sqrt(se1² + se2²),
--   p from difference / that SE. Years count as independent samples;
-- * 'clear' when the interval excludes 0 and Benjamini-Hochberg at
--   signals.false_discovery_rate rejects it within its family: one school (or the zone),
--   school year and period, and one kind of comparison.
-- The rest of the zone adds up only the other schools' published cells, so it
-- reveals nothing hidden; it is shown when the school's own cell is published
-- and the rest numbers at least the suppression threshold.
-- Each school (or the zone), school year and period of the run, numbered: the
-- tests below carry integers, not the key (windows over the wide cells cost more).
create or replace temporary table school_periods as
select school_id, school_year, period, row_number() over (order by school_id, school_year, period) as school_period
from (select distinct school_id, school_year, period from run_metric_values);

create or replace temporary table comparison_values as
with cells as (
    select
        v.*,
        k.direction, k.unit, k.scale, k.counts_students, k.risk_ratio as has_risk_ratio, k.population,
        r.interval_kind,
        m.sum_a2, m.sum_am, m.sum_m2,
        case k.population when 'respondents' then $min_respondents when 'students' then $min_students else 0 end
            as min_n,
        sp.school_period,
        pr.is_complete as period_complete
    from run_metric_values as v
    join school_periods as sp
        using (school_id, school_year, period)
    join meta.periods as pr
        using (school_year, period)
    join meta.metric_catalog as k
        using (metric)
    join meta.metrics as r
        on r.metric = k.family
    join work.metric_cells as m
        using (school_id, school_year, period, metric, subgroup)
),
-- Each group with its comparison group (ell with non_ell and the reverse, …), from the subgroup registry.
pairs as (
    select subgroup, comparison_group
    from meta.subgroups
    where comparison_group is not null
),
targets as (
    select school_id, school_year, period, metric, subgroup, max(target) as target
    from staging.targets
    group by all
),
-- Every school's published cells added up (the zone's row is not a sum of its
-- schools: a student who moved counts once there), for the rest of the zone.
school_totals as (
    select
        school_year, period, metric, subgroup,
        sum(n) as n, sum(numerator) as numerator, sum(denominator) as denominator,
        sum(sum_a2) as sum_a2, sum(sum_am) as sum_am, sum(sum_m2) as sum_m2
    from cells
    where school_id <> 'ZONE' and not suppressed
    group by all
),
joined as (
    select
        c.*,
        prior_cell.value as prior_value,
        prior_cell.numerator as prior_numerator,
        prior_cell.denominator as prior_denominator,
        prior_cell.se as prior_se,
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
        -- The comparison group's figures behind the gap's interval: the pair's own
        -- cell, or all the school's other students.
        coalesce(pair.n, o.n) as cmp_n,
        coalesce(pair.numerator, o.numerator) as cmp_numerator,
        coalesce(pair.denominator, o.denominator) as cmp_denominator,
        coalesce(pair.sum_a2, o.sum_a2) as cmp_sum_a2,
        coalesce(pair.sum_am, o.sum_am) as cmp_sum_am,
        coalesce(pair.sum_m2, o.sum_m2) as cmp_sum_m2,
        case when c.school_id <> 'ZONE' and not c.suppressed then t.n - c.n end as rest_n,
        t.numerator - c.numerator as rest_numerator,
        t.denominator - c.denominator as rest_denominator,
        t.sum_a2 - c.sum_a2 as rest_sum_a2,
        t.sum_am - c.sum_am as rest_sum_am,
        t.sum_m2 - c.sum_m2 as rest_sum_m2,
        tg.target
    from cells as c
    -- A year still under way is counted to date: last year's whole period is not
    -- the same point last year, so it has no change (nor a judgment of one).
    left join marts.metric_values as prior_cell
        on prior_cell.school_id = c.school_id and prior_cell.school_year = c.school_year - 1 and prior_cell.period = c.period
        and prior_cell.metric = c.metric and prior_cell.subgroup = c.subgroup and c.period_complete
    left join marts.metric_values as zone
        on zone.school_id = 'ZONE' and zone.school_year = c.school_year and zone.period = c.period
        and zone.metric = c.metric and zone.subgroup = c.subgroup
    left join marts.metric_values as everyone
        on everyone.school_id = c.school_id and everyone.school_year = c.school_year and everyone.period = c.period
        and everyone.metric = c.metric and everyone.subgroup = 'all'
    left join pairs as p
        on p.subgroup = c.subgroup
    -- The pair is a cell of the same school and period, so of this run: one join on
    -- the period's number gives both its published value and its sums.
    left join cells as pair
        on pair.school_period = c.school_period
        and pair.metric = c.metric and pair.subgroup = p.comparison_group
    left join work.other_cells as o
        on p.comparison_group is null
        and o.school_id = c.school_id and o.school_year = c.school_year and o.period = c.period
        and o.metric = c.metric and o.subgroup = c.subgroup
    left join school_totals as t
        on t.school_year = c.school_year and t.period = c.period
        and t.metric = c.metric and t.subgroup = c.subgroup
    left join targets as tg
        on tg.school_id = c.school_id and tg.school_year = c.school_year and tg.period = c.period
        and tg.metric = c.metric and tg.subgroup = c.subgroup
),
compared as (
    select
        *,
        case
            when suppressed or comparison_group is null then null
            when comparison_group <> 'others' then pair_value
            when all_suppressed then null
            when others_n < min_n then null
            else others_value
        end as comparison_value,
        case when rest_n >= greatest(min_n, 1) and rest_denominator > 0
            then scale * rest_numerator / rest_denominator
        end as rest_of_zone_value,
        -- value - target in exact decimals, signed so that positive means still to go.
        case when not suppressed and target is not null then
            (case direction when 'lower' then 1 else -1 end)
            * (scale * numerator::decimal(38, 6) - target * denominator::decimal(38, 6))
        end as target_shortfall
    from joined
),
differences as (
    select
        *,
        value - prior_value as change,
        value - comparison_value as gap_vs_comparison,
        value - rest_of_zone_value as zone_gap,
        scale * ratio_se(cmp_n, cmp_numerator, cmp_denominator, cmp_sum_a2, cmp_sum_am, cmp_sum_m2) as cmp_se,
        scale * ratio_se(rest_n, rest_numerator, rest_denominator, rest_sum_a2, rest_sum_am, rest_sum_m2) as rest_se
    from compared
),
-- Each comparison's 95% interval and the standard error of its p-value, against
-- the other side: last year's cell, the comparison group, the rest of the zone.
intervals as (
    select
        *,
        difference_interval(interval_kind, scale, change, numerator, denominator, prior_numerator, prior_denominator, se, prior_se)
            as change_interval,
        difference_interval(interval_kind, scale, gap_vs_comparison, numerator, denominator, cmp_numerator, cmp_denominator, se, cmp_se)
            as gap_interval,
        difference_interval(interval_kind, scale, zone_gap, numerator, denominator, rest_numerator, rest_denominator, se, rest_se)
            as zone_gap_interval
    from differences
),
tested as (
    select
        *,
        two_sided_p(change, change_interval.se) as change_p,
        two_sided_p(gap_vs_comparison, gap_interval.se) as gap_p,
        two_sided_p(zone_gap, zone_gap_interval.se) as zone_gap_p
    from intervals
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
        change,
        case when school_id <> 'ZONE' then zone_value end as zone_value,
        case when school_id <> 'ZONE' then value - zone_value end as diff_vs_zone,
        case when subgroup <> 'all' then all_value end as all_value,
        case when subgroup <> 'all' then value - all_value end as gap_vs_all,
        comparison_group,
        comparison_value,
        gap_vs_comparison,
        case when has_risk_ratio and comparison_value > 0 then value / comparison_value end as risk_ratio,
        target,
        target_shortfall <= 0 as target_met,
        target_shortfall::double / denominator as target_gap,
        case when counts_students and target_shortfall is not null
            then greatest(0, ceil(target_shortfall::double / scale))::bigint
        end as target_gap_students,
        ci_low,
        ci_high,
        change_interval.low as change_low,
        change_interval.high as change_high,
        change_p,
        null::varchar as change_signal,
        gap_interval.low as gap_low,
        gap_interval.high as gap_high,
        gap_p,
        null::varchar as gap_signal,
        rest_of_zone_value,
        zone_gap,
        zone_gap_interval.low as zone_gap_low,
        zone_gap_interval.high as zone_gap_high,
        zone_gap_p,
        null::varchar as zone_gap_signal,
        case when has_risk_ratio and comparison_value > 0 then katz_low(numerator, denominator, cmp_numerator, cmp_denominator) end
            as risk_ratio_low,
        case when has_risk_ratio and comparison_value > 0 then katz_high(numerator, denominator, cmp_numerator, cmp_denominator) end
            as risk_ratio_high,
        school_period
    from tested
)
-- The signals (NULL here) are set once Benjamini-Hochberg has seen every p-value.
select * from final;

-- Every p-value, one row each, in its family: one school (or the zone), school
-- year and period, and one kind of comparison (0 change, 1 gap, 2 zone gap).
-- `cell` is the row of comparison_values.
create or replace temporary table comparison_tests as
select 3 * school_period as family, rowid as cell, 0 as kind, change_p as p
from comparison_values
where change_p is not null
union all
select 3 * school_period + 1, rowid, 1, gap_p
from comparison_values
where gap_p is not null
union all
select 3 * school_period + 2, rowid, 2, zone_gap_p
from comparison_values
where zone_gap_p is not null;

-- Benjamini-Hochberg within each family (sql/macros/interval_functions.sql): the
-- three rejections of each cell, in a narrow table.
create or replace temporary table comparison_discoveries as
select
    cell,
    bool_or(rejected) filter (where kind = 0) as change_rejected,
    bool_or(rejected) filter (where kind = 1) as gap_rejected,
    bool_or(rejected) filter (where kind = 2) as zone_gap_rejected
from benjamini_hochberg('comparison_tests', $false_discovery_rate)
group by cell;

drop table if exists comparison_tests;

-- Each cell with its three signals in their places: a view the mart's insert reads
-- (sezp_roadmap/metric_engine.py drops it and the tables it reads once the mart has
-- the rows). A second copy of the wide cells, as a table, took the state over the
-- memory limit, onto disk. Left unsorted: readers filter by school and period, and
-- sorting the wide rows cost 2.5 s at state size.
create or replace temporary view run_metric_comparisons as
select
    c.* exclude (school_period) replace (
        signal_of(c.change_low, c.change_high, d.change_rejected) as change_signal,
        signal_of(c.gap_low, c.gap_high, d.gap_rejected) as gap_signal,
        signal_of(c.zone_gap_low, c.zone_gap_high, d.zone_gap_rejected) as zone_gap_signal
    )
from comparison_values as c
left join comparison_discoveries as d
    on d.cell = c.rowid;
