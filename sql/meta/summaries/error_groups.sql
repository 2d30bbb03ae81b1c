-- The errors of this run grouped by extract, rule, file and column: one summary
-- each on the command line and in the Dagster checks (sezp_roadmap.problem_list),
-- with how many rows, the first three rows, and the counts its likely cause is
-- read from. $extract NULL: every extract.
with numbered as (
    select
        extract,
        rule,
        file,
        row,
        column_name,
        value,
        reason,
        expected,
        row_number() over (
            partition by extract, rule, file, column_name
            order by row nulls first, value
        ) as position
    from meta.errors
    where $extract is null or extract = $extract
),

final as (
    select
        extract,
        rule,
        file,
        column_name,
        count(*) as rows,
        count(distinct value) as distinct_values,
        min(row) as first_row,
        list(row order by position) filter (where position <= 3) as example_rows,
        list(value order by position) filter (where position <= 3) as example_values,
        list(expected order by position) filter (where position <= 1) as first_expected,
        list(reason order by position) filter (where position <= 1) as first_reason,
        count(*) filter (
            where regexp_full_match(value, '[0-9]{1,2}/[0-9]{1,2}/[0-9]{2,4}')
        ) as slash_dates,
        count(*) filter (
            where regexp_full_match(value, '[0-9]{1,2}[.][0-9]{1,2}[.][0-9]{4}')
        ) as dot_dates,
        count(*) filter (
            where regexp_full_match(value, '[0-9]{1,2}/[0-9]{1,2}/[0-9]{2,4}')
            and try_cast(split_part(value, '/', 1) as integer) > 12
        ) as day_first_dates,
        max(length(regexp_extract(expected, '^''([0-9]+)''', 1))) as id_width
    from numbered
    group by extract, rule, file, column_name
)

select * from final
order by file, first_row nulls first, column_name, rule;
