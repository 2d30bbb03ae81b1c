"""Where a report file may be written: one plain file name, directly inside its folder.

Validation already refuses a school id that is not a safe id (docs/data-contract.md,
"Ids that name files"); this is the second line of defence, for whatever names a
file without having passed it: the resolved path must sit directly in the resolved
folder, so no '..', separator, absolute path or symbolic link can move it elsewhere.
"""

from __future__ import annotations

import os
from pathlib import Path

from sezp_roadmap.errors import InputProblem, Problem
from sezp_roadmap.extracts import SAFE_ID_RULE


def file_in(folder: Path, name: str, *, named_by: str = "schools.csv, column school_id") -> Path:
    """folder/name, refused with the product's own error unless it is a file directly in folder.

    named_by: where the name comes from, for the message.
    """
    folder = Path(folder).resolve()
    path = folder / name
    # A plain name that is not a symbolic link resolves to itself in the resolved folder:
    # one lstat for the name instead of resolving every folder of the path again.
    if not _plain_name(name) or path.is_symlink():
        raise InputProblem(
            Problem(
                file=named_by,
                message=f"refused to write a report file anywhere but directly in its folder {folder}",
                value=name,
                expected=f"an id of {SAFE_ID_RULE}",
            )
        )
    return path


def _plain_name(name: str) -> bool:
    """A name that stays in its folder: no separator, not the folder itself or its parent, no NUL."""
    separators = (os.sep, os.altsep or os.sep, "\0")
    return name not in ("", ".", "..") and not any(s in name for s in separators)
