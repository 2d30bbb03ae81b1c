-- Findings by school, school year and rule (rows without a school, such as an
-- extra column, are summarised under the file instead).
with final as (
    select
        coalesce(f.school_id, '') as school_id,
        s.school_name,
        f.school_year,
        f.extract,
        f.rule,
        count(*) as findings
    from meta.findings as f
    left join staging.schools as s
        on s.school_id = f.school_id
    where f.school_id is not null
    group by all
)
select * from final
order by school_id, school_year, extract, rule;
