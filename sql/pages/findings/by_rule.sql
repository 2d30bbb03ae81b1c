-- Findings by extract and rule: how many rows, in how many files and schools.
with final as (
    select
        extract,
        rule,
        severity,
        count(*) as findings,
        count(distinct file) as files,
        count(distinct school_id) as schools
    from meta.findings
    group by all
)
select * from final
order by extract, rule;
