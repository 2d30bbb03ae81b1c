"""The student subgroups of marts.metric_values, and the grades, in one place.

Every subgroup has its id (what marts and targets carry), its full label
(DESE's name for the group), its short label (what charts and tables show),
the partition it belongs to (the subgroups that together make up all
students, which complementary suppression needs), the group a report compares
it with, and its place in the order DESE's profiles list groups in (the order
of SUBGROUPS). Validation, the data contract, the SQL (through meta.subgroups)
and the reports all read them from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import duckdb

# The grade codes of the data contract, in school order.
GRADES = ("PK", "K", *(str(g) for g in range(1, 13)))
# The partition of the grade subgroups (grade_PK ... grade_12).
GRADE_PARTITION = "grade"


@dataclass(frozen=True)
class Subgroup:
    id: str
    label: str  # DESE's full name
    short_label: str  # what a chart or table shows
    # The set of subgroups that together make up all students, every student in exactly one of them
    # (suppression: the set minus its other cells would reveal a single hidden one). None for `all`.
    partition: str | None
    # The group a report compares it with (its complement); None: the school's other students.
    comparison_group: str | None = None
    # The data contract's code (enrollment.race_ethnicity or .gender) that puts a student in the group.
    code: str | None = None
    # A group with no published complement: all minus the group is one, so suppression pairs it with
    # an unpublished `not_<id>` cell in its partition (sql/work/suppression_cells.sql).
    unpublished_complement: bool = False
    # The other side of a pair: the students outside a group (non_ell is ell's), its comparison group.
    # Never itself the group an equity gap or a risk ratio is about.
    complement: bool = False


def _subgroup(
    id: str,
    label: str,
    partition: str | None,
    short_label: str | None = None,
    comparison_group: str | None = None,
    code: str | None = None,
    unpublished_complement: bool = False,
    complement: bool = False,
) -> Subgroup:
    return Subgroup(
        id, label, short_label or label, partition, comparison_group, code, unpublished_complement, complement
    )


# In the order DESE's profiles list groups, the grades last.
SUBGROUPS: dict[str, Subgroup] = {
    s.id: s
    for s in (
        _subgroup("all", "All students", None),
        _subgroup("hispanic", "Hispanic or Latino", "race", code="H"),
        _subgroup("black", "Black or African American", "race", code="B"),
        _subgroup("white", "White", "race", code="W"),
        _subgroup("asian", "Asian", "race", code="A"),
        _subgroup("native_american", "American Indian or Alaska Native", "race", code="N"),
        _subgroup("pacific_islander", "Native Hawaiian or Other Pacific Islander", "race", code="P"),
        _subgroup("multirace", "Multi-race, not Hispanic or Latino", "race", short_label="Multi-race", code="M"),
        _subgroup("ell", "English learners", "ell", comparison_group="non_ell"),
        _subgroup(
            "non_ell",
            "Students who are not English learners",
            "ell",
            short_label="Not English learners",
            comparison_group="ell",
            complement=True,
        ),
        _subgroup("former_ell", "Former English learners", "former_ell", unpublished_complement=True),
        _subgroup("swd", "Students with disabilities", "swd", comparison_group="non_swd"),
        _subgroup("non_swd", "Students without disabilities", "swd", comparison_group="swd", complement=True),
        _subgroup("low_income", "Low income", "low_income", comparison_group="non_low_income"),
        _subgroup("non_low_income", "Not low income", "low_income", comparison_group="low_income", complement=True),
        _subgroup("high_needs", "High needs", "high_needs", unpublished_complement=True),
        _subgroup("female", "Female", "gender", code="F"),
        _subgroup("male", "Male", "gender", code="M"),
        _subgroup("nonbinary", "Non-binary", "gender", code="N"),
        *(_subgroup(f"grade_{g}", f"Grade {g}", GRADE_PARTITION) for g in GRADES),
    )
}


def codes(partition: str) -> dict[str, str]:
    """The data contract's codes of one partition ('race', 'gender') and the full label of each."""
    return {s.code: s.label for s in SUBGROUPS.values() if s.partition == partition and s.code}


# The two functions below are asked about every cell of every page, for a few dozen distinct subgroups:
# each answer is worked out once per process (they depend on the subgroup's id only).
@cache
def short_label(subgroup: str) -> str:
    """What a chart or table calls a subgroup (an id outside the registry reads as itself, in words)."""
    known = SUBGROUPS.get(subgroup)
    if known:
        return known.short_label
    if subgroup.startswith("grade_"):
        return f"Grade {subgroup.removeprefix('grade_')}"
    return subgroup.replace("_", " ").capitalize()


@cache
def is_grade(subgroup: str) -> bool:
    """A grade's subgroup (grade_5); an id outside the registry by its form."""
    known = SUBGROUPS.get(subgroup)
    return known.partition == GRADE_PARTITION if known else subgroup.startswith("grade_")


@cache
def is_complement(subgroup: str) -> bool:
    """The other side of a pair (non_ell): compared with, never itself compared."""
    known = SUBGROUPS.get(subgroup)
    return known is not None and known.complement


@cache
def equity_group(subgroup: str) -> bool:
    """Whether an equity gap can be about this group: not all students, a pair's complement or a grade."""
    return subgroup != "all" and not is_complement(subgroup) and not is_grade(subgroup)


_ORDER = {id: position for position, id in enumerate(SUBGROUPS)}
_NOT_GRADES = sum(1 for id in SUBGROUPS if not is_grade(id))


@cache
def sort_key(subgroup: str) -> tuple:
    """The registry's order: DESE's groups, then the grades; an unknown id after its kind, by name."""
    if is_grade(subgroup):
        return (1, _ORDER.get(subgroup, len(SUBGROUPS)) - _NOT_GRADES, subgroup.removeprefix("grade_"))
    return (0, _ORDER.get(subgroup, _NOT_GRADES), subgroup)


def write_registry_table(con: duckdb.DuckDBPyConnection) -> None:
    """meta.subgroups: the registry as a table, so the SQL reads partitions and comparison groups from it.

    The unpublished complements of former English learners and high needs are rows too, in their partition.
    """
    rows = [
        (s.id, s.label, s.short_label, s.partition, s.comparison_group, s.code, position)
        for position, s in enumerate(SUBGROUPS.values())
    ]
    rows += [
        (f"not_{s.id}", None, None, s.partition, None, None, None)
        for s in SUBGROUPS.values()
        if s.unpublished_complement
    ]
    con.execute(
        "create or replace table meta.subgroups (subgroup varchar primary key, label varchar, short_label varchar, "
        "partition_name varchar, comparison_group varchar, code varchar, position integer)"
    )
    # One statement (executemany plans one per row).
    values = ", ".join(["(?, ?, ?, ?, ?, ?, ?)"] * len(rows))
    con.execute(f"insert into meta.subgroups values {values}", [v for row in rows for v in row])
