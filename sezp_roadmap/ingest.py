"""Reading the landing folder into the warehouse: every row once, typed, in staging.

staging.<extract>          every row of every file, typed (dates, numbers, flags as booleans), trimmed,
                           each distinct row once, in file order, with its source file and row number,
                           and for typed columns the cell's text where the value reads differently
staging.<extract>_repeats  the later copies of rows that repeat an earlier row exactly (duplicate_row)
meta.load_files            each file: its name, size, SHA-256 and how many rows it has

Each row is written once (see "staging: the one copy of every row" below).

Files are read by DuckDB (never whole into pandas). Python only streams each
file once to check its encoding and find the header row, which DuckDB's own
sniffer gets wrong on spreadsheet exports (a title line above the header).

Row numbers are the ones a spreadsheet shows: the header row of a plain file
is row 1, its first data row row 2; blank lines count as rows.

Problems that make a file unusable (empty, not UTF-8, a required column
missing, a row with the wrong number of cells) stop the run here with every
such problem of every file of the extract. Problems of single values are the
validation rules' job (sezp_roadmap.validation).
"""

from __future__ import annotations

import codecs
import csv
import difflib
import gzip
import hashlib
import re
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from sezp_roadmap import findings
from sezp_roadmap.errors import InputProblem, Problem, require_landing_folder
from sezp_roadmap.extracts import EXTRACTS, Column, Extract, extract_of
from sezp_roadmap.findings import ERROR, WARNING, Issue
from sezp_roadmap.rules import READ_RULES
from sezp_roadmap.sources.profile import LANDING_PROFILE_FILE
from sezp_roadmap.subgroups import GRADES
from sezp_roadmap.unread import Unread, describe_file, describe_folder, loose
from sezp_roadmap.unread import lines as unread_lines
from sezp_roadmap.warehouse import transaction, usable_cores

# How many lines from the top a header row may be preceded by (title lines of spreadsheet exports).
HEADER_SEARCH_LINES = 10
_BLOCK = 1 << 20
_UTF8_BOM = codecs.BOM_UTF8
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


@dataclass(frozen=True)
class LandingFile:
    extract: str
    path: Path
    sha256: str
    size: int


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    block = bytearray(_BLOCK)
    view = memoryview(block)
    with open(path, "rb", buffering=0) as handle:
        while size := handle.readinto(block):
            digest.update(view[:size])
    return digest.hexdigest()


def file_hashes(paths: list[Path]) -> list[str]:
    """file_hash of each path, on every usable core: hashing releases the GIL, so threads share the work."""
    with ThreadPoolExecutor(max_workers=usable_cores()) as pool:
        return list(pool.map(file_hash, paths))


# The landing folder's settings file: read as settings, not as an extract.
SETTINGS_FILE = "roadmap.yaml"
# How many unread entries a message about missing extracts names (all are on the data-quality page of a run that publishes).
UNREAD_SHOWN = 20


def discover(data_dir: Path) -> tuple[list[LandingFile], list[Unread]]:
    """The extract files in the landing folder, and every other entry of it, each described (sezp_roadmap.unread).

    Hidden entries (names starting with a dot, which the operating system and
    editors write) are the only ones passed over.
    """
    data_dir = Path(data_dir)
    require_landing_folder(data_dir)
    found, unread = [], []
    for path in sorted(data_dir.iterdir()):
        if path.name.startswith("."):
            continue
        if path.is_dir():
            unread.append(describe_folder(path))
            continue
        extract = extract_of(path)
        if extract is None:
            if path.name != SETTINGS_FILE:
                unread.append(describe_file(path))
            continue
        found.append((extract, path))
    hashes = file_hashes([path for _, path in found])
    files = [LandingFile(extract, path, sha, path.stat().st_size) for (extract, path), sha in zip(found, hashes)]
    missing = [e.name for e in EXTRACTS.values() if e.required and not any(f.extract == e.name for f in files)]
    if missing:
        told = unread_lines(unread)
        raise InputProblem(
            [_missing_extract(name, data_dir, unread) for name in missing]
            + [Problem(file=line.split(": ", 1)[0], message=line.split(": ", 1)[1]) for line in told[:UNREAD_SHOWN]]
            + (
                [Problem(file=str(data_dir), message=f"{len(told) - UNREAD_SHOWN:,} more entries are not read")]
                if len(told) > UNREAD_SHOWN
                else []
            )
        )
    return files, unread


def unread_in_landing(data_dir: Path, read_names: set[str]) -> list[Unread]:
    """The entries of a landing folder that a source profile or a direct source read from (read_names: the
    files it read), each described as `discover` describes what it does not read."""
    unread = []
    for path in sorted(Path(data_dir).iterdir()):
        if path.name.startswith("."):
            continue
        if path.is_dir():
            unread.append(describe_folder(path))
        elif path.name not in read_names | {SETTINGS_FILE, LANDING_PROFILE_FILE} and extract_of(path) is None:
            unread.append(describe_file(path))
    return unread


def _missing_extract(name: str, data_dir: Path, unread: list[Unread]) -> Problem:
    candidates = [u.name for u in unread if u.nearest == name]
    message = f"the required {name} extract is missing from {data_dir}"
    if candidates:
        message += f"; it may be {', '.join(candidates[:3])} (below)"
    return Problem(file=f"{name}.csv", message=message, expected=f"a file named {name}.csv or {name}_<anything>.csv")


