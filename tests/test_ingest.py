"""Reading the landing folder: staging keeps every row once, typed, with its file and row; re-reading changes nothing."""

from __future__ import annotations

import gzip
import shutil

import duckdb
import pytest
from ingest_zone import DAYS, append, ingest_and_validate, write_zone

from sezp_roadmap import findings, ingest
from sezp_roadmap.errors import InputProblem, Problem
from sezp_roadmap.extracts import EXTRACTS
from sezp_roadmap.warehouse import add_macros, connection_config

COUNTED = (
    "staging.attendance",
    "staging.attendance_repeats",
    "staging.enrollment",
    "staging.calendar",
    "meta.findings",
)


def rows_read(run, extract: str) -> int:
    """Every row of the extract's files that were read (a file that is a copy of another is not)."""
    return run.con.execute(
        "select coalesce(sum(rows), 0) from meta.load_files where extract = ?", [extract]
    ).fetchone()[0]


def counts(run) -> dict:
    return {table: run.count(table) for table in COUNTED} | {"rows read": rows_read(run, "attendance")}


def test_staging_keeps_every_row_with_its_file_and_row_and_the_file_its_hash(tmp_path):
    folder = write_zone(tmp_path / "landing")
    run = ingest_and_validate(folder)
    rows = run.con.execute("select student_id, _source_file, _source_row from staging.attendance").fetchall()
    assert len(rows) == 25
    assert rows[0] == ("0001", "attendance.csv", 2)
    assert [r[2] for r in rows] == list(range(2, 27))
    files = run.con.execute(
        "select file_name, sha256, rows from meta.load_files where extract = 'attendance'"
    ).fetchall()
    assert files == [("attendance.csv", ingest.file_hash(folder / "attendance.csv"), 25)]
    assert not run.con.execute("select count(*) from information_schema.schemata where schema_name = 'raw'").fetchone()[
        0
    ]


def test_student_ids_keep_their_leading_zeros_and_lose_surrounding_spaces(tmp_path):
    folder = write_zone(tmp_path / "landing")
    (folder / "enrollment.csv").write_text((folder / "enrollment.csv").read_text().replace("0007,A", " 0007 ,A"))
    run = ingest_and_validate(folder)
    assert run.con.execute("select student_id from staging.enrollment where _source_row = 9").fetchone()[0] == "0007"
    ids = {r[0] for r in run.con.execute("select student_id from staging.enrollment").fetchall()}
    assert ids == {"0001", "0002", "0003", "0004", "0005", "0006", "0007"}
    assert run.con.execute("select typeof(student_id) from staging.attendance limit 1").fetchone()[0] == "VARCHAR"


def test_cells_are_trimmed_as_the_file_needs_and_unicode_spaces_are_still_trimmed(tmp_path):
    plain = tmp_path / "plain.csv"
    plain.write_text("student_id,school_id\n0001,S1\n")
    spaced = tmp_path / "spaced.csv"
    spaced.write_text("student_id,school_id\n0001,S1\n0002 ,S1\n")
    unicode = tmp_path / "unicode.csv"
    unicode.write_text("student_id,school_id\n\u00a00003\u00a0,S1\n", encoding="utf-8")
    assert ingest.scan_file("enrollment", plain).spaces == "none"
    assert ingest.scan_file("enrollment", spaced).spaces == "ascii"
    # DuckDB's trim removes Unicode spaces too, which only a file that is not plain ASCII can hold.
    assert ingest.scan_file("enrollment", unicode).spaces == "unicode"
    con = duckdb.connect()
    cells = [" a ", "a ", " a", "a b", " ", "", None, "  a  b  "]
    for spaces in ("ascii", "unicode"):
        cleaned = [con.execute(f"select {ingest.clean('$c', spaces)}", {"c": c}).fetchone()[0] for c in cells]
        assert cleaned == ["a", "a", "a", "a b", None, None, None, "a  b"]

    folder = write_zone(tmp_path / "landing")
    enrollment = (folder / "enrollment.csv").read_text()
    assert " " not in enrollment
    (folder / "enrollment.csv").write_text(enrollment.replace("0007,A", "\u00a00007\u00a0,A"), encoding="utf-8")
    run = ingest_and_validate(folder)
    assert run.con.execute("select student_id from staging.enrollment where _source_row = 9").fetchone()[0] == "0007"
    # The attendance file has no space: read without trimming, it stages the same ids.
    assert " " not in (folder / "attendance.csv").read_text()
    assert run.con.execute("select count(*) from staging.attendance where student_id = '0001'").fetchone()[0] > 0


