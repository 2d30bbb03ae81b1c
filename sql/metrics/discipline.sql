-- Discipline metrics (docs/metrics.md), over enrolled students: students with at
-- least one membership day at the school in the period (for the zone: at any
-- zone school).
--
-- An action counts only when it is dated within the period (through the date
-- the data runs through) and within one of the student's enrollment spells at
-- the school; other rows are findings, not counted. Incidents are identified
-- by (school_id, incident_id): one incident with several students and several
-- actions is one incident, at the zone too.
-- A period's discipline figures are computed only when the extract has at least
-- one action dated in the period, at any school (docs/data-contract.md, "No
-- discipline rows"): without one (no discipline file, a header-only file, or an
-- extract that does not reach back to this school year) the figures would read
-- 0% as though measured. A school with no action in a period the extract covers
-- has a measured 0%.
create or replace table work.discipline_periods as
select p.school_year, p.period
from work.run_periods as p
where exists (
    select 1
    from staging.discipline as d
    where d.incident_date between p.start_date and p.data_through
);

create or replace temporary table discipline_actions as
with counted as (
    select distinct
        d.student_id,
        d.school_id,
        d.incident_id,
        d.action,
        d.days_removed,
        p.school_year,
        p.period
    from staging.discipline as d
    join work.run_periods as p
        on d.incident_date between p.start_date and p.data_through
    join staging.enrollment as e
        on e.student_id = d.student_id
        and e.school_id = d.school_id
        and e.school_year = p.school_year
        and d.incident_date between e.entry_date and coalesce(e.exit_date, p.data_through)
),
final as (
    select * exclude (school_id), school_id as incident_school, school_id from counted
    union all
    select * exclude (school_id), school_id as incident_school, 'ZONE' as school_id from counted
)
select * from final;

-- The enrolled students each counted incident involved, counted per profile
-- (attribute combination): the subgroups of an incident's students follow from
-- them. `incident` numbers each incident of each school (or the zone) and period,
-- so that counting incidents compares one integer, not the pair of ids.
create or replace temporary table incident_profiles as
with incident_students as (
    select distinct school_id, school_year, period, incident_school, incident_id, student_id
    from discipline_actions
),
numbered as (
    select
        *,
        dense_rank() over (order by school_id, school_year, period, incident_school, incident_id) as incident
    from incident_students
)
select i.school_id, i.school_year, i.period, i.incident, s.profile_id, count(*) as students
from numbered as i
join work.student_attendance as s
    using (student_id, school_id, school_year, period)
group by all;

-- Per subgroup, the incidents involving at least one of its students
-- (`involving`), and those involving only its students (`only_in_group`). An
-- incident whose students share one profile (most of them) counts once in both
-- for every subgroup of that profile, so those are added up per profile first;
-- only incidents with several profiles are looked at one by one.
create or replace temporary table subgroup_incidents as
with sizes as (
    select incident, count(*) as profiles
    from incident_profiles
    group by incident
),
one_profile as (
    select i.school_id, i.school_year, i.period, i.profile_id, count(*) as incidents
    from incident_profiles as i
    join sizes as s
        using (incident)
    where s.profiles = 1
    group by all
),
several_profiles as (
    select i.school_id, i.school_year, i.period, i.incident, g.subgroup,
        count(*) as profiles_in_group, any_value(s.profiles) as profiles
    from incident_profiles as i
    join sizes as s
        using (incident)
    join work.profile_subgroups as g
        using (profile_id)
    where s.profiles > 1
    group by all
),
counted as (
    select o.school_id, o.school_year, o.period, g.subgroup, o.incidents as involving, o.incidents as only_in_group
    from one_profile as o
    join work.profile_subgroups as g
        using (profile_id)
    union all
    select school_id, school_year, period, subgroup, 1, (profiles_in_group = profiles)::integer
    from several_profiles
),
final as (
    select school_id, school_year, period, subgroup, sum(involving) as involving, sum(only_in_group) as only_in_group
    from counted
    group by all
)
select * from final;

