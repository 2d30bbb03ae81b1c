"""The student subgroup ids of marts.metric_values, in one place.

Targets name a subgroup by these ids; validation, docs and reports read them
from here. Grades are `grade_<g>` for every grade code of the data contract.
"""

from __future__ import annotations

# The grade codes of the data contract (sezp_roadmap.extracts reads them from here).
GRADES = ("PK", "K", *(str(g) for g in range(1, 13)))

SUBGROUPS: dict[str, str] = {
    "all": "All students",
    "hispanic": "Hispanic or Latino",
    "black": "Black or African American",
    "white": "White",
    "asian": "Asian",
    "native_american": "American Indian or Alaska Native",
    "pacific_islander": "Native Hawaiian or Other Pacific Islander",
    "multirace": "Multi-race, not Hispanic or Latino",
    "ell": "English learners",
    "former_ell": "Former English learners",
    "non_ell": "Students who are not English learners",
    "swd": "Students with disabilities",
    "non_swd": "Students without disabilities",
    "low_income": "Low income",
    "non_low_income": "Not low income",
    "high_needs": "High needs",
    "female": "Female",
    "male": "Male",
    "nonbinary": "Non-binary",
    **{f"grade_{g}": f"Grade {g}" for g in GRADES},
}
