"""Sources read directly, without a profile: systems whose files carry their own structure (Ed-Fi).

A direct source offers `NAME`, `recognises(folder)`, `reads(path)` and
`write_extracts(folder, out_dir, settings)`, which writes the canonical
extract files ingest then reads like any landing folder's.
"""

from __future__ import annotations

from pathlib import Path

from sezp_roadmap.errors import InputProblem, Problem
from sezp_roadmap.extracts import extract_of
from sezp_roadmap.sources import edfi
from sezp_roadmap.sources.profile import LANDING_PROFILE_FILE

DIRECT = {edfi.NAME: edfi}
CANONICAL = "canonical"
CHOICES = ("auto", CANONICAL, *DIRECT)


def is_source_file(path: Path) -> bool:
    """A file a direct source reads: the landing-folder sensor watches these as it watches the extracts."""
    return any(source.reads(Path(path)) for source in DIRECT.values())


def detect(folder: Path, choice: str = "auto", profile: str | None = None) -> str:
    """Which direct source a landing folder is read as, or `canonical` (the canonical files, or a source profile).

    A folder with any canonical extract file, or read through a profile, is not
    a direct source's: a stray export beside the canonical extracts never replaces them.
    """
    folder = Path(folder)
    if choice not in CHOICES:
        raise InputProblem(
            Problem(
                file="--source", message="is not a source this build reads", value=choice, expected=", ".join(CHOICES)
            )
        )
    if choice != "auto":
        if choice in DIRECT and folder.is_dir() and not DIRECT[choice].recognises(folder):
            raise InputProblem(
                Problem(
                    file=str(folder), message=f"holds no files the {choice} source reads", expected=f"{choice} files"
                )
            )
        return choice
    if profile or not folder.is_dir() or (folder / LANDING_PROFILE_FILE).is_file():
        return CANONICAL
    if any(extract_of(p) for p in folder.iterdir() if p.is_file()):
        return CANONICAL
    return next((name for name, source in DIRECT.items() if source.recognises(folder)), CANONICAL)