def record_files(con: duckdb.DuckDBPyConnection, files: list[LandingFile], unread: list[Unread] = ()) -> None:
    """The files of this run, and the entries it does not read (meta.unread_files, for the data-quality page).

    Also empties the error and finding tables, which describe this run only.
    """
    con.execute(
        "create or replace table meta.load_files (extract varchar, file_name varchar, sha256 varchar, bytes bigint, rows bigint)"
    )
    for f in files:
        con.execute("insert into meta.load_files values (?, ?, ?, ?, null)", [f.extract, f.path.name, f.sha256, f.size])
    con.execute(
        "create or replace table meta.unread_files (name varchar, folder boolean, nearest varchar, why varchar, todo varchar)"
    )
    for u in unread:
        con.execute(
            "insert into meta.unread_files values (?, ?, ?, ?, ?)", [u.name, u.folder, u.nearest, u.why, u.todo]
        )
    findings.reset(con)


# --- one pass over the bytes: encoding, blank lines, the first lines -------------------------


@dataclass
class FileScan:
    """What one streaming pass over a file tells: its first lines, where its blank lines are, its encoding."""

    first_lines: list[tuple[int, str]] = field(default_factory=list)  # (line number, text), blank lines left out
    blank_lines: list[int] = field(default_factory=list)
    encoding_issue: Issue | None = None
    # Which spaces a cell of the file can start or end with: "unicode" (DuckDB's trim removes Unicode
    # spaces too), "ascii" in a file of plain ASCII text, "none" in one without a space (see clean).
    spaces: str = "unicode"


def _open_bytes(path: Path):
    return gzip.open(path, "rb") if path.name.lower().endswith(".gz") else open(path, "rb")


_BLANK_LINE = re.compile(rb"(?<=\n)\r?(?=\n)")


_TWO_NEWLINES = re.compile(rb"\n\n")
_TWO_CRLF_NEWLINES = re.compile(rb"\n\r\n")


def _may_hold_blank_line(data: bytes) -> bool:
    """A fast search: False when `data` has no blank line (the second search only in files with CR line ends).

    A compiled pattern, because a byte search for two newlines takes twice as long on CSV text, where every line ends in a newline.
    """
    return bool(_TWO_NEWLINES.search(data) or (b"\r" in data and _TWO_CRLF_NEWLINES.search(data)))


def scan_file(extract: str, path: Path) -> FileScan:
    """Stream the file once: check that it is UTF-8, note blank lines, keep the first lines.

    Blank lines are rare: the pass only looks for one, and numbers them (in a
    second pass, _blank_lines) in a file that has one.
    """
    scan = FileScan()
    with _open_bytes(path) as handle:
        utf16 = handle.read(len(_UTF16_BOMS[0])).startswith(_UTF16_BOMS)
    if utf16:
        scan.encoding_issue = Issue(
            extract,
            "file_encoding",
            ERROR,
            path.name,
            "the file is UTF-16 text (Excel's 'Unicode Text'), not UTF-8",
            row=1,
            expected="UTF-8 text: in Excel, save as 'CSV UTF-8 (Comma delimited)'",
        )
        return scan
    decoder = codecs.getincrementaldecoder("utf-8")()
    head = b""
    bytes_before = 0  # bytes of the blocks already scanned
    previous_tail = b"\n"  # as if a newline came before the file: a blank first line counts
    maybe_blank = False
    ascii_only, has_spaces = True, False
    for block in _blocks(path):
        # The start of a character the previous block ended inside: the decoder reads it with this block.
        pending = decoder.getstate()[0]
        try:
            # Most blocks are plain ASCII, which a byte test confirms far faster than decoding them.
            if pending or not block.isascii():
                decoder.decode(block)
                ascii_only = False
        except UnicodeDecodeError as exc:
            lines_before = _newlines_in_first(path, bytes_before - len(pending))
            scan.encoding_issue = _encoding_issue(extract, path.name, head, pending + block, exc, lines_before)
            return scan
        has_spaces = has_spaces or b" " in block
        if len(head) < 64 * 1024:
            head += block[: 64 * 1024]
        # A blank line inside the block, or across its start (the tail is at most 2 bytes).
        maybe_blank = maybe_blank or _may_hold_blank_line(block) or _may_hold_blank_line(previous_tail + block[:2])
        previous_tail = _tail(block)
        bytes_before += len(block)
    scan.spaces = "unicode" if not ascii_only else "ascii" if has_spaces else "none"
    text = head.decode("utf-8", errors="replace")
    for number, line in enumerate(text.split("\n")[: HEADER_SEARCH_LINES * 2], start=1):
        if line.strip():
            scan.first_lines.append((number, line.rstrip("\r")))
    if maybe_blank:
        scan.blank_lines = _blank_lines(path)
    return scan


def _blocks(path: Path):
    """The file's bytes in blocks, without a UTF-8 byte order mark."""
    with _open_bytes(path) as handle:
        first = True
        for block in iter(lambda: handle.read(_BLOCK), b""):
            if first and block.startswith(_UTF8_BOM):
                block = block[len(_UTF8_BOM) :]
            first = False
            yield block


