-- Which survey administration (or SQR review) each school's period uses (docs/metrics.md):
-- mid_year uses the latest of the fall and winter administrations of the year;
-- end_of_year uses the latest administration of the year (spring, else winter, else fall).
-- A school with only a spring survey has no mid-year survey cells.
create or replace table work.administrations as
with held as (
    select distinct 'family_survey' as source, school_id, school_year, administration from staging.family_survey
    union all
    -- A vendor's summary is the same survey: the period reads the latest administration in either form.
    select distinct 'family_survey', school_id, school_year, administration from staging.family_survey_summary
    union all
    select distinct 'educator_survey', school_id, school_year, administration from staging.educator_survey
    union all
    select distinct 'sqr', school_id, school_year, review from staging.sqr
),
ranked as (
    select
        h.source,
        h.school_id,
        h.school_year,
        p.period,
        h.administration,
        row_number() over (
            partition by h.source, h.school_id, h.school_year, p.period
            order by administration_rank(h.administration) desc
        ) as rn
    from held as h
    join work.run_periods as p
        on p.school_year = h.school_year
    where period_reads(p.period, h.administration)
),
final as (
    select source, school_id, school_year, period, administration
    from ranked
    where rn = 1
)
select * from final;
