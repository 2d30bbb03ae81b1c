-- A calendar day outside the school year its row names (school year 2026 runs
-- from 2025-07-01 through 2026-06-30).
with days as (
    select *
    from staging.calendar
    where date is not null and school_year is not null
),
final as (
    select
        _source_file as file,
        _source_row as row,
        'date' as column_name,
        strftime(date, '%Y-%m-%d') as value,
        'a date from ' || school_year_dates(school_year)
            || ' (school year ' || school_year || ' in column school_year)' as expected,
        'this date is outside the school year given in column school_year' as reason,
        school_id,
        school_year
    from days
    where school_year_of(date) <> school_year
)
select * from final;
