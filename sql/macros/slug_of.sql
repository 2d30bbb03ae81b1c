-- A survey topic's or review domain's id within a metric id (family_favorable:<slug>,
-- educator:<slug>, sqr:<slug>): the text trimmed and lowercased, each run of other
-- characters than a-z and 0-9 one underscore, none at either end
-- ('  Family Engagement & Trust ' -> 'family_engagement_trust').
create or replace temp macro slug_of(words) as
    trim(regexp_replace(lower(trim(words)), '[^a-z0-9]+', '_', 'g'), '_');
