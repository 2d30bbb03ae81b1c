-- An entry or exit date outside the school year its spell names.
with dates as ( -- noqa: ST03
    select _source_file, _source_row, school_id, school_year, 'entry_date' as column_name, entry_date as day
    from staging.enrollment
    union all
    select _source_file, _source_row, school_id, school_year, 'exit_date', exit_date
    from staging.enrollment
),
final as (
    select * from outside_school_year_findings('dates')
)
select * from final;