-- Enrolled students are added up per profile (attribute combination) first, then
-- profiles per subgroup.
insert into work.metric_cells
with per_student as (
    select
        student_id,
        school_id,
        school_year,
        period,
        bool_or(action = 'ISS') as had_iss,
        bool_or(action = 'OSS') as had_oss,
        coalesce(sum(days_removed) filter (where action in ('ISS', 'OSS', 'EXP', 'ER', 'ALT')), 0) as days_removed
    from discipline_actions
    group by all
),
profiles as (
    select
        s.school_id,
        s.school_year,
        s.period,
        s.profile_id,
        count(*) as n,
        count(*) filter (where d.had_iss) as iss,
        count(*) filter (where d.had_oss) as oss,
        count(*) filter (where d.had_iss or d.had_oss) as suspended,
        coalesce(sum(d.days_removed), 0)::decimal(18, 3) as days_removed
    from work.student_attendance as s
    semi join work.discipline_periods
        using (school_year, period)
    left join per_student as d
        using (student_id, school_id, school_year, period)
    group by all
),
cells as (
    select
        p.school_id,
        p.school_year,
        p.period,
        g.subgroup,
        sum(p.n) as n,
        sum(p.iss) as iss,
        sum(p.oss) as oss,
        sum(p.suspended) as suspended,
        sum(p.days_removed) as days_removed
    from profiles as p
    join work.profile_subgroups as g
        using (profile_id)
    group by all
),
incidents as (
    select school_id, school_year, period, subgroup, involving as incidents
    from subgroup_incidents
),
final as (
    select school_id, school_year, period, 'iss_rate' as metric, subgroup, n,
        iss::double as numerator, n::double as denominator, 100 * iss::double / n as value
    from cells
    union all
    select school_id, school_year, period, 'oss_rate', subgroup, n, oss, n, 100 * oss::double / n
    from cells
    union all
    select school_id, school_year, period, 'any_suspension_rate', subgroup, n, suspended, n, 100 * suspended::double / n
    from cells
    union all
    select c.school_id, c.school_year, c.period, 'incidents_per_100', c.subgroup, c.n,
        coalesce(i.incidents, 0), c.n, 100 * coalesce(i.incidents, 0)::double / c.n
    from cells as c
    left join incidents as i
        using (school_id, school_year, period, subgroup)
    union all
    select school_id, school_year, period, 'days_removed_per_100', subgroup, n,
        days_removed::double, n, 100 * days_removed::double / n
    from cells
)
select school_id, school_year, period, metric, subgroup, n, numerator, denominator, value
from final;

-- Incidents do not add up across subgroups (one incident can involve students
-- of several), so the incidents of "all other students" than g are counted
-- directly: every incident except those whose enrolled students are all in g.
insert into work.other_cells
with only_group as (
    select school_id, school_year, period, subgroup, only_in_group as incidents
    from subgroup_incidents
    where subgroup <> 'all'
),
totals as (
    select school_id, school_year, period, involving as incidents
    from subgroup_incidents
    where subgroup = 'all'
),
enrolled as (
    select c.school_id, c.school_year, c.period, c.subgroup, a.n - c.n as n
    from work.metric_cells as c
    join work.metric_cells as a
        on a.school_id = c.school_id and a.school_year = c.school_year and a.period = c.period
        and a.metric = c.metric and a.subgroup = 'all'
    where c.metric = 'iss_rate' and c.subgroup <> 'all'
),
final as (
    select
        e.school_id,
        e.school_year,
        e.period,
        'incidents_per_100' as metric,
        e.subgroup,
        e.n,
        (coalesce(t.incidents, 0) - coalesce(o.incidents, 0))::double as numerator,
        e.n::double as denominator,
        100 * (coalesce(t.incidents, 0) - coalesce(o.incidents, 0))::double / e.n as value
    from enrolled as e
    left join totals as t
        using (school_id, school_year, period)
    left join only_group as o
        using (school_id, school_year, period, subgroup)
    where e.n > 0
)
select * from final;
