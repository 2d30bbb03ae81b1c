-- Academic metrics (docs/metrics.md, "Academics"), from the assessments extract
-- and the assessments of the settings (meta.assessments, meta.assessment_levels).
--
-- A result counts at the school that tested the student when its test date
-- falls within the period (through the date the data runs through) and inside
-- one of the student's enrollment spells at that school in its school year
-- (within_spell: last year's spell without an exit date does not reach into
-- this year); other results are
-- findings (sql/meta/checks/assessments_outside_enrollment.sql), never counted.
-- Which administration a period reads: an interim's latest administration with
-- counted results in the zone, fall or winter at mid-year and any at the end
-- of the year (winter at mid-year, spring at the end of the year, once they are
-- given); the state test's spring administration, at the end of the year only.
-- One administration for the whole zone, so that a school is always compared
-- with the rest of the zone on the same test.
--
-- A result is stored once, however many periods it counts in (a fall result
-- counts at mid-year and at the end of the year): which periods those are depends
-- only on its assessment, administration and test date, worked out once per date
-- in administration_periods. Its performance level is stored as the number of the
-- assessment's level (assessment_level_ids): at state size the results are
-- tens of millions of rows kept in memory, and the level's text was most of each.
create or replace temporary table assessment_level_ids as
select row_number() over (order by assessment, level)::integer as level_id, assessment, level, is_meeting
from meta.assessment_levels;

create or replace temporary table assessment_counted as
select
    r.student_id,
    r.school_id,
    r.school_year,
    r.assessment,
    administration_rank(r.administration) as administration_rank,
    r.test_date,
    l.level_id,
    r.growth_percentile,
    r.typical_growth_met
from staging.assessments as r
left join assessment_level_ids as l
    on l.assessment = r.assessment
    and l.level = r.performance_level
semi join staging.enrollment as e
    on e.student_id = r.student_id
    and e.school_id = r.school_id
    and within_spell(r.test_date, e.school_year, e.entry_date, e.exit_date)
semi join meta.assessments as a
    on a.assessment = r.assessment;

-- The periods each administration's test dates count in.
create or replace temporary table administration_periods as
with given as (
    select distinct assessment, school_year, administration_rank, test_date
    from assessment_counted
)
select g.assessment, g.school_year, g.administration_rank, g.test_date, p.period
from given as g
join meta.assessments as a
    using (assessment)
join work.run_periods as p
    on p.school_year = g.school_year
    and g.test_date between p.start_date and p.data_through
where (a.kind = 'interim' and period_reads(p.period, administrations()[g.administration_rank]))
   or (a.kind = 'state' and p.period = 'end_of_year' and administrations()[g.administration_rank] = 'spring');

-- The administration each assessment's period reads (the latest with counted results).
create or replace temporary table assessment_administrations as
select assessment, school_year, period, max(administration_rank) as administration_rank
from administration_periods
group by all;

