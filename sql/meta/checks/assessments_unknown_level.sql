-- A performance level the settings do not list for the row's assessment
-- (settings: assessments, the entry's `levels`). Rows naming an unknown
-- assessment are the unknown_code error already.
with allowed as (
    select unnest($level_assessments::varchar[]) as assessment, unnest($level_names::varchar[]) as level
),
listed as (
    select assessment, string_agg(level, '; ') as levels
    from allowed
    group by assessment
),
final as (
    select
        x._source_file as file,
        x._source_row as row,
        'performance_level' as column_name,
        x.performance_level as value,
        'one of the levels the settings list for ' || x.assessment || ' (assessments: ' || l.levels || ')' as expected,
        'this performance level is not one of the assessment''s levels in the settings (assessments: levels)' as reason,
        x.school_id,
        x.school_year
    from staging.assessments as x
    join listed as l
        using (assessment)
    anti join allowed as a
        on a.assessment = x.assessment and a.level = x.performance_level
    where x.performance_level is not null
)
select * from final;
