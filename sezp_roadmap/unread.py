"""Every entry of the landing folder the build does not read, named, with the extract it may be and what to do.

A folder of real exports holds files with other names (an SIS students file,
an MCAS download, a spreadsheet) and subfolders. None of them is read, and none
is passed over in silence: the build's output and the data-quality page list
each one with the nearest extract, judged by its header first (the columns it
shares with an extract) and by its name second, and what to do with it.
"""

from __future__ import annotations

import csv
import difflib
import gzip
import re
from dataclasses import dataclass
from pathlib import Path

from sezp_roadmap.extracts import CSV_SUFFIXES, EXTRACTS

# Words in a file name that point to an extract, as SIS and state exports name their files.
NAME_HINTS = {
    "student": "enrollment",
    "enrol": "enrollment",
    "roster": "enrollment",
    "attend": "attendance",
    "absen": "attendance",
    "incident": "discipline",
    "suspen": "discipline",
    "disciplin": "discipline",
    "calendar": "calendar",
    "school": "schools",
    "mcas": "assessments",
    "assess": "assessments",
    "map_growth": "assessments",
    "iready": "assessments",
    "target": "targets",
    "sqr": "sqr",
    "quality_review": "sqr",
    "family": "family_survey",
    "educator": "educator_survey",
    "staff_survey": "educator_survey",
    "dese": "state_figures",
    "state_figure": "state_figures",
}
SPREADSHEET_SUFFIXES = (".xlsx", ".xls", ".xlsm", ".ods")
HEAD_BYTES = 64 * 1024


@dataclass(frozen=True)
class Unread:
    """One entry of the landing folder that the build did not read."""

    name: str
    folder: bool
    nearest: str | None  # the extract it may be
    why: str  # what tells, in words
    todo: str

    def __str__(self) -> str:
        kind = "folder" if self.folder else "file"
        return f"{self.name}{'/' if self.folder else ''}: {kind} not read; {self.why}. {self.todo}"


def loose(name: str) -> str:
    """A name reduced to lower-case letters and digits: 'Student ID' -> 'studentid'."""
    return re.sub(r"[^a-z0-9]", "", name.replace("\ufeff", "").lower())


def _header_cells(path: Path) -> list[str]:
    """The first non-blank line of a text file, split at its separator; empty when it is not text."""
    try:
        opener = gzip.open if path.name.lower().endswith(".gz") else open
        with opener(path, "rb") as handle:
            head = handle.read(HEAD_BYTES)
    except OSError:
        return []
    if b"\x00" in head[:4096]:
        return []  # a binary file (a spreadsheet, a PDF): it has no header to read
    text = head.decode("utf-8", errors="replace")
    line = next((line for line in text.splitlines() if line.strip()), "")
    separator = max((",", ";", "\t", "|"), key=line.count)
    return [c.strip() for c in next(csv.reader([line], delimiter=separator), [])]


def _by_header(cells: list[str]) -> tuple[str | None, int, int]:
    """The extract whose columns the header shares most: (extract, columns shared, its required columns)."""
    names = {loose(c) for c in cells if c.strip()}
    best, best_shared = None, 0
    for extract in EXTRACTS.values():
        shared = len(names & {loose(c) for c in extract.column_names})
        if shared > best_shared:
            best, best_shared = extract.name, shared
    required = len(EXTRACTS[best].required_column_names) if best else 0
    return best, best_shared, required


def _by_name(name: str) -> str | None:
    stem = name.lower().split(".")[0]
    words = re.sub(r"[^a-z0-9]+", "_", stem)
    for hint, extract in NAME_HINTS.items():
        if hint in words:
            return extract
    close = difflib.get_close_matches(words, list(EXTRACTS), n=1, cutoff=0.75)
    return close[0] if close else None


def _file_name_rule(extract: str) -> str:
    return f"{extract}.csv (or {extract}_<anything>.csv)"


def describe_file(path: Path) -> Unread:
    """What an unread file may be, and what to do with it."""
    name = path.name
    lower = name.lower()
    if lower.endswith(SPREADSHEET_SUFFIXES):
        nearest = _by_name(name)
        target = _file_name_rule(nearest) if nearest else "<extract>.csv"
        why = "a spreadsheet, not a CSV file" + (f"; by its name it may be the {nearest} extract" if nearest else "")
        return Unread(name, False, nearest, why, f"To read it, save it as CSV UTF-8 named {target}.")
    nearest, shared, required = _by_header(_header_cells(path))
    if nearest and shared >= required:
        why = f"its header names every required column of the {nearest} extract"
        todo = f"To read it, rename it {_file_name_rule(nearest)}."
        if not lower.endswith(CSV_SUFFIXES):
            todo = f"To read it, save it as comma-separated CSV named {_file_name_rule(nearest)}."
        return Unread(name, False, nearest, why, todo)
    if nearest and shared >= 2:
        why = f"its header shares {shared} of the {nearest} extract's {len(EXTRACTS[nearest].columns)} columns"
        todo = (
            f"If it is that extract, give it the extract's columns (docs/data-contract.md) and name it "
            f"{_file_name_rule(nearest)}; otherwise move it out of the landing folder."
        )
        return Unread(name, False, nearest, why, todo)
    nearest = _by_name(name)
    if nearest:
        why = f"the name is not an extract's; it may be the {nearest} extract"
        todo = (
            f"If it is, name it {_file_name_rule(nearest)} with the extract's columns (docs/data-contract.md); "
            "otherwise move it out of the landing folder."
        )
        return Unread(name, False, nearest, why, todo)
    return Unread(name, False, None, NOT_AN_EXTRACT, NOT_AN_EXTRACT_TODO)


NOT_AN_EXTRACT = "neither its name nor its header is an extract's"
NOT_AN_EXTRACT_TODO = "If it is not an extract, move it out of the landing folder; extracts are named <extract>.csv."
# How many names a line about several files that are not extracts lists.
NAMES_SHOWN = 5


def lines(unread: list[Unread]) -> list[str]:
    """One line per entry, except that the files which are no extract at all share one line, however many."""
    plain = [u for u in unread if u.why == NOT_AN_EXTRACT]
    told = [str(u) for u in unread if u.why != NOT_AN_EXTRACT or len(plain) == 1]
    if len(plain) > 1:
        names = ", ".join(u.name for u in plain[:NAMES_SHOWN]) + (", ..." if len(plain) > NAMES_SHOWN else "")
        told.append(
            f"{len(plain):,} files not read ({names}): neither their names nor their headers are an extract's. "
            "If they are not extracts, move them out of the landing folder; extracts are named <extract>.csv."
        )
    return told


def describe_folder(path: Path) -> Unread:
    """A subfolder: the build reads only the files directly in the landing folder."""
    inside = sum(1 for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
    why = f"the build reads only the files directly in the landing folder, not the {inside:,} file{'s' if inside != 1 else ''} in this folder"
    nearest = _by_name(path.name)
    return Unread(
        path.name,
        True,
        nearest,
        why,
        "Move any extract files in it up into the landing folder (e.g. as attendance_part2.csv), "
        "or move the folder out of it.",
    )
