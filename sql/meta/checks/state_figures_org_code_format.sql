-- An org_code that is not one of DESE's 8-digit codes.
with final as (
    select
        _source_file as file,
        _source_row as row,
        'org_code' as column_name,
        org_code as value,
        'DESE''s 8-digit code: a school''s (02810315), a district''s (02810000) or 00000000 for the state' as expected,
        'this is not an 8-digit DESE code' as reason,
        null::varchar as school_id,
        school_year
    from staging.state_figures
    where org_code is not null
      and not regexp_full_match(org_code, '[0-9]{8}')
      -- fewer digits: a code that lost its leading zeros (rule id_leading_zeros)
      and not regexp_full_match(org_code, '[0-9]{1,7}')
)
select * from final;
