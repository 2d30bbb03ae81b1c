-- A result dated outside every enrollment spell of the student at that school
-- (docs/metrics.md, "Academics"): reported, never counted.
with results as ( -- noqa: ST03
    select *, test_date as day
    from staging.assessments
),
final as (
    select *
    from outside_enrollment_findings(
        'results',
        'test_date',
        'the student was not enrolled at the school on the test date; the result is not counted'
    )
)
select * from final;