-- `latest`: one row per student with a result in the period's administration, at the
-- school that tested them (a student has one result per administration: the
-- extract's key). `growth_met` is the vendor's typical-growth flag, only for
-- students also tested in fall of the year at a zone school (any of them: a
-- student who moved after the fall test counts at the school of the later one),
-- and only when the later administration is not the fall one itself.
--
-- Each is counted at that school and at the zone, with the profile of the
-- attributes their subgroups come from there (work.student_attendance, from
-- their spells at the school that tested them, or at any zone school): one join
-- finds both rows of the student. Students are added up per profile and
-- performance level as they are joined, never written down; then profiles per
-- subgroup and level below (only whole numbers are summed, so adding levels up
-- again is exact).
create or replace temporary table assessment_profile_levels as
with tested_in_fall as (
    select distinct c.student_id, c.assessment, c.school_year
    from assessment_counted as c
    semi join administration_periods as p
        using (assessment, school_year, administration_rank, test_date)
    where c.administration_rank = 1
),
-- Materialized: otherwise DuckDB looks the fall tests up after the profiles,
-- for twice the rows.
latest as materialized (
    select
        c.student_id,
        c.school_id,
        c.school_year,
        p.period,
        c.level_id,
        c.growth_percentile,
        case when c.administration_rank > 1 and f.student_id is not null then c.typical_growth_met end as growth_met
    from assessment_counted as c
    join administration_periods as p
        using (assessment, school_year, administration_rank, test_date)
    join assessment_administrations as chosen
        using (assessment, school_year, period, administration_rank)
    left join tested_in_fall as f
        using (student_id, assessment, school_year)
    where c.level_id is not null
),
by_level as (
    select
        s.school_id,
        t.school_year,
        t.period,
        s.profile_id,
        t.level_id,
        count(*) as tested,
        count(t.growth_percentile) as with_sgp,
        sum(t.growth_percentile) as sgp_sum,
        sum(t.growth_percentile * t.growth_percentile) as sgp_sq,
        count(t.growth_met) as with_growth,
        count(*) filter (where t.growth_met) as growth_met
    from latest as t
    join work.student_attendance as s
        on s.student_id = t.student_id
        and s.school_year = t.school_year
        and s.period = t.period
        and (s.school_id = t.school_id or s.school_id = 'ZONE')
    group by all
),
final as (
    select
        b.school_id,
        b.school_year,
        b.period,
        l.assessment,
        b.profile_id,
        l.level as performance_level,
        b.tested,
        case when l.is_meeting then b.tested else 0 end as meeting,
        b.with_sgp,
        b.sgp_sum,
        b.sgp_sq,
        b.with_growth,
        b.growth_met
    from by_level as b
    join assessment_level_ids as l
        using (level_id)
)
-- Stored in the order of its cells: adding profiles up per subgroup (below) then
-- meets each cell's rows together, and DuckDB's aggregate folds them as they come.
-- In the order a hash aggregate leaves them, every cell's rows were spread over
-- the whole table, and at state size the aggregate spilled gigabytes to disk (a
-- sort of these few million rows costs a fifth of that).
select * from final
order by school_id, school_year, period, assessment, performance_level;

-- Dropped after its last use: a temporary table holds memory until then, and at state size
-- those left behind pushed later steps over the memory limit, onto disk.
drop table if exists assessment_counted;
drop table if exists administration_periods;
drop table if exists assessment_level_ids;

-- Students added up per subgroup and performance level, once: the cells below add
-- the levels up, and marts.assessment_levels reads the levels themselves (adding
-- the profiles up per subgroup is the costly step, so it is done once for both).
create or replace temporary table assessment_subgroup_levels as
with profiles as ( -- noqa: ST03
    select * from assessment_profile_levels
),
final as (
    select * from subgroup_sums('profiles')
)
select * from final;

drop table if exists assessment_profile_levels;

-- The moments (sql/work/metric_cells.sql) are those of a share of students
-- (a_i = 0 or 1) and of a plain mean of percentiles (a_i = the student's
-- percentile), m_i = 1.
create or replace temporary table assessment_cells as
select
    school_id,
    school_year,
    period,
    assessment,
    subgroup,
    sum(tested)::bigint as tested,
    sum(meeting)::bigint as meeting,
    sum(with_sgp)::bigint as with_sgp,
    coalesce(sum(sgp_sum), 0)::double as sgp_sum,
    coalesce(sum(sgp_sq), 0)::double as sgp_sq,
    sum(with_growth)::bigint as with_growth,
    sum(growth_met)::bigint as growth_met
from assessment_subgroup_levels
group by all;

insert into work.metric_cells
with cells as (
    select school_id, school_year, period, 'meeting_rate:' || assessment as metric, subgroup,
        tested as n, meeting::double as numerator, tested::double as denominator,
        100 * meeting::double / tested as value,
        meeting::double as sum_a2, meeting::double as sum_am, tested::double as sum_m2
    from assessment_cells
    where tested > 0
    union all
    select school_id, school_year, period, 'mean_sgp:' || assessment, subgroup,
        with_sgp, sgp_sum, with_sgp::double, sgp_sum / with_sgp,
        sgp_sq, sgp_sum, with_sgp::double
    from assessment_cells
    where with_sgp > 0
    union all
    select school_id, school_year, period, 'typical_growth_rate:' || assessment, subgroup,
        with_growth, growth_met::double, with_growth::double, 100 * growth_met::double / with_growth,
        growth_met::double, growth_met::double, with_growth::double
    from assessment_cells
    where with_growth > 0
)
select * from cells;

insert into work.metric_labels
select distinct
    family || ':' || a.assessment,
    a.label || ': ' || case family
        when 'meeting_rate' then a.meeting_label
        when 'mean_sgp' then 'mean student growth percentile'
        else 'met typical growth'
    end
from (select distinct assessment from assessment_cells) as c
join meta.assessments as a
    using (assessment)
cross join (values ('meeting_rate'), ('mean_sgp'), ('typical_growth_rate')) as f (family);

-- assessment_subgroup_levels and assessment_administrations stay for marts.assessment_levels.
drop table if exists assessment_cells;