def test_duckdb_trims_unicode_space_separators_only():
    """ingest.clean's ASCII mode tests only for the space, and the fuzz's oracle strips SPACE_SEPARATORS:
    both hold while DuckDB's trim removes exactly Unicode's category Zs (checked over the first plane)."""
    import unicodedata

    from fuzz_landing import SPACE_SEPARATORS

    con = duckdb.connect()
    trimmed = con.execute(
        "select list(i order by i) from range(1, 65536) as r(i) "
        "where not (i between 55296 and 57343) and trim(chr(i::integer) || 'x' || chr(i::integer)) = 'x'"
    ).fetchone()[0]
    separators = [c for c in range(1, 65536) if not 55296 <= c <= 57343 and unicodedata.category(chr(c)) == "Zs"]
    assert trimmed == separators == sorted(ord(c) for c in SPACE_SEPARATORS)


def test_a_decimal_keeps_its_text_only_where_it_reads_differently(tmp_path):
    folder = write_zone(tmp_path / "landing")
    discipline = (folder / "discipline.csv").read_text()
    (folder / "discipline.csv").write_text(discipline.replace(",ISS,0.5\n", ",ISS,0.50\n"))
    run = ingest_and_validate(folder)
    texts = dict(run.con.execute("select incident_id, _days_removed_text from staging.discipline").fetchall())
    # 2 reads 2 (not the column's 2.000): no text beside it; 0.50 reads 0.5, so its text is kept for messages.
    assert texts == {"I1": None, "I2": "0.50"}
    quoted = run.con.execute(
        f"select incident_id, {ingest.text_of(EXTRACTS['discipline'].column('days_removed'))} from staging.discipline"
    ).fetchall()
    assert dict(quoted) == {"I1": "2", "I2": "0.50"}


def test_staging_is_typed(tmp_path):
    run = ingest_and_validate(write_zone(tmp_path / "landing"))
    types = dict(
        run.con.execute(
            "select column_name, data_type from information_schema.columns where table_schema = 'staging' and table_name = 'enrollment'"
        ).fetchall()
    )
    assert types["entry_date"] == "DATE" and types["school_year"] == "INTEGER" and types["ell"] == "BOOLEAN"
    assert run.con.execute("select days_removed from staging.discipline where incident_id = 'I2'").fetchone()[
        0
    ] == pytest.approx(0.5)
    # A skipped survey item is a missing answer, not a zero.
    assert run.con.execute("select count(*) from staging.family_survey where response is null").fetchone()[0] == 1


def test_files_of_one_extract_are_combined(tmp_path):
    folder = write_zone(tmp_path / "landing")
    lines = (folder / "attendance.csv").read_text().splitlines()
    (folder / "attendance.csv").unlink()
    (folder / "attendance_part1.csv").write_text("\n".join(lines[:10]) + "\n")
    (folder / "attendance_part2.csv").write_text("\n".join([lines[0], *lines[10:]]) + "\n")
    run = ingest_and_validate(folder)
    assert run.count("staging.attendance") == 25
    assert run.con.execute("select count(distinct _source_file) from staging.attendance").fetchone()[0] == 2
    # Row numbers are those of each file.
    assert (
        run.con.execute(
            "select min(_source_row) from staging.attendance where _source_file = 'attendance_part2.csv'"
        ).fetchone()[0]
        == 2
    )
    assert rows_read(run, "attendance") == 25


def test_the_same_file_twice_changes_no_count(tmp_path):
    folder = write_zone(tmp_path / "landing")
    before = counts(ingest_and_validate(folder))
    again = counts(ingest_and_validate(folder))
    assert again == before
    shutil.copyfile(folder / "attendance.csv", folder / "attendance_copy.csv")
    run = ingest_and_validate(folder)
    after = counts(run)
    assert after["rows read"] == before["rows read"]
    assert after["staging.attendance"] == before["staging.attendance"]
    assert after["staging.attendance_repeats"] == before["staging.attendance_repeats"] == 0
    assert after["meta.findings"] == before["meta.findings"] + 1
    assert [r["rule"] for r in run.findings if r["file"] == "attendance_copy.csv"] == ["duplicate_file"]


def test_a_row_repeated_in_another_file_is_counted_once(tmp_path):
    folder = write_zone(tmp_path / "landing")
    before = counts(ingest_and_validate(folder))
    (folder / "attendance_late.csv").write_text(
        f"student_id,school_id,date,code\n0001,A,{DAYS[1]},A\n0007,A,{DAYS[9]},A\n"
    )
    run = ingest_and_validate(folder)
    assert rows_read(run, "attendance") == before["rows read"] + 2
    assert run.count("staging.attendance") == before["staging.attendance"] + 1
    # The later copy is kept aside, not dropped: validation reports it (duplicate_row).
    assert run.con.execute("select _source_file, _source_row from staging.attendance_repeats").fetchall() == [
        ("attendance_late.csv", 2)
    ]


