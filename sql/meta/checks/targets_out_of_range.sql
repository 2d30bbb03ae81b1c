-- A target outside the range of its metric's unit (a score is 0-10, an SQR
-- rating 1-4, a percent 0-100).
with final as (
    select
        t._source_file as file,
        t._source_row as row,
        'target' as column_name,
        coalesce(t._target_text, decimal_text(t.target)) as value,
        'a value from ' || m.range_text || ' for ' || t.metric as expected,
        'this target is outside the range of its metric' as reason,
        t.school_id,
        t.school_year
    from staging.targets as t
    join _target_metrics as m
        on m.metric = t.metric
    where m.known
      and (t.target < m.minimum or t.target > m.maximum)
)
select * from final;
