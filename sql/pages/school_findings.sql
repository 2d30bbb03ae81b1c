-- Data-quality findings per school for one school year's pages: how many rows of
-- each extract each rule flagged, and how serious the rule is. Only these category
-- columns are read, never a finding's value or message: those may quote a student id.
-- A finding without a school year (a file-level one) concerns every year.
-- For rows left out of the figures ($excluded), school_rows is the school's rows of
-- that extract dated in the school year, so the page can give the share.
with found as (
    select
        school_id,
        extract,
        rule,
        severity,
        count(*) as rows
    from meta.findings
    where school_id is not null
      and (school_year = $school_year or school_year is null)
    group by all
),
excluded_at as (
    select distinct extract, school_id
    from found
    where severity = $excluded
),
school_rows as (
    select 'attendance' as extract, school_id, count(*) as school_rows
    from staging.attendance
    where date between school_year_start($school_year) and school_year_end($school_year)
      and school_id in (select school_id from excluded_at where extract = 'attendance')
    group by all
    union all
    select 'discipline', school_id, count(*)
    from staging.discipline
    where incident_date between school_year_start($school_year) and school_year_end($school_year)
      and school_id in (select school_id from excluded_at where extract = 'discipline')
    group by all
),
final as (
    select
        f.*,
        case when f.severity = $excluded then r.school_rows end as school_rows
    from found as f
    left join school_rows as r
        using (extract, school_id)
)
select * from final
-- "rows" is quoted: unquoted, sqlfluff reads it as the keyword.
order by school_id, "rows" desc, rule;  -- noqa: RF06
