-- Reporting periods of every school year in the calendar (docs/metrics.md, "Periods").
-- mid_year: July 1 of the start year through the configured cutoff;
-- end_of_year: July 1 through June 30. A period still running is counted
-- through the as-of date only: later calendar days have not happened yet.
create or replace table meta.periods as
with years as (
    select distinct school_year from staging.calendar
),
bounds as (
    select
        y.school_year,
        c.period,
        school_year_start(y.school_year) as start_date,
        case c.period when 'mid_year' then cut.cutoff else school_year_end(y.school_year) end as end_date
    from years as y
    join (select unnest($cutoff_years::integer[]) as school_year, unnest($cutoff_dates::date[]) as cutoff) as cut
        on cut.school_year = y.school_year
    -- The period ids are the registry's (sezp_roadmap.periods.PERIODS), bound as $periods.
    cross join (select unnest($periods::varchar[]) as period) as c
),
final as (
    select
        school_year,
        period,
        start_date,
        end_date,
        least(end_date, $as_of_date::date) as data_through,
        $as_of_date::date >= end_date as is_complete,
        (
            select max(cal.date) from staging.calendar as cal
            where cal.school_year = bounds.school_year
              and cal.date between bounds.start_date and least(bounds.end_date, $as_of_date::date)
        ) as last_school_day
    from bounds
    where start_date <= $as_of_date::date
)
select * from final
order by school_year, period;
