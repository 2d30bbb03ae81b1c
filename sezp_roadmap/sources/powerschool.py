"""PowerSchool: its bundled profile (powerschool.yaml), and the one rule its enrollment needs besides the YAML.

PowerSchool writes an enrollment whose entry date equals its exit date for a
student who was enrolled and never came (a no-show). With PowerSchool's exit
date moved to the spell's last day (the day before, `day_shift: -1`), such a
record ends before it starts. It is no spell: it is left out, and the report
(`sezp-roadmap profile check`, the build's warnings) counts it.
"""

from __future__ import annotations

from pathlib import Path

NAME = "powerschool"
PROFILE = Path(__file__).with_name("powerschool.yaml")

NO_SHOW = "no-show enrollments (PowerSchool entry date = exit date: the student never attended)"


def skip_row(extract: str, values: dict[str, str]) -> str | None:
    """Why a row is no canonical row, or None."""
    entry, exit_ = values.get("entry_date", ""), values.get("exit_date", "")
    if extract == "enrollment" and entry and exit_ and exit_ < entry:
        return NO_SHOW
    return None
