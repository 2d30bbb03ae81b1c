-- A published figure outside its metric's unit: a percent above 100. (Below 0
-- and above 366 days is the value column's own range, out_of_range.)
with final as (
    select
        _source_file as file,
        _source_row as row,
        'value' as column_name,
        coalesce(_value_text, decimal_text(value)) as value,
        'a percent from 0 to 100 for ' || metric as expected,
        'this rate is above 100 percent' as reason,
        null::varchar as school_id,
        school_year
    from staging.state_figures
    where list_contains($percent_metrics::varchar[], metric)
      and value > 100
      and value <= 366
)
select * from final;
