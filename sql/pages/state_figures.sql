-- Every all-students figure DESE published (staging.state_figures), with the zone
-- school a school code belongs to (schools.state_school_id) and what the code is:
-- 'state' (00000000), 'school' (a zone school's code) or 'district' (any other
-- code ending in 0000: DESE's district codes are 4 digits + 0000, 02810000 Springfield).
with schools as (
    select school_id, state_school_id from staging.schools where state_school_id is not null
),
final as (
    select
        f.school_year,
        f.org_code,
        case
            when f.org_code = '00000000' then 'state'
            when s.school_id is not null then 'school'
            when f.org_code like '%0000' then 'district'
        end as org_kind,
        s.school_id,
        f.metric,
        f.value::double as value
    from staging.state_figures as f
    left join schools as s
        on s.state_school_id = f.org_code
    where f.subgroup = 'all'
)
select * from final
where org_kind is not null
order by org_kind, org_code, metric, school_year;
