-- The extract files this run read, one row per extract, with the latest date each dated
-- extract holds (the date its data runs through).
with files as (
    select
        extract,
        string_agg(file_name, ', ' order by file_name) as files,
        sum(rows) as rows
    from meta.load_files
    group by extract
),
latest as (
    select 'calendar' as extract, max(date) as latest_date from staging.calendar
    union all
    select 'attendance', max(date) from staging.attendance
    union all
    select 'enrollment', max(greatest(entry_date, coalesce(exit_date, entry_date))) from staging.enrollment
    union all
    select 'discipline', max(incident_date) from staging.discipline
),
final as (
    select f.extract, f.files, f.rows, l.latest_date
    from files as f
    left join latest as l using (extract)
)
select * from final
order by extract;
