"""A property-based fuzz of ingest and validation, in process: mangled extract files against the tiny zone.

Each example replaces one extract file of the tiny zone (tests/ingest_zone.py)
with a mangled one: cells swapped for hostile text (formulas, markup, ids
with path characters, NUL and control bytes, quotes, huge values), columns
dropped, swapped, renamed or repeated, lines left blank or cut short, other
line ends and encodings, bytes inserted, the file truncated or gzipped.
Only that extract is read again (ingest.load_staging) and judged
(validation.run.validate) in one in-memory DuckDB that holds the rest of the
zone, then put back: an example costs a few hundredths of a second where a
whole build costs ten.

The properties (FuzzLanding.check):
- nothing escapes but the product's own input error (errors.InputProblem);
- a refused file is refused where the publishing gate sees it: whenever an
  error is recorded in meta.errors, ingest raised or the extract's check
  (Outcome.passed, the blocking Dagster check) fails, and each error names
  the file; the gate stopping the build and publishing nothing is tested end
  to end in tests/test_validation_cli.py;
- an accepted file's rows are all accounted for: every record below its
  header (as Python's csv module reads the same text) is a row of staging or
  of the exact repeats set aside (reported as duplicate_row), unless all its
  cells are empty (spreadsheet padding); each row once, and every finding
  that leaves a row out of the figures names one of those rows;
- nothing is written to the landing folder or beside it.

Profiles: `ci` (make test: 150 and 40 examples, the same ones every run)
and `fuzz` (make fuzz: 10,000 examples in all, new ones every run).
"""

from __future__ import annotations

import atexit
import csv
import gzip
import io
import os
import shutil
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import duckdb
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.database import DirectoryBasedExampleDatabase
from ingest_zone import DAYS, ORDER, write_zone

from sezp_roadmap import ingest
from sezp_roadmap.config import load_settings
from sezp_roadmap.errors import InputProblem
from sezp_roadmap.extracts import EXTRACTS
from sezp_roadmap.findings import EXCLUDED
from sezp_roadmap.validation.run import Outcome, validate
from sezp_roadmap.warehouse import SCHEMAS, add_macros

# --- profiles ------------------------------------------------------------------------------------

_SLOW_IS_FINE = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example]
# make test: the same examples every run (no flaky CI), few enough to take seconds.
CI_INGEST = settings(
    max_examples=150, deadline=None, derandomize=True, database=None, suppress_health_check=_SLOW_IS_FINE
)
CI_VALIDATION = settings(CI_INGEST, max_examples=40)
# make fuzz: new examples every run, 10,000 in all (an example of ingest alone costs a third of one
# validated); a failure is shrunk and printed, then kept as an @example.
FUZZ_INGEST = settings(
    max_examples=int(os.environ.get("SEZP_FUZZ_INGEST_EXAMPLES", "6000")),
    deadline=None,
    # Hypothesis's example database (.hypothesis/, not committed): the next run replays a failure first.
    database=DirectoryBasedExampleDatabase(str(Path(__file__).resolve().parent.parent / ".hypothesis" / "examples")),
    suppress_health_check=_SLOW_IS_FINE,
)
FUZZ_VALIDATION = settings(FUZZ_INGEST, max_examples=int(os.environ.get("SEZP_FUZZ_VALIDATION_EXAMPLES", "4000")))

# How many examples each property has run in this process, and how they ended (benchmarks/fuzz.py reports them).
EXAMPLES_RUN: Counter[str] = Counter()
ENDINGS: dict[str, Counter[str]] = {}

# --- cell values ---------------------------------------------------------------------------------

