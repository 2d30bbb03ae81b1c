"""Small-cell suppression (docs/metrics.md, "Privacy"), applied before anything is published.

Primary: a cell whose n is below the threshold of its population is hidden
(students: `min_students`, respondents: `min_respondents`; SQR indicators never).
Complementary: within every set of subgroups that partitions `all` at one
school (or the zone) in one period and metric, and within the schools' cells of
one subgroup (the zone pools them), a single hidden cell could be recovered as
the total minus the others, so when a set holds exactly one hidden cell its
smallest other cell is hidden too. Hiding a cell can leave a single hidden
cell in another set, so rounds repeat until nothing changes; each round only
adds hidden cells, so this ends.

The result is the temporary table suppression_cells (one row per cell with n > 0 and its
`suppressed` flag), which sql/marts/metric_values.sql applies.
"""

from __future__ import annotations

import duckdb

from sezp_roadmap.warehouse import read_sql, run_sql

# Far more than any real zone needs (each round hides at least one more cell of
# a finite table); reaching it means a bug, not a slow zone.
MAX_ROUNDS = 1000


def apply(con: duckdb.DuckDBPyConnection, *, min_students: int, min_respondents: int) -> int:
    """Flag every cell of work.metric_cells; returns how many complementary rounds changed something."""
    run_sql(con, "work/suppression_cells", {"min_students": min_students, "min_respondents": min_respondents})
    round_sql = read_sql("work/complementary_suppression")
    for rounds in range(MAX_ROUNDS):
        changed = con.execute(round_sql, {"round": rounds + 1}).fetchone()[0]
        if not changed:
            return rounds
    raise RuntimeError("complementary suppression did not settle; this is a bug in the suppression rules")
