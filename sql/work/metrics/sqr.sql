-- School Quality Review (docs/metrics.md): the mean rating (1-4) of a domain's
-- indicators in the review the period uses; the zone row pools every school's
-- indicators. Domain ids are sqr:<slug of the domain>. n counts indicators.
create or replace temporary table sqr_ratings as
with reviews as ( -- noqa: ST03
    select *, review as administration
    from staging.sqr
),
chosen as (
    select
        school_id,
        school_year,
        period,
        trim(domain) as domain,
        'sqr:' || slug_of(domain) as metric,
        rating
    from administered('reviews', 'sqr')
)
select * from chosen;

insert into work.metric_labels
select metric, 'School Quality Review: ' || min(domain)
from sqr_ratings
group by all;

-- No interval: a reviewer's judgment, not a sample (docs/metrics.md). Each indicator's
-- rating weighs one: n counts indicators.
insert into work.metric_cells
with weighted as ( -- noqa: ST03
    select school_id, school_year, period, metric, rating as score, 1 as weight
    from sqr_ratings
)
select * from score_cells('weighted');

drop table if exists sqr_ratings;
