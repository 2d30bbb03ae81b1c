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
-- The spell test comes first, on the results as read, in a CTE of its own: with
-- the periods joined first, DuckDB built its semi-join hash table on the
-- results joined to their periods (11 M rows at half the state's size) instead
-- of on the spells (1.4 M), at four times the cost.
create or replace temporary table assessment_counted as
with in_spell as materialized (
    select r.*
    from staging.assessments as r
    semi join staging.enrollment as e
        on e.student_id = r.student_id
        and e.school_id = r.school_id
        and within_spell(r.test_date, e.school_year, e.entry_date, e.exit_date)
)
select
    r.student_id,
    r.school_id,
    r.school_year,
    p.period,
    r.assessment,
    administration_rank(r.administration) as administration_rank,
    r.performance_level,
    r.growth_percentile,
    r.typical_growth_met
from in_spell as r
join meta.assessments as a
    using (assessment)
join work.run_periods as p
    on p.school_year = r.school_year
    and r.test_date between p.start_date and p.data_through
where (a.kind = 'interim' and period_reads(p.period, r.administration))
   or (a.kind = 'state' and p.period = 'end_of_year' and r.administration = 'spring');

-- The administration each assessment's period reads (the latest with counted results).
create or replace temporary table assessment_administrations as
select assessment, school_year, period, max(administration_rank) as administration_rank
from assessment_counted
group by all;

-- `tested`: one row per student with a result in the period's administration, at the school
-- that tested them and at the zone (a student has one result per administration:
-- the extract's key). `growth_met` is the vendor's typical-growth flag, only for
-- students also tested in fall of the year at a zone school (any of them: a
-- student who moved after the fall test counts at the school of the later one),
-- and only when the later administration is not the fall one itself.
--
-- Those students are added up per profile (the attributes their subgroups come
-- from: work.student_attendance, from their spells at the school that tested
-- them) and performance level as they are made, never written down; then
-- profiles per subgroup and level below (only whole numbers are summed, so
-- adding levels up again is exact).
create or replace temporary table assessment_profile_levels as
with chosen as (
    select * from assessment_administrations
),
tested_in_fall as (
    select distinct student_id, assessment, school_year
    from assessment_counted
    where administration_rank = 1
),
latest as (
    select
        c.student_id,
        c.school_id,
        c.school_year,
        c.period,
        c.assessment,
        c.performance_level,
        l.is_meeting,
        c.growth_percentile,
        case when c.administration_rank > 1 and f.student_id is not null then c.typical_growth_met end as growth_met
    from assessment_counted as c
    join chosen
        using (assessment, school_year, period, administration_rank)
    join meta.assessment_levels as l
        on l.assessment = c.assessment and l.level = c.performance_level
    left join tested_in_fall as f
        using (student_id, assessment, school_year)
),
tested as (
    select * from latest
    union all by name
    select * exclude (school_id), 'ZONE' as school_id from latest
),
final as (
    select
        t.school_id,
        t.school_year,
        t.period,
        t.assessment,
        s.profile_id,
        t.performance_level,
        count(*) as tested,
        count(*) filter (where t.is_meeting) as meeting,
        count(t.growth_percentile) as with_sgp,
        sum(t.growth_percentile) as sgp_sum,
        sum(t.growth_percentile * t.growth_percentile) as sgp_sq,
        count(t.growth_met) as with_growth,
        count(*) filter (where t.growth_met) as growth_met
    from tested as t
    join work.student_attendance as s
        using (student_id, school_id, school_year, period)
    group by all
)
select * from final;

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
