-- A school's code (8 digits, not a district's ending in 0000, not the state's)
-- that no school of the schools extract has as its state_school_id.
with final as (
    select
        f._source_file as file,
        f._source_row as row,
        'org_code' as column_name,
        f.org_code as value,
        'a state_school_id of the schools extract, a district''s code (ending in 0000) or 00000000 for the state'
            as expected,
        'no school of the schools extract has this DESE code (schools.csv, column state_school_id)' as reason,
        null::varchar as school_id,
        f.school_year
    from staging.state_figures as f
    where regexp_full_match(f.org_code, '[0-9]{8}')
      and not f.org_code like '%0000'
      and f.org_code not in (select state_school_id from staging.schools where state_school_id is not null)
      -- a school's code shortened in schools.csv is reported there (rule id_leading_zeros)
      and ltrim(f.org_code, '0') not in (
          select ltrim(state_school_id, '0') from staging.schools
          where regexp_full_match(state_school_id, '[0-9]{1,7}')
      )
)
select * from final;
