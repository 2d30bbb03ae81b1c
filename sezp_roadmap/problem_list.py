"""The errors of a run told once per kind, and listed in full in a file that outlives a failed run.

A mistake repeated down a column (US dates, a different code list, ids that
lost their leading zeros) is one summary: the file and column, how many rows,
the first three rows and values, the likely cause when it is recognisable and
the fix. Every row is written to `last-run-problems.csv` beside the warehouse:
the working warehouse that holds meta.errors is thrown away when a run fails,
this file is not. A run that starts removes the previous run's file.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from sezp_roadmap.errors import Problem, Summary
from sezp_roadmap.extracts import EXTRACTS
from sezp_roadmap.safe_export import safe_writer
from sezp_roadmap.warehouse import query

PROBLEMS_FILE = "last-run-problems.csv"
CSV_HEADER = ("extract", "rule", "file", "row", "column", "value", "problem", "expected")


def problems_path(warehouse: Path) -> Path:
    """Where a run's problems are listed: beside the warehouse (its working copy is in the same folder)."""
    return Path(warehouse).parent / PROBLEMS_FILE


def forget(warehouse: Path) -> None:
    """A new run starts: the previous run's list no longer describes the landing folder."""
    problems_path(warehouse).unlink(missing_ok=True)


def write(con: duckdb.DuckDBPyConnection, warehouse: Path) -> Path | None:
    """Every error of meta.errors, one row each, in extract, file and row order; None when there is none."""
    # Read before the errors' cursor: a second query on the connection would end it.
    not_read = _not_read(con)
    cursor = con.execute(
        "select extract, rule, file, row, column_name, value, reason, expected from meta.errors "
        "order by extract, file, row nulls first, column_name, rule"
    )
    rows = cursor.fetchmany(10_000)
    if not rows:
        return None
    path = problems_path(warehouse)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        # Extract values are untrusted: no cell may run as a spreadsheet formula.
        writer = safe_writer(handle)
        writer.writerow(CSV_HEADER)
        while rows:
            writer.writerows(rows)
            rows = cursor.fetchmany(10_000)
        writer.writerows(not_read)
    return path


def _not_read(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    """The landing folder's entries the run did not read, as rows of the problems file (rule `not_read`)."""
    try:
        return con.execute(
            "select null, 'not_read', name || case when folder then '/' else '' end, null, null, null, why, todo "
            "from meta.unread_files order by name"
        ).fetchall()
    except duckdb.CatalogException:
        return []


# Rules whose single row still gets its fix: the message alone does not say what to do.
_FIX_EVEN_FOR_ONE_ROW = ("id_leading_zeros",)


def summaries(
    con: duckdb.DuckDBPyConnection, extract: str | None = None, listed_in: Path | None = None
) -> list[Problem | Summary]:
    """One problem per extract, rule, file and column of meta.errors: a Summary, or the Problem of a lone row."""
    told: list[Problem | Summary] = []
    groups = query(con, "meta/summaries/error_groups", {"extract": extract})
    order = list(EXTRACTS)
    groups.sort(key=lambda g: order.index(g["extract"]) if g["extract"] in order else len(order))
    for group in groups:
        reason, expected = group["first_reason"][0], group["first_expected"][0]
        if group["rows"] == 1 and group["rule"] not in _FIX_EVEN_FOR_ONE_ROW:
            told.append(
                Problem(
                    file=group["file"],
                    message=reason,
                    row=group["example_rows"][0],
                    column=group["column_name"],
                    value=group["example_values"][0],
                    expected=expected,
                )
            )
            continue
        cause, fix = likely_cause(group)
        told.append(
            Summary(
                file=group["file"],
                column=group["column_name"],
                rows=group["rows"],
                reason=reason,
                examples=tuple(zip(group["example_rows"], group["example_values"])),
                expected=expected,
                distinct_values=group["distinct_values"] or None,
                cause=cause,
                fix=fix,
                listed_in=str(listed_in) if listed_in and group["rows"] > len(group["example_rows"]) else None,
            )
        )
    return told


SETTINGS_FILES = "in the roadmap.yaml beside the extracts (or the settings file given with --config)"


def likely_cause(group: dict) -> tuple[str | None, str | None]:
    """What most likely made this many rows wrong the same way, and how to fix it; (None, None) when not recognisable."""
    rule, column, rows, file = group["rule"], group["column_name"], group["rows"], group["file"]
    extract = EXTRACTS.get(group["extract"])
    kind = extract.column(column).kind if extract and column in extract.column_names else None
    if rule == "id_leading_zeros":
        id_kind = extract.column(column).identifies if kind else None
        width = group["id_width"]
        return (
            "the file was opened and saved in Excel, which drops the leading zeros of ids",
            f"Fix: export {file} again without opening it in Excel, or set id_width: {{{id_kind}: {width}}} "
            f"{SETTINGS_FILES}; ids of digits shorter than {width} are then padded with zeros as they are read.",
        )
    if rule == "value_format" and kind == "date":
        fix = (
            "Fix: write dates as YYYY-MM-DD: export them so from the student information system, or in Excel "
            "format the column as yyyy-mm-dd (Format Cells, Custom) before saving as CSV UTF-8."
        )
        if group["slash_dates"] * 2 >= rows:
            if group["day_first_dates"]:
                return "dates written day/month/year, as a spreadsheet set to a European locale writes them", fix
            return "US dates written month/day/year (09/02/2025), as Excel shows and saves them", fix
        if group["dot_dates"] * 2 >= rows:
            return "dates written day.month.year, as a spreadsheet set to a European locale writes them", fix
        return None, fix
    if rule == "value_format" and kind == "flag":
        return "flags written as words or numbers (Yes, TRUE, 1)", "Fix: write Y or N."
    if rule == "unknown_code":
        if (group["extract"], column) == ("attendance", "code"):
            fix = (
                f"Fix: add the district's codes to attendance_codes {SETTINGS_FILES}, or map them to the codes listed."
            )
        elif (group["extract"], column) == ("assessments", "assessment"):
            fix = f"Fix: add the assessment to the assessments list {SETTINGS_FILES}."
        else:
            fix = "Fix: map the file's codes to the codes listed (docs/data-contract.md gives their meaning)."
        return "the file uses a different code list than the data contract's", fix
    return None, None


def at_most(lines: list[str], limit: int, listed_in: Path | None = None) -> list[str]:
    """The lines a screen shows: no more than `limit`, the last saying where the rest are."""
    if len(lines) <= limit:
        return list(lines)
    rest = len(lines) - (limit - 1)
    where = f"; every problem is listed in {listed_in}" if listed_in and Path(listed_in).exists() else ""
    return [*lines[: limit - 1], f"... and {rest:,} more lines{where}"]