def _tail(block: bytes) -> bytes:
    """The end of a block a blank line in the next block may start from: its newline, or a CR that may precede one."""
    return block[-2:] if not block.endswith(b"\n") and block.endswith(b"\r") else block[-1:]


def _newlines_in_first(path: Path, size: int) -> int:
    """How many lines end in the first `size` bytes of the file (after a byte order mark)."""
    count = 0
    for block in _blocks(path):
        if size <= 0:
            break
        count += block.count(b"\n", 0, size)
        size -= len(block)
    return count


def _blank_lines(path: Path) -> list[int]:
    """The numbers of the file's blank lines (a line of nothing, or of a lone CR), its last line ending included."""
    blank, lines_before, lines = [], 0, 0
    previous_tail = b"\n"
    for block in _blocks(path):
        data = previous_tail + block
        tail = len(previous_tail)
        for match in _BLANK_LINE.finditer(data) if _may_hold_blank_line(data) else ():
            # A blank line belongs to this block when the newline ending it does.
            if match.end() >= tail:
                blank.append(lines_before + data.count(b"\n", tail, max(match.start(), tail)) + 1)
        previous_tail = _tail(block)
        lines_before += block.count(b"\n")
        lines = lines_before + (0 if block.endswith(b"\n") else 1)
    return [n for n in blank if n <= lines]


def _encoding_issue(
    extract: str, name: str, head: bytes, block: bytes, exc: UnicodeDecodeError, lines_before: int
) -> Issue:
    """Where the first byte that is not UTF-8 is, and whether the file looks like Windows-1252."""
    position = max(exc.start, 0)
    row = lines_before + block.count(b"\n", 0, position) + 1
    line_start = block.rfind(b"\n", 0, position) + 1
    line_end = block.find(b"\n", position)
    line = block[line_start : line_end if line_end >= 0 else len(block)].rstrip(b"\r")
    try:
        text = line.decode("cp1252")
        looks_like = "it looks like Windows-1252 text (an older Excel or SIS export)"
    except UnicodeDecodeError:
        text = line.decode("utf-8", errors="replace")
        looks_like = "its encoding is not one this pipeline recognises"
    column, value = _cell_at(head or block, text, position - line_start)
    return Issue(
        extract,
        "file_encoding",
        ERROR,
        name,
        f"the file is not UTF-8 text: byte 0x{block[position]:02X} cannot be read; {looks_like}",
        row=row,
        column=column,
        value=value,
        expected="UTF-8 text: in Excel, save as 'CSV UTF-8 (Comma delimited)'; nothing was read from this file",
    )


def _cell_at(head: bytes, line: str, byte_offset: int) -> tuple[str | None, str]:
    """The header name and text of the cell holding the bad byte (best effort, for the message)."""
    header_line = head.split(b"\n", 1)[0].decode("utf-8", errors="replace").lstrip("\ufeff")
    header = split_cells(header_line)
    cells = split_cells(line)
    consumed = 0
    for index, cell in enumerate(cells):
        consumed += len(cell.encode("cp1252", errors="replace")) + 1
        if consumed > byte_offset:
            return (header[index].strip() if index < len(header) and header[index].strip() else None), cell
    return None, line


# --- the header row ---------------------------------------------------------------------------


def normalise(name: str) -> str:
    """Column names match whatever their case and surrounding spaces."""
    return name.replace("\ufeff", "").strip().lower()


@dataclass(frozen=True)
class Header:
    line: int  # the header's row number
    cells: tuple[str, ...]  # as written
    skipped: tuple[tuple[int, str], ...]  # lines above it that were not blank (title lines)

    def position_of(self) -> dict[str, int]:
        positions: dict[str, int] = {}
        for index, cell in enumerate(self.cells):
            positions.setdefault(normalise(cell), index)
        return positions


# Separators spreadsheets and database tools write instead of commas, as a reader names them.
OTHER_SEPARATORS = {";": "semicolons", "\t": "tabs", "|": "vertical bars"}


def _other_separator(extract: Extract, scan: FileScan) -> str | None:
    """The separator that makes one of the top lines a header, when it is not a comma: the likely mistake."""
    wanted = set(extract.required_column_names)
    for _, line in scan.first_lines[:HEADER_SEARCH_LINES]:
        for separator, words in OTHER_SEPARATORS.items():
            if wanted <= {normalise(c) for c in line.split(separator)}:
                return words
    return None


def split_cells(line: str) -> list[str]:
    """The cells of one line of CSV text, for the header search and for messages; never raises.

    The csv module refuses a line break outside quotes (a stray carriage
    return) and a cell over its size limit (128 KiB); such a line is split at
    its commas.
    """
    try:
        return next(csv.reader([line]), [])
    except csv.Error:
        return line.split(",")


def _carriage_return_line_ends(extract: Extract, name: str, scan: FileScan) -> Issue | None:
    """A file whose lines end in a carriage return alone (the old Mac 'CSV (Macintosh)') reads as one long line."""
    number, line = scan.first_lines[0]
    first = line.split("\r", 1)[0]
    if "\r" not in line or not set(extract.required_column_names) <= {normalise(c) for c in split_cells(first)}:
        return None
    return Issue(
        extract.name,
        "file_unreadable",
        ERROR,
        name,
        "the lines of this file end with a carriage return alone (an old Mac export), so it reads as one line",
        row=number,
        value=first[:120],
        expected="lines ending in a line feed: in Excel, save as 'CSV UTF-8 (Comma delimited)'; nothing was read from this file",
    )


