-- Whether a disciplinary action removes the student from class, the actions whose
-- days_removed count (docs/metrics.md, days_removed_per_100): the codes of
-- sezp_roadmap.extracts.REMOVAL_ACTIONS, bound by warehouse.add_macros.
create or replace temp macro is_removal(action) as
    list_contains(getvariable('removal_actions'), action);
