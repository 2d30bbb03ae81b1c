-- Family survey topics as the vendor reports them (family_survey_summary; docs/metrics.md):
-- the vendor's percent favorable of a topic, over the administration the period uses
-- (sql/work/administrations.sql, which reads both forms of the family survey). A topic
-- named 'Overall' is the vendor's figure over every question (family_vendor_favorable);
-- every other topic is family_vendor_favorable:<slug of the topic>. No overall figure is
-- made from the topics: they share respondents, and a vendor's percentages cannot be
-- pooled across topics without the answers behind them.
-- A school's administration whose respondent-level answers are in family_survey is
-- read from those (sql/work/metrics/family_survey.sql); its vendor rows are findings
-- (sql/meta/checks/family_survey_summary_superseded.sql), left out here by the same join.
--
-- Each respondent is treated as one yes-or-no answer: favorable = percent / 100 ×
-- respondents (not always a whole number: a vendor's topic figure is often a mean over
-- its items), n = denominator = respondents, so value = the vendor's percent and the
-- interval is Wilson's over the respondents. The moments are those of a share
-- (a_i = 0 or 1, m_i = 1): Σa_i² = Σa_i·m_i = favorable, Σm_i² = respondents.
-- The zone pools its schools' respondents: Σ favorable / Σ respondents.
create or replace temporary table family_vendor_topics as
with summary as ( -- noqa: ST03
    select s.*
    from staging.family_survey_summary as s
    anti join (select distinct school_id, school_year, administration from staging.family_survey) as a
        on a.school_id = s.school_id
        and a.school_year = s.school_year
        and a.administration = s.administration
),
chosen as (
    select
        school_id,
        school_year,
        period,
        trim(topic) as topic,
        case
            when slug_of(topic) = 'overall' then 'family_vendor_favorable'
            else 'family_vendor_favorable:' || slug_of(topic)
        end as metric,
        respondents,
        percent_favorable::double / 100 * respondents as favorable
    from administered('summary', 'family_survey')
),
final as (
    select * from chosen
)
select * from final;

insert into work.metric_labels
select metric, 'Family survey: ' || min(topic) || ' (vendor''s figure)'
from family_vendor_topics
where metric <> 'family_vendor_favorable'
group by all;

insert into work.metric_cells
with scoped as (
    select school_id, school_year, period, metric, respondents, favorable from family_vendor_topics
    union all
    select 'ZONE', school_year, period, metric, respondents, favorable from family_vendor_topics
),
final as (
    select
        school_id,
        school_year,
        period,
        metric,
        'all' as subgroup,
        sum(respondents) as n,
        sum(favorable) as numerator,
        sum(respondents)::double as denominator,
        100 * sum(favorable) / sum(respondents) as value,
        sum(favorable) as sum_a2,
        sum(favorable) as sum_am,
        sum(respondents)::double as sum_m2
    from scoped
    group by all
)
select * from final;

drop table if exists family_vendor_topics;
