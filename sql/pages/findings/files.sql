-- The files this run read, with their rows, how many findings each has, and how
-- many of its rows are left out of the figures (findings "not counted").
with counts as (
    select
        extract,
        file,
        count(*) as findings,
        count(distinct row) filter (where severity = $excluded) as not_counted
    from meta.findings
    group by all
),
final as (
    select
        f.extract,
        f.file_name as file,
        f.rows,
        coalesce(c.findings, 0) as findings,
        coalesce(c.not_counted, 0) as not_counted
    from meta.load_files as f
    left join counts as c
        on c.extract = f.extract and c.file = f.file_name
)
select * from final
order by extract, file;
