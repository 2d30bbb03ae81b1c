-- Two rows of one school's administration whose topics are one topic id once
-- written as a slug ('School Safety' and 'school safety'): the metric would add
-- their respondents (sql/work/metrics/family_survey_summary.sql). Names the later
-- row, with the first. (Exactly the same topic twice is duplicate_key.)
with topics as (
    select
        *,
        slug_of(topic) as slug,
        first_value(topic) over same_topic as first_topic,
        first_value(_source_file) over same_topic as first_file,
        first_value(_source_row) over same_topic as first_row
    from staging.family_survey_summary
    where topic is not null
    window same_topic as (
        partition by school_id, school_year, administration, slug_of(topic)
        order by _source_file, _source_row
    )
),
final as (
    select
        _source_file as file,
        _source_row as row,
        'topic' as column_name,
        topic as value,
        'one row per topic of a school''s administration' as expected,
        'this topic is the topic ''' || first_topic || ''' of ' || first_file || ', row ' || first_row
        || ', written differently; the report would count its respondents twice' as reason,
        school_id,
        school_year
    from topics
    where topic <> first_topic
)
select * from final;
