"""Rows left out of the figures, and files read as zero rows, in one sentence per file and rule.

A run with a few rows that cannot be counted publishes (the wrong-file guards
stop only a file that mostly cannot be counted); these sentences make sure the
data team sees the share anyway: on the command line, in the Dagster check of
the extract and on the data-quality page, e.g.

    discipline.csv: 19 of 339 rows (5.6%) are outside every enrollment spell and are not counted
"""

from __future__ import annotations

import duckdb

from sezp_roadmap.findings import EXCLUDED
from sezp_roadmap.warehouse import query

# What the rows of each "not counted" rule are, after "are" / "is".
PHRASES = {
    "attendance_not_school_day": "dated on a day that is not a school day of the school",
    "attendance_outside_enrollment": "dated outside the student's enrollment spells at the school",
    "attendance_no_enrollment": "about students with no enrollment at the school that school year",
    "discipline_outside_enrollment": "outside every enrollment spell",
    "assessments_outside_enrollment": "results dated outside every enrollment spell at the school that tested",
    "date_outside_calendar_years": "dated in school years the calendar does not cover",
    "family_survey_summary_superseded": "vendor's figures of an administration whose answers are in family_survey, "
    "which are used instead",
}


def share_text(part: int, whole: int) -> str:
    """A share in percent, one decimal; a share that rounds to 0.0% but is not zero says so."""
    share = 100 * part / whole
    return "less than 0.1%" if 0 < share < 0.05 else f"{share:.1f}%"


def sentence(row: dict) -> str:
    if row["rule"] == "header_only":
        return f"{row['file']}: the file has a header row and no data rows; it was read as zero rows"
    n, whole = row["rows_noted"], row["file_rows"] or row["rows_noted"]
    verb = "is" if n == 1 else "are"
    phrase = PHRASES.get(row["rule"], f"findings of the rule {row['rule']}")
    return f"{row['file']}: {n:,} of {whole:,} rows ({share_text(n, whole)}) {verb} {phrase} and {verb} not counted"


def sentences(con: duckdb.DuckDBPyConnection, extract: str | None = None) -> list[str]:
    """The sentences of one extract (every extract when None), in extract, file and size order."""
    try:
        rows = query(con, "pages/findings/uncounted", {"excluded": EXCLUDED, "extract": extract})
    except duckdb.CatalogException:  # a warehouse built before findings were recorded
        return []
    return [sentence(row) for row in rows]
