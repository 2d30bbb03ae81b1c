-- A disciplinary action dated outside every enrollment spell of the student
-- at that school (docs/metrics.md): reported, never counted.
with actions as (
    select
        *,
        school_year_of(incident_date) as school_year
    from staging.discipline
    where incident_date is not null
      and student_id is not null
      and school_id in (select school_id from staging.schools)
),
final as (
    select
        x._source_file as file,
        x._source_row as row,
        'incident_date' as column_name,
        strftime(x.incident_date, '%Y-%m-%d') as value,
        'a date inside one of the student''s enrollment spells at school ' || x.school_id as expected,
        'the student was not enrolled at the school on this date; the action is not counted' as reason,
        x.school_id,
        x.school_year
    -- An anti join runs as one hash join; a correlated NOT EXISTS is far slower in DuckDB.
    from actions as x
    anti join staging.enrollment as e
        on e.student_id = x.student_id
        and e.school_id = x.school_id
        and x.incident_date between e.entry_date and coalesce(e.exit_date, x.incident_date)
)
select * from final;
