"""Each name and rule has one home: the registries are the only place a label, period or wording is written."""

import ast
import datetime as dt
import re
from functools import cache
from pathlib import Path
from types import SimpleNamespace

import duckdb

from sezp_roadmap import levers, periods, signals, subgroups
from sezp_roadmap import targets as t
from sezp_roadmap.config import load_settings
from sezp_roadmap.extracts import EXTRACTS, GENDER_CODES, RACE_CODES
from sezp_roadmap.metrics import METRICS, metric_for, minimum_for, own_minimums
from sezp_roadmap.reporting import lever_words
from sezp_roadmap.reporting.formatting import (
    fewer_than,
    hidden_count,
    period_label,
    subgroup_label,
    subgroup_sort_key,
)
from sezp_roadmap.reporting.priority_levers import TARGET_HEADINGS
from sezp_roadmap.subgroups import GRADES, SUBGROUPS

ROOT = Path(__file__).resolve().parent.parent
CODE = sorted(
    [*(ROOT / "sezp_roadmap").rglob("*.py"), *(ROOT / "pipelines").rglob("*.py"), *(ROOT / "benchmarks").glob("*.py")]
)
TEMPLATES = sorted((ROOT / "reports" / "templates").glob("*.j2"))


@cache
def string_constants(path: Path) -> tuple[tuple[int, str], ...]:
    """Every string a module writes, f-string pieces included; docstrings are prose, not names, and are left out.

    Read once per module: each registry test searches every module, and parsing them all again was most of its time.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return tuple(
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    )


def written_outside(home: str, wanted, files: list[Path] = CODE) -> list[str]:
    return [
        f"{path.relative_to(ROOT)}:{line}: {text!r}"
        for path in files
        if path.name != home
        for line, text in string_constants(path)
        if wanted(text)
    ]


# -- subgroups ----------------------------------------------------------------------------


def test_every_subgroup_label_a_page_shows_comes_from_the_registry():
    labels = {s.label for s in SUBGROUPS.values()} | {s.short_label for s in SUBGROUPS.values()}
    # A source system's own words (X2 writes a race as 'White') are its input values, not labels a page shows.
    not_sources = [p for p in CODE if "sources" not in p.relative_to(ROOT).parts]
    assert written_outside("subgroups.py", lambda text: text in labels, not_sources) == []
    for id, s in SUBGROUPS.items():
        assert subgroup_label(id) == s.short_label
    # DESE's name, in full and on the page (it was '… or Pacific Islander' on the pages).
    assert subgroup_label("pacific_islander") == "Native Hawaiian or Other Pacific Islander"
    assert (
        SUBGROUPS["multirace"].label == "Multi-race, not Hispanic or Latino"
        and subgroup_label("multirace") == "Multi-race"
    )
    # An id outside the registry still reads as words, never as a blank.
    assert subgroup_label("grade_13") == "Grade 13" and subgroup_label("new_group") == "New group"


def test_the_page_order_is_the_registry_order_grades_last():
    shuffled = ["grade_12", "male", "grade_PK", "non_ell", "all", "former_ell", "ell", "grade_K", "hispanic", "grade_9"]
    assert sorted(shuffled, key=subgroup_sort_key) == [
        "all",
        "hispanic",
        "ell",
        "non_ell",
        "former_ell",
        "male",
        "grade_PK",
        "grade_K",
        "grade_9",
        "grade_12",
    ]
    assert sorted(["zzz", "grade_99", "all"], key=subgroup_sort_key) == ["all", "zzz", "grade_99"]


def test_partitions_put_every_student_in_exactly_one_cell_of_each():
    partitions: dict[str, set[str]] = {}
    for s in SUBGROUPS.values():
        if s.partition:
            partitions.setdefault(s.partition, set()).add(s.id)
    assert partitions == {
        "race": {"hispanic", "black", "white", "asian", "native_american", "pacific_islander", "multirace"},
        "gender": {"female", "male", "nonbinary"},
        "ell": {"ell", "non_ell"},
        "swd": {"swd", "non_swd"},
        "low_income": {"low_income", "non_low_income"},
        # With their unpublished complements (not_former_ell, not_high_needs) these partition all students too.
        "former_ell": {"former_ell"},
        "high_needs": {"high_needs"},
        "grade": {f"grade_{g}" for g in GRADES},
    }
    assert {s.id for s in SUBGROUPS.values() if s.unpublished_complement} == {"former_ell", "high_needs"}


def test_comparison_groups_are_pairs_within_one_partition():
    pairs = {s.id: s.comparison_group for s in SUBGROUPS.values() if s.comparison_group}
    assert pairs == {
        "ell": "non_ell",
        "non_ell": "ell",
        "swd": "non_swd",
        "non_swd": "swd",
        "low_income": "non_low_income",
        "non_low_income": "low_income",
    }
    for id, other in pairs.items():
        assert SUBGROUPS[other].partition == SUBGROUPS[id].partition


def test_which_groups_an_equity_gap_or_risk_ratio_is_about_comes_from_the_registry():
    """One side of each pair is its complement; complements, grades and all students are never the group a gap
    is about. The registry says so (Subgroup.complement, the grade partition); no module tests an id's prefix."""
    complements = {s.id for s in SUBGROUPS.values() if s.complement}
    assert complements == {"non_ell", "non_swd", "non_low_income"}
    for id in complements:  # each is one side of a pair whose other side is not a complement
        other = SUBGROUPS[id].comparison_group
        assert other and SUBGROUPS[other].comparison_group == id and not SUBGROUPS[other].complement
    assert [g for g in SUBGROUPS if subgroups.equity_group(g)] == [
        g for g in SUBGROUPS if g != "all" and g not in complements and SUBGROUPS[g].partition != "grade"
    ]
    assert subgroups.equity_group("ell") and subgroups.equity_group("nonbinary") and subgroups.equity_group("black")
    assert not subgroups.equity_group("non_ell") and not subgroups.equity_group("grade_5")
    assert subgroups.is_grade("grade_PK") and not subgroups.is_grade("female")
    prefixes = written_outside("subgroups.py", lambda text: text in ("non_", "grade_"))
    assert prefixes == []


