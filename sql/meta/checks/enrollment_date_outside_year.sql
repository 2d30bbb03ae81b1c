-- An entry or exit date outside the school year its spell names.
with dates as (
    select _source_file, _source_row, school_id, school_year, 'entry_date' as column_name, entry_date as day
    from staging.enrollment
    union all
    select _source_file, _source_row, school_id, school_year, 'exit_date', exit_date
    from staging.enrollment
),
final as (
    select
        _source_file as file,
        _source_row as row,
        column_name,
        strftime(day, '%Y-%m-%d') as value,
        'a date from ' || school_year_dates(school_year)
            || ' (school year ' || school_year || ' in column school_year)' as expected,
        'this date is outside the school year given in column school_year' as reason,
        school_id,
        school_year
    from dates
    where day is not null
      and school_year is not null
      and school_year_of(day) <> school_year
)
select * from final;
