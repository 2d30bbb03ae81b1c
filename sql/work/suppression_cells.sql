-- Primary suppression (docs/metrics.md, "Privacy"): a cell whose n is below the
-- threshold of its population (students or respondents), or below its metric
-- family's own larger minimum (work.metric_minimums), is hidden; SQR
-- indicators never are. Complementary suppression then works on these tables
-- (sql/work/complementary_suppression.sql, repeated until nothing changes).
--
-- High needs and former English learners have no published complement, but
-- all minus the group is one: a few students outside the group would be
-- revealed by `all` and the group. Each gets an unpublished complement cell
-- (not_high_needs, not_former_ell: rows of meta.subgroups, written from the
-- subgroup registry) that takes part in suppression only.
create or replace temporary table suppression_cells as
with published as (
    select c.school_id, c.school_year, c.period, c.metric, c.subgroup, c.n, false as is_complement
    from work.metric_cells as c
    where c.n > 0
),
complements as (
    select g.school_id, g.school_year, g.period, g.metric, 'not_' || g.subgroup as subgroup, a.n - g.n as n,
        true as is_complement
    from published as g
    join published as a
        on a.school_id = g.school_id and a.school_year = g.school_year and a.period = g.period
        and a.metric = g.metric and a.subgroup = 'all'
    join meta.subgroups as s
        on s.subgroup = 'not_' || g.subgroup
    where a.n > g.n
),
-- cell_id only names a cell (the rounds break ties by n, subgroup and school, never by
-- it): numbered as they come, as numbering them in order sorted every cell on one thread.
cells as (
    select
        row_number() over () as cell_id,
        c.*,
        k.population
    from (
        select * from published
        union all
        select * from complements
    ) as c
    join meta.metric_catalog as k
        on k.metric = c.metric
),
final as (
    select
        cells.*,
        case population
            when 'students' then n < greatest($min_students, coalesce(m.min_n, 0))
            when 'respondents' then n < $min_respondents
            else false
        end as primary_suppressed
    from cells
    -- A family's own, larger minimum (work.metric_minimums: the mean growth percentile's 20).
    left join work.metric_minimums as m
        on m.family = split_part(cells.metric, ':', 1)
)
-- hidden_round: the complementary round that hid the cell (0: hidden by its own n), so that
-- each round looks only at the sets the round before changed.
select *, primary_suppressed as suppressed, case when primary_suppressed then 0 end as hidden_round from final;

-- The sets of cells that add up to a published total, so that the total minus
-- the others would reveal a single hidden cell:
-- * at one school (or the zone), in one period and metric, the subgroups that
--   partition `all` (meta.subgroups.partition_name, from the subgroup registry):
--   the race/ethnicity groups; female, male, non-binary; each group with its
--   comparison group; the grades; high needs and former English learners with
--   their unpublished complements (every student is in exactly one cell of each);
-- * the schools of the zone, for every metric: the zone row pools every school's
--   respondents, and every school's students (a student who moved between zone
--   schools counts once there, so the zone is their sum for everyone else), so
--   the zone minus the other schools would give a hidden school's figure away.
create or replace temporary table suppression_sets as
with membership as (
    select
        c.cell_id,
        c.school_id,
        c.school_year,
        c.period,
        c.metric,
        s.partition_name
    from suppression_cells as c
    left join meta.subgroups as s
        using (subgroup)
    where c.population <> 'indicators'
),
schools as (
    select cell_id, 'schools' as school_id, school_year, period, metric, 'school:' || subgroup as partition_name
    from suppression_cells
    where population <> 'indicators'
      and school_id <> 'ZONE'
),
final as (
    select
        dense_rank() over (order by school_id, school_year, period, metric, partition_name) as set_id,
        cell_id
    from (
        select cell_id, school_id, school_year, period, metric, partition_name from membership
        union all
        select cell_id, school_id, school_year, period, metric, partition_name from schools
    )
    where partition_name is not null
)
select * from final;