def test_the_data_contract_codes_are_the_registry_codes():
    assert RACE_CODES == {
        "H": "Hispanic or Latino",
        "B": "Black or African American",
        "W": "White",
        "A": "Asian",
        "N": "American Indian or Alaska Native",
        "P": "Native Hawaiian or Other Pacific Islander",
        "M": "Multi-race, not Hispanic or Latino",
    }
    assert GENDER_CODES == {"F": "Female", "M": "Male", "N": "Non-binary"}
    enrollment = EXTRACTS["enrollment"]
    assert enrollment.column("grade").codes == GRADES
    assert EXTRACTS["state_figures"].column("subgroup").codes == tuple(SUBGROUPS)
    assert EXTRACTS["targets"].column("period").codes == periods.PERIODS


def test_meta_subgroups_is_the_registry_and_the_sql_lists_no_subgroup_itself():
    con = duckdb.connect()
    con.execute("create schema meta")
    subgroups.write_registry_table(con)
    rows = {
        r[0]: r[1:]
        for r in con.execute(
            "select subgroup, partition_name, comparison_group, code, short_label from meta.subgroups"
        ).fetchall()
    }
    assert rows["pacific_islander"] == ("race", None, "P", "Native Hawaiian or Other Pacific Islander")
    assert rows["non_swd"] == ("swd", "swd", None, "Students without disabilities")
    assert rows["not_high_needs"] == ("high_needs", None, None, None)
    assert set(rows) == set(SUBGROUPS) | {"not_high_needs", "not_former_ell"}
    # The partitions and pairs are joined from meta.subgroups, not listed in the SQL
    # (sql/work/student_subgroups.sql holds the rules that put a student in a group).
    for name in ("work/suppression_cells", "marts/metric_comparisons"):
        text = (ROOT / "sql" / f"{name}.sql").read_text(encoding="utf-8")
        quoted = set(re.findall(r"'([a-z_]+)'", text))
        assert quoted & (set(SUBGROUPS) - {"all"}) == set(), name


# -- periods and school years ---------------------------------------------------------------


