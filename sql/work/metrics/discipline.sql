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
        and within_spell(d.incident_date, e.school_year, e.entry_date, e.exit_date)
),
final as (
    select * exclude (school_id), school_id as incident_school, school_id from counted
    union all
    select * exclude (school_id), school_id as incident_school, 'ZONE' as school_id from counted
)
select * from final;

-- The enrolled students each counted incident involved, with their profile
-- (attribute combination): the subgroups of an incident's students follow from
-- them. `incident` numbers each incident of each school (or the zone) and period,
-- so that counting incidents compares one integer, not the pair of ids.
create or replace temporary table incident_students as
with involved as (
    select distinct school_id, school_year, period, incident_school, incident_id, student_id
    from discipline_actions
),
numbered as (
    select
        *,
        dense_rank() over (order by school_id, school_year, period, incident_school, incident_id) as incident
    from involved
)
select i.school_id, i.school_year, i.period, i.incident, i.student_id, s.profile_id
from numbered as i
join work.student_attendance as s
    using (student_id, school_id, school_year, period);

-- The same, counted per profile.
create or replace temporary table incident_profiles as
select school_id, school_year, period, incident, profile_id, count(*) as students
from incident_students
group by all;

-- How many enrolled students and profiles each incident involved.
create or replace temporary table incident_sizes as
select incident, sum(students) as students, count(*) as profiles
from incident_profiles
group by incident;

-- For an incident whose students have several profiles, each subgroup of its
-- students with how many of its profiles and students are in it.
create or replace temporary table several_profile_groups as
select i.school_id, i.school_year, i.period, i.incident, g.subgroup,
    count(*) as profiles_in_group, sum(i.students) as students_in_group,
    any_value(s.profiles) as profiles, any_value(s.students) as students
from incident_profiles as i
join incident_sizes as s
    using (incident)
join work.profile_subgroups as g
    using (profile_id)
where s.profiles > 1
group by all;

-- Per subgroup, the incidents involving at least one of its students
-- (`involving`), and those involving only its students (`only_in_group`). An
-- incident whose students share one profile (most of them) counts once in both
-- for every subgroup of that profile, so those are added up per profile first;
-- only incidents with several profiles are looked at one by one.
create or replace temporary table subgroup_incidents as
with one_profile as (
    select i.school_id, i.school_year, i.period, i.profile_id, count(*) as incidents
    from incident_profiles as i
    join incident_sizes as s
        using (incident)
    where s.profiles = 1
    group by all
),
counted as (
    select o.school_id, o.school_year, o.period, g.subgroup, o.incidents as involving, o.incidents as only_in_group
    from one_profile as o
    join work.profile_subgroups as g
        using (profile_id)
    union all
    select school_id, school_year, period, subgroup, 1, (profiles_in_group = profiles)::integer
    from several_profile_groups
),
final as (
    select school_id, school_year, period, subgroup, sum(involving) as involving, sum(only_in_group) as only_in_group
    from counted
    group by all
)
select * from final;

