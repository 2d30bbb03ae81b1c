-- Data-quality findings per school for one school year's pages: how many rows of
-- each extract each rule flagged, and how serious the rule is. Only these category
-- columns are read, never a finding's value or message: those may quote a student id.
-- A finding without a school year (a file-level one) concerns every year.
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
order by school_id, rows desc, rule;
