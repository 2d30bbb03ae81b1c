"""`sezp-roadmap sql` (and `make sql`): the analysts' way in, read-only, with what the install provides."""

from __future__ import annotations

import io
import shutil
import subprocess

import duckdb
import pytest

from sezp_roadmap import sql_shell
from sezp_roadmap.cli import main
from sezp_roadmap.paths import PROJECT_ROOT


@pytest.fixture
def warehouse(tmp_path):
    path = tmp_path / "roadmap.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts")
        con.execute("create table marts.metric_values (school_id varchar, metric varchar, n integer, value double)")
        con.execute(
            "insert into marts.metric_values values "
            "('A', 'chronic_absence_rate', 250, 31.2), ('B', 'chronic_absence_rate', 50, null), "
            "('ZONE', 'chronic_absence_rate', 300, 27.7)"
        )
    return path


def test_a_query_prints_a_table(warehouse, capsys):
    query = "select school_id, n, value from marts.metric_values order by school_id"
    assert main(["sql", "--warehouse", str(warehouse), query]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "school_id |   n | value",
        "----------+-----+------",
        "A         | 250 |  31.2",
        "B         |  50 |  NULL",
        "ZONE      | 300 |  27.7",
        "(3 rows)",
    ]


def test_a_file_of_queries_and_the_row_limit(warehouse, tmp_path, capsys):
    queries = tmp_path / "q.sql"
    queries.write_text("-- two statements\nselect 1 as one;\nselect school_id from marts.metric_values order by 1;\n")
    assert main(["sql", "--warehouse", str(warehouse), "--file", str(queries), "--max-rows", "2"]) == 0
    out = capsys.readouterr().out
    assert "one\n---\n  1\n(1 row)" in out
    assert out.endswith("school_id\n---------\nA\nB\n(2 of 3 rows shown)\n")


def test_the_connection_is_read_only(warehouse, capsys):
    assert main(["sql", "--warehouse", str(warehouse), "delete from marts.metric_values"]) == 1
    captured = capsys.readouterr()
    assert "read-only" in captured.err and "Traceback" not in captured.err
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select count(*) from marts.metric_values").fetchone()[0] == 3


def test_the_shell_reads_statements_until_quit_and_goes_on_after_an_error(warehouse):
    typed = io.StringIO(
        "select count(*) as rows\nfrom marts.metric_values;\nselect * from nowhere;\nselect 2 as two;\n"
        ".quit\nselect 3 as after_quit;\n"
    )
    out, err = io.StringIO(), io.StringIO()
    with sql_shell.connect(warehouse) as con:
        status = sql_shell.repl(con, typed, out, err, interactive=False)
    assert status == 1  # one statement failed
    assert "rows\n----\n   3\n(1 row)" in out.getvalue()
    assert "two\n---\n  2\n(1 row)" in out.getvalue()
    assert "after_quit" not in out.getvalue()
    assert "nowhere does not exist" in err.getvalue()


def test_the_interactive_shell_prompts(warehouse):
    out = io.StringIO()
    with sql_shell.connect(warehouse) as con:
        assert sql_shell.repl(con, io.StringIO("select\n1 as x;\n"), out, io.StringIO(), interactive=True) == 0
    text = out.getvalue()
    assert "Read-only SQL on the published warehouse" in text
    assert "sql> ...> " in text and "(1 row)" in text


def test_no_warehouse_says_how_to_build_one(tmp_path, capsys):
    assert main(["sql", "--warehouse", str(tmp_path / "none.duckdb"), "select 1"]) == 1
    err = capsys.readouterr().err
    assert "there is no warehouse file here" in err and "make demo" in err


def test_a_query_and_a_file_together_is_a_usage_error(warehouse, tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["sql", "--warehouse", str(warehouse), "--file", str(tmp_path / "q.sql"), "select 1"])
    assert exit_.value.code == 2
    assert "give a query or --file, not both" in capsys.readouterr().err


def test_make_sql_runs_a_query_and_a_file(warehouse, tmp_path):
    """`make sql` is the same command; skipped where make would first have to (re)install the environment."""
    if shutil.which("make") is None or subprocess.run(["make", "-q", "install"], cwd=PROJECT_ROOT).returncode != 0:
        pytest.skip("make, or an installed .venv, is not there")
    queries = tmp_path / "q.sql"
    queries.write_text("select count(*) as schools from marts.metric_values;\n")
    for extra in ([f"FILE={queries}"], ["Q=select 'it''s' as quoted"]):
        done = subprocess.run(
            ["make", "-s", "sql", f"WAREHOUSE={warehouse}", *extra],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.endswith("(1 row)\n")
    assert "it's" in done.stdout
