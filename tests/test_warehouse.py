"""The warehouse helpers: replacing a partition's rows of a mart, statement splitting."""

import duckdb

from sezp_roadmap.warehouse import replace_run_periods, split_statements, transaction


def test_a_new_mart_filled_with_more_than_a_row_group_in_one_transaction_can_be_read_back(tmp_path):
    # DuckDB 2.0 hides the rows of a table made by `create table ... as select ... limit 0`
    # in a transaction and filled with more than 122,880 rows in it from every filtered
    # read, even after commit: the first build of any zone larger than the sample did that.
    con = duckdb.connect(str(tmp_path / "wh.duckdb"))
    for schema in ("work", "meta", "marts"):
        con.execute(f"create schema {schema}")
    con.execute("create table meta.periods as select 2026 as school_year, 'mid_year' as period")
    con.execute("create table work.run_periods as select * from meta.periods")
    con.execute(
        "create temporary table run_metric_values as select 2026 as school_year, 'mid_year' as period, "
        "'S' || (i % 1000) as school_id, i as n from range(300000) as t(i)"
    )
    with transaction(con):
        assert replace_run_periods(con, "metric_values", all_periods=True) == 300000
        assert con.execute("select count(*) from marts.metric_values where school_id = 'S7'").fetchone()[0] == 300
    con.close()
    con = duckdb.connect(str(tmp_path / "wh.duckdb"))
    assert (
        con.execute("select count(*) from marts.metric_values where school_id = 'S7' and n >= 0").fetchone()[0] == 300
    )


def test_a_comment_ending_in_a_semicolon_ends_no_statement():
    sql = "-- first; a comment\nselect 1;\n-- second;\nselect 2\nfrom t;\n"
    assert split_statements(sql) == ["-- first; a comment\nselect 1;", "-- second;\nselect 2\nfrom t;"]


def test_a_memory_limit_reads_as_duckdb_reads_it_and_a_share_divides_it(monkeypatch):
    from sezp_roadmap.warehouse import bytes_of, connection_config, pipeline_cores

    assert bytes_of("3GB") == 3 * 10**9
    assert bytes_of("1.5 GiB") == 3 * 2**29
    assert bytes_of("800MB") == 8 * 10**8
    assert bytes_of("80%") is None
    monkeypatch.setenv("SEZP_MEMORY_LIMIT", "3GB")
    monkeypatch.delenv("SEZP_THREADS", raising=False)
    assert connection_config() == {"memory_limit": "3GB"}
    monkeypatch.setattr("os.sched_getaffinity", lambda pid: {0, 1, 2, 3})
    assert connection_config(share=2) == {"memory_limit": "1500000000B", "threads": 2}
    # A process held to some cores (taskset, a container's cpuset) shares those, not the machine's.
    monkeypatch.setattr("os.cpu_count", lambda: 64)
    monkeypatch.setattr("os.sched_getaffinity", lambda pid: {0, 1})
    assert connection_config(share=2)["threads"] == 1
    assert pipeline_cores() == 2
    monkeypatch.setenv("SEZP_THREADS", "3")
    assert connection_config(share=2)["threads"] == 1
    assert connection_config()["threads"] == 3
    assert pipeline_cores() == 3  # the report workers too: the pipeline's share of the machine
    # A limit DuckDB reads but this does not (a share of the machine) is given whole.
    monkeypatch.setenv("SEZP_MEMORY_LIMIT", "80%")
    assert connection_config(share=2)["memory_limit"] == "80%"


def test_the_pipeline_s_connections_draw_no_progress_bar(tmp_path):
    """A long query at state size drew DuckDB's progress bar between the build's lines (and from each report worker)."""
    from sezp_roadmap.warehouse import connect

    with connect(tmp_path / "wh.duckdb") as con:
        assert con.execute("select current_setting('enable_progress_bar')").fetchone()[0] is False