def test_exact_repeats_keep_their_first_copy_even_with_an_empty_cell_and_staging_keeps_file_order(tmp_path):
    folder = write_zone(tmp_path / "landing")
    # The same survey answer three times, its response empty (a skipped item), in two files.
    before = counts(ingest_and_validate(folder))
    header = (folder / "family_survey.csv").read_text().splitlines()[0]
    empty_answer = next(
        line for line in (folder / "family_survey.csv").read_text().splitlines()[1:] if line.endswith(",")
    )
    append(folder, "family_survey.csv", empty_answer)
    (folder / "family_survey_late.csv").write_text(f"{header}\n{empty_answer}\n")
    run = ingest_and_validate(folder)
    kept = run.con.execute(
        "select _source_file, _source_row from staging.family_survey where response is null"
    ).fetchall()
    assert len(kept) == 1 and kept[0][0] == "family_survey.csv"
    assert rows_read(run, "family_survey") - run.count("staging.family_survey") == 2
    assert run.count("staging.family_survey_repeats") == 2
    order = run.con.execute("select _source_file, _source_row from staging.attendance").fetchall()
    assert order == sorted(order) and before["staging.attendance"] == len(order)


def test_a_corrected_file_replaces_what_it_replaced(tmp_path):
    folder = write_zone(tmp_path / "landing")
    ingest_and_validate(folder)
    text = (folder / "attendance.csv").read_text().replace(f"0001,A,{DAYS[1]},A", f"0001,A,{DAYS[1]},AE")
    (folder / "attendance.csv").write_text(text)
    run = ingest_and_validate(folder)
    assert run.count("staging.attendance") == 25
    assert run.con.execute(
        f"select code from staging.attendance where student_id = '0001' and date = '{DAYS[1]}'"
    ).fetchall() == [("AE",)]


def test_compressed_files_are_read(tmp_path):
    folder = write_zone(tmp_path / "landing")
    with gzip.open(folder / "attendance.csv.gz", "wb") as handle:
        handle.write((folder / "attendance.csv").read_bytes())
    (folder / "attendance.csv").unlink()
    run = ingest_and_validate(folder)
    assert not run.errors
    assert run.count("staging.attendance") == 25


def test_blank_lines_are_counted_wherever_the_blocks_of_a_large_file_end(tmp_path, monkeypatch):
    monkeypatch.setattr(ingest, "_BLOCK", 7)  # tiny blocks: blank lines fall across block boundaries
    path = tmp_path / "attendance.csv"
    path.write_bytes(b"student_id,school_id,date,code\r\n\r\n0001,A,2025-09-03,A\r\n\r\n\r\n0002,A,2025-09-03,A\r\n")
    scan = ingest.scan_file("attendance", path)
    assert scan.blank_lines == [2, 4, 5]
    assert scan.encoding_issue is None
    con = add_macros(duckdb.connect(config=connection_config()))
    for schema in ("meta", "staging"):
        con.execute(f"create schema {schema}")
    ingest.load_staging(con, EXTRACTS["attendance"], [ingest.LandingFile("attendance", path, "x", 1)])
    assert con.execute("select student_id, _source_row from staging.attendance").fetchall() == [
        ("0001", 3),
        ("0002", 6),
    ]


def test_a_file_without_blank_lines_reads_the_same_in_any_block_size(tmp_path, monkeypatch):
    path = tmp_path / "attendance.csv"
    path.write_bytes(
        b"student_id,school_id,date,code\r\n0001,A,2025-09-03,A\n0002,A,2025-09-03,A\r\n0003,A,2025-09-03,A"
    )
    for block in (1, 2, 3, 7, 1 << 20):
        monkeypatch.setattr(ingest, "_BLOCK", block)
        scan = ingest.scan_file("attendance", path)
        assert scan.blank_lines == [] and scan.encoding_issue is None
        assert [number for number, _ in scan.first_lines] == [1, 2, 3, 4]


def test_a_bad_byte_after_a_character_split_between_blocks_is_named_on_its_row(tmp_path, monkeypatch):
    # "€" is three bytes (E2 82 AC); with 5-byte blocks its first byte ends the first block, and FF after it
    # is the last byte of the file, where the decoder's position runs past the second block's own bytes.
    monkeypatch.setattr(ingest, "_BLOCK", 5)
    path = tmp_path / "schools.csv"
    path.write_bytes(b"ab\nc\xe2\x82\xac\xff")
    issue = ingest.scan_file("schools", path).encoding_issue
    assert issue is not None and issue.rule == "file_encoding"
    assert issue.row == 2
    assert "byte 0xFF cannot be read" in issue.reason


