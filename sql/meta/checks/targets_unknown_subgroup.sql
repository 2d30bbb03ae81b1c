-- A target naming a subgroup id that is not one of marts.metric_values.
with final as (
    select
        _source_file as file,
        _source_row as row,
        'subgroup' as column_name,
        subgroup as value,
        $subgroup_examples as expected,
        'this subgroup id is not one the Roadmap reports' as reason,
        school_id,
        school_year
    from staging.targets
    where subgroup is not null
      and not list_contains($subgroups::varchar[], subgroup)
)
select * from final;
