-- A spell whose exit date comes before its entry date (a one-day spell has both equal).
with final as (
    select
        _source_file as file,
        _source_row as row,
        'exit_date' as column_name,
        strftime(exit_date, '%Y-%m-%d') as value,
        'a date on or after the entry date ' || strftime(entry_date, '%Y-%m-%d') as expected,
        'the student exits before entering' as reason,
        school_id,
        school_year
    from staging.enrollment
    where exit_date < entry_date
)
select * from final;
