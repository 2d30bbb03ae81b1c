-- The subgroups of every attribute combination of the run's students (work.profiles):
-- every id the attributes put a student in, `all` included (docs/metrics.md,
-- data-contract.md). The one place the subgroup rules are written.
create or replace table work.profile_subgroups as
with subgroups as (
    select
        profile_id,
        [
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
        ] as ids
    from work.profiles
),
final as (
    select profile_id, unnest(ids) as subgroup
    from subgroups
)
select * from final
where subgroup is not null;

-- One row per student in membership, school (or ZONE), period and subgroup. A view,
-- never written down: the metric queries add students up per profile first.
create or replace view work.student_subgroups as
select s.*, g.subgroup
from work.student_attendance as s
join work.profile_subgroups as g
    using (profile_id);
