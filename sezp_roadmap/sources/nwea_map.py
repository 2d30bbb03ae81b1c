"""NWEA MAP Growth's Combined Data File: its bundled profile (nwea-map.yaml).

One row per test event. The term name gives the administration and the school
year, Subject and Course together give the assessment (reading or math;
science and language usage are skipped), the percentile gives the level by
bands the profile names, and the projected-growth flag of the row's term
gives typical_growth_met.
"""

from __future__ import annotations

from pathlib import Path

NAME = "nwea-map"
PROFILE = Path(__file__).with_name("nwea-map.yaml")