def _carriage_return_above(extract: Extract, name: str, scan: FileScan, header_line: int) -> Issue | None:
    """A carriage return inside a line down to the header: DuckDB's reader ends a line there, this search does not.

    The reader would then start the data at another line than the one below
    the header (reading the header itself as a row, or skipping a row).
    """
    for number, line in scan.first_lines:
        if number <= header_line and "\r" in line:
            return Issue(
                extract.name,
                "file_unreadable",
                ERROR,
                name,
                "this line holds a carriage return that does not end it (a stray character, or an old Mac line end), "
                "so where the rows start is ambiguous",
                row=number,
                value=line.replace("\r", "\\r")[:120],
                expected="lines ending in a line feed (or CR LF) and no carriage return inside a line; nothing was read from this file",
            )
    return None


def find_header(extract: Extract, name: str, scan: FileScan) -> tuple[Header | None, list[Issue]]:
    """The first of the top lines naming every required column; or the problems with the best candidate."""
    if not scan.first_lines:
        return None, [
            Issue(extract.name, "file_empty", ERROR, name, "the file is empty", expected="a header row and data rows")
        ]
    carriage_returns = _carriage_return_line_ends(extract, name, scan)
    if carriage_returns:
        return None, [carriage_returns]
    wanted = set(extract.required_column_names)
    best: Header | None = None
    best_hits = 0
    for number, line in scan.first_lines[:HEADER_SEARCH_LINES]:
        cells = tuple(split_cells(line))
        above = tuple((n, t) for n, t in scan.first_lines if n < number)
        if wanted <= {normalise(c) for c in cells}:
            stray = _carriage_return_above(extract, name, scan, number)
            return (None, [stray]) if stray else (Header(number, cells, above), [])
        # A header that names the columns another way ('Student ID') is still the header, to explain.
        hits = len({loose(c) for c in wanted} & {loose(c) for c in cells})
        if hits > best_hits:
            best, best_hits = Header(number, cells, above), hits
    if best is None:
        number, line = scan.first_lines[0]
        separator = _other_separator(extract, scan)
        reason = "no header row: none of the first rows names the columns of this extract"
        if separator:
            reason += f"; the columns are separated by {separator}: save the file as comma-separated CSV"
        return None, [
            Issue(
                extract.name,
                "missing_column",
                ERROR,
                name,
                reason,
                row=number,
                value=line[:120],
                expected="a header row naming the columns " + ", ".join(extract.column_names),
            )
        ]
    return None, [missing_columns_issue(extract, name, best)]


# How many of the header's other columns a missing-column message names.
OTHER_COLUMNS_SHOWN = 8


def did_you_mean(missing: list[str], others: list[str]) -> list[tuple[str, str]]:
    """(header cell, column) pairs: a cell that is the missing column written another way ('Student ID' for student_id)."""
    pairs, taken = [], set()
    for column in missing:
        by_name = {loose(cell): cell for cell in others if cell not in taken}
        match = by_name.get(loose(column))
        if match is None:
            close = difflib.get_close_matches(loose(column), list(by_name), n=1, cutoff=0.8)
            match = by_name[close[0]] if close else None
        if match is not None:
            pairs.append((match, column))
            taken.add(match)
    return pairs


def missing_columns_issue(extract: Extract, name: str, header: Header) -> Issue:
    """One message for a header that lacks required columns: which, what it has instead, and what was likely meant."""
    present = {normalise(c) for c in header.cells}
    missing = [c for c in extract.required_column_names if c not in present]
    others = [c.strip() for c in header.cells if c.strip() and normalise(c) not in extract.column_names]
    pairs = did_you_mean(missing, others)
    reason = f"the header lacks the required column{'s' if len(missing) > 1 else ''} " + ", ".join(missing)
    if pairs:
        reason += "; did you mean " + ", ".join(f"'{cell}' for {column}" for cell, column in pairs)
        reason += f": rename {'them' if len(pairs) > 1 else 'it'} in the header"
    unmatched = [c for c in others if c not in {cell for cell, _ in pairs}]
    if unmatched:
        shown = ", ".join(f"'{c[:40]}'" for c in unmatched[:OTHER_COLUMNS_SHOWN])
        more = f" and {len(unmatched) - OTHER_COLUMNS_SHOWN} more" if len(unmatched) > OTHER_COLUMNS_SHOWN else ""
        reason += f"; the header also has columns the {extract.name} extract does not use: {shown}{more}"
    return Issue(
        extract.name,
        "missing_column",
        ERROR,
        name,
        reason,
        row=header.line,
        column=missing[0] if len(missing) == 1 else None,
        expected="a header naming the columns " + ", ".join(extract.required_column_names),
    )


def _header_issues(extract: Extract, name: str, header: Header) -> list[Issue]:
    issues = []
    seen: dict[str, int] = {}
    for index, cell in enumerate(header.cells):
        key = normalise(cell)
        if key in extract.column_names and key in seen:
            issues.append(
                Issue(
                    extract.name,
                    "duplicate_column",
                    ERROR,
                    name,
                    "this column appears twice in the header",
                    row=header.line,
                    column=key,
                    expected="each column once",
                )
            )
        seen.setdefault(key, index)
    return issues


