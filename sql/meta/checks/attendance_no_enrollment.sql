-- An attendance exception (on a school day) of a student with no enrollment
-- spell at that school in that school year: never counted.
--
-- The enrollment anti join runs first and leaves few rows; only those are
-- then looked up in the calendar (at state size, one pass over the 54 M
-- exceptions instead of two).
with exceptions as (
    select
        a.*,
        school_year_of(a.date) as school_year
    from staging.attendance as a
),
unenrolled as (
    select x.*
    from exceptions as x
    anti join staging.enrollment as e
        on e.student_id = x.student_id
        and e.school_id = x.school_id
        and e.school_year = x.school_year
    where x.student_id is not null
),
final as (
    select
        x._source_file as file,
        x._source_row as row,
        'student_id' as column_name,
        x.student_id as value,
        'a student with an enrollment spell at school ' || x.school_id || ' in the enrollment extract' as expected,
        'this student has no enrollment at the school in this school year; the row is not counted' as reason,
        x.school_id,
        x.school_year
    from unenrolled as x
    semi join staging.calendar as c
        on c.school_id = x.school_id and c.date = x.date
)
select * from final;
