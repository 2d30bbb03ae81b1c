"""Ed-Fi in: a folder of interchange XML files, or of ODS/API JSON resource files.

Reads either into the API's resource shape (`resources.py`), maps them to the
canonical extracts with the descriptor maps (`canonical.py`, `edfi.yaml`) and
writes those as the landing folder's CSV files would be, so every rule of the
data contract applies to them and nothing after ingest knows the source.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

from sezp_roadmap.config import Settings
from sezp_roadmap.extracts import EXTRACTS

from .canonical import Conversion, convert
from .resources import folder_kind, is_interchange, json_resource_of, read_folder

NAME = "edfi"


def recognises(folder: Path) -> str | None:
    """'XML interchange' or 'API JSON' when the folder holds Ed-Fi files, else None."""
    return {"xml": "XML interchange", "json": "API JSON"}.get(folder_kind(Path(folder)))


def reads(path: Path) -> bool:
    """Whether the file is one this source reads (an API resource file, or an interchange)."""
    return json_resource_of(path) is not None or is_interchange(path)


def write_extracts(folder: Path, out_dir: Path, settings: Settings) -> Conversion:
    """The canonical extract files of an Ed-Fi folder, written to out_dir (emptied first)."""
    records = read_folder(Path(folder))
    full_day = {code for code, days in settings.attendance_codes.items() if days == 1}
    levels = {a.id: tuple(a.levels) for a in settings.assessments}
    conversion = convert(records, maps=settings.raw.get("edfi"), full_day_codes=full_day, assessment_levels=levels)
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    for name, rows in conversion.extracts.items():
        columns = [c.name for c in EXTRACTS[name].columns if c.required or any(c.name in r for r in rows)]
        with (out_dir / f"{name}.csv").open("w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
    counts = ", ".join(f"{len(items):,} {name}" for name, items in sorted(records.items()))
    conversion.notes.insert(0, f"read the folder as Ed-Fi {recognises(folder)}: {counts}")
    return conversion
