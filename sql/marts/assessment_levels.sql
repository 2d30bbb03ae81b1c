-- marts.assessment_levels: how a cell's tested students spread across the
-- assessment's performance levels (the stacked bars of the Academics section),
-- for every school (and the zone), period, assessment and subgroup that has a
-- meeting_rate:<assessment> cell. The levels partition that cell's students, so
-- they are shown exactly when it is: a suppressed meeting rate (a small group, or
-- one hidden to protect a smaller one) hides every level of its cell.
-- Reads assessment_subgroup_levels (tested students per subgroup and level) and
-- assessment_administrations, temporary tables sql/work/metrics/assessments.sql made
-- in this run, and the run's cells (run_metric_values, what marts.metric_values
-- holds for the run's periods once they are replaced). Run before that
-- replacement's transaction, so the tables it drops free their memory at once (a
-- table dropped inside a transaction holds its memory until the commit).
create or replace temporary table run_assessment_levels as
with counts as (
    select school_id, school_year, period, assessment, subgroup, performance_level as level, tested::bigint as students
    from assessment_subgroup_levels
),
cells as (
    select v.school_id, v.school_year, v.period, split_part(v.metric, ':', 2) as assessment, v.subgroup, v.n,
        v.suppressed
    from run_metric_values as v
    where v.metric like 'meeting\_rate:%' escape '\'
),
final as (
    select
        c.school_id,
        c.school_year,
        c.period,
        c.assessment,
        administrations()[a.administration_rank] as administration,
        c.subgroup,
        l.level_order,
        l.level,
        l.is_meeting,
        case when c.suppressed then null else coalesce(k.students, 0) end as students,
        case when c.suppressed then null else 100 * coalesce(k.students, 0)::double / c.n end as share,
        case when c.suppressed then null else c.n end as n,
        c.suppressed
    from cells as c
    join meta.assessment_levels as l
        using (assessment)
    join assessment_administrations as a
        on a.assessment = c.assessment and a.school_year = c.school_year and a.period = c.period
    left join counts as k
        on k.school_id = c.school_id and k.school_year = c.school_year and k.period = c.period
        and k.assessment = c.assessment and k.subgroup = c.subgroup and k.level = l.level
)
select * from final
order by school_id, school_year, period, assessment, subgroup, level_order;

drop table if exists assessment_subgroup_levels;
drop table if exists assessment_administrations;
