-- A school year's survey, review and test administrations in order (the codes of
-- sezp_roadmap.extracts.ADMINISTRATIONS; validation lets no other through), and the
-- rank of one of them: fall 1, winter 2, spring 3.
create or replace temp macro administrations() as ['fall', 'winter', 'spring'];

create or replace temp macro administration_rank(administration) as
    list_position(administrations(), administration);

-- Whether a period can read an administration (docs/metrics.md): the mid-year only
-- those given by then (fall and winter), the end of the year any.
create or replace temp macro period_reads(period, administration) as
    period = 'end_of_year' or administration in ('fall', 'winter');
