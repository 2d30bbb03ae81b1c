-- The files this run read, with their rows and how many findings each has.
with counts as (
    select extract, file, count(*) as findings
    from meta.findings
    group by all
),
final as (
    select
        f.extract,
        f.file_name as file,
        f.rows,
        coalesce(c.findings, 0) as findings
    from meta.load_files as f
    left join counts as c
        on c.extract = f.extract and c.file = f.file_name
)
select * from final
order by extract, file;
