-- What every metric id of marts.metric_values means: label, unit, direction,
-- a plain-language description, where it comes from and whose count n is.
create or replace table marts.metric_catalog as
with final as (
    select
        metric,
        family,
        label,
        unit,
        direction,
        description,
        source,
        population
    from meta.metric_catalog
)
select * from final
order by metric;
