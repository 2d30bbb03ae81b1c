-- A file of which more than the configured share of rows cannot be counted
-- (validation.max_bad_row_share, with validation.tolerated_bad_rows as a floor
-- for small files): so many usually means the file does not match the others,
-- so the run stops instead of publishing figures that leave most of it out.
-- Reads the findings this extract's other rules have just written.
with bad as (
    select file, count(distinct row) as bad_rows
    from meta.findings
    where extract = $extract
        and severity = $excluded
    group by file
),
files as (
    select file_name as file, rows
    from meta.load_files
    where extract = $extract
        and rows > 0
),
final as (
    select
        b.file,
        null as row,
        null as column_name,
        null as value,
        'at most ' || $share_text || ' of the rows of a file' as expected,
        b.bad_rows || ' of ' || f.rows || ' rows (' || round(100.0 * b.bad_rows / f.rows, 1)
            || '%) cannot be counted (see the findings of this file); so many usually means the file does not '
            || 'match the calendar or enrollment extracts' as reason,
        null as school_id,
        null as school_year
    from bad as b
    join files as f
        using (file)
    where b.bad_rows > greatest($share * f.rows, $tolerated)
)
select * from final;
