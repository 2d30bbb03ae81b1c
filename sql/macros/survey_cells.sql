-- The rows of a survey or review extract a period reads: those of the administration
-- sql/work/administrations.sql chose for the school, school year and period, each with
-- that period. `extract_rows` names a table or CTE with school_id, school_year and
-- administration; `source_name` is the extract ('family_survey', 'educator_survey', 'sqr').
create or replace temp macro administered(extract_rows, source_name) as table
    select r.*, a.period
    from query_table(extract_rows) as r
    join work.administrations as a
        on a.source = source_name
        and a.school_id = r.school_id
        and a.school_year = r.school_year
        and a.administration = r.administration;

-- The cells of a score with no interval (docs/metrics.md: a vendor's aggregate score, a
-- reviewer's rating): for each school and the zone, value = Σ score × weight / Σ weight
-- and n = Σ weight, the zone pooling every school's rows. `scores` names a table or CTE
-- with school_id, school_year, period, metric, score and weight.
create or replace temp macro score_cells(scores) as table
    with scoped as (
        select school_id, school_year, period, metric, score, weight from query_table(scores)
        union all
        select 'ZONE', school_year, period, metric, score, weight from query_table(scores)
    )
    select
        school_id,
        school_year,
        period,
        metric,
        'all' as subgroup,
        sum(weight) as n,
        sum(score * weight)::double as numerator,
        sum(weight)::double as denominator,
        sum(score * weight)::double / sum(weight) as value,
        null::double as sum_a2,
        null::double as sum_am,
        null::double as sum_m2
    from scoped
    group by all;
