"""Sources: the systems whose own files the build reads besides the canonical extracts.

A source turns its folder into the canonical extract files, which ingest then
reads like any landing folder's; nothing after ingest knows where a row came
from. Each source is one module (or package) here with its mappings as YAML
beside it, and offers `NAME`, `recognises(folder)`, `reads(path)` and
`write_extracts(folder, out_dir, settings)`.
"""

from __future__ import annotations

from pathlib import Path

from sezp_roadmap.errors import InputProblem, Problem
from sezp_roadmap.extracts import extract_of

from . import edfi

SOURCES = {edfi.NAME: edfi}
CANONICAL = "canonical"
CHOICES = ("auto", CANONICAL, *SOURCES)


def is_source_file(path: Path) -> bool:
    """A file some source reads: the landing-folder sensor watches these as it watches the extracts."""
    return any(source.reads(Path(path)) for source in SOURCES.values())


def detect(folder: Path, choice: str = "auto") -> str:
    """Which source a landing folder is read as: the one named, or the one its files show.

    A folder with any canonical extract file is canonical: a source is used only
    where the canonical files are absent, so a stray export never replaces them.
    """
    folder = Path(folder)
    if choice not in CHOICES:
        raise InputProblem(
            Problem(
                file="--source", message="is not a source this build reads", value=choice, expected=", ".join(CHOICES)
            )
        )
    if choice != "auto":
        if choice in SOURCES and folder.is_dir() and not SOURCES[choice].recognises(folder):
            raise InputProblem(
                Problem(
                    file=str(folder), message=f"holds no files the {choice} source reads", expected=f"{choice} files"
                )
            )
        return choice
    if not folder.is_dir() or any(extract_of(p) for p in folder.iterdir() if p.is_file()):
        return CANONICAL
    for name, source in SOURCES.items():
        if source.recognises(folder):
            return name
    return CANONICAL