HOSTILE_TEXT = (
    "",
    " ",
    "  padded  ",
    '"',
    '""',
    'say "hi"',
    "a,b",
    "line\nbreak",
    "cr\rreturn",
    "crlf\r\ninside",
    "tab\there",
    "\x00",
    "nul\x00inside",
    "\x01\x02\x1b[31m",
    "\x7f\x85",
    "\ufeff",
    "\u2028",
    "\u202eevil",
    "Escuela Martí",
    "😀",
    "学校",
    '=HYPERLINK("http://x","y")',
    "+1+1",
    "-1",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "[x](javascript:alert(1))",
    "**bold** _it_ |a|b|",
    "../../../../pwn",
    "HX04/annex",
    "..\\..\\win",
    "/etc/passwd",
    "C:\\x",
    ".hidden",
    "con",
    "a" * 70,
    "9" * 40,
    "-" + "9" * 30,
    "1" + "0" * 400,
    "9223372036854775808",
    "-9223372036854775809",
    "1e309",
    "NaN",
    "inf",
    "-0",
    "0x10",
    "1_000",
    "１２",
    "0.5",
    ".5",
    "5.",
    "2025-02-29",
    "2025-02-30",
    "2025-13-01",
    "0000-01-01",
    "9999-12-31",
    "99999-01-01",
    "2025/09/02",
    "Y",
    "n",
    "yes",
    "x" * 5_000,
)
# Longer than the csv module's cell limit (128 KiB): drawn rarely, it is slow to shrink.
HUGE_TEXT = "h" * 140_000
hostile_cell = st.one_of(
    st.sampled_from(HOSTILE_TEXT),
    st.text(max_size=8),
    st.integers(0, 19).map(lambda i: HUGE_TEXT if i == 0 else "0"),
)

# --- the base zone, read once --------------------------------------------------------------------


def write_fuzz_zone(folder: Path) -> Path:
    """The tiny zone with a row or two of the extracts it leaves out, so every extract has rows to mangle."""
    write_zone(folder)
    (folder / "assessments.csv").write_text(
        "student_id,school_id,school_year,assessment,administration,test_date,grade,scale_score,performance_level,"
        "percentile,growth_percentile,typical_growth_met\n"
        f"0001,A,2026,interim_reading,fall,{DAYS[8]},7,480,At or above grade level,55,,N\n"
        f"0006,B,2026,interim_math,fall,{DAYS[9]},9,455,1 grade level below,20,40,Y\n"
    )
    (folder / "state_figures.csv").write_text(
        "school_year,org_code,subgroup,metric,value,source\n"
        "2025,02810000,all,attendance_rate,91.6,DESE profiles\n"
        "2025,00000000,all,oss_rate,2.6,DESE SSDR\n"
    )
    # B's vendor figures: A's fall answers are in family_survey, and would win over a summary of A.
    (folder / "family_survey_summary.csv").write_text(
        "school_id,school_year,administration,topic,percent_favorable,respondents\n"
        "B,2026,fall,Communication,72.5,12\n"
        "B,2026,fall,Overall,70,14\n"
    )
    return folder


def _base_tables(folder: Path) -> dict[str, tuple[list[str], list[list[str]]]]:
    """Every extract's header and rows as written by write_zone (one file per extract)."""
    tables = {}
    for name in ORDER:
        with (folder / f"{name}.csv").open(newline="", encoding="utf-8") as handle:
            header, *rows = list(csv.reader(handle))
        tables[name] = (header, rows)
    return tables


with tempfile.TemporaryDirectory(prefix="fuzz_base_") as _folder:
    BASE = _base_tables(write_fuzz_zone(Path(_folder)))

# --- a mangled file ------------------------------------------------------------------------------


@dataclass(frozen=True)
class MangledFile:
    extract: str
    name: str  # the landing file name: <extract>.csv, <extract>_part2.csv or <extract>.csv.gz
    content: bytes
    replaces_base: bool  # False: a second part beside the base file

    def __repr__(self) -> str:  # what a failing example prints, to paste into an @example
        return f"MangledFile({self.extract!r}, {self.name!r}, {self.content!r}, {self.replaces_base!r})"


def _rename(name: str, how: int, other: str) -> str:
    return [name.upper(), f"  {name} ", name[:-1], other, "", "\ufeff" + name, name + "\x00"][how]


