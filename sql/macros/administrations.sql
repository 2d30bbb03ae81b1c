-- A school year's survey, review and test administrations in order, and the rank
-- of one of them (fall 1, winter 2, spring 3): the list is
-- sezp_roadmap.extracts.ADMINISTRATIONS, bound by warehouse.add_macros.
create or replace temp macro administrations() as getvariable('administrations');

create or replace temp macro administration_rank(administration) as
    list_position(administrations(), administration);

-- Whether a period can read an administration (docs/metrics.md): the mid-year only
-- those given by then (extracts.MID_YEAR_ADMINISTRATIONS), the end of the year any.
create or replace temp macro period_reads(period, administration) as
    period = 'end_of_year'
    or list_contains(getvariable('mid_year_administrations'), administration);