def test_period_names_and_school_years_come_from_the_periods_registry():
    names = {*periods.LABELS.values(), *periods.LAST.values(), *periods.ADJECTIVES.values(), *periods.IN_TEXT.values()}
    # (The Dagster schedules' run tags 'mid-year' and 'end-of-year' are ids, not words on a page.)
    library = [path for path in CODE if "pipelines" not in path.parts]
    assert written_outside("periods.py", lambda text: text in names, library) == []
    period_lists = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path in CODE
        if path.name != "periods.py"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, (ast.Tuple, ast.List))
        and [getattr(e, "value", None) for e in node.elts] == list(periods.PERIODS)
    ]
    assert period_lists == []
    # A school year is built as a label in one place, with an en dash (validation once wrote '2025-26').
    hand_built = re.compile(r"year\s*-\s*1\}\s*[-–]\s*\{str\(")
    found = [
        str(p.relative_to(ROOT))
        for p in CODE
        if p.name != "periods.py" and hand_built.search(p.read_text(encoding="utf-8"))
    ]
    assert found == []
    assert periods.school_year_label(2026) == "2025–26" and periods.school_year_label(2000) == "1999–00"
    assert periods.last_period("mid_year") == "last mid-year" and periods.last_period("other") == "last year"
    assert period_label("end_of_year", True, None) == "End of year"
    templates = [
        str(t.relative_to(ROOT))
        for t in TEMPLATES
        if any(f'"{name}"' in t.read_text(encoding="utf-8") for name in periods.LAST.values())
    ]
    assert templates == []


# -- the suppression wording ----------------------------------------------------------------


def test_fewer_than_is_written_once():
    assert fewer_than(10) == "fewer than 10 students" and fewer_than(5, "respondents") == "fewer than 5 respondents"
    assert hidden_count("respondents", 5) == "fewer than 5 respondents"
    assert hidden_count("students", 10) == "fewer than 10 students"
    # Each metric's own minimum: respondents for a survey, DESE's 20 for a mean growth percentile.
    own = {"mean_sgp": 20}
    assert minimum_for("family_favorable", "respondents", 10, 5, own) == 5
    assert minimum_for("mean_sgp:mcas_ela", "students", 10, 5, own) == 20
    assert minimum_for("meeting_rate:mcas_ela", "students", 10, 5, own) == 10
    # A family's own minimum below min_students hides nothing more: suppression keeps the larger.
    assert minimum_for("mean_sgp:mcas_ela", "students", 10, 5, {"mean_sgp": 5}) == 10
    assert written_outside("formatting.py", lambda text: "fewer than" in text) == []
    templates = [str(t.relative_to(ROOT)) for t in TEMPLATES if "fewer than" in t.read_text(encoding="utf-8")]
    assert templates == []


def test_a_familys_own_minimum_is_one_registry_entry():
    """Which families have a minimum of their own is the registry's min_n_setting: suppression
    (work.metric_minimums) and the wording both read metrics.own_minimums; no module names the family itself."""
    settings = load_settings(today=dt.date(2026, 1, 1))
    assert {m.id: m.min_n_setting for m in METRICS if m.min_n_setting} == {"mean_sgp:*": "min_sgp_students"}
    assert own_minimums(settings) == {"mean_sgp": settings.min_sgp_students}
    readers = [
        str(path.relative_to(ROOT))
        for path in CODE
        if "min_sgp_students" in path.read_text(encoding="utf-8") and path.name not in ("config.py", "metrics.py")
    ]
    assert readers == []


# -- the priority levers' words ----------------------------------------------------------------


def test_lever_words_live_in_reporting_and_name_every_kind_and_reason_the_levers_decide():
    """levers.py decides (kinds, reasons left out, thin evidence as codes); reporting.lever_words says them, once."""
    assert list(lever_words.KIND_LABELS) == list(levers.POINTS)
    assert set(lever_words.LEFT_OUT_WORDS) == {signals.NORMAL_VARIATION, signals.SMALL_GROUP, signals.NO_RANGE}
    assert set(lever_words.THIN_EVIDENCE_WORDS) == {
        levers.NO_FIGURES,
        levers.NOTHING_LIKELY_REAL,
        levers.SINGLE_FINDING,
        levers.SINGLE_MEASURE,
    }
    # (The reasons left out are also the signals' own codes, and "within normal variation" is said of other figures.)
    words = {*lever_words.KIND_LABELS.values(), *lever_words.THIN_EVIDENCE_WORDS.values()}
    assert written_outside("lever_words.py", lambda text: text in words) == []


