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
        "create table work.run_metric_values as select 2026 as school_year, 'mid_year' as period, "
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
