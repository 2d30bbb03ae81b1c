-- An attendance exception on a day the school's calendar does not list (a
-- weekend, a holiday): not a membership day, so never counted.
with exceptions as (
    select
        *,
        school_year_of(date) as school_year
    from staging.attendance
    where date is not null
      and school_id in (select school_id from staging.schools)
),
final as (
    select
        x._source_file as file,
        x._source_row as row,
        'date' as column_name,
        strftime(x.date, '%Y-%m-%d') as value,
        'a school day in the calendar of school ' || x.school_id as expected,
        'this day (a ' || dayname(x.date) || ') is not a school day of the school; the row is not counted' as reason,
        x.school_id,
        x.school_year
    from exceptions as x
    anti join staging.calendar as c
        on c.school_id = x.school_id and c.date = x.date
)
select * from final;
