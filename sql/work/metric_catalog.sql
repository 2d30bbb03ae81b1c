-- Every metric id this run produced (and every fixed metric of the registry),
-- with its registry entry: a topic or domain metric (family_favorable:<topic>)
-- takes its family's entry (family_favorable:*) and the label of its topic.
create or replace table work.run_metric_catalog as
with produced as (
    select distinct metric from work.metric_cells
    union
    select metric from meta.metrics where not metric like '%:*'
),
final as (
    select
        p.metric,
        r.metric as family,
        coalesce(l.label, r.label) as label,
        r.unit,
        r.direction,
        r.description,
        r.source,
        r.population,
        r.scale,
        r.counts_students,
        r.risk_ratio,
        r.additive
    from produced as p
    join meta.metrics as r
        on r.metric = case when p.metric like '%:%' then split_part(p.metric, ':', 1) || ':*' else p.metric end
    left join (select metric, min(label) as label from work.metric_labels group by all) as l
        on l.metric = p.metric
)
select * from final
order by metric;
