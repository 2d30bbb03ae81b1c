-- An attendance exception on a school day outside every enrollment spell of
-- the student at that school in its school year (before entry, after
-- withdrawal, however a spell of another year reads; within_spell): not a
-- membership day, so never counted. A student with no spell at all at the
-- school that year is attendance_no_enrollment.
--
-- The enrollment anti join runs first and leaves few rows; only those are
-- then looked up in the calendar (at state size, one pass over the 54 M
-- exceptions instead of two), and only their students' spells are listed for
-- the message (listing every spell of the extract took half the rule's time).
with exceptions as (
    select
        a.*,
        school_year_of(a.date) as school_year
    from staging.attendance as a
),
-- An anti join, not a correlated NOT EXISTS: DuckDB runs it as one hash join
-- with the date range as its residual condition (10× faster at district size).
outside as (
    select x.*
    from exceptions as x
    anti join staging.enrollment as e
        on e.student_id = x.student_id
        and e.school_id = x.school_id
        and within_spell(x.date, e.school_year, e.entry_date, e.exit_date)
),
on_school_days as (
    select o.*
    from outside as o
    semi join staging.calendar as c
        on c.school_id = o.school_id and c.date = o.date
),
spells as (
    select
        e.student_id,
        e.school_id,
        e.school_year,
        string_agg(
            case
                when e.exit_date is null then 'from ' || strftime(e.entry_date, '%Y-%m-%d') || ', no exit date'
                else strftime(e.entry_date, '%Y-%m-%d') || ' to ' || strftime(e.exit_date, '%Y-%m-%d')
            end,
            '; ' order by e.entry_date
        ) as spell_list
    from staging.enrollment as e
    semi join on_school_days as o
        on o.student_id = e.student_id and o.school_id = e.school_id and o.school_year = e.school_year
    where e.entry_date is not null
    group by all
),
final as (
    select
        o._source_file as file,
        o._source_row as row,
        'date' as column_name,
        strftime(o.date, '%Y-%m-%d') as value,
        'a day inside the student''s enrollment at this school (' || s.spell_list || ')' as expected,
        'the student was not enrolled at school ' || o.school_id || ' on this day; the row is not counted' as reason,
        o.school_id,
        o.school_year
    from on_school_days as o
    join spells as s
        using (student_id, school_id, school_year)
)
select * from final;
