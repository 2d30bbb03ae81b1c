"""What changed in the landing folder, and which school years a file touches.

Used by the landing-folder sensor: it keeps each file's modification time in
its cursor and asks for runs only for new or changed extract files. Nothing
here opens the warehouse (a sensor must never take its lock).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from sezp_roadmap import sources
from sezp_roadmap.errors import InputProblem
from sezp_roadmap.extracts import extract_of
from sezp_roadmap.sources.direct import is_source_file
from sezp_roadmap.sources.files import matched_files
from sezp_roadmap.sources.profile import LANDING_PROFILE_FILE
from sezp_roadmap.warehouse import add_macros, connection_config


def snapshot(folder: Path, profile: str | None = None) -> dict[str, int]:
    """Every extract file in the folder with its modification time (ns).

    With a source profile (named, or the folder's roadmap-profile.yaml) the
    district's files its patterns match count too, and so does the profile file;
    so do the files a direct source reads (Ed-Fi's).
    """
    folder = Path(folder)
    if not folder.is_dir():
        return {}
    profiled = profiled_files(folder, profile)
    return {
        path.name: path.stat().st_mtime_ns
        for path in sorted(folder.iterdir())
        if path.is_file()
        and not path.name.startswith(".")
        and (extract_of(path) is not None or path.name in profiled or is_source_file(path))
    }


def profiled_files(folder: Path, profile: str | None = None) -> set[str]:
    """The names of the files a source profile reads in the folder, and the profile file itself (none without a profile).

    A profile that cannot be read still starts a run, which explains what is
    wrong with it: every file of the folder counts then.
    """
    try:
        found = sources.find_profile(folder, profile)
        if found is None:
            return set()
        matched, lookups, _ = matched_files(folder, found)
    except InputProblem:
        return {p.name for p in folder.iterdir() if p.is_file()}
    names = {p.name for paths in (*matched.values(), *lookups.values()) for p in paths}
    return names | ({LANDING_PROFILE_FILE} if (folder / LANDING_PROFILE_FILE).is_file() else set())


def changed_files(previous: dict[str, int], current: dict[str, int]) -> list[str]:
    """Files that are new, or whose modification time changed, since the previous snapshot."""
    return sorted(name for name, mtime in current.items() if previous.get(name) != mtime)


_YEAR_COLUMNS = {
    "attendance": "date",
    "discipline": "incident_date",
}


def school_years_in(path: Path) -> list[int]:
    """The school years a file has rows for (empty when it cannot tell, e.g. the schools list or a district's file).

    Reads only the one column it needs, with an in-memory DuckDB (never the warehouse).
    """
    extract = extract_of(path)
    if extract is None or extract == "schools":
        return []
    con = add_macros(duckdb.connect(":memory:", config=connection_config()))
    try:
        if extract in _YEAR_COLUMNS:
            column = _YEAR_COLUMNS[extract]
            sql = (
                f'select distinct school_year_of(try_cast("{column}" as date)) '
                'from read_csv(?, all_varchar = true, header = true) where try_cast("'
                + column
                + '" as date) is not null'
            )
        else:
            sql = (
                "select distinct try_cast(school_year as integer) from read_csv(?, all_varchar = true, header = true) "
                "where try_cast(school_year as integer) is not null"
            )
        years = {int(row[0]) for row in con.execute(sql, [str(path)]).fetchall()}
        if extract == "state_figures":
            # A year's published figures are shown on its pages and, as last year's, on the next year's.
            years |= {year + 1 for year in years}
        return sorted(years)
    except duckdb.Error:
        # An unreadable file still starts a run: ingestion then explains what is wrong with it.
        return []
    finally:
        con.close()
