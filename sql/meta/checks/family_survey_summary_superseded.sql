-- A vendor's topic figure of a school, school year and administration whose
-- respondent-level answers are in the family_survey extract too: the answers
-- win (they give the overall figure and an interval with the respondent as the
-- cluster; docs/data-contract.md), and the vendor's row is not counted
-- (sql/work/metrics/family_survey_summary.sql leaves it out by the same join).
with answered as (
    select distinct school_id, school_year, administration
    from staging.family_survey
),
final as (
    select
        s._source_file as file,
        s._source_row as row,
        'administration' as column_name,
        s.administration as value,
        'a vendor figure only for an administration without respondent-level answers in family_survey' as expected,
        'the family_survey extract has the answers of this school''s ' || s.administration || ' survey of '
        || s.school_year || '; they are used, and this row is not counted' as reason,
        s.school_id,
        s.school_year
    from staging.family_survey_summary as s
    semi join answered as a
        on a.school_id = s.school_id
        and a.school_year = s.school_year
        and a.administration = s.administration
)
select * from final;
