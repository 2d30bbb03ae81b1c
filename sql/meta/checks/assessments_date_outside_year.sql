-- A test date outside the school year its row names (July 1 to June 30).
with final as (
    select
        _source_file as file,
        _source_row as row,
        'test_date' as column_name,
        strftime(test_date, '%Y-%m-%d') as value,
        'a date from ' || school_year_dates(school_year) || ' (school year ' || school_year || ')' as expected,
        'the test date is outside the school year of the row' as reason,
        school_id,
        school_year
    from staging.assessments
    where test_date is not null
      and school_year is not null
      and school_year_of(test_date) <> school_year
)
select * from final;
