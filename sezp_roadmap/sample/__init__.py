"""The synthetic sample zone (`sezp-roadmap sample`): not the product, the data its demos and tests run on.

`zone` writes the schools, calendars, enrollment, attendance, discipline,
surveys, reviews, targets and DESE figures; `academics` the assessment results.
"""

from sezp_roadmap.sample.zone import (
    EXTRACT_COLUMNS,
    Calibration,
    SchoolProfile,
    load_calibration,
    school_profiles,
    school_years,
    write_sample_zone,
)

__all__ = [
    "EXTRACT_COLUMNS",
    "Calibration",
    "SchoolProfile",
    "load_calibration",
    "school_profiles",
    "school_years",
    "write_sample_zone",
]
