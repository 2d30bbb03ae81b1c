"""What changed in the landing folder, and which school years a file touches.

Used by the landing-folder sensor: it keeps each file's modification time in
its cursor and asks for runs only for new or changed extract files. Nothing
here opens the warehouse (a sensor must never take its lock).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from sezp_roadmap.extracts import extract_of
from sezp_roadmap.sources import is_source_file
from sezp_roadmap.warehouse import add_macros


def snapshot(folder: Path) -> dict[str, int]:
    """Every extract file (or file a source reads, e.g. Ed-Fi's) in the folder with its modification time (ns)."""
    folder = Path(folder)
    if not folder.is_dir():
        return {}
    return {
        path.name: path.stat().st_mtime_ns
        for path in sorted(folder.iterdir())
        if path.is_file() and not path.name.startswith(".") and (extract_of(path) is not None or is_source_file(path))
    }


def changed_files(previous: dict[str, int], current: dict[str, int]) -> list[str]:
    """Files that are new, or whose modification time changed, since the previous snapshot."""
    return sorted(name for name, mtime in current.items() if previous.get(name) != mtime)


_YEAR_COLUMNS = {
    "attendance": "date",
    "discipline": "incident_date",
}


def school_years_in(path: Path) -> list[int]:
    """The school years a file has rows for (empty when it cannot tell, e.g. the schools list).

    Reads only the one column it needs, with an in-memory DuckDB (never the warehouse).
    """
    extract = extract_of(path)
    if extract is None or extract == "schools":
        return []
    con = add_macros(duckdb.connect(":memory:"))
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
