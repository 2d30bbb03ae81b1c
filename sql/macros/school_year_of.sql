-- The school year a date belongs to: July 1 starts the next one (2025-09-02 -> 2026).
-- The one statement of the rule; every connection the pipeline opens creates it
-- (sezp_roadmap.warehouse.add_macros, the report pages' too), and every query it runs uses it.
create or replace temp macro school_year_of(d) as
    year(d::date) + case when month(d::date) >= 7 then 1 else 0 end;

-- The first and last day of school year y by the same rule (2026: 2025-07-01 to
-- 2026-06-30). A range filter on them (`date between school_year_start($y) and
-- school_year_end($y)`) lets DuckDB skip row groups, which school_year_of(date) = $y cannot.
create or replace temp macro school_year_start(y) as make_date(y - 1, 7, 1);

create or replace temp macro school_year_end(y) as make_date(y, 6, 30);

-- How a message names the days of school year y: '2025-07-01 to 2026-06-30'.
create or replace temp macro school_year_dates(y) as
    strftime(school_year_start(y), '%Y-%m-%d') || ' to ' || strftime(school_year_end(y), '%Y-%m-%d');

-- The findings of a check that dates lie in the school year their row names
-- (calendar_date_outside_year, enrollment_date_outside_year). `dated` names a
-- table or CTE with the extract's _source_file, _source_row, school_id and
-- school_year, the date judged in `day` and its column's name in `column_name`.
-- (sqlfluff cannot see a CTE read by name: its definition carries `-- noqa: ST03`.)
create or replace temp macro outside_school_year_findings(dated) as table
    select
        _source_file as file,
        _source_row as row,
        column_name,
        strftime(day, '%Y-%m-%d') as value,
        'a date from ' || school_year_dates(school_year)
            || ' (school year ' || school_year || ' in column school_year)' as expected,
        'this date is outside the school year given in column school_year' as reason,
        school_id,
        school_year
    from query_table(dated)
    where day is not null
      and school_year is not null
      and school_year_of(day) <> school_year;
