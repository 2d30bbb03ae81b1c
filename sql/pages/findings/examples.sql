-- A few example rows of every rule, in file and row order. The page shows
-- file, row, column and value, never a student id: a value in the student_id
-- column is left out here.
with numbered as (
    select
        *,
        row_number() over (partition by extract, rule order by file, row, column_name) as example
    from meta.findings
),
final as (
    select
        extract,
        rule,
        file,
        row,
        column_name,
        case when column_name = 'student_id' then null else value end as value,
        column_name = 'student_id' as value_hidden,
        reason,
        expected
    from numbered
    where example <= $examples
)
select * from final
order by extract, rule, file, row;