def test_the_targets_tables_headings_and_statuses_are_written_once():
    """The on-pace table and the targets page read their headings (priority_levers.TARGET_HEADINGS) and the
    statuses their rules name (sezp_roadmap.targets) instead of each writing them."""
    pages = [ROOT / "reports" / "templates" / name for name in ("targets.html.j2", "_targets_on_pace.html.j2")]
    headings = [f">{h}<" for h in TARGET_HEADINGS.values()] + [f'"{h}"' for h in TARGET_HEADINGS.values()]
    statuses = [f"<strong>{status}</strong>" for status in (t.MET, t.NOT_MET, t.ON_PACE, t.TOO_CLOSE, t.HIDDEN)]
    written = [
        f"{page.name}: {text}"
        for page in pages
        for text in headings + statuses
        if text in page.read_text(encoding="utf-8")
    ]
    assert written == []
    assert TARGET_HEADINGS["mid_year"] == "Mid-year" and TARGET_HEADINGS["end_of_year_target"] == "End-of-year target"


def test_metric_descriptions_read_their_thresholds_from_the_settings():
    """A threshold a description states is the setting's, so a zone that changes it reads its own number."""
    defaults = load_settings(today=dt.date(2026, 1, 1))
    odd = SimpleNamespace(min_membership_days=23, chronic_absence_pct=12, severe_absence_pct=25, min_sgp_students=21)
    described = {m.id: m.described(odd) for m in METRICS}
    assert "at least 23 days" in described["attendance_rate"]
    assert "missed 12% or more" in described["chronic_absence_rate"]
    assert "missed 25% or more" in described["severe_absence_rate"]
    assert "Shown for 21 students or more" in described["mean_sgp:*"]
    assert "missed 10% or more" in metric_for("chronic_absence_rate").described(defaults)
    # No description writes a threshold itself: a number of percent, days or students ("for every 100 students" is a rate's unit).
    written = [m.id for m in METRICS if re.search(r"(?<!every )\b\d+(%| days| students)", m.description)]
    assert written == []


def test_the_checks_find_what_they_look_for():
    # Outside a home that is not the registry's, the registry's own strings are found: the checks can fail.
    labels = {s.label for s in SUBGROUPS.values()}
    assert any("subgroups.py" in hit for hit in written_outside("no such home", lambda text: text in labels))
    assert any("formatting.py" in hit for hit in written_outside("no such home", lambda text: "fewer than" in text))


def test_the_macros_read_the_registrys_administrations_and_removal_actions():
    import duckdb

    from sezp_roadmap.extracts import ADMINISTRATIONS, DISCIPLINE_ACTIONS, MID_YEAR_ADMINISTRATIONS
    from sezp_roadmap.warehouse import add_macros, connection_config

    con = add_macros(duckdb.connect(config=connection_config()))
    assert con.execute("select administrations()").fetchall() == [(list(ADMINISTRATIONS),)]
    ranks = con.execute("select list_transform(administrations(), lambda a: administration_rank(a))").fetchall()[0][0]
    assert ranks == list(range(1, len(ADMINISTRATIONS) + 1))
    read = {
        (period, a): con.execute("select period_reads($p, $a)", {"p": period, "a": a}).fetchall()[0][0]
        for period in ("mid_year", "end_of_year")
        for a in ADMINISTRATIONS
    }
    assert {a for (period, a), yes in read.items() if yes and period == "mid_year"} == set(MID_YEAR_ADMINISTRATIONS)
    assert all(yes for (period, _), yes in read.items() if period == "end_of_year")
    removals = {
        code for code in DISCIPLINE_ACTIONS if con.execute("select is_removal($c)", {"c": code}).fetchall()[0][0]
    }
    assert removals == {
        "ISS",
        "OSS",
        "EXP",
        "ER",
        "ALT",
    }  # every action but OTHER (docs/metrics.md, days_removed_per_100)
