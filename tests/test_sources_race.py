"""The federal two-question form (a Hispanic flag and one or more races) as the DESE category."""

from __future__ import annotations

import pytest

from sezp_roadmap.sources.race import dese_category


@pytest.mark.parametrize(
    ("hispanic", "races", "category"),
    [
        ("Y", ["W"], "H"),  # Hispanic of any race
        ("Y", ["B", "W"], "H"),  # Hispanic and two races: still Hispanic
        ("Y", [], "H"),
        ("N", ["B", "W"], "M"),  # two or more races, not Hispanic: multi-race
        ("N", ["A", "P", "N"], "M"),
        ("N", ["B", "B"], "B"),  # one race named twice is one race
        ("N", ["A"], "A"),
        ("", ["N"], "N"),  # no flag given: the race decides
        ("N", ["M"], "M"),  # a district code that already says multi-race
        ("N", ["H"], "H"),  # a district that lists Hispanic among the races
        ("N", [], ""),  # nothing recorded: left empty, and the contract's rule names the row
    ],
)
def test_dese_category(hispanic, races, category):
    assert dese_category(hispanic, races) == category
