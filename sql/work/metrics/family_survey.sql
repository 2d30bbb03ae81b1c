-- Family survey percent favorable (docs/metrics.md): 100 × answers of 4 or 5 / answered
-- items, over the administration the period uses (sql/work/administrations.sql).
-- A skipped item (empty response) is not an answer. n counts respondents with at
-- least one answer in scope; the zone pools every school's answers, a respondent
-- being identified by (school_id, response_id). Topic ids are a slug of the topic
-- text (lowercase, runs of other characters as one underscore).
-- Answers are first counted per respondent and topic (a respondent answers a
-- dozen or so items): every sum below then reads a few rows per respondent, not
-- one per answer. A respondent is identified by (school_id, response_id), so the
-- zone's counts are the sums of its schools'.
create or replace temporary table family_respondents as
with chosen as (
    select school_id, school_year, period, response_id, topic, response
    from administered('staging.family_survey', 'family_survey')
    where response is not null
),
-- Each topic's metric id, worked out once per topic text rather than once per answer.
topics as (
    select topic, 'family_favorable:' || slug_of(topic) as topic_metric
    from (select distinct topic from chosen)
),
final as (
    select
        school_id,
        school_year,
        period,
        response_id,
        t.topic_metric,
        min(trim(topic)) as topic,
        count(*) filter (where response >= 4) as favorable,
        count(*) as answers
    from chosen
    left join topics as t
        using (topic)
    group by school_id, school_year, period, response_id, topic_metric
)
select * from final;

insert into work.metric_labels
select topic_metric, 'Family survey: ' || min(topic)
from family_respondents
group by all;

-- Each cell carries the moments of its standard error (sql/work/metric_cells.sql)
-- with the respondent as the cluster: a_i = i's favorable answers, m_i = i's answers.
insert into work.metric_cells
with by_topic as (
    select school_id, school_year, period, topic_metric as metric,
        count(*) as n, sum(favorable) as favorable, sum(answers) as answers,
        sum(favorable * favorable) as sum_a2, sum(favorable * answers) as sum_am, sum(answers * answers) as sum_m2
    from family_respondents
    group by all
),
respondents as (
    select school_id, school_year, period, response_id, sum(favorable) as favorable, sum(answers) as answers
    from family_respondents
    group by all
),
overall as (
    select school_id, school_year, period, 'family_favorable' as metric,
        count(*) as n, sum(favorable) as favorable, sum(answers) as answers,
        sum(favorable * favorable) as sum_a2, sum(favorable * answers) as sum_am, sum(answers * answers) as sum_m2
    from respondents
    group by all
),
schools as (
    select * from overall
    union all
    select * from by_topic
),
zone as (
    select 'ZONE' as school_id, school_year, period, metric, sum(n) as n, sum(favorable) as favorable,
        sum(answers) as answers, sum(sum_a2) as sum_a2, sum(sum_am) as sum_am, sum(sum_m2) as sum_m2
    from schools
    group by all
),
final as (
    select school_id, school_year, period, metric, 'all' as subgroup, n,
        favorable::double as numerator, answers::double as denominator, 100 * favorable::double / answers as value,
        sum_a2::double as sum_a2, sum_am::double as sum_am, sum_m2::double as sum_m2
    from (
        select * from schools
        union all
        select * from zone
    )
)
select * from final;
