-- A student's spells in one school year that disagree on a demographic
-- attribute. The latest spell (by entry date) is the one the metrics use
-- (docs/metrics.md); every other spell that differs is reported against it.
-- Only students with two or more spells in a year can disagree: they are
-- found first by a hash aggregate, so the ranking and the comparison of six
-- attributes read a few percent of the spells, not all of them.
with dated_spells as (
    select *
    from staging.enrollment
    where student_id is not null and school_year is not null and entry_date is not null
),
several as (
    select student_id, school_year
    from dated_spells
    group by all
    having count(*) > 1
),
spells as (
    select
        *,
        row_number() over (
            partition by student_id, school_year
            order by entry_date desc, exit_date desc nulls first, school_id
        ) as recency
    from dated_spells
    semi join several
        using (student_id, school_year)
),
attributes as (
    select
        student_id, school_year, school_id, _source_file, _source_row, recency,
        unnest([
            { 'name': 'race_ethnicity', 'value': race_ethnicity },
            { 'name': 'gender', 'value': gender },
            { 'name': 'ell', 'value': flag_text(ell) },
            { 'name': 'former_ell', 'value': flag_text(former_ell) },
            { 'name': 'swd', 'value': flag_text(swd) },
            { 'name': 'low_income', 'value': flag_text(low_income) }
        ]) as attribute
    from spells
),
final as (
    select
        a._source_file as file,
        a._source_row as row,
        a.attribute.name as column_name,
        a.attribute.value as value,
        '''' || l.attribute.value || ''' as in the student''s latest spell this school year ('
            || l._source_file || ', row ' || l._source_row || '), which the reports use' as expected,
        'this student''s enrollment spells in the same school year disagree' as reason,
        a.school_id,
        a.school_year
    from attributes as a
    join attributes as l
        on l.student_id = a.student_id
        and l.school_year = a.school_year
        and l.attribute.name = a.attribute.name
        and l.recency = 1
    where a.recency > 1
      and a.attribute.value is distinct from l.attribute.value
      and a.attribute.value is not null
      and l.attribute.value is not null
)
select * from final;
