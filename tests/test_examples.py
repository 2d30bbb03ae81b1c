"""The analysts' example queries run against a built warehouse, and the data dictionary covers every published column."""

import re
from pathlib import Path

import pytest

import tests.test_comparisons as comparisons_zone
from sezp_roadmap.paths import PROJECT_ROOT
from sezp_roadmap.reporting.aggregates import build_report_aggregates
from tests.tinyzone import settings

EXAMPLES = sorted((PROJECT_ROOT / "sql" / "examples").glob("*.sql"))
DICTIONARY = PROJECT_ROOT / "docs" / "data-dictionary.md"


@pytest.fixture(scope="module")
def built():
    con = comparisons_zone.build_zone()
    build_report_aggregates(con, settings(comparisons_zone.AS_OF))
    yield con
    con.close()


def run(con, path: Path) -> list[dict]:
    cursor = con.execute(path.read_text(encoding="utf-8"))
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row)) for row in cursor.fetchall()]


def test_there_are_examples():
    assert {p.stem for p in EXAMPLES} >= {"chronic_absence_by_school", "largest_equity_gaps", "targets_not_met"}


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_runs(built, path):
    run(built, path)


def test_examples_answer_their_question(built):
    by_school = {r["school_id"]: r for r in run(built, PROJECT_ROOT / "sql/examples/chronic_absence_by_school.sql")}
    assert by_school["A"]["chronic_absence_pct"] == pytest.approx(31.2)
    assert by_school["A"]["last_year_pct"] == pytest.approx(20.0)
    missed = run(built, PROJECT_ROOT / "sql/examples/targets_not_met.sql")
    assert [(r["school_id"], r["label"], r["subgroup"], r["students_to_go"]) for r in missed] == [
        ("A", "Chronic absence", "all", 3)
    ]
    gaps = run(built, PROJECT_ROOT / "sql/examples/largest_equity_gaps.sql")
    assert ("A", "ell") in {(r["school_id"], r["subgroup"]) for r in gaps}
    assert all(r["points_worse"] > 0 for r in gaps)
    ell = next(r for r in gaps if (r["school_id"], r["subgroup"]) == ("A", "ell"))
    # 40 of 100 against 38 of 150, 14.7 points: pooled rate 78/250 = 0.312,
    # SE = sqrt(0.312 · 0.688 · (1/100 + 1/150)) = 0.059813, z = 0.146667/0.059813 = 2.452, p = 0.0142;
    # Newcombe's range 2.9 to 26.3 points excludes 0, and the p-value survives among A's gaps.
    assert (ell["points_worse"], ell["points_worse_low"], ell["points_worse_high"]) == (14.7, 2.9, 26.3)
    assert ell["signal"] == "clear"
    # Chronic absence at A rose from 20% to 31.2% of its 250 students: likely real, and worse.
    changes = run(built, PROJECT_ROOT / "sql/examples/clear_changes.sql")
    chronic = [r for r in changes if (r["school_id"], r["label"], r["subgroup"]) == ("A", "Chronic absence", "all")]
    assert [(r["change"], r["reading"]) for r in chronic] == [(11.2, "worse")]
    # Every one of them has a range on one side of 0 (shown to one decimal, so 0.0 at the edge).
    assert all(r["change_low"] >= 0 or r["change_high"] <= 0 for r in changes)


def documented_columns() -> dict[str, set[str]]:
    tables, current = {}, None
    for line in DICTIONARY.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"^## (marts\.\w+)", line)
        if heading:
            current = tables.setdefault(heading.group(1), set())
        elif current is not None and (row := re.match(r"^\| (\w+) \|", line)) and row.group(1) != "column":
            current.add(row.group(1))
    return tables


def test_data_dictionary_covers_every_published_column(built):
    documented = documented_columns()
    published = {}
    for table, column in built.execute(
        "select table_name, column_name from information_schema.columns where table_schema = 'marts'"
    ).fetchall():
        published.setdefault(f"marts.{table}", set()).add(column)
    assert {"marts.metric_values", "marts.metric_comparisons", "marts.metric_catalog"} <= set(published)
    for table, columns in published.items():
        assert table in documented, f"{table} is not in docs/data-dictionary.md"
        assert columns - documented[table] == set(), f"{table}: undocumented columns"
        assert documented[table] - columns == set(), f"{table}: documented columns that do not exist"
