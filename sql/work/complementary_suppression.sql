-- One round of complementary suppression: in every set holding exactly one
-- hidden cell, also hide the smallest other cell (fewest students, then the
-- subgroup and school ids, so that runs are repeatable). The engine repeats the round
-- until no cell changes, because a cell hidden for one set (ell/non_ell) can
-- leave a single hidden cell in another (the race groups).
update suppression_cells as c
set suppressed = true
from (
    with single as (
        select s.set_id
        from suppression_sets as s
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
