-- The subgroups of every attribute combination of the run's students (work.profiles):
-- every id the attributes put a student in, `all` included (docs/metrics.md,
-- data-contract.md). The one place the subgroup rules are written; the race and
-- gender codes' subgroups are meta.subgroups.code (the subgroup registry).
create or replace table work.profile_subgroups as
with subgroups as (
    select
        p.profile_id,
        [
            'all',
            race.subgroup,
            gender.subgroup,
            case when ell then 'ell' else 'non_ell' end,
            case when former_ell then 'former_ell' end,
            case when swd then 'swd' else 'non_swd' end,
            case when low_income then 'low_income' else 'non_low_income' end,
            case when ell or former_ell or swd or low_income then 'high_needs' end,
            'grade_' || grade
        ] as ids
    from work.profiles as p
    left join meta.subgroups as race
        on race.partition_name = 'race' and race.code = p.race_ethnicity
    left join meta.subgroups as gender
        on gender.partition_name = 'gender' and gender.code = p.gender
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