-- The moments behind the standard error of incidents per 100 (docs/metrics.md,
-- "Uncertainty"). A student's own count a_i must add up to the cell's
-- numerator, the incidents involving at least one student of the group, so
-- each incident is shared equally among the group's k enrolled students it
-- involved: a_i = Σ 1/k over i's incidents (a student alone in a fight counts 1,
-- each of two students of the group in one fight counts 1/2). The rest of the
-- school ("others" of g) shares an incident among its own students the same way.
-- k depends on the group only for an incident whose students have different
-- profiles, and splits them across g and the rest of the school, so:
-- * every student's a_i with k = all the incident's enrolled students
--   (`share`), its square added up per profile and then per subgroup, is the
--   moment of every group of students whose incidents no group splits; and
-- * for the few (incident, g) an incident splits, each of its students' share
--   on their own side of g replaces 1/k, and Σa_i² is corrected by
--   (share + delta)² − share² for those students only.
create or replace temporary table incident_moments as
with student_shares as (
    select i.school_id, i.school_year, i.period, i.student_id, i.profile_id, sum(1 / s.students) as share
    from incident_students as i
    join incident_sizes as s
        using (incident)
    group by all
),
base as (
    select h.school_id, h.school_year, h.period, g.subgroup, sum(h.share * h.share) as sum_a2
    from student_shares as h
    join work.profile_subgroups as g
        using (profile_id)
    group by all
),
split as (
    select incident, subgroup, students_in_group as in_group, students
    from several_profile_groups
    where students_in_group < students
),
moved as (
    select
        i.school_id,
        i.school_year,
        i.period,
        i.student_id,
        p.subgroup,
        g.subgroup is not null as in_group,
        sum(case when g.subgroup is not null then 1 / p.in_group else 1 / (p.students - p.in_group) end
            - 1 / p.students) as delta
    from split as p
    join incident_students as i
        using (incident)
    left join work.profile_subgroups as g
        on g.profile_id = i.profile_id and g.subgroup = p.subgroup
    group by all
),
corrections as (
    select m.school_id, m.school_year, m.period, m.subgroup, m.in_group,
        sum((h.share + m.delta) * (h.share + m.delta) - h.share * h.share) as correction
    from moved as m
    join student_shares as h
        using (school_id, school_year, period, student_id)
    group by all
),
final as (
    select
        b.school_id,
        b.school_year,
        b.period,
        b.subgroup,
        b.sum_a2 + coalesce(c_in.correction, 0) as in_group_sum_a2,
        a.sum_a2 - b.sum_a2 + coalesce(c_out.correction, 0) as others_sum_a2
    from base as b
    join base as a
        on a.school_id = b.school_id and a.school_year = b.school_year and a.period = b.period
        and a.subgroup = 'all'
    left join corrections as c_in
        on c_in.school_id = b.school_id and c_in.school_year = b.school_year and c_in.period = b.period
        and c_in.subgroup = b.subgroup and c_in.in_group
    left join corrections as c_out
        on c_out.school_id = b.school_id and c_out.school_year = b.school_year and c_out.period = b.period
        and c_out.subgroup = b.subgroup and not c_out.in_group
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
        coalesce(sum(days_removed) filter (where is_removal(action)), 0) as days_removed
    from discipline_actions
    group by all
),
-- Every student counted per profile, and the actions added up over the disciplined
-- students' rows alone (a fifth of the students at state): joining every student's
-- row to the actions instead took a third longer.
students as (
    select school_id, school_year, period, profile_id, count(*) as n
    from work.student_attendance
    semi join work.discipline_periods
        using (school_year, period)
    group by all
),
disciplined as (
    select
        s.school_id,
        s.school_year,
        s.period,
        s.profile_id,
        count(*) filter (where d.had_iss) as iss,
        count(*) filter (where d.had_oss) as oss,
        count(*) filter (where d.had_iss or d.had_oss) as suspended,
        sum(d.days_removed) as days_removed,
        sum(d.days_removed * d.days_removed) as days_removed_sq
    from per_student as d
    join work.student_attendance as s
        using (student_id, school_id, school_year, period)
    group by all
),
profiles as ( -- noqa: ST03
    select
        s.school_id,
        s.school_year,
        s.period,
        s.profile_id,
        s.n,
        coalesce(d.iss, 0) as iss,
        coalesce(d.oss, 0) as oss,
        coalesce(d.suspended, 0) as suspended,
        coalesce(d.days_removed, 0)::decimal(18, 3) as days_removed,
        coalesce(d.days_removed_sq, 0) as days_removed_sq
    from students as s
    left join disciplined as d
        using (school_id, school_year, period, profile_id)
),
cells as (
    select * from subgroup_sums('profiles')
),
incidents as (
    select i.school_id, i.school_year, i.period, i.subgroup, i.involving as incidents, m.in_group_sum_a2
    from subgroup_incidents as i
    left join incident_moments as m
        using (school_id, school_year, period, subgroup)
),
-- Each cell carries the moments of its standard error (sql/work/metric_cells.sql):
-- suspension rates a_i = 0 or 1; days removed a_i = the student's days; incidents
-- a_i = the student's shares of incidents (incident_moments above); m_i = 1.
final as (
    select school_id, school_year, period, 'iss_rate' as metric, subgroup, n,
        iss::double as numerator, n::double as denominator, 100 * iss::double / n as value,
        iss::double as sum_a2, iss::double as sum_am, n::double as sum_m2
    from cells
    union all
    select school_id, school_year, period, 'oss_rate', subgroup, n, oss, n, 100 * oss::double / n, oss, oss, n
    from cells
    union all
    select school_id, school_year, period, 'any_suspension_rate', subgroup, n, suspended, n, 100 * suspended::double / n,
        suspended, suspended, n
    from cells
    union all
    select c.school_id, c.school_year, c.period, 'incidents_per_100', c.subgroup, c.n,
        coalesce(i.incidents, 0), c.n, 100 * coalesce(i.incidents, 0)::double / c.n,
        coalesce(i.in_group_sum_a2, 0), coalesce(i.incidents, 0), c.n
    from cells as c
    left join incidents as i
        using (school_id, school_year, period, subgroup)
    union all
    select school_id, school_year, period, 'days_removed_per_100', subgroup, n,
        days_removed::double, n, 100 * days_removed::double / n, days_removed_sq::double, days_removed::double, n
    from cells
)
select school_id, school_year, period, metric, subgroup, n, numerator, denominator, value, sum_a2, sum_am, sum_m2
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
-- Σa_i² of the other students' shares (incident_moments); a group none of whose
-- students was involved leaves every incident to the others, shared as for all.
moments as (
    select e.school_id, e.school_year, e.period, e.subgroup,
        coalesce(g.others_sum_a2, a.in_group_sum_a2, 0) as sum_a2
    from work.metric_cells as e
    left join incident_moments as g
        using (school_id, school_year, period, subgroup)
    left join incident_moments as a
        on a.school_id = e.school_id and a.school_year = e.school_year and a.period = e.period
        and a.subgroup = 'all'
    where e.metric = 'iss_rate' and e.subgroup <> 'all'
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
        100 * (coalesce(t.incidents, 0) - coalesce(o.incidents, 0))::double / e.n as value,
        m.sum_a2,
        (coalesce(t.incidents, 0) - coalesce(o.incidents, 0))::double as sum_am,
        e.n::double as sum_m2
    from enrolled as e
    left join totals as t
        using (school_id, school_year, period)
    left join only_group as o
        using (school_id, school_year, period, subgroup)
    join moments as m
        using (school_id, school_year, period, subgroup)
    where e.n > 0
)
select * from final;

-- Dropped after its last use: a temporary table holds memory until then, and at state size
-- those left behind pushed later steps over the memory limit, onto disk.
drop table if exists discipline_actions;
drop table if exists incident_students;
drop table if exists incident_profiles;
drop table if exists incident_sizes;
drop table if exists several_profile_groups;
drop table if exists subgroup_incidents;
drop table if exists incident_moments;
