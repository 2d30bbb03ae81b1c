-- The subgroups (and grade) of every student in membership, per school and for the zone, per period.
-- Attributes come from the student's spells at that school in that year that
-- overlap the period (for the zone: at any zone school); where those spells
-- disagree, the spell with the latest entry_date wins (metrics.md).
create or replace table work.student_attributes as
with spells as (
    select
        e.*,
        p.period
    from staging.enrollment as e
    join work.run_periods as p
        on p.school_year = e.school_year
        and e.entry_date <= p.data_through
        and coalesce(e.exit_date, p.data_through) >= p.start_date
),
by_school as (
    select * exclude (rn) from (
        select
            student_id, school_id, school_year, period, grade, race_ethnicity, gender,
            ell, former_ell, swd, low_income,
            row_number() over (
                partition by student_id, school_id, school_year, period
                order by entry_date desc, exit_date desc nulls first
            ) as rn
        from spells
    )
    where rn = 1
),
zone as (
    select * exclude (rn) from (
        select
            student_id, 'ZONE' as school_id, school_year, period, grade, race_ethnicity, gender,
            ell, former_ell, swd, low_income,
            row_number() over (
                partition by student_id, school_year, period
                order by entry_date desc, exit_date desc nulls first, school_id
            ) as rn
        from spells
    )
    where rn = 1
)
select * from by_school
union all
select * from zone;

create or replace table work.student_subgroups as
with students as (
    select a.*
    from work.student_attributes as a
    semi join work.student_attendance as s
        using (student_id, school_id, school_year, period)
),
final as (
    select student_id, school_id, school_year, period, unnest(list_filter([
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
    ], lambda x: x is not null)) as subgroup
    from students
)
select * from final;
