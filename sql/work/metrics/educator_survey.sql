-- Educator survey scores (0-10, docs/metrics.md) from the administration the period
-- uses. `Instructional Culture Index` is the overall index (educator_ici); every
-- other domain is educator:<slug of the domain>. n is the domain's respondents;
-- the zone row is the respondent-weighted mean of the school scores, so
-- numerator = Σ score × respondents and denominator = Σ respondents.
create or replace temporary table educator_scores as
with chosen as (
    select
        school_id,
        school_year,
        period,
        trim(domain) as domain,
        slug_of(domain) as slug,
        score,
        respondents
    from administered('staging.educator_survey', 'educator_survey')
    where respondents > 0
),
final as (
    select
        *,
        case when slug = 'instructional_culture_index' then 'educator_ici' else 'educator:' || slug end as metric
    from chosen
)
select * from final;

insert into work.metric_labels
select metric, 'Educator survey: ' || min(domain)
from educator_scores
where metric <> 'educator_ici'
group by all;

-- No interval: a vendor's aggregate score (docs/metrics.md). A school's score weighs
-- its respondents.
insert into work.metric_cells
with weighted as ( -- noqa: ST03
    select school_id, school_year, period, metric, score, respondents as weight
    from educator_scores
)
select * from score_cells('weighted');

drop table if exists educator_scores;
