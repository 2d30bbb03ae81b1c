"""The published tables as the data dictionary (docs/data-dictionary.md) describes them.

The dictionary is written for analysts; the Dagster assets show the same
descriptions and columns, so there is one text to keep true
(tests/test_examples.py fails when a published column is missing from it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from sezp_roadmap.paths import PROJECT_ROOT

DICTIONARY = PROJECT_ROOT / "docs" / "data-dictionary.md"


@dataclass(frozen=True)
class TableDoc:
    name: str  # schema.table
    description: str  # the paragraph under the table's heading
    columns: tuple[tuple[str, str, str], ...]  # (column, type, meaning)


@cache
def published_tables() -> dict[str, TableDoc]:
    """Every `## marts.<table>` section of the dictionary, by table name (without the schema)."""
    tables = {}
    for section in re.split(r"^## ", DICTIONARY.read_text(encoding="utf-8"), flags=re.M)[1:]:
        heading, _, body = section.partition("\n")
        if not heading.startswith("marts."):
            continue
        paragraphs = [p.strip() for p in body.strip().split("\n\n")]
        description = " ".join(paragraphs[0].split()) if paragraphs and not paragraphs[0].startswith("|") else ""
        rows = [line for line in body.splitlines() if line.startswith("| ") and not line.startswith("| column ")]
        columns = tuple(tuple(cell.strip() for cell in row.strip("|").split("|", 2)) for row in rows)
        name = heading.strip().removeprefix("marts.")
        tables[name] = TableDoc(heading.strip(), description, columns)
    return tables