# --- staging: the one copy of every row ---------------------------------------------------------
#
# Each row is written to the warehouse once, typed as it is read: at state
# size any further copy of the rows costs more than reading the files. A typed value
# does not always show the cell's text ('Yes' is no flag, '2.50' prints as
# 2.500), and messages quote the text: for number, date and flag columns the
# text is kept beside the value (`_<column>_text`) where the two differ and is
# NULL everywhere else, which costs next to nothing compressed.


def keeps_text(column: Column) -> bool:
    """Whether a column's typed value can read differently from its cell (numbers, dates, flags)."""
    return column.sql_type != "VARCHAR"


def text_column(column: Column) -> str:
    """The staging column holding the cell's text where the typed value does not show it."""
    return f"_{column.name}_text"


def staging_columns(extract: Extract) -> list[tuple[str, str]]:
    """staging.<extract>: the extract's columns typed, where each row comes from, and the texts typed values do not show."""
    return [
        *((c.name, c.sql_type) for c in extract.columns),
        ("_source_file", "VARCHAR"),
        ("_source_row", "BIGINT"),
        *((text_column(c), "VARCHAR") for c in extract.columns if keeps_text(c)),
    ]


def clean(cell: str, spaces: str = "unicode") -> str:
    """A cell as the rules see it: surrounding spaces trimmed, an empty cell missing.

    spaces: which spaces the file's cells can start or end with (FileScan.spaces). Trimming every
    cell costs a seventh of the insert of the state's attendance: a file without a space is not
    trimmed, and in a file of plain ASCII only the cells that start or end with a space are.
    """
    if spaces == "none":
        return f"nullif({cell}, '')"
    if spaces == "ascii":
        return f"nullif(case when {cell} like ' %' or {cell} like '% ' then trim({cell}) else {cell} end, '')"
    return f"nullif(trim({cell}), '')"


def cast(column: Column, text: str) -> str:
    """The typed value of a cleaned cell (NULL when it does not fit; validation reports those)."""
    if column.kind == "flag":
        return f"case upper({text}) when 'Y' then true when 'N' then false end"
    if column.kind == "date":
        # Only YYYY-MM-DD: the pattern holds the shape (DuckDB's cast alone also reads 2025/09/02)
        # and the cast the digits and the calendar; a third of the cost of a regular expression.
        return f"case when {text} like '____-__-__' then try_cast({text} as date) end"
    if column.kind == "int":
        # A whole number only: DuckDB's cast rounds '7.5' to 8 (a response of 4.5 would read as favorable,
        # 7.5 respondents as 8), so a value with a fraction is not typed and validation names it.
        number = f"try_cast({text} as double)"
        return f"case when {number} = floor({number}) then try_cast({text} as {column.sql_type}) end"
    if column.kind == "decimal":
        return f"try_cast({text} as {column.sql_type})"
    return text


def printed(column: Column, typed: str) -> str:
    """How a typed value reads as text: a flag as Y or N (sql/macros/flag_text.sql), a decimal without the
    trailing zeros of its scale (sql/macros/decimal_text.sql), so that a cell written 417 keeps no text
    beside its value 417.000."""
    if column.kind == "flag":
        return f"flag_text({typed})"
    if column.kind == "decimal":
        return f"decimal_text({typed})"
    return f"{typed}::varchar"


def text_of(column: Column) -> str:
    """A staging cell's text as the file had it (trimmed): what messages quote."""
    value = f'"{column.name}"'
    if not keeps_text(column):
        return value
    return f'coalesce("{text_column(column)}", {printed(column, value)})'


def is_empty(column: Column) -> str:
    """The cell was empty (a typed value is also NULL when its text could not be typed)."""
    if not keeps_text(column):
        return f'"{column.name}" is null'
    return f'"{column.name}" is null and "{text_column(column)}" is null'


def create_staging(con: duckdb.DuckDBPyConnection, extract: Extract) -> None:
    """Empty staging.<extract> and staging.<extract>_repeats (the later copies of rows that repeat another exactly)."""
    columns = ", ".join(f'"{name}" {sql_type}' for name, sql_type in staging_columns(extract))
    for table in (extract.name, f"{extract.name}_repeats"):
        con.execute(f"create or replace table staging.{table} ({columns})")


# --- reading one file into staging --------------------------------------------------------------


# Each of DuckDB's reading threads takes this much of a file at a time (its
# default is 8 MiB). Smaller pieces leave part-filled row groups behind an
# insert, which the next checkpoint rewrites: a fifth of the insert's time again.
READ_BUFFER_BYTES = 32 * 1024 * 1024


def _read_csv_sql(columns: int, *, keep_rejects: bool = True) -> str:
    """DuckDB's reader over the data rows (below the header): every cell as text; rejected rows in _rejects."""
    names = ", ".join(f"'c{i}': 'varchar'" for i in range(columns))
    rejects = (
        "store_rejects = true, rejects_table = '_rejects', rejects_scan = '_reject_scans'"
        if keep_rejects
        else "ignore_errors = true"
    )
    return (
        "read_csv($path, header = false, skip = $skip, auto_detect = false, delim = ',', "
        f"quote = '\"', escape = '\"', {rejects}, buffer_size = {READ_BUFFER_BYTES}, columns = {{{names}}})"
    )