@st.composite
def table(draw, extract: str, min_rows: int = 0) -> tuple[list[str], list[list[str]]]:
    """The extract's header and rows, drawn from the base zone's, with columns and cells mangled."""
    header, base_rows = BASE[extract]
    header = list(header)
    rows = [list(r) for r in draw(st.lists(st.sampled_from(base_rows), min_size=min_rows, max_size=9))]
    # Most files keep their columns, so that most examples reach the rows (a missing column stops a file at once).
    for _ in range(draw(st.sampled_from([0, 0, 0, 1, 2]))):
        width = len(header)
        op = draw(st.sampled_from(["drop", "rename", "swap", "repeat", "extra", "shuffle"]))
        i = draw(st.integers(0, width - 1))
        if op == "drop" and width > 1:
            del header[i]
            for r in rows:
                del r[i]
        elif op == "rename":
            header[i] = _rename(header[i], draw(st.integers(0, 6)), draw(st.sampled_from(header)))
        elif op == "swap":
            j = draw(st.integers(0, width - 1))
            header[i], header[j] = header[j], header[i]
        elif op == "repeat":
            header.append(header[i])
            for r in rows:
                r.append(r[i])
        elif op == "extra":
            header.append(draw(st.sampled_from(["notes", "", "School_ID", "x" * 200])))
            for r in rows:
                r.append(draw(st.sampled_from(["", "n/a", "=1+1"])))
        elif op == "shuffle":
            order = draw(st.permutations(range(width)))
            header = [header[k] for k in order]
            rows = [[r[k] for k in order] for r in rows]
    for _ in range(draw(st.integers(0, 4)) if rows else 0):
        r = draw(st.integers(0, len(rows) - 1))
        rows[r][draw(st.integers(0, len(header) - 1))] = draw(hostile_cell)
    return header, rows


def _line(cells: list[str], quoting: str) -> str:
    if quoting == "none":  # a mangled export: no quotes at all, whatever the cells hold
        return ",".join(cells)
    out = io.StringIO()
    # The writer quotes a cell holding a character of its line terminator: CR LF makes it quote both.
    quoting_rule = csv.QUOTE_ALL if quoting == "all" else csv.QUOTE_MINIMAL
    csv.writer(out, quoting=quoting_rule, lineterminator="\r\n").writerow(cells)
    return out.getvalue().removesuffix("\r\n")


@st.composite
def mangled_file(draw, rough: bool = True) -> MangledFile:
    """A mangled file of one extract; rough=False keeps it readable (UTF-8, quoted, whole), for validation's rules."""
    extract = draw(st.sampled_from(ORDER))
    header, rows = draw(table(extract, min_rows=0 if rough else 1))
    if not rough:
        quoting = draw(st.sampled_from(["minimal", "all"]))
        lines = [_line(header, quoting), *(_line(r, quoting) for r in rows)]
        end = draw(st.sampled_from(["\n", "\r\n"]))
        text = end.join(lines) + end
        content = text.encode(draw(st.sampled_from(["utf-8", "utf-8-sig"])))
        return MangledFile(extract, f"{extract}.csv", content, replaces_base=True)
    quoting = draw(st.sampled_from(["minimal", "minimal", "all", "none"]))
    lines = [_line(header, quoting), *(_line(r, quoting) for r in rows)]
    for _ in range(draw(st.integers(0, 2))):  # blank lines, anywhere
        lines.insert(draw(st.integers(0, len(lines))), draw(st.sampled_from(["", " ", ",,,"])))
    for _ in range(draw(st.integers(0, 1))):  # a title line above the header
        lines.insert(0, draw(st.sampled_from(["Enrollment report, generated 2025-10-31", "Title,,,", "="])))
    end = draw(st.sampled_from(["\n", "\n", "\r\n", "\r"]))
    text = end.join(lines) + draw(st.sampled_from([end, ""]))
    encoding = draw(st.sampled_from(["utf-8"] * 6 + ["utf-8-sig", "cp1252", "utf-16", "latin-1"]))
    content = text.encode(encoding, errors="replace")
    if draw(st.integers(0, 7)) == 0:  # bytes inserted: NUL, control, high bytes, a stray quote
        for _ in range(draw(st.integers(1, 3))):
            at = draw(st.integers(0, len(content)))
            content = content[:at] + draw(st.binary(min_size=1, max_size=3)) + content[at:]
    if draw(st.integers(0, 7)) == 0:  # cut short anywhere
        content = content[: draw(st.integers(0, len(content)))]
    gzipped = draw(st.integers(0, 9)) == 0
    if gzipped:
        content = gzip.compress(content, mtime=0)
        if draw(st.booleans()):  # a download that stopped part way
            content = content[: draw(st.integers(0, len(content)))]
    part = not gzipped and draw(st.integers(0, 4)) == 0
    name = f"{extract}_part2.csv" if part else f"{extract}.csv.gz" if gzipped else f"{extract}.csv"
    return MangledFile(extract, name, content, replaces_base=not part)


