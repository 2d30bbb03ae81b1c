"""Massachusetts SSDR: the discipline and offense files a district sends to DESE, read as the discipline extract.

Everything is in the bundled profile (ma-ssdr.yaml): the offense file is a
lookup by OFF ID for the school (its DESE code, mapped through
schools.state_school_id) and the offense code; DAT's codes 1-6 map to the
contract's actions.
"""

from __future__ import annotations

from pathlib import Path

NAME = "ma-ssdr"
PROFILE = Path(__file__).with_name("ma-ssdr.yaml")
