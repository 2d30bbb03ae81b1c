-- Family survey percent favorable by topic, every school and the zone, at the
-- latest end of year; hidden cells (fewer than 5 respondents) show as NULL.
with latest as (
    select max(school_year) as school_year from marts.metric_values where metric like 'family_favorable%'
),
final as (
    select
        v.school_id,
        k.label,
        v.n as respondents,
        round(v.value, 1) as percent_favorable,
        v.suppressed
    from marts.metric_values as v
    join latest
        using (school_year)
    join marts.metric_catalog as k
        using (metric)
    where v.period = 'end_of_year'
      and v.metric like 'family_favorable%'
)
select * from final
order by label, school_id;