# --- the harness ---------------------------------------------------------------------------------


class FuzzLanding:
    """The tiny zone ingested and validated once; each example swaps one file in, checks, and puts the zone back."""

    def __init__(self, root: Path):
        self.root = root
        self.landing = write_fuzz_zone(root / "landing")
        self.base_bytes = {p.name: p.read_bytes() for p in self.landing.iterdir()}
        self.con = add_macros(duckdb.connect(config={"threads": 1}))
        for schema in SCHEMAS:
            self.con.execute(f"create schema {schema}")
        self.settings = load_settings(None, self.landing)
        files, _ = ingest.discover(self.landing)
        ingest.record_files(self.con, files)
        for name in ORDER:
            ingest.load_staging(self.con, EXTRACTS[name], [f for f in files if f.extract == name])
        for name in ORDER:
            assert validate(self.con, name, self.settings).passed, name
        self.con.execute("create schema keep")
        for name in ORDER:
            for table_name in (name, f"{name}_repeats"):
                self.con.execute(f"create table keep.{table_name} as from staging.{table_name}")
        for table_name in ("errors", "findings", "load_files"):
            self.con.execute(f"create table keep.{table_name} as from meta.{table_name}")
        self.tree = self._tree()

    def _tree(self) -> dict[str, bytes]:
        return {str(p.relative_to(self.root)): p.read_bytes() for p in sorted(self.root.rglob("*")) if p.is_file()}

    def check(self, mangled: MangledFile, property_name: str, *, validation: bool = True) -> None:
        EXAMPLES_RUN[property_name] += 1
        path = self.landing / mangled.name
        if mangled.replaces_base:
            (self.landing / f"{mangled.extract}.csv").unlink()
        path.write_bytes(mangled.content)
        try:
            ending = self._check(mangled, validation)
            ENDINGS.setdefault(property_name, Counter())[ending] += 1
        finally:
            self._restore(mangled)

    def _check(self, mangled: MangledFile, validation: bool) -> str:
        """Check one example; returns how it ended: accepted, refused by ingest or refused by validation."""
        con, name = self.con, mangled.extract
        files, _ = ingest.discover(self.landing)
        mine = [f for f in files if f.extract == name]
        assert mangled.name in {f.path.name for f in mine}
        try:
            ingest.load_staging(con, EXTRACTS[name], mine)
        except InputProblem as problem:
            self._check_refused_by_ingest(mangled, problem, mine)
            return "refused by ingest"
        finally:
            assert self._tree() == self._expected_tree(mangled), "ingest wrote into the landing folder or beside it"
        assert not self._errors(name), "ingest recorded an error but did not stop"
        if not validation:
            self._check_rows_accounted(mangled, validated=False)
            return "accepted"
        outcome = validate(con, name, self.settings)
        assert self._tree() == self._expected_tree(mangled), "validation wrote into the landing folder or beside it"
        self._check_outcome(mangled, outcome)
        if not outcome.passed:
            return "refused by validation"
        self._check_rows_accounted(mangled, validated=True)
        return "accepted"

    def _errors(self, extract: str) -> list[tuple]:
        return self.con.execute(
            "select file, row, column_name, message from meta.errors where extract = ?", [extract]
        ).fetchall()

    def _check_refused_by_ingest(self, mangled: MangledFile, problem: InputProblem, mine: list) -> None:
        names = {f.path.name for f in mine}
        assert problem.problems, "an input error without a problem"
        for p in problem.problems:
            # Each problem names the file (required_extract_empty names every file of the extract, joined).
            assert any(n in p.file for n in names), f"the problem does not name a file: {p}"
            assert str(p)
        assert self._errors(mangled.extract), "ingest refused the file without recording an error"

    def _check_outcome(self, mangled: MangledFile, outcome: Outcome) -> None:
        errors = self._errors(mangled.extract)
        # The blocking check passes exactly when no error is recorded: an error never publishes.
        assert outcome.passed == (not errors), (outcome.passed, errors[:3])
        assert outcome.error_count == len(errors)
        names = {p.name for p in self.landing.iterdir()} | {f"staging.{mangled.extract}"}
        for file, _row, _column, message in errors:
            assert any(n in file for n in names), f"an error that names no file: {message}"
        assert outcome.description

    def _check_rows_accounted(self, mangled: MangledFile, *, validated: bool) -> None:
        con, name, file = self.con, mangled.extract, mangled.name
        rows = con.execute(
            f"select _source_row from staging.{name} where _source_file = $f "
            f"union all select _source_row from staging.{name}_repeats where _source_file = $f",
            {"f": file},
        ).fetchall()
        numbers = [r[0] for r in rows]
        assert None not in numbers, "a row without its row number"
        assert len(numbers) == len(set(numbers)), "two rows with the same row number"
        expected = records_below_header(mangled)
        assert len(numbers) == expected, f"{len(numbers)} rows in staging, {expected} records in the file"
        if not validated:
            return
        repeats = con.execute(f"select count(*) from staging.{name}_repeats where _source_file = ?", [file]).fetchone()
        reported = con.execute(
            "select count(*) from meta.findings where extract = ? and file = ? and rule = 'duplicate_row'",
            [name, file],
        ).fetchone()
        assert repeats == reported, "a repeated row set aside without a duplicate_row finding"
        left_out = con.execute(
            "select row from meta.findings where extract = ? and file = ? and severity = ? and row is not null",
            [name, file, EXCLUDED],
        ).fetchall()
        assert {r[0] for r in left_out} <= set(numbers), "a row left out of the figures is not a row of the file"

    def _expected_tree(self, mangled: MangledFile) -> dict[str, bytes]:
        """The folder as the example left it: the base zone with the mangled file in."""
        tree = dict(self.tree)
        if mangled.replaces_base:
            del tree[f"landing/{mangled.extract}.csv"]
        tree[f"landing/{mangled.name}"] = mangled.content
        return tree

    def _restore(self, mangled: MangledFile) -> None:
        (self.landing / mangled.name).unlink(missing_ok=True)
        base = f"{mangled.extract}.csv"
        (self.landing / base).write_bytes(self.base_bytes[base])
        name = mangled.extract
        for table_name in (name, f"{name}_repeats"):
            self.con.execute(f"create or replace table staging.{table_name} as from keep.{table_name}")
        for table_name in ("errors", "findings"):
            self.con.execute(f"delete from meta.{table_name} where extract = ?", [name])
            self.con.execute(f"insert into meta.{table_name} select * from keep.{table_name} where extract = ?", [name])


