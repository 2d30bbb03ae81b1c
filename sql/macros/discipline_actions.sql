-- Whether a disciplinary action removes the student from class, the actions whose
-- days_removed count (docs/metrics.md, days_removed_per_100): every action code of
-- sezp_roadmap.extracts.DISCIPLINE_ACTIONS but OTHER.
create or replace temp macro is_removal(action) as
    action in ('ISS', 'OSS', 'EXP', 'ER', 'ALT');
