-- A disciplinary action dated outside every enrollment spell of the student
-- at that school (docs/metrics.md): reported, never counted.
with actions as ( -- noqa: ST03
    select *, incident_date as day, school_year_of(incident_date) as school_year
    from staging.discipline
),
final as (
    select *
    from outside_enrollment_findings(
        'actions',
        'incident_date',
        'the student was not enrolled at the school on this date; the action is not counted'
    )
)
select * from final;
