"""i-Ready Diagnostic results: their bundled profile (iready.yaml).

One row per diagnostic. i-Ready writes no term, so the administration comes
from the completion month by the profile's value map; the overall placement
gives the level, and the percent progress to annual typical growth whether
the student met typical growth by the spring diagnostic.
"""

from __future__ import annotations

from pathlib import Path

NAME = "iready"
PROFILE = Path(__file__).with_name("iready.yaml")
