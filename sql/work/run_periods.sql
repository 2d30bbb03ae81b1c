-- The (school year, period) partitions this run computes: a subset of meta.periods.
-- Every student-level step reads this table, not meta.periods, so a run for one
-- partition (a Dagster partitioned run) touches only that partition's rows.
-- $all_periods true: every period of meta.periods (the library's default).
create or replace table work.run_periods as
with wanted as (
    select unnest($years::integer[]) as school_year, unnest($periods::varchar[]) as period
),
final as (
    select p.*
    from meta.periods as p
    where $all_periods
        or exists (select 1 from wanted as w where w.school_year = p.school_year and w.period = p.period)
)
select * from final
order by school_year, period;
