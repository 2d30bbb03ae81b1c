"""Race and ethnicity as districts record them (the federal two-question form) as the DESE categories the metrics use.

The federal form asks two questions: Hispanic or Latino (yes or no), and one
or more races. DESE reports one category per student, by this rule (the same
as its race/ethnicity code in SIMS, DOE010):

1. Hispanic or Latino, whatever the races: `H`;
2. otherwise two or more different races: `M` (multi-race, not Hispanic or Latino);
3. otherwise the one race: `W`, `B`, `A`, `N` or `P`.

A student with neither a Hispanic flag of Y nor any race has no category:
the cell is left empty, and the data contract's rule for an empty
race_ethnicity names the row.
"""

from __future__ import annotations

SINGLE_RACES = ("W", "B", "A", "N", "P")
# Values a race map may give besides a single race: a district code that already means multi-race or Hispanic.
RACE_VALUES = (*SINGLE_RACES, "M", "H")


def dese_category(hispanic: str, races: list[str]) -> str:
    """The DESE category of one student: hispanic is Y or N (or empty); races are codes of RACE_VALUES."""
    distinct = set(races)
    if hispanic == "Y" or "H" in distinct:
        return "H"
    if "M" in distinct or len(distinct) >= 2:
        return "M"
    if len(distinct) == 1:
        return distinct.pop()
    return ""
