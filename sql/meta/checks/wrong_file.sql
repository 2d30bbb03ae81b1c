-- One wrong-file guard ($rule) over the shares of sql/meta/checks/file_shares.sql: an
-- error for each file above its share. The general rule (too_many_bad_rows) is
-- left out where a signature of a wrong file already stops the file. The
-- message names the setting and how to set it.
with stopped as (
    select *
    from _file_shares
    where rule = $rule
        and stops
        and (rule <> 'too_many_bad_rows' or not signature_stops)
),
final as (
    select
        file,
        null as row,
        null as column_name,
        null as value,
        'at most ' || printf('%g', 100 * share) || '% of a file''s rows (setting validation.' || setting
            || ': ' || printf('%g', share) || '). If you have checked the file and it is right, set validation: {' || to_pass
            || '} in the roadmap.yaml beside the extracts, or in the settings file given with --config, and run again'
            as expected,
        counted || ' of ' || rows || ' rows (' || round(100.0 * counted / rows, 1) || '%) '
            || case rule
                when 'mostly_outside_calendar_years' then 'are dated in school years the calendar extract does not cover'
                    || ', and cannot be counted; so many usually means an export of another school year'
                when 'mostly_unknown_students' then 'name a student_id the enrollment extract does not have at all'
                    || ', and cannot be counted; so many usually means another district''s file, or another kind of student id'
                else 'cannot be counted (by rule: ' || breakdown || '; each row is in meta.findings of the working warehouse)'
                    || '; so many usually means the file does not match the calendar or enrollment extracts'
            end as reason,
        null as school_id,
        null as school_year
    from stopped
)
select * from final;
