-- Family survey percent favorable (metrics.md): 100 × answers of 4 or 5 / answered
-- items, over the administration the period uses (sql/work/administrations.sql).
-- A skipped item (empty response) is not an answer. n counts respondents with at
-- least one answer in scope; the zone pools every school's answers, a respondent
-- being identified by (school_id, response_id). Topic ids are a slug of the topic
-- text (lowercase, runs of other characters as one underscore).
create or replace temporary table family_answers as
with chosen as (
    select f.school_id, f.school_year, a.period, f.response_id, f.topic, f.response
    from staging.family_survey as f
    join work.administrations as a
        on a.source = 'family_survey'
        and a.school_id = f.school_id
        and a.school_year = f.school_year
        and a.administration = f.administration
    where f.response is not null
),
scoped as (
    select
        *,
        'family_favorable:' || trim(regexp_replace(lower(trim(topic)), '[^a-z0-9]+', '_', 'g'), '_') as topic_metric
    from chosen
),
final as (
    select school_id as respondent_school, school_id, * exclude (school_id) from scoped
    union all
    select school_id as respondent_school, 'ZONE' as school_id, * exclude (school_id) from scoped
)
select * from final;

insert into work.metric_labels
select topic_metric, 'Family survey: ' || min(trim(topic))
from family_answers
group by all;

insert into work.metric_cells
with scoped as (
    select * exclude (topic_metric), 'family_favorable' as metric from family_answers
    union all
    select * exclude (topic_metric), topic_metric as metric from family_answers
),
cells as (
    select
        school_id,
        school_year,
        period,
        metric,
        count(distinct (respondent_school, response_id)) as n,
        count(*) filter (where response >= 4) as favorable,
        count(*) as answers
    from scoped
    group by all
),
final as (
    select school_id, school_year, period, metric, 'all' as subgroup, n,
        favorable::double as numerator, answers::double as denominator, 100 * favorable::double / answers as value
    from cells
)
select * from final;
