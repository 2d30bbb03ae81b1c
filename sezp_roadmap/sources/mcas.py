"""DESE's MCAS student-level data file: its bundled profile (mcas.yaml).

The file districts download from DESE has one wide row per student, with a
level, a scaled score and a growth percentile per subject in lower-case
columns (`eperflev`, `escaleds`, `esgp`, `mperflev`, ...). The profile
reads it in the wide shape, one `assessments` row per subject tested, maps DESE's level
codes (next-generation E/M/PM/NM, legacy A/P/NI/W/F, MCAS-Alt) to the
settings' levels and the testing school's code to our school through
`schools.state_school_id`. No Python is needed beyond naming the profile.
"""

from __future__ import annotations

from pathlib import Path

NAME = "mcas"
PROFILE = Path(__file__).with_name("mcas.yaml")
