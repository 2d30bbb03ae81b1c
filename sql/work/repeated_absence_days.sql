-- The days on which a student has two or more exceptions that count as absence at
-- one school, of every school year: sql/work/student_attendance.sql adds up only
-- these days' exceptions (a day never counts more than one) and takes every other
-- exception as it is. Nearly every absent day has one exception, so grouping
-- every exception by student and day, once per school year, cost far more than
-- finding the few repeated days once: one 8-byte hash per exception, sorted, each
-- compared with the one before it (as ingest finds repeated rows), then the
-- exceptions with a repeated hash grouped by their values.
create or replace temporary table repeated_absence_days as
with absences as (
    select a.student_id, a.school_id, a.date
    from staging.attendance as a
    join meta.attendance_codes as k
        on k.code = a.code
    where k.absent_days > 0
),
repeated_hashes as (
    select h
    from (
        select h, lag(h) over (order by h) as previous
        from (select hash(student_id, school_id, date) as h from absences)
    )
    where h = previous
),
final as (
    select student_id, school_id, date
    from absences
    where hash(student_id, school_id, date) in (select h from repeated_hashes)
    group by all
    having count(*) > 1
)
select * from final;
