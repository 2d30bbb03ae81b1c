-- A spell in a school year for which the calendar lists no school day of that
-- school: there would be no membership days to count.
with known as (
    select distinct school_id, school_year
    from staging.calendar
),
final as (
    select
        e._source_file as file,
        e._source_row as row,
        'school_year' as column_name,
        e.school_year::varchar as value,
        'a school year the calendar extract covers for school ' || e.school_id as expected,
        'the calendar has no school days of school ' || e.school_id || ' in this school year' as reason,
        e.school_id,
        e.school_year
    from staging.enrollment as e
    anti join known as k
        on k.school_id = e.school_id and k.school_year = e.school_year
    where e.school_year is not null
      and e.school_id in (select school_id from staging.schools)
)
select * from final;