def records_below_header(mangled: MangledFile) -> int:
    """Records below the header that hold a value, as Python's csv module reads the file: the oracle of ingest's count."""
    content = gzip.decompress(mangled.content) if mangled.name.endswith(".gz") else mangled.content
    text = content.decode("utf-8")
    text = text.removeprefix("\ufeff")
    scan = ingest.scan_file(mangled.extract, _scratch(mangled.name, content))
    header, _ = ingest.find_header(EXTRACTS[mangled.extract], mangled.name, scan)
    below = "\n".join(text.split("\n")[header.line :])
    records = csv.reader(io.StringIO(below, newline=""))
    limit = csv.field_size_limit(1 << 30)  # the huge cells drawn; restored for the product's own use of csv
    try:
        # DuckDB's trim, as ingest.clean uses it, removes Unicode's space separators only: a cell of a tab holds a value.
        return sum(1 for record in records if any(cell.strip(SPACE_SEPARATORS) for cell in record))
    finally:
        csv.field_size_limit(limit)


# The characters DuckDB's trim removes: Unicode's category Zs (test_ingest checks the list against DuckDB).
SPACE_SEPARATORS = " \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"


_SCRATCH = Path(tempfile.mkdtemp(prefix="fuzz_scratch_"))
atexit.register(shutil.rmtree, _SCRATCH, ignore_errors=True)


def _scratch(name: str, content: bytes) -> Path:
    path = _SCRATCH / name.removesuffix(".gz")
    path.write_bytes(content)
    return path


def fresh_landing(root: Path) -> FuzzLanding:
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    return FuzzLanding(root)
