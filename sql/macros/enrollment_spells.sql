-- A date inside an enrollment spell: in the spell's own school year, and from its entry
-- date through its exit date, both counted (a one-day spell has them equal). A spell
-- with no exit date has not ended within its school year, and never reaches into the
-- next one: an extract of several years keeps last year's open spells, and a student
-- who withdrew this year must not count as enrolled through them (docs/data-contract.md,
-- "Enrollment spells and school years"). The one statement of the rule for every join
-- to staging.enrollment that counts a dated row or reports it (tests/test_enrollment_year_rule.py
-- holds every such join to it).
create or replace temp macro within_spell(day, spell_year, entry_date, exit_date) as
    school_year_of(day) = spell_year
    and day between entry_date and coalesce(exit_date, day);

-- The findings of a check on dated rows of an extract (docs/metrics.md): a row dated
-- outside every enrollment spell of its student at its school in its school year
-- (within_spell) is reported, never counted. `dated` names a table or CTE with the
-- extract's _source_file, _source_row, student_id, school_id and school_year, and
-- the date judged in a column `day`;
-- `date_column` names that date in the extract, `reason` says what is not counted.
-- Rows without a date or a student, or at a school the zone does not know, are other
-- rules' findings. (sqlfluff cannot see a CTE read by name: its definition carries
-- `-- noqa: ST03`.)
create or replace temp macro outside_enrollment_findings(dated, date_column, reason) as table
    select
        x._source_file as file,
        x._source_row as row,
        date_column as column_name,
        strftime(x.day, '%Y-%m-%d') as value,
        'a date inside one of the student''s enrollment spells at school ' || x.school_id as expected,
        reason as reason,
        x.school_id,
        x.school_year
    -- An anti join runs as one hash join; a correlated NOT EXISTS is far slower in DuckDB.
    from query_table(dated) as x
    anti join staging.enrollment as e
        on e.student_id = x.student_id
        and e.school_id = x.school_id
        and within_spell(x.day, e.school_year, e.entry_date, e.exit_date)
    where x.day is not null
      and x.student_id is not null
      and x.school_id in (select school_id from staging.schools);