def id_width_parameter(kind: str) -> str:
    """The bound parameter holding the width ids of this kind are padded to (settings `id_width`)."""
    return f"id_width_{kind}"


def read_value(column: Column, cell: str, id_widths: dict[str, int], spaces: str = "unicode") -> str:
    """A cleaned cell as staging keeps it: ids padded to their width, when the settings give one; grades without a leading zero.

    An id of digits only shorter than its width lost its leading zeros in a
    spreadsheet (0008392 saved as 8392). A grade written 07 or 09, as SIS
    exports and spreadsheets write them, is grade 7 or 9.
    """
    value = clean(cell, spaces)
    if column.identifies in id_widths:
        width = "$" + id_width_parameter(column.identifies)
        return (
            f"case when regexp_full_match({value}, '[0-9]+') and length({value}) < {width} "
            f"then lpad({value}, {width}, '0') else {value} end"
        )
    if column.kind == "code" and column.codes == GRADES:
        return f"case when regexp_full_match({value}, '0+[1-9][0-9]?') then ltrim({value}, '0') else {value} end"
    return value


def _insert_sql(
    extract: Extract, positions: dict[str, int], width: int, id_widths: dict[str, int], spaces: str = "unicode"
) -> str:
    """Read a file, type each cell and append the rows to staging.<extract>, in file order; _number_rows numbers them.

    Rows whose cells are all empty are inserted too, so that the insert counts
    every record read; load_staging deletes them.
    """
    # An optional column the header does not name reads as empty.
    cells = ", ".join(
        f'{read_value(c, f"c{positions[c.name]}", id_widths, spaces) if c.name in positions else "null::varchar"} as "{c.name}"'
        for c in extract.columns
    )
    typed = [cast(c, f'"{c.name}"') for c in extract.columns]
    texts = [
        f'case when {printed(c, value)} is distinct from "{c.name}" then "{c.name}" end'
        for c, value in zip(extract.columns, typed)
        if keeps_text(c)
    ]
    names = ", ".join(f'"{name}"' for name, _ in staging_columns(extract))
    return (
        f"insert into staging.{extract.name} ({names}) "
        f"select {', '.join(typed)}, $file, null{''.join(', ' + t for t in texts)} "
        f"from (select {cells} from {_read_csv_sql(width)})"
    )


def read_file(
    con: duckdb.DuckDBPyConnection, extract: Extract, f: LandingFile, id_widths: dict[str, int] | None = None
) -> tuple[list[Issue], int]:
    """Append one file's rows to staging.<extract>; returns its problems (errors and warnings) and how many records it has."""
    name = f.path.name
    try:
        scan = scan_file(extract.name, f.path)
    except (OSError, EOFError, zlib.error) as exc:  # gzip.BadGzipFile is an OSError
        return [_unreadable_file(extract, name, exc)], 0
    if scan.encoding_issue is not None:
        return [scan.encoding_issue], 0
    header, issues = find_header(extract, name, scan)
    if header is None:
        return issues, 0
    issues = _header_issues(extract, name, header)
    if issues:
        return issues, 0
    if header.skipped:
        issues.append(
            Issue(
                extract.name,
                "title_rows_skipped",
                WARNING,
                name,
                "the rows above the header were skipped (a title line, as spreadsheet exports add)",
                row=header.skipped[0][0],
                value=" / ".join(t.strip(" ,") for _, t in header.skipped)[:120],
                expected=f"the header on row 1; it was found on row {header.line}",
            )
        )
    positions = header.position_of()
    read = {"path": str(f.path), "skip": header.line}
    _drop_scratch_tables(con)  # a file that could not be read leaves its rejected rows behind
    try:
        widths = {
            id_width_parameter(c.identifies): id_widths[c.identifies]
            for c in extract.columns
            if c.name in positions and c.identifies in (id_widths or {})
        }
        # The insert commits on its own, before its rows are numbered: DuckDB writes a large insert
        # straight to the warehouse file and its commit costs next to nothing, unless the rows are
        # updated in the same transaction, when the commit writes every row again to the write-ahead
        # log (at state size 4 to 6 s more for the 54 M attendance rows). Rows left unnumbered by a
        # failure below stop the run (file_unreadable), and a failed run publishes nothing.
        records = con.execute(
            _insert_sql(extract, positions, len(header.cells), id_widths or {}, scan.spaces),
            {**read, "file": name, **widths},
        ).fetchone()[0]
        rejected = con.execute("select distinct line, error_type, csv_line from _rejects order by line").fetchall()
        skipped = sorted(set(scan.blank_lines) | {int(line) for line, _, _ in rejected})
        with transaction(con):
            _number_rows(con, extract, name, header, skipped, records)
    except duckdb.Error as exc:
        first_line = str(exc).strip().splitlines()[0]
        return [
            *issues,
            Issue(extract.name, "file_unreadable", ERROR, name, f"the file cannot be read as CSV: {first_line}"),
        ], 0
    issues += [
        _rejected_row_issue(extract, name, header, line, error_type, text) for line, error_type, text in rejected
    ]
    issues += _extra_columns(con, extract, name, header, positions, read)
    if records == 0 and not rejected:
        # Zero rows is a valid answer (a period without incidents, an empty part of a split export);
        # load_staging refuses a required extract only when none of its files has a row.
        issues.append(
            Issue(
                extract.name,
                "header_only",
                WARNING,
                name,
                "the file has a header row but no data rows; it was read as zero rows",
                row=header.line,
            )
        )
    _drop_scratch_tables(con)
    return issues, records


