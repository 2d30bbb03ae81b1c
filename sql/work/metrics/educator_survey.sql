-- Educator survey scores (0-10, docs/metrics.md) from the administration the period
-- uses. `Instructional Culture Index` is the overall index (educator_ici); every
-- other domain is educator:<slug of the domain>. n is the domain's respondents;
-- the zone row is the respondent-weighted mean of the school scores, so
-- numerator = Σ score × respondents and denominator = Σ respondents.
create or replace temporary table educator_scores as
with chosen as (
    select
        s.school_id,
        s.school_year,
        a.period,
        trim(s.domain) as domain,
        slug_of(s.domain) as slug,
        s.score,
        s.respondents
    from staging.educator_survey as s
    join work.administrations as a
        on a.source = 'educator_survey'
        and a.school_id = s.school_id
        and a.school_year = s.school_year
        and a.administration = s.administration
    where s.respondents > 0
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

insert into work.metric_cells
with scoped as (
    select school_id, school_year, period, metric, score, respondents from educator_scores
    union all
    select 'ZONE', school_year, period, metric, score, respondents from educator_scores
),
final as (
    select
        school_id,
        school_year,
        period,
        metric,
        'all' as subgroup,
        sum(respondents) as n,
        sum(score * respondents)::double as numerator,
        sum(respondents)::double as denominator,
        sum(score * respondents)::double / sum(respondents) as value,
        -- No interval: a vendor's aggregate score, a reviewer's rating (docs/metrics.md).
        null::double as sum_a2,
        null::double as sum_am,
        null::double as sum_m2
    from scoped
    group by all
)
select * from final;
