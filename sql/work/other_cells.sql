-- "All other students" than subgroup g, for metrics whose numerators and
-- denominators add up across disjoint groups: all minus g, the moments behind
-- the standard error too. (Incidents do not add up; sql/work/metrics/discipline.sql
-- counts theirs directly.)
insert into work.other_cells
with additive as (
    select metric from meta.metric_catalog where additive
),
final as (
    select
        g.school_id,
        g.school_year,
        g.period,
        g.metric,
        g.subgroup,
        a.n - g.n as n,
        a.numerator - g.numerator as numerator,
        a.denominator - g.denominator as denominator,
        case when a.denominator - g.denominator > 0
            then c.scale * (a.numerator - g.numerator) / (a.denominator - g.denominator)
        end as value,
        a.sum_a2 - g.sum_a2 as sum_a2,
        a.sum_am - g.sum_am as sum_am,
        a.sum_m2 - g.sum_m2 as sum_m2
    from work.metric_cells as g
    join work.metric_cells as a
        on a.school_id = g.school_id
        and a.school_year = g.school_year
        and a.period = g.period
        and a.metric = g.metric
        and a.subgroup = 'all'
    join meta.metric_catalog as c
        on c.metric = g.metric
    where g.subgroup <> 'all'
      and g.metric in (select metric from additive)
      and a.n - g.n > 0
)
select * from final;
