-- School Quality Review (docs/metrics.md): the mean rating (1-4) of a domain's
-- indicators in the review the period uses; the zone row pools every school's
-- indicators. Domain ids are sqr:<slug of the domain>. n counts indicators.
create or replace temporary table sqr_ratings as
with chosen as (
    select
        r.school_id,
        r.school_year,
        a.period,
        trim(r.domain) as domain,
        'sqr:' || slug_of(r.domain) as metric,
        r.rating
    from staging.sqr as r
    join work.administrations as a
        on a.source = 'sqr'
        and a.school_id = r.school_id
        and a.school_year = r.school_year
        and a.administration = r.review
)
select * from chosen;

insert into work.metric_labels
select metric, 'School Quality Review: ' || min(domain)
from sqr_ratings
group by all;

insert into work.metric_cells
with scoped as (
    select school_id, school_year, period, metric, rating from sqr_ratings
    union all
    select 'ZONE', school_year, period, metric, rating from sqr_ratings
),
final as (
    select
        school_id,
        school_year,
        period,
        metric,
        'all' as subgroup,
        count(*) as n,
        sum(rating)::double as numerator,
        count(*)::double as denominator,
        sum(rating)::double / count(*) as value,
        -- No interval: a reviewer's judgment, not a sample (docs/metrics.md).
        null::double as sum_a2,
        null::double as sum_am,
        null::double as sum_m2
    from scoped
    group by all
)
select * from final;
