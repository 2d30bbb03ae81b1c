-- Two schools mapped to one DESE code: the state's figures could not tell them apart.
-- Each later row is reported against the first row with the code.
with ranked as (
    select
        *,
        first_value(school_id) over w as first_school,
        first_value(_source_file) over w as first_file,
        first_value(_source_row) over w as first_row,
        row_number() over w as copy
    from staging.schools
    where state_school_id is not null
    window w as (partition by state_school_id order by _source_file, _source_row)
),
final as (
    select
        _source_file as file,
        _source_row as row,
        'state_school_id' as column_name,
        state_school_id as value,
        'a DESE code of one school only; ' || first_school || ' (' || first_file || ', row ' || first_row || ') has it'
            as expected,
        'this DESE code is given to two schools' as reason,
        school_id,
        null::integer as school_year
    from ranked
    where copy > 1
)
select * from final;
