"""Ids that name files are safe ids (docs/data-contract.md, "Ids that name files").

A school's id names its report files (<school_id>.html, <school_id>-priority-levers.csv
and .md). Validation refuses one that is not a safe id, naming file, row, column,
value and the rule; the renderer, as a second line of defence, refuses to write a
file anywhere but directly in its folder.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import duckdb
import pytest
from ingest_zone import write_zone
from test_pipeline import write_tiny_zone

from sezp_roadmap import ingest
from sezp_roadmap.config import load_settings
from sezp_roadmap.errors import InputProblem
from sezp_roadmap.extracts import EXTRACTS, SAFE_ID_PATTERN
from sezp_roadmap.reporting.safe_paths import file_in
from sezp_roadmap.validation.run import validate
from sezp_roadmap.warehouse import SCHEMAS, add_macros, connection_config

HOSTILE_IDS = [
    "../../../../pwn",
    "HX04/annex",
    "HX04\\annex",
    "/etc/passwd",
    "..",
    ".hidden",
    "a" * 65,
    "HX 04",
    "C:evil",
    "=HYPERLINK(1)",
    "<b>",
    "é04",
    "ZONE",
    "zone",
    "Zone",
]
SAFE_IDS = ["A", "HX04", "hx-04_annex.2", "0281", "a" * 64, "zone2", "-04"]


def _csv_cell(value: str) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow([value])
    return out.getvalue()


def _errors_of(folder: Path, judged: str) -> list[dict]:
    """The errors of validating one extract (every extract read, only that one judged)."""
    con = add_macros(duckdb.connect(config=connection_config()))
    for schema in SCHEMAS:
        con.execute(f"create schema {schema}")
    files, _ = ingest.discover(folder)
    ingest.record_files(con, files)
    for name, extract in EXTRACTS.items():
        ingest.load_staging(con, extract, [f for f in files if f.extract == name])
    validate(con, judged, load_settings(None, folder))
    cursor = con.execute("select * from meta.errors order by row")
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, r)) for r in cursor.fetchall()]


def test_an_unsafe_school_id_is_an_error_naming_file_row_column_value_and_the_rule(tmp_path):
    folder = write_zone(tmp_path / "landing")  # the other extracts are found, never read
    ids = HOSTILE_IDS + SAFE_IDS
    (folder / "schools.csv").write_text(
        "school_id,school_name,grade_span\n" + "".join(f"{_csv_cell(i)},School {n},6-8\n" for n, i in enumerate(ids)),
        encoding="utf-8",
    )
    everything = _errors_of(folder, "schools")
    errors = [e for e in everything if e["rule"] == "unsafe_id"]
    # Row 2 is the first data row: each hostile id has its row's error, and no safe id has any.
    assert [(e["rule"], e["file"], e["row"], e["column_name"], e["value"]) for e in errors] == [
        ("unsafe_id", "schools.csv", n + 2, "school_id", i) for n, i in enumerate(HOSTILE_IDS)
    ]
    # ZONE, Zone and zone also differ only in case (the next test).
    others = {(e["rule"], e["value"]) for e in everything if e["rule"] != "unsafe_id"}
    assert others == {("schools_id_case_duplicate", "Zone"), ("schools_id_case_duplicate", "zone")}
    for error in errors:
        assert "digits, '-', '_' and '.' only, not starting with '.', at most 64 characters" in error["expected"]
        assert "report files" in error["message"]


def test_two_school_ids_differing_only_in_case_are_an_error(tmp_path):
    folder = write_zone(tmp_path / "landing")
    (folder / "schools.csv").write_text(
        "school_id,school_name,grade_span\nhx04,Annex,6-8\nA,Alpha,6-8\nHX04,Main,6-8\nHx04,Third,6-8\n",
        encoding="utf-8",
    )
    errors = _errors_of(folder, "schools")
    assert [(e["rule"], e["row"], e["column_name"], e["value"]) for e in errors] == [
        ("schools_id_case_duplicate", 2, "school_id", "hx04"),
        ("schools_id_case_duplicate", 5, "school_id", "Hx04"),
    ]
    assert "HX04 (schools.csv, row 4)" in errors[0]["expected"]


def test_the_pattern_and_the_sql_rule_agree():
    # The pandera schema reads SAFE_ID_PATTERN (Python); the SQL rule reads the same characters.
    pattern = re.compile(SAFE_ID_PATTERN)
    assert all(pattern.fullmatch(i) for i in SAFE_IDS)
    assert not any(pattern.fullmatch(i) for i in HOSTILE_IDS if i.lower() != "zone")
    assert EXTRACTS["schools"].column("school_id").names_files


def test_the_other_extracts_cannot_bring_in_a_school_id(tmp_path):
    # Every other extract's school_id must be one of schools.csv's: an unsafe id there is refused too.
    folder = write_zone(tmp_path / "landing")
    with (folder / "targets.csv").open("a", encoding="utf-8") as f:
        f.write("../../pwn,2026,end_of_year,chronic_absence_rate,all,20\n")
    errors = _errors_of(folder, "targets")
    assert [(e["rule"], e["file"], e["value"]) for e in errors] == [("unknown_school", "targets.csv", "../../pwn")]


# --- the renderer's own check ------------------------------------------------------------------


@pytest.mark.parametrize("name", ["../../pwn.html", "HX04/annex.html", "/tmp/pwn.html", "..", ".", "", "HX04\0.html"])
def test_the_renderer_refuses_a_file_outside_its_folder(tmp_path, name):
    with pytest.raises(InputProblem) as refused:
        file_in(tmp_path / "2026" / "mid_year", name)
    (problem,) = refused.value.problems
    assert problem.file == "schools.csv, column school_id" and problem.value == name
    assert "letters (A-Z, a-z), digits" in problem.expected


def test_the_renderer_refuses_a_symbolic_link_out_of_its_folder(tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "A.html").symlink_to(tmp_path / "elsewhere.html")
    with pytest.raises(InputProblem):
        file_in(folder, "A.html")
    assert file_in(folder, "B.html") == (folder / "B.html").resolve()


# --- a whole build ----------------------------------------------------------------------------------


def _rename_school(folder: Path, old: str, new: str) -> None:
    """Every school_id cell equal to `old`, in every extract of the landing folder, becomes `new`."""
    for path in folder.glob("*.csv"):
        rows = list(csv.reader(path.read_text(encoding="utf-8").splitlines()))
        column = rows[0].index("school_id")
        for row in rows[1:]:
            if row[column] == old:
                row[column] = new
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(rows)
        path.write_text(out.getvalue(), encoding="utf-8")


def test_a_build_with_a_path_in_a_school_id_stops_and_writes_nothing(tmp_path, capsys):
    from sezp_roadmap.cli import main

    root = tmp_path / "a" / "b" / "c" / "d"
    landing = write_tiny_zone(root / "landing")
    _rename_school(landing, "A", "../../../../pwn")
    code = main(
        ["build", "--data", str(landing), "--warehouse", str(root / "wh.duckdb"), "--reports", str(root / "out")]
    )
    err = capsys.readouterr().err
    assert code == 1
    assert "nothing was published" in err
    assert "schools.csv, row 2, column 'school_id'" in err and "'../../../../pwn'" in err
    assert "internal error" not in err
    assert list(tmp_path.rglob("pwn*")) == []
    assert not (root / "out").exists() and not (root / "wh.duckdb").exists()


def test_a_refusal_in_a_report_worker_reaches_the_run_with_its_problems():
    # Report workers are processes: the refusal is pickled back and must read the same.
    import pickle

    with pytest.raises(InputProblem) as refused:
        file_in(Path("/tmp/reports/2026/mid_year"), "../../../../pwn.html")
    again = pickle.loads(pickle.dumps(refused.value))
    assert again.problems == refused.value.problems and str(again) == str(refused.value)


@pytest.mark.bench
def test_a_build_with_relative_folders_publishes(tmp_path, monkeypatch):
    """`make demo` passes relative folders: the renderer's resolved paths must still map back onto them."""
    from test_pipeline import write_tiny_zone

    from sezp_roadmap.cli import main

    write_tiny_zone(tmp_path / "landing")
    monkeypatch.chdir(tmp_path)
    assert main(["build", "--data", "landing", "--warehouse", "wh/roadmap.duckdb", "--reports", "out"]) == 0
    assert (tmp_path / "out" / "index.html").is_file()
    assert list((tmp_path / "out").glob("*/*/*.html"))
