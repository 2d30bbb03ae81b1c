-- One round of complementary suppression: in every set holding exactly one
-- hidden cell, also hide the smallest other cell (fewest students, then the
-- subgroup and school ids, so that runs are repeatable). The engine repeats the round
-- until no cell changes, because a cell hidden for one set (ell/non_ell) can
-- leave a single hidden cell in another (the race groups).
--
-- Round $round (1, 2, ...) looks only at the sets holding a cell the round before hid
-- ($round - 1; 0 is the cells hidden by their own n): a set none of whose cells changed
-- held no single hidden cell then (that round would have hidden a second), nor does it now.
update suppression_cells as c
set suppressed = true, hidden_round = $round
from (
    with changed as (
        select distinct s.set_id
        from suppression_sets as s
        join suppression_cells as c
            using (cell_id)
        where c.hidden_round = $round - 1
    ),
    single as (
        select s.set_id
        from suppression_sets as s
        semi join changed
            using (set_id)
        join suppression_cells as c
            using (cell_id)
        group by s.set_id
        having count(*) filter (where c.suppressed) = 1
    ),
    candidates as (
        select
            c.cell_id,
            row_number() over (partition by s.set_id order by c.n, c.subgroup, c.school_id) as rank_in_set
        from suppression_sets as s
        join single
            using (set_id)
        join suppression_cells as c
            using (cell_id)
        where not c.suppressed
    ),
    final as (
        select distinct cell_id from candidates where rank_in_set = 1
    )
    select * from final
) as chosen
where c.cell_id = chosen.cell_id;
