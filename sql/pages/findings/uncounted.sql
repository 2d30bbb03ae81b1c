-- Per file: the rows each "not counted" rule left out of the figures, with the
-- file's rows, and the files read as zero rows (header_only). One sentence each
-- on the command line, in the Dagster checks and on the data-quality page
-- (sezp_roadmap.validation.uncounted). $extract NULL: every extract.
with noted as (
    select extract, file, rule, count(distinct row) as rows_noted
    from meta.findings
    where (severity = $excluded or rule = 'header_only')
        and ($extract is null or extract = $extract)
    group by all
),
final as (
    select n.extract, n.file, n.rule, n.rows_noted, f.rows as file_rows
    from noted as n
    left join meta.load_files as f
        on f.extract = n.extract and f.file_name = n.file
)
select * from final
order by extract, file, rows_noted desc, rule;
