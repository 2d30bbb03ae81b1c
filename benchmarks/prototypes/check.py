"""Time the proposed membership-by-spell SQL on a built warehouse and compare it with work.student_attendance.

    python -m benchmarks.prototypes.check build/bench/district/warehouse/roadmap.duckdb [threads]

Prints the seconds and the number of (student, school, period) rows whose
membership or absent days differ from the pipeline's own (0 when equivalent).
"""

import sys
import time
from pathlib import Path

import duckdb

from sezp_roadmap.warehouse import split_statements

SQL = Path(__file__).with_name("membership_by_spell.sql")

COMPARE = """
with pipeline as (select * from work.student_attendance where school_id <> 'ZONE'),
final as (
    select
        (select count(*) from proto_attendance) as proposed_rows,
        (select count(*) from pipeline) as pipeline_rows,
        count(*) filter (
            where p.membership_days is distinct from w.membership_days or p.absent_days is distinct from w.absent_days
        ) as differing_rows
    from proto_attendance as p
    full join pipeline as w
        using (student_id, school_id, school_year, period)
)
select * from final
"""


def main(argv: list[str]) -> int:
    con = duckdb.connect(argv[0], read_only=True)
    if len(argv) > 1:
        con.execute(f"set threads = {int(argv[1])}")
    started = time.perf_counter()
    for statement in split_statements(SQL.read_text(encoding="utf-8")):
        con.execute(statement)
    seconds = time.perf_counter() - started
    proposed, pipeline, differing = con.execute(COMPARE).fetchone()
    sys.stdout.write(f"{seconds:.2f} s; {proposed:,} rows proposed, {pipeline:,} in the pipeline, {differing:,} differing\n")
    return 0 if differing == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
