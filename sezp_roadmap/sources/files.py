"""Which files of a landing folder a profile reads, which it leaves to the canonical reading, and the schools' codes."""

from __future__ import annotations

import csv
import fnmatch
import gzip
import hashlib
from pathlib import Path

from sezp_roadmap.errors import Problem
from sezp_roadmap.extracts import extract_of
from sezp_roadmap.sources.profile import LANDING_PROFILE_FILE, Profile

# Files in a landing folder that are neither extracts nor district files.
SETTINGS_FILES = ("roadmap.yaml", LANDING_PROFILE_FILE)


def file_sha256(path: Path) -> str:
    """The file's SHA-256, as meta.load_files records it (read in blocks: exports can be large)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _patterns(profile: Profile) -> list[tuple[str, bool, tuple[str, ...]]]:
    """(extract, is a lookup, file patterns) of every kind of file the profile reads."""
    found = []
    for name, spec in profile.extracts.items():
        found.append((name, False, spec.files))
        if spec.lookup is not None:
            found.append((name, True, spec.lookup.files))
    return found


def matched_files(
    data_dir: Path, profile: Profile
) -> tuple[dict[str, list[Path]], dict[str, list[Path]], list[Problem]]:
    """The landing folder's files each extract of the profile reads, and its lookups read.

    A file the patterns of two extracts match is an error: it would be read twice.
    """
    found: dict[str, list[Path]] = {name: [] for name in profile.extracts}
    lookups: dict[str, list[Path]] = {name: [] for name in profile.extracts}
    problems = []
    kinds = _patterns(profile)
    for path in sorted(Path(data_dir).iterdir()):
        if not path.is_file() or path.name.startswith(".") or path.name in SETTINGS_FILES:
            continue
        owners = [
            (name, is_lookup)
            for name, is_lookup, patterns in kinds
            if any(fnmatch.fnmatch(path.name.lower(), pattern.lower()) for pattern in patterns)
        ]
        # A file may be both rows of an extract and its lookup (PowerSchool's students: current spells and demographics).
        for name, _ in (o for o in owners if o[1]):
            lookups[name].append(path)
        owners = [o for o in owners if not o[1]]
        if len(owners) > 1:
            described = " and ".join(f"{name}{' (lookup)' if is_lookup else ''}" for name, is_lookup in owners)
            problems.append(
                Problem(
                    file=path.name,
                    message=f"the profile's file patterns of {described} all match this file",
                    expected="patterns under `files:` that match each file for one extract",
                )
            )
        elif owners:
            found[owners[0][0]].append(path)
    return found, lookups, problems


def canonical_files(data_dir: Path, profile: Profile, matched: set[Path]) -> tuple[list[Path], list[str]]:
    """The canonical CSVs of extracts the profile does not cover (read as without a profile), and what is ignored."""
    files, warnings = [], []
    for path in sorted(Path(data_dir).iterdir()):
        if not path.is_file() or path.name.startswith(".") or path.name in SETTINGS_FILES or path in matched:
            continue
        extract = extract_of(path)
        if extract is None:
            warnings.append(f"{path.name}: matches no file pattern of the profile {profile.name}; the file was ignored")
        elif extract in {spec.extract for spec in profile.extracts.values()}:
            warnings.append(
                f"{path.name}: the profile {profile.name} reads the {extract} extract from its own files; "
                "this canonical file was ignored"
            )
        else:
            files.append(path)
    return files, warnings


def schools_by_code(data_dir: Path, columns: tuple[str, ...] = ("state_school_id",)) -> dict[str, str]:
    """A schools column's value -> school_id, from the canonical schools files of the landing folder.

    The columns are `state_school_id` (DESE's 8-digit code, as DESE's and NWEA's files write it),
    `school_name` (as i-Ready's export names schools) and `school_id` (the id itself, checked); a value of
    the first column wins.
    """
    codes: dict[str, str] = {}
    for path in sorted(Path(data_dir).iterdir()):
        if path.is_file() and extract_of(path) == "schools":
            # A schools file that is not UTF-8 is refused by ingest, with its row; here it only must not stop the reading.
            opener = gzip.open if path.name.lower().endswith(".gz") else open
            with opener(path, "rt", encoding="utf-8-sig", errors="replace", newline="") as handle:
                for row in csv.DictReader(handle):
                    row = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
                    for column in reversed(columns):
                        if row.get(column):
                            codes[row[column]] = row.get("school_id", "")
    return codes
