-- The subgroups of a student (metrics.md, data-contract.md): every id a student's
-- attributes put them in, `all` included. The one place the subgroup rules are written.
create or replace macro work.subgroups_of(race_ethnicity, gender, ell, former_ell, swd, low_income, grade) as
list_filter([
    'all',
    case race_ethnicity
        when 'H' then 'hispanic' when 'B' then 'black' when 'W' then 'white'
        when 'A' then 'asian' when 'N' then 'native_american'
        when 'P' then 'pacific_islander' when 'M' then 'multirace'
    end,
    case gender when 'F' then 'female' when 'M' then 'male' when 'N' then 'nonbinary' end,
    case when ell then 'ell' else 'non_ell' end,
    case when former_ell then 'former_ell' end,
    case when swd then 'swd' else 'non_swd' end,
    case when low_income then 'low_income' else 'non_low_income' end,
    case when ell or former_ell or swd or low_income then 'high_needs' end,
    'grade_' || grade
], lambda x: x is not null);

-- One row per student in membership, school (or ZONE), period and subgroup. A view:
-- the metric queries aggregate it as it streams, nine or so rows per student are
-- never written down.
create or replace view work.student_subgroups as
select
    s.*,
    unnest(work.subgroups_of(s.race_ethnicity, s.gender, s.ell, s.former_ell, s.swd, s.low_income, s.grade)) as subgroup
from work.student_attendance as s;
