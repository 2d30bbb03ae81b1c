"""The analysts' example queries run against a built warehouse (a tiny one with hand-computed answers, and the
bundled sample zone, whose pages they must agree with), and the data dictionary covers every published column."""

import html
import re
from pathlib import Path

import duckdb
import pytest

import tests.test_comparisons as comparisons_zone
from sezp_roadmap import periods
from sezp_roadmap import targets as target_rules
from sezp_roadmap.config import load_settings
from sezp_roadmap.paths import PROJECT_ROOT
from sezp_roadmap.reporting.aggregates import build_report_aggregates
from sezp_roadmap.reporting.formatting import subgroup_label
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


# -- on the bundled sample zone: a school year under way (data through January 16, 2026) ----------------------


def _text(fragment: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment))).strip()


def targets_page_statuses(page: Path) -> dict[tuple[str, str, str, str], str]:
    """{(school_id, period words, measure, students): status} of a targets page's table."""
    statuses = {}
    for school_id, row in re.findall(r'<tr data-school="([^"]+)"[^>]*>(.*?)</tr>', page.read_text(), flags=re.S):
        cells = [_text(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S)]
        _school, period, measure, students, _target, _result, status, _how = cells
        statuses[(school_id, period, measure, students)] = status
    return statuses


def key_figure_changes(page: Path) -> dict[str, str]:
    """{metric: its change from last mid-year, in words} of a school page's key figures (all students)."""
    found = re.findall(
        r'<tr data-cell="([^"|]+)\|all"><th scope="row">[^<]*</th><td>[^<]*</td><td>([^<]*last mid-year[^<]*)</td>',
        page.read_text(),
    )
    return {metric: _text(change) for metric, change in found}


@pytest.fixture(scope="module")
def sample(built_sample_zone):
    con = duckdb.connect(str(built_sample_zone / "wh.duckdb"), read_only=True)
    yield con, built_sample_zone / "out"
    con.close()


@pytest.mark.bench
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_answers_on_the_sample_zone(sample, path):
    con, _ = sample
    assert run(con, path), f"{path.name} returns no rows on the sample zone"


@pytest.mark.bench
def test_the_examples_read_the_latest_finished_period_while_the_year_runs(sample):
    con, _ = sample
    # The sample zone's school year 2026 runs: its end of year is to date, its mid-year is finished.
    assert con.execute(
        "select is_complete from meta.periods where school_year = 2026 and period = 'end_of_year'"
    ).fetchone() == (False,)
    missed = run(con, PROJECT_ROOT / "sql/examples/targets_not_met.sql")
    assert {(r["school_year"], r["period"]) for r in missed} == {(2026, "mid_year")}


@pytest.mark.bench
def test_targets_not_met_are_the_ones_the_targets_page_calls_not_met(sample):
    con, reports = sample
    page = targets_page_statuses(reports / "2026" / "targets.html")
    listed = {
        (r["school_id"], periods.label(r["period"]), r["label"], subgroup_label(r["subgroup"]))
        for r in run(con, PROJECT_ROOT / "sql/examples/targets_not_met.sql")
    }
    assert {page[key] for key in listed} == {target_rules.NOT_MET}
    mid_year = periods.label("mid_year")
    assert {key for key, status in page.items() if status == target_rules.NOT_MET and key[1] == mid_year} == listed
    # The running year's end-of-year targets are judged on pace, never "not met" before the year is over.
    end_of_year = {status for key, status in page.items() if key[1] == periods.label("end_of_year")}
    assert end_of_year and target_rules.NOT_MET not in end_of_year
    assert end_of_year <= {target_rules.ON_PACE, target_rules.NOT_ON_PACE, target_rules.TOO_CLOSE, target_rules.HIDDEN}


@pytest.mark.bench
def test_clear_changes_are_the_ones_the_school_pages_call_likely_real(sample, built_sample_zone):
    con, reports = sample
    settings = load_settings(None, PROJECT_ROOT / "data_samples" / "sample_zone")
    changes = run(con, PROJECT_ROOT / "sql/examples/clear_changes.sql")
    assert changes and all(r["last_year"] is not None for r in changes)
    all_students: dict[str, dict[str, dict]] = {}
    for r in changes:
        if r["subgroup"] == "all":
            all_students.setdefault(r["school_id"], {})[r["label"]] = r
    labels = dict(con.execute("select metric, label from marts.metric_catalog").fetchall())
    checked = 0
    for page in sorted((reports / "2026" / "mid_year").glob("S*.html")):
        listed = all_students.get(page.stem, {})
        for metric, sentence in key_figure_changes(page).items():
            if metric not in labels or "than last mid-year" not in sentence:
                continue  # last spring's state test has no change from last mid-year of its own
            row = listed.get(labels[metric])
            says_real = re.search(r"clearly (?:higher|lower) than last mid-year, which is (better|worse)", sentence)
            if row is not None and row["n"] >= settings.min_finding_n:
                assert says_real and says_real.group(1) == row["reading"], (page.name, sentence, row)
                checked += 1
            elif row is None:
                assert says_real is None, (page.name, sentence)
    assert checked > 0
