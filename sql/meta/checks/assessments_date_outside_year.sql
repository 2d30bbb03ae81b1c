-- A test date outside the school year its row names (July 1 to June 30).
with final as (
    select
        _source_file as file,
        _source_row as row,
        'test_date' as column_name,
        strftime(test_date, '%Y-%m-%d') as value,
        'a date from ' || strftime(make_date(school_year - 1, 7, 1), '%Y-%m-%d') || ' to '
            || strftime(make_date(school_year, 6, 30), '%Y-%m-%d') || ' (school year ' || school_year || ')' as expected,
        'the test date is outside the school year of the row' as reason,
        school_id,
        school_year
    from staging.assessments
    where test_date is not null
      and school_year is not null
      and test_date not between make_date(school_year - 1, 7, 1) and make_date(school_year, 6, 30)
)
select * from final;
