-- A state_school_id that is not DESE's 8-digit code (leading zeros kept: 02810315).
with final as (
    select
        _source_file as file,
        _source_row as row,
        'state_school_id' as column_name,
        state_school_id as value,
        'the school''s 8-digit DESE code, e.g. 02810315, or an empty cell' as expected,
        'this is not an 8-digit DESE school code' as reason,
        school_id,
        null::integer as school_year
    from staging.schools
    where state_school_id is not null
      and not regexp_full_match(state_school_id, '[0-9]{8}')
      -- fewer digits: a code that lost its leading zeros (rule id_leading_zeros)
      and not regexp_full_match(state_school_id, '[0-9]{1,7}')
)
select * from final;
