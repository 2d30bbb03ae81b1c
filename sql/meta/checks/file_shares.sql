-- The wrong-file guards of one extract, judged per file (sezp_roadmap.validation.run):
-- how many of the file's rows cannot be counted (every "not counted" finding its
-- rules have just written), how many are dated in school years the calendar does
-- not cover, and how many name a student the enrollment extract does not have at
-- all; whether each count is above the share its setting allows
-- (validation.max_bad_row_share, max_outside_calendar_share,
-- max_unknown_student_share) and above validation.tolerated_bad_rows; and the
-- share that would let the file through, which the message offers once the data
-- team has checked the file. A file's rows are its records (meta.load_files.rows).
-- Reads the view _rows (validation.run) for the student ids.
create or replace temporary table _file_shares as
with files as (
    select file_name as file, rows
    from meta.load_files
    where extract = $extract
        and rows > 0
),
uncounted as (
    select file, row, rule
    from meta.findings
    where extract = $extract
        and severity = $excluded
        and row is not null
        -- rows left out by design, not for being wrong (rules.NOT_SIGNS_OF_A_WRONG_FILE)
        and not list_contains($not_signs::varchar[], rule)
),
by_rule as (
    select file, rule, count(distinct row) as n
    from uncounted
    group by all
),
not_counted as (
    select
        u.file,
        count(distinct u.row) as not_counted,
        count(distinct u.row) filter (where u.rule = 'date_outside_calendar_years') as outside_calendar,
        any_value(b.breakdown) as breakdown
    from uncounted as u
    join (
        select file, string_agg(rule || ': ' || n, ', ' order by n desc, rule) as breakdown
        from by_rule
        group by file
    ) as b
        using (file)
    group by u.file
),
unknown as (
    -- A hash anti join, one pass over the rows (staging.enrollment is the build side).
    select _source_file as file, count(*) as unknown_students
    from _rows
    where _student_id is not null
        and _student_id not in (select student_id from staging.enrollment where student_id is not null)
        -- ids that differ from an enrollment id only by leading zeros: a file saved
        -- from Excel, which the rule id_leading_zeros names, not another district's file
        and ltrim(_student_id, '0') not in (
            select ltrim(student_id, '0') from staging.enrollment
            where regexp_full_match(student_id, '[0-9]+')
        )
    group by all
),
counts as (
    select
        f.file,
        f.rows,
        coalesce(n.not_counted, 0) as not_counted,
        coalesce(n.outside_calendar, 0) as outside_calendar,
        coalesce(u.unknown_students, 0) as unknown_students,
        n.breakdown
    from files as f
    left join not_counted as n
        using (file)
    left join unknown as u
        using (file)
),
guards as (
    select file, rows, breakdown, 'mostly_outside_calendar_years' as rule, 'max_outside_calendar_share' as setting,
        $outside_share::double as share, outside_calendar as counted
    from counts
    union all
    select file, rows, breakdown, 'mostly_unknown_students', 'max_unknown_student_share', $unknown_share::double, unknown_students
    from counts
    union all
    select file, rows, breakdown, 'too_many_bad_rows', 'max_bad_row_share', $bad_share::double, not_counted
    from counts
),
judged as (
    select
        *,
        counted > greatest(share * rows, $tolerated) as stops,
        -- The smallest share in hundredths that lets these rows through (the rule is "more than").
        (ceil(100.0 * counted / rows) / 100)::decimal(5, 2) as share_to_pass
    from guards
),
final as (
    select
        *,
        -- A signature of a wrong file says more than the general rule: the file gets that message alone.
        bool_or(stops and rule <> 'too_many_bad_rows') over (partition by file) as signature_stops,
        -- Every setting that stops this file, so that one change lets it through.
        string_agg(setting || ': ' || share_to_pass, ', ' order by rule) filter (where stops) over (partition by file) as to_pass
    from judged
)
select * from final;
