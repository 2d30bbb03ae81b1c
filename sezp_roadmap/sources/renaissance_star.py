"""Renaissance Star Reading and Star Math: their bundled profile (renaissance-star.yaml).

Renaissance writes each subject to its own file (SR reading, SM math), so
the assessment is read from the file's name. The screening window gives the
administration, the benchmark category the level, and the growth percentile
of the row's window whether the student made typical growth.
"""

from __future__ import annotations

from pathlib import Path

NAME = "renaissance-star"
PROFILE = Path(__file__).with_name("renaissance-star.yaml")