def _read_one(path) -> tuple[duckdb.DuckDBPyConnection, list[Problem]]:
    """One file read into a fresh in-memory warehouse, and the problems that stop the run."""
    con = add_macros(duckdb.connect(config=connection_config()))
    for schema in ("meta", "staging"):
        con.execute(f"create schema {schema}")
    extract = ingest.extract_of(path)
    files = [ingest.LandingFile(extract, path, "x", 1)]
    ingest.record_files(con, files)
    try:
        ingest.load_staging(con, EXTRACTS[extract], files)
    except InputProblem as raised:
        return con, raised.problems
    return con, []


def test_rows_below_title_blank_and_rejected_lines_keep_their_spreadsheet_numbers(tmp_path):
    path = tmp_path / "attendance.csv"
    path.write_bytes(
        b"Attendance export,,,\n"  # row 1: a title line
        b"student_id,school_id,date,code\n"
        b"0001,A,2025-09-03,A\n"
        b"\n"
        b"0002,A,2025-09-03,A\n"
        b"0003,A,2025-09-03,A,extra\n"  # row 6: one cell too many, rejected
        b"0004,A,2025-09-03,A\n"
        b",,,\n"  # row 8: spreadsheet padding
        b"0005,A,2025-09-03,A\n"
        b"\n"
    )
    con, problems = _read_one(path)
    assert [(p.row, p.message) for p in problems] == [(6, "this row has 5 cells but the header has 4")]
    assert con.execute("select student_id, _source_row from staging.attendance").fetchall() == [
        ("0001", 3),
        ("0002", 5),
        ("0004", 7),
        ("0005", 9),
    ]
    # Every record read counts, the padding row too (the share of bad rows is of these); the rejected row is an error.
    assert con.execute("select rows from meta.load_files").fetchone()[0] == 5


def test_typed_cells_keep_their_text_only_where_the_value_reads_differently(tmp_path):
    folder = write_zone(tmp_path / "landing")
    text = (folder / "enrollment.csv").read_text()
    (folder / "enrollment.csv").write_text(
        text.replace("0001,A,2026,7", "0001,A,02026,7").replace("H,F,Y,N,N,Y\n", "H,F,y,N,N,Y\n", 1)
    )
    run = ingest_and_validate(folder)
    assert not run.errors
    first = run.con.execute(
        "select school_year, _school_year_text, ell, _ell_text, entry_date, _entry_date_text from staging.enrollment where _source_row = 2"
    ).fetchone()
    assert first == (2026, "02026", True, "y", DAYS[0], None)
    others = run.con.execute(
        "select count(_school_year_text), count(_ell_text), count(_entry_date_text) from staging.enrollment where _source_row > 2"
    ).fetchone()
    assert others == (0, 0, 0)


def test_findings_messages_built_in_sql_read_like_the_cli_errors():
    con = add_macros(duckdb.connect(config=connection_config()))
    con.execute("create schema meta")
    findings.reset(con)
    cases = [
        Problem(file="a.csv", message="m", row=3, column="c", value="v", expected="e"),
        Problem(file="a.csv", message="m", row=None, column=None, value=None, expected="e"),
        Problem(file="a.csv", message="m", row=4, column=None, value=None, expected=None),
        Problem(file="a.csv", message="m", row=4, column="c", value="v", expected=None),
    ]
    for p in cases:
        findings.record_query(
            con,
            "x",
            "r",
            findings.WARNING,
            "select ?, ?, ?, ?, ?, ?, null, null",
            [p.file, p.row, p.column, p.value, p.expected, p.message],
        )
    messages = [r[0] for r in con.execute("select message from meta.findings").fetchall()]
    assert messages == [str(p) for p in cases]


def test_the_reading_step_records_its_warnings(tmp_path):
    folder = write_zone(tmp_path / "landing")
    append(folder, "schools.csv")
    text = (folder / "schools.csv").read_text()
    (folder / "schools.csv").write_text("Zone schools list\n" + text)
    run = ingest_and_validate(folder)
    assert [(r["rule"], r["row"]) for r in run.findings if r["extract"] == "schools"] == [("title_rows_skipped", 1)]
    assert run.count("staging.schools") == 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-09-02", "2025-09-02"),
        ("2025/09/02", None),
        ("2025.09.02", None),
        ("2025-9-2", None),
        ("2025-09-2", None),
        ("20250902", None),
        ("2025-13-01", None),
        ("2025-02-30", None),
        ("2025-09-02 00:00:00", None),
        ("02025-09-02", None),
        ("2o25-09-02", None),
        ("2025-1a-02", None),
    ],
)
def test_a_date_is_only_yyyy_mm_dd_of_a_real_day(text, expected):
    date = EXTRACTS["attendance"].column("date")
    con = add_macros(duckdb.connect(config=connection_config()))
    typed = con.execute(f"select ({ingest.cast(date, '$text')})::varchar", {"text": text}).fetchone()[0]
    assert typed == expected