def _unreadable_file(extract: Extract, name: str, exc: Exception) -> Issue:
    """A file the operating system or gzip cannot read to its end (a .csv.gz cut short by a failed download)."""
    compressed = name.lower().endswith(".gz")
    return Issue(
        extract.name,
        "file_unreadable",
        ERROR,
        name,
        f"the file cannot be read{' as gzip-compressed text' if compressed else ''}: {exc}",
        expected=(
            "a complete .csv.gz file (copy or download it again), or the plain .csv"
            if compressed
            else "a readable CSV file"
        )
        + "; nothing was read from this file",
    )


def _drop_scratch_tables(con: duckdb.DuckDBPyConnection) -> None:
    """The reader's rejected rows and the row-number segments of the file just read (temporary, small)."""
    for table in ("_segments", "_rejects", "_reject_scans"):
        con.execute(f"drop table if exists {table}")


def _rejected_row_issue(
    extract: Extract, name: str, header: Header, line: int, error_type: str, text: str | None
) -> Issue:
    found = len(split_cells(text.strip("\r\n"))) if text else 0
    reason = {
        "MISSING COLUMNS": f"this row has {found} cells but the header has {len(header.cells)}",
        "TOO MANY COLUMNS": f"this row has {found} cells but the header has {len(header.cells)}",
        "UNQUOTED VALUE": 'a quoted cell is not closed (a " is missing)',
    }.get(error_type, f"this row cannot be read ({error_type.lower()})")
    return Issue(
        extract.name,
        "row_cells",
        ERROR,
        name,
        reason,
        row=int(line),
        value=(text or "").strip()[:120],
        expected=f"{len(header.cells)} cells separated by commas, text with commas in double quotes",
    )


def _row_segments(header_line: int, skipped_lines: list[int]) -> list[tuple[int, int]]:
    """(first record index, lines skipped before it) for an asof join from record index to row number."""
    segments = {0: 0}
    first_data_line = header_line + 1
    for count, line in enumerate((n for n in skipped_lines if n >= first_data_line), start=1):
        segments[line - first_data_line - (count - 1)] = count
    return sorted(segments.items())


def _number_rows(
    con: duckdb.DuckDBPyConnection, extract: Extract, name: str, header: Header, skipped_lines: list[int], records: int
) -> None:
    """Give the file's rows their spreadsheet row numbers: the header's row, plus their position, plus the lines skipped above them.

    The insert keeps file order, so a row's rowid in staging is its position;
    the numbers are set from it in place, without a sort. (row_number() over ()
    in the insert would number rows as well, but keeps DuckDB's reading and
    typing on one thread: slower whenever a second core is free.) Blank and rejected
    lines are then added to the numbers below them, for the few files that
    have any above their last record.
    """
    table = f"staging.{extract.name}"
    con.execute(
        f"update {table} set _source_row = rowid - (select min(rowid) from {table} where _source_file = $file) + $first_data_row "
        "where _source_file = $file",
        {"file": name, "first_data_row": header.line + 1},
    )
    segments = [(header.line + 1 + first, skipped) for first, skipped in _row_segments(header.line, skipped_lines)]
    segments = [(row, skipped) for row, skipped in segments if skipped and row <= header.line + records]
    if not segments:
        return
    con.execute("create or replace temp table _segments (first_row bigint, skipped bigint)")
    con.execute(
        "insert into _segments select unnest($rows), unnest($skipped)",
        {"rows": [row for row, _ in segments], "skipped": [skipped for _, skipped in segments]},
    )
    con.execute(
        f"update {table} as s set _source_row = s._source_row + m.skipped from ("
        f"  select r.rowid as id, g.skipped from {table} as r"
        "   asof join _segments as g on r._source_row >= g.first_row where r._source_file = $file"
        ") as m where s.rowid = m.id",
        {"file": name},
    )


def _extra_columns(
    con, extract: Extract, name: str, header: Header, positions: dict[str, int], read: dict
) -> list[Issue]:
    """Columns the extract does not use: a warning each; unnamed columns that are empty throughout are spreadsheet padding."""
    issues = []
    used = {positions[c] for c in extract.column_names if c in positions}
    for index, cell in enumerate(header.cells):
        if index in used:
            continue
        if not cell.strip():
            # Staging keeps only the extract's columns: the file is read once more, for this column (rare).
            holds_values = con.execute(
                f"select exists (select 1 from {_read_csv_sql(len(header.cells), keep_rejects=False)} "
                f"where {clean(f'c{index}')} is not null)",
                read,
            ).fetchone()[0]
            if not holds_values:
                continue
            reason = "a column without a name holds values; it was ignored"
        else:
            reason = "this column is not part of the extract; it was ignored"
        issues.append(
            Issue(
                extract.name,
                "extra_column",
                WARNING,
                name,
                reason,
                row=header.line,
                column=cell.strip() or f"column {index + 1}",
                expected="only the columns " + ", ".join(extract.column_names),
            )
        )
    return issues


# --- every file of an extract -------------------------------------------------------------------


