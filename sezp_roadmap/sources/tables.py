"""Reading a district's file as its profile declares it: rows of text cells with their spreadsheet row numbers.

CSV is decoded with the declared encoding and nothing else: a byte that is not
valid in it stops the file with its row, never a guess. Excel workbooks are
read with openpyxl (read-only, values rather than formulas); a date cell
becomes an ISO date (a date-time cell an ISO date-time, cut to the date where
a date field reads it), a whole number without its `.0`.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sezp_roadmap.errors import Problem
from sezp_roadmap.sources.profile import FileFormat


class UnreadableFile(Exception):
    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


@dataclass
class Table:
    """A file's header (cells as written) and an iterator over its data rows: (row number, cells)."""

    name: str
    header: list[str]
    header_row: int
    rows: Iterator[tuple[int, list[str]]]


def open_table(path: Path, fmt: FileFormat) -> Table:
    return _xlsx_table(path, fmt) if fmt.kind == "xlsx" else _csv_table(path, fmt)


def _csv_table(path: Path, fmt: FileFormat) -> Table:
    """Rows are numbered as a spreadsheet shows them: one per record, blank lines included."""
    handle = open(path, encoding=fmt.encoding, newline="")  # noqa: SIM115 (closed when the rows are read)
    reader = csv.reader(handle, delimiter=fmt.delimiter)
    count = 0

    def decoded() -> list[str]:
        nonlocal count
        try:
            cells = next(reader)
        except UnicodeDecodeError as exc:
            handle.close()
            line, text = _first_undecodable_line(path, fmt.encoding)
            raise UnreadableFile(
                Problem(
                    file=path.name,
                    row=line,
                    value=text,
                    message=f"the file is not {fmt.encoding} text, as the profile says it is: "
                    f"byte 0x{exc.object[exc.start]:02X} cannot be read",
                    expected=f"text in {fmt.encoding}, or the file's real encoding as the profile's `encoding:`",
                )
            ) from None
        except csv.Error as exc:
            handle.close()
            raise UnreadableFile(
                Problem(file=path.name, row=count + 1, message=f"the file cannot be read as CSV: {exc}")
            ) from None
        count += 1
        return cells

    header: list[str] | None = None
    while header is None:
        try:
            cells = decoded()
        except StopIteration:
            handle.close()
            raise UnreadableFile(
                Problem(
                    file=path.name,
                    message=f"the file has no row {fmt.header_row} to read the header from",
                    expected="a header row",
                )
            ) from None
        if count >= fmt.header_row:
            header = cells

    def rows():
        try:
            while True:
                try:
                    cells = decoded()
                except StopIteration:
                    return
                yield count, cells
        finally:
            handle.close()

    return Table(path.name, header, count, rows())


def _first_undecodable_line(path: Path, encoding: str) -> tuple[int | None, str | None]:
    """The first line (as a text editor numbers it) holding bytes the encoding cannot read, and its text."""
    with open(path, "rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                raw.decode(encoding)
            except UnicodeDecodeError:
                return number, raw.decode(encoding, errors="replace").strip()[:120]
    return None, None


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _xlsx_table(path: Path, fmt: FileFormat) -> Table:
    import openpyxl  # noqa: PLC0415 (only profiles with workbooks need it)

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several kinds for a file that is no workbook
        raise UnreadableFile(
            Problem(file=path.name, message=f"the file cannot be read as an Excel workbook (.xlsx): {exc}")
        ) from None
    if fmt.sheet is not None and fmt.sheet not in book.sheetnames:
        book.close()
        raise UnreadableFile(
            Problem(
                file=path.name,
                message=f"the workbook has no sheet '{fmt.sheet}'",
                expected="one of its sheets: " + ", ".join(book.sheetnames),
            )
        )
    sheet = book[fmt.sheet] if fmt.sheet is not None else book.worksheets[0]
    it = enumerate(sheet.iter_rows(values_only=True), start=1)
    header = None
    for number, values in it:
        if number == fmt.header_row:
            header = [_cell_text(v) for v in values]
            break
    if header is None:
        book.close()
        raise UnreadableFile(
            Problem(file=path.name, message=f"the sheet has no row {fmt.header_row} to read the header from")
        )

    def rows():
        try:
            for number, values in it:
                yield number, [_cell_text(v) for v in values]
        finally:
            book.close()

    return Table(path.name, header, fmt.header_row, rows())
