-- Two school ids that differ only in case (HX04, hx04): on a file system that ignores
-- case (Windows, macOS) their reports would be one file, each overwriting the other.
-- Each later row is reported against the first row with the id in any case.
with ranked as (
    select
        *,
        first_value(school_id) over w as first_school,
        first_value(_source_file) over w as first_file,
        first_value(_source_row) over w as first_row,
        dense_rank() over w as spelling
    from staging.schools
    where school_id is not null
    window w as (partition by lower(school_id) order by school_id, _source_file, _source_row)
),
final as (
    select
        _source_file as file,
        _source_row as row,
        'school_id' as column_name,
        school_id as value,
        'a school id that differs from every other in more than case; ' || first_school || ' ('
            || first_file || ', row ' || first_row || ') differs from it only in case' as expected,
        'two school ids differ only in upper and lower case, and would name the same report files' as reason,
        school_id,
        null::integer as school_year
    from ranked
    where spelling > 1
)
select * from final;