@dataclass(frozen=True)
class Loaded:
    """What reading an extract's files gave."""

    rows_read: int  # records of every file read (meta.load_files.rows), padding rows included
    staged: int  # rows in staging.<extract>
    repeats: int  # rows in staging.<extract>_repeats


def load_staging(
    con: duckdb.DuckDBPyConnection, extract: Extract, files: list[LandingFile], id_widths: dict[str, int] | None = None
) -> Loaded:
    """staging.<extract> from every file of the extract: typed, each distinct row once, in file order.

    id_widths: the settings' id_width (ids of digits shorter than it are padded with zeros).

    A file that is a byte-for-byte copy of another is read once (a warning).
    Any file that cannot be read stops the run, with the problems of all files.
    """
    create_staging(con, extract)
    con.execute(
        "create table if not exists meta.load_files (extract varchar, file_name varchar, sha256 varchar, bytes bigint, rows bigint)"
    )
    findings.clear(con, extract.name, list(READ_RULES))
    issues: list[Issue] = []
    read: dict[str, str] = {}
    rows_read = 0
    for f in sorted(files, key=lambda f: f.path.name):
        if f.sha256 in read:
            issues.append(
                Issue(
                    extract.name,
                    "duplicate_file",
                    WARNING,
                    f.path.name,
                    f"this file is an exact copy of {read[f.sha256]}; it was read once",
                    expected="each file once in the landing folder",
                )
            )
            continue
        read[f.sha256] = f.path.name
        file_issues, records = read_file(con, extract, f, id_widths)
        issues += file_issues
        rows_read += records
        con.execute(
            "update meta.load_files set rows = ? where file_name = ? and extract = ?",
            [records, f.path.name, extract.name],
        )
    _drop_padding_rows(con, extract)
    repeats = _set_aside_repeats(con, extract)
    staged = con.execute(f"select count(*) from staging.{extract.name}").fetchone()[0]
    if extract.required and files and not staged and not any(i.severity == ERROR for i in issues):
        issues.append(_required_extract_empty(extract, sorted(read.values())))
    findings.record(con, issues)
    errors = [i.problem for i in issues if i.severity == ERROR]
    if errors:
        raise InputProblem(errors)
    return Loaded(rows_read=rows_read, staged=staged, repeats=repeats)


def _required_extract_empty(extract: Extract, names: list[str]) -> Issue:
    """The Roadmap cannot be computed without schools, calendar days, enrollment spells or attendance exceptions."""
    which = "the file has" if len(names) == 1 else f"none of the {len(names)} {extract.name} files has"
    return Issue(
        extract.name,
        "required_extract_empty",
        ERROR,
        ", ".join(names),
        f"{which} a data row, and the Roadmap cannot be computed without the {extract.name} extract",
        expected=f"at least one {extract.one_row_per} (one data row below the header)",
    )


def _drop_padding_rows(con: duckdb.DuckDBPyConnection, extract: Extract) -> None:
    """Rows whose cells are all empty are spreadsheet padding: counted as read, but no data.

    Cheap when there are none: DuckDB skips every block whose statistics say a column has no empty cell.
    """
    con.execute(f"delete from staging.{extract.name} where {' and '.join(is_empty(c) for c in extract.columns)}")


def repeated_hashes_sql(values: str, rows: str, where: str = "true") -> str:
    """The hashes of `values` that occur on two or more of `rows` (a table or view): a superset of the repeated values.

    One 8-byte hash per row, sorted, each compared with the one before it:
    at state size (tens of millions of rows, nearly all distinct) a sort of
    the hashes costs less than half the CPU of a hash aggregate over them,
    whose table of distinct values outgrows every cache. Rows whose hash
    repeats are few, and are then compared value by value.
    """
    return (
        f"select h from (select h, lag(h) over (order by h) as previous from (select hash({values}) as h "
        f"from {rows} where {where})) where h = previous"
    )


def _set_aside_repeats(con: duckdb.DuckDBPyConnection, extract: Extract) -> int:
    """Move the later copies of rows that repeat an earlier row exactly to staging.<extract>_repeats.

    Staging keeps each distinct row once, its first copy by file and row;
    validation reports the others (duplicate_row) from the _repeats table.
    Only rows whose hash of values repeats (repeated_hashes_sql) are compared
    value by value. Such rows are rare, so deleting them is cheaper than
    writing staging without them.
    """
    table = f"staging.{extract.name}"
    values = ", ".join(f'"{c}"' for c in extract.column_names)
    con.execute(
        "create or replace temp table _repeats as select _source_file, _source_row from ("
        f"  select _source_file, _source_row, row_number() over (partition by {values} order by _source_file, _source_row) as copy"
        f"  from {table} where hash({values}) in ({repeated_hashes_sql(values, table)})"
        ") where copy > 1"
    )
    repeats = con.execute("select count(*) from _repeats").fetchone()[0]
    if repeats:
        con.execute(
            f"insert into {table}_repeats select * from {table} semi join _repeats using (_source_file, _source_row)"
        )
        con.execute(
            f"delete from {table} as s using _repeats as r where s._source_file = r._source_file and s._source_row = r._source_row"
        )
    con.execute("drop table _repeats")
    return repeats


_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")
assert all(_IDENTIFIER.match(c) for e in EXTRACTS.values() for c in e.column_names)
