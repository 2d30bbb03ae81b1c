-- A calendar day outside the school year its row names (school year 2026 runs
-- from 2025-07-01 through 2026-06-30).
with days as ( -- noqa: ST03
    select _source_file, _source_row, school_id, school_year, 'date' as column_name, date as day
    from staging.calendar
),
final as (
    select * from outside_school_year_findings('days')
)
select * from final;
