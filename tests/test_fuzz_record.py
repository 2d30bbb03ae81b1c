"""`make fuzz`'s record in benchmarks/results.md, written from hand-made figures; and the errors the fuzz's bugs now give."""

from __future__ import annotations

import duckdb

from benchmarks import fuzz
from sezp_roadmap import ingest
from sezp_roadmap.extracts import EXTRACTS
from sezp_roadmap.warehouse import SCHEMAS, add_macros, connection_config

RUNS = [
    {"when": "2026-12-01 10:00", "code": "aaa1111", "examples": {"ingest": 9000}, "failures": 1, "seconds": 300.4},
    {
        "when": "2026-12-06 22:00",
        "code": "bbb2222",
        "examples": {"ingest": 10_012, "ingest and validation": 10_003},
        "endings": {
            "ingest": {"accepted": 4000, "refused by ingest": 6012},
            "ingest and validation": {"accepted": 3000, "refused by ingest": 5003, "refused by validation": 2000},
        },
        "failures": 0,
        "seconds": 1234.5,
    },
]


def test_the_section_tells_the_last_run_and_lists_each_property_of_each_run():
    lines = fuzz.section(RUNS)
    assert lines[0] == fuzz.HEADING
    assert (
        "Last run (`make fuzz`, 2026-12-06 22:00 UTC, code bbb2222): 20,015 examples in 1,234 s, no failure." in lines
    )
    # A run recorded before endings were counted shows zeros for them.
    assert "| 2026-12-01 10:00 | aaa1111 | ingest | 9,000 | 0 | 0 | 0 | 1 | 300 |" in lines
    assert "| 2026-12-06 22:00 | bbb2222 | ingest | 10,012 | 4,000 | 6,012 | 0 | 0 | 1,234 |" in lines
    assert (
        "| 2026-12-06 22:00 | bbb2222 | ingest and validation | 10,003 | 3,000 | 5,003 | 2,000 | 0 | 1,234 |" in lines
    )
    assert "**1 failing properties**" in "\n".join(fuzz.section(RUNS[:1]))
    assert fuzz.section([])[2] == "No fuzz run on record (`make fuzz`)."


def test_the_section_replaces_its_old_self_and_keeps_the_rest_of_the_results(tmp_path):
    results = tmp_path / "results.md"
    results.write_text("# Benchmark results\n\n## Goals\n\ngoal text\n")
    fuzz.write_section(results, RUNS[:1])
    first = results.read_text()
    assert first.startswith("# Benchmark results\n\n## Goals\n\ngoal text\n\n" + fuzz.HEADING)
    assert "aaa1111" in first
    # In the middle of the file (make bench wrote more after it): replaced in place, the rest kept.
    results.write_text(first + "\n## Every run on record\n\nruns\n")
    fuzz.write_section(results, RUNS)
    text = results.read_text()
    assert text.count(fuzz.HEADING) == 1
    assert "code bbb2222" in text and "Last run (`make fuzz`, 2026-12-01" not in text
    assert text.index("## Goals") < text.index(fuzz.HEADING) < text.index("## Every run on record")
    assert text.endswith("runs\n")


def test_the_history_keeps_every_run_in_order(tmp_path):
    path = tmp_path / "fuzz_history.jsonl"
    assert fuzz.load(path) == []
    for run in RUNS:
        fuzz.record(path, run)
    assert fuzz.load(path) == RUNS


# --- what the fuzz found, as the data team reads it ----------------------------------------------


def _read_schools(tmp_path, name: str, content: bytes):
    path = tmp_path / name
    path.write_bytes(content)
    con = add_macros(duckdb.connect(config=connection_config()))
    for schema in SCHEMAS:
        con.execute(f"create schema {schema}")
    ingest.create_staging(con, EXTRACTS["schools"])
    return ingest.read_file(con, EXTRACTS["schools"], ingest.LandingFile("schools", path, "", len(content)))


def test_a_file_with_carriage_return_line_ends_is_refused_in_words(tmp_path):
    issues, rows = _read_schools(
        tmp_path, "schools.csv", b"school_id,school_name,grade_span\rA,Alpha,6-8\rB,Beta,9-12\r"
    )
    assert rows == 0
    [issue] = issues
    assert (issue.rule, issue.severity, issue.file, issue.row) == ("file_unreadable", "error", "schools.csv", 1)
    assert "end with a carriage return alone" in issue.reason
    assert issue.value == "school_id,school_name,grade_span"
    assert "CSV UTF-8" in issue.expected


def test_a_stray_carriage_return_in_the_header_is_refused_as_unreadable_not_a_traceback(tmp_path):
    # The header search reads the line at its commas (csv.reader refuses it), then refuses the carriage return.
    issues, _ = _read_schools(tmp_path, "schools.csv", b"school_id,school_name\r,grade_span\nA,Alpha,6-8\n")
    assert [(i.rule, i.severity, i.file, i.row) for i in issues] == [("file_unreadable", "error", "schools.csv", 1)]


def test_a_carriage_return_inside_a_line_down_to_the_header_is_refused_in_words(tmp_path):
    # DuckDB's reader ends a line at the carriage return: it would read the header as a data row.
    for content, row in (
        (b"\rschool_id,school_name,grade_span\nA,Alpha,6-8\n", 1),
        (b"Schools report\r,,\nschool_id,school_name,grade_span\nA,Alpha,6-8\n", 1),
        (b"school_id,school_name\r,grade_span\nA,Alpha,6-8\n", 1),
    ):
        issues, rows = _read_schools(tmp_path, "schools.csv", content)
        assert rows == 0
        [issue] = issues
        assert (issue.rule, issue.severity, issue.row) == ("file_unreadable", "error", row)
        assert "holds a carriage return that does not end it" in issue.reason
        assert "\\r" in issue.value


def test_a_gzip_file_cut_short_is_refused_in_words(tmp_path):
    for content in (b"\x1f", b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\x03"):
        issues, rows = _read_schools(tmp_path, "schools.csv.gz", content)
        assert rows == 0
        [issue] = issues
        assert (issue.rule, issue.severity, issue.file) == ("file_unreadable", "error", "schools.csv.gz")
        assert "cannot be read as gzip-compressed text" in issue.reason
        assert "a complete .csv.gz file" in issue.expected
