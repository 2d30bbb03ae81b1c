-- The school year a date belongs to: July 1 starts the next one (2025-09-02 -> 2026).
-- The one statement of the rule; every connection the pipeline opens creates it
-- (sezp_roadmap.warehouse.add_macros), and every query uses it.
create or replace temp macro school_year_of(d) as
    year(d::date) + case when month(d::date) >= 7 then 1 else 0 end;
