-- A metric's students are added up per profile (attribute combination, work.profiles)
-- first, then the profiles per subgroup (work.profile_subgroups): the second step,
-- the same for every metric. `profiles` names a table or CTE keyed by school_id,
-- school_year, period (and an assessment's id and a performance level where it
-- has them) and profile_id; every other column is a count or a sum, added up here
-- per subgroup under its own name.
-- Returns the key with subgroup in place of profile_id, then the sums, in their order.
-- (sqlfluff cannot see a CTE read by name here: its definition carries `-- noqa: ST03`.)
create or replace temp macro subgroup_sums(profiles) as table
    select
        columns(lambda c: c in ('school_id', 'school_year', 'period', 'assessment', 'performance_level', 'subgroup')),
        sum(columns(lambda c: c not in ('school_id', 'school_year', 'period', 'assessment', 'performance_level', 'subgroup', 'profile_id')))
    from query_table(profiles)
    join work.profile_subgroups
        using (profile_id)
    group by all;
