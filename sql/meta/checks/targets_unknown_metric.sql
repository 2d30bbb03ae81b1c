-- A target naming a metric the pipeline does not compute. _target_metrics is
-- written just before this check from the metric registry (metrics.METRICS).
with final as (
    select
        t._source_file as file,
        t._source_row as row,
        'metric' as column_name,
        t.metric as value,
        $metric_examples as expected,
        'this metric id is not one the Roadmap computes' as reason,
        t.school_id,
        t.school_year
    from staging.targets as t
    join _target_metrics as m
        on m.metric = t.metric
    where not m.known
)
select * from final;
