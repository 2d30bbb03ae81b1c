"""The one-page summary for families: its catalogues, its figures and verdicts, privacy, links and languages.

The catalogue and page tests run on hand-made data; the others on the report
zone of tests/reports_zone.py, whose 14-student school (Gamma, C) has its
family survey hidden (4 respondents), and in the browser (test_family_pages_browser.py).
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest

from sezp_roadmap import signals
from sezp_roadmap.config import load_settings
from sezp_roadmap.errors import InputProblem
from sezp_roadmap.levers import Finding, Lever, LeverEvidence
from sezp_roadmap.reporting import catalogue
from sezp_roadmap.reporting.catalogue import CATALOGUE_DIR, load, load_all, placeholders, read_entries
from sezp_roadmap.reporting.context import Cell, PeriodData, describe
from sezp_roadmap.reporting.family_summary import FOLDER, FamilySummaries, comparison, page_name
from sezp_roadmap.subgroups import SUBGROUPS

NBSP = "\u00a0"

# --- the catalogues -------------------------------------------------------------------------------


def test_every_catalogue_has_the_reference_keys_and_placeholders():
    reference = read_entries(CATALOGUE_DIR / "en.yaml")
    codes = catalogue.languages()
    assert codes[0] == "en" and "es" in codes
    for code in codes:
        entries = read_entries(CATALOGUE_DIR / f"{code}.yaml")
        assert entries.keys() == reference.keys(), code
        for key, text in entries.items():
            if isinstance(text, str):
                assert placeholders(text) == placeholders(reference[key]), (code, key)
        load(code)  # the check the build makes passes


def test_the_spanish_catalogue_is_written_in_spanish():
    """Not a copy of the English: no text but a name or a number is the same in both."""
    en, es = read_entries(CATALOGUE_DIR / "en.yaml"), read_entries(CATALOGUE_DIR / "es.yaml")
    # The zone's name, the separators, and a subject spelled the same in both languages are allowed to be equal.
    same = {k for k in en if en[k] == es[k]}
    assert same <= {"page.eyebrow", "number.min_grouping_digits"}, same


def _copy_catalogues(tmp_path: Path) -> Path:
    folder = tmp_path / "catalogue"
    shutil.copytree(CATALOGUE_DIR, folder)
    return folder


def test_a_catalogue_missing_a_key_stops_the_run_naming_the_file_and_the_key(tmp_path):
    folder = _copy_catalogues(tmp_path)
    es = folder / "es.yaml"
    es.write_text(re.sub(r"^  talk: .*\n", "", es.read_text(encoding="utf-8"), flags=re.M), encoding="utf-8")
    with pytest.raises(InputProblem) as raised:
        load("es", folder)
    message = str(raised.value)
    assert "catalogue/es.yaml" in message and "'help.talk'" in message and "the key is missing" in message


def test_a_catalogue_with_other_placeholders_or_an_unknown_key_stops_the_run(tmp_path):
    folder = _copy_catalogues(tmp_path)
    es = folder / "es.yaml"
    text = es.read_text(encoding="utf-8")
    # A translator who wrote {valor} for {value}, and added a key the reference does not have.
    text = text.replace("fueron suspendidos por lo menos una vez", "fueron suspendidos {veces} veces")
    assert "{veces}" in text
    text += "extra:\n  key: texto\n"
    es.write_text(text, encoding="utf-8")
    with pytest.raises(InputProblem) as raised:
        load("es", folder)
    message = str(raised.value)
    assert "'measures.any_suspension_rate'" in message and "placeholders differ" in message
    assert "found 'value, veces'; expected value" in message
    assert "'extra.key': an unknown key" in message


def test_a_folder_without_the_reference_catalogue_stops_the_run(tmp_path):
    folder = _copy_catalogues(tmp_path)
    (folder / "en.yaml").unlink()
    with pytest.raises(InputProblem, match="en.yaml"):
        catalogue.languages(folder)


def test_a_third_language_is_a_file(tmp_path):
    folder = _copy_catalogues(tmp_path)
    (folder / "pt.yaml").write_text((folder / "es.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    assert [c.code for c in load_all(folder)] == ["en", "es", "pt"]


@pytest.mark.bench
def test_a_build_with_a_broken_catalogue_stops_and_publishes_nothing(tiny_build, capsys, monkeypatch):
    """The catalogues are checked before any page is written: the build fails, naming the file and the key,
    and the reports published before stay as they were."""
    from sezp_roadmap.cli import main

    folder = _copy_catalogues(tiny_build)
    es = folder / "es.yaml"
    es.write_text(
        re.sub(r"^  survey: .*\n(    .*\n)*", "", es.read_text(encoding="utf-8"), flags=re.M), encoding="utf-8"
    )
    monkeypatch.setattr(catalogue, "CATALOGUE_DIR", folder)
    before = {p: p.read_bytes() for p in (tiny_build / "out").rglob("*.html")}
    assert any(p.parent.name == FOLDER for p in before)
    args = ["--data", str(tiny_build / "landing"), "--warehouse", str(tiny_build / "wh.duckdb")]
    code = main(["build", *args, "--reports", str(tiny_build / "out")])
    err = capsys.readouterr().err
    assert code != 0
    assert "catalogue/es.yaml, column 'help.survey': the key is missing (en.yaml has it)" in err
    assert "Traceback" not in err
    assert {p: p.read_bytes() for p in (tiny_build / "out").rglob("*.html")} == before


def test_a_text_without_a_value_for_its_placeholder_names_the_key():
    en = load("en")
    with pytest.raises(KeyError, match="measures.attendance_rate"):
        en.text("measures.attendance_rate")


def test_numbers_and_dates_are_written_the_language_way():
    en, es = load("en"), load("es")
    # CLDR: English 33.8%, 1,234; Spanish 33,8 % with a no-break space, and no group separator below 10.000.
    assert en.percent(33.84) == "33.8%" and es.percent(33.84) == f"33,8{NBSP}%"
    assert en.percent(10, 0) == "10%" and es.percent(10, 0) == f"10{NBSP}%"
    assert en.count(1234) == "1,234" and es.count(1234) == "1234" and es.count(12345) == "12.345"
    assert en.count(1234567) == "1,234,567" and es.count(1234567) == "1.234.567"
    assert en.number(-0.04) == "0.0" and es.number(-2.25, 2) == "−2,25"
    assert en.date(dt.date(2026, 1, 16)) == "January 16, 2026"
    assert es.date(dt.date(2026, 1, 16)) == "16 de enero de 2026"


# --- the figures and verdicts, on hand-made cells ---------------------------------------------------------------


def _cell(metric: str, value: float | None, **fields) -> Cell:
    n = fields.pop("n", 200)
    if value is None:
        return Cell.published("X", metric, "all", n, None, True)
    return Cell("X", metric, "all", n, value, False, **fields)


def test_last_year_reads_better_or_worse_only_when_the_change_is_likely_real():
    chronic = describe("chronic_absence_rate", {})  # lower is better
    clear_drop = _cell("chronic_absence_rate", 20.0, prior_value=26.0, change=-6.0, change_signal="clear")
    assert comparison(clear_drop, chronic, 30) == "better"
    clear_rise = _cell("chronic_absence_rate", 30.0, prior_value=26.0, change=4.0, change_signal="clear")
    assert comparison(clear_rise, chronic, 30) == "worse"
    unclear = _cell("chronic_absence_rate", 30.0, prior_value=26.0, change=4.0, change_signal="unclear")
    assert comparison(unclear, chronic, 30) == "same"
    small = _cell("chronic_absence_rate", 30.0, n=20, prior_value=26.0, change=4.0, change_signal="clear")
    assert comparison(small, chronic, 30) == "too_few"
    # No prior figure (a running year, a first year) or no range: nothing is said.
    assert comparison(_cell("chronic_absence_rate", 30.0), chronic, 30) is None
    no_range = _cell("chronic_absence_rate", 30.0, prior_value=26.0, change=4.0)
    assert comparison(no_range, chronic, 30) is None
    assert comparison(_cell("chronic_absence_rate", None), chronic, 30) is None


LEVERS = (
    Lever("attendance_engagement", "Attendance and engagement", "", ("attendance_rate",)),
    Lever("zone_own", "Our own lever", "The zone's own description.", ("family_favorable",)),
    Lever("culture_climate", "Culture and climate", "", ("any_suspension_rate",)),
)


def _scoring(lever: Lever, metric: str, points_kind: str = "worsening", evidence: str = signals.LIKELY_REAL):
    finding = Finding(points_kind, metric, "all", metric, "percent", "students", 200, 1.0, evidence=evidence)
    counts = finding.counts
    return LeverEvidence(lever, 0, [finding] if counts else [], 1, [] if counts else [finding])


@pytest.fixture(scope="module")
def settings(tmp_path_factory):
    folder = tmp_path_factory.mktemp("settings")
    (folder / "roadmap.yaml").write_text("as_of_date: 2026-01-16\n", encoding="utf-8")
    return load_settings(None, folder)


def _period(cells: list[Cell], period: str = "mid_year", complete: bool = True) -> PeriodData:
    row = {
        "school_year": 2026,
        "period": period,
        "is_complete": complete,
        "start_date": dt.date(2025, 7, 1),
        "end_date": dt.date(2025, 12, 31),
        "data_through": dt.date(2025, 12, 19),
    }
    return PeriodData(
        school_year=2026,
        period=period,
        period_row=row,
        schools=[{"school_id": "X", "school_name": "Ex School"}],
        cells={(c.school_id, c.metric, c.subgroup): c for c in cells},
        metrics={m: describe(m, {}) for m in sorted({c.metric for c in cells})},
        enrollment={"X": 200},
    )


TINY_CELLS = [
    _cell("attendance_rate", 91.24, prior_value=88.0, change=3.24, change_signal="clear"),
    _cell("chronic_absence_rate", 30.04, prior_value=29.0, change=1.04, change_signal="unclear"),
    # Hidden: 4 students suspended would be "fewer than 10"; the safety topic hidden to protect a smaller group.
    Cell.published("X", "any_suspension_rate", "all", 4, 2.0, True),
    Cell.published("X", "family_favorable:school_safety", "all", 12, 75.0, True),
    _cell("family_favorable", 64.96, n=40, prior_value=70.0, change=-5.04, change_signal="clear"),
    _cell("meeting_rate:interim_reading", 40.0, n=25, prior_value=30.0, change=10.0, change_signal="clear"),
    # A group's figure never reaches the summary.
    Cell("X", "attendance_rate", "swd", 40, 77.77, False),
]


def test_the_page_says_each_figure_and_verdict_in_each_language(settings):
    data = _period(TINY_CELLS)
    ranked = [_scoring(LEVERS[0], "attendance_rate"), _scoring(LEVERS[1], "family_favorable"), _scoring(LEVERS[2], "x")]
    summaries = FamilySummaries(data, settings, load_all(), lambda school_id: ranked)
    en, es = (summaries.page(data.schools[0], c) for c in load_all()[:2])
    lines = {s["id"]: s["lines"] for s in en["sections"]}
    assert [(line["figure"], line["text"], line["comparison"]) for line in lines["attendance"]] == [
        (
            "91.2%",
            "On an average school day, 91.2% of students were in school.",
            "That is better than at this point last year (88.0%).",
        ),
        (
            "30.0%",
            "30.0% of students missed 10% or more of their school days. This is called chronic absence.",
            "At this point last year: 29.0%. The difference could be chance.",
        ),
    ]
    # Hidden figures: no number, and the reason that is true for each (too few; a smaller group's protection).
    assert [(line["figure"], line["text"], line["comparison"]) for line in lines["safety"]] == [
        (None, "Suspensions: not shown. So few people are counted that sharing it could harm their privacy.", None),
        (
            None,
            "The family survey on safety: not shown, so that no one can work out the figure of a smaller group from it.",
            None,
        ),
    ]
    assert lines["learning"] == [
        {
            "figure": "40.0%",
            "text": "40.0% of students were at grade level or above on the school's latest reading test.",
            "comparison": "Too few people to compare with last year.",
        }
    ]
    es_lines = {s["id"]: s["lines"] for s in es["sections"]}
    assert es_lines["attendance"][0] == {
        "figure": f"91,2{NBSP}%",
        "text": f"En un día de clases típico, el 91,2{NBSP}% de los estudiantes vinieron a la escuela.",
        "comparison": f"Es mejor que en esta misma época del año pasado (88,0{NBSP}%).",
    }
    assert es_lines["attendance"][1]["text"].startswith(f"El 30,0{NBSP}% de los estudiantes faltaron al 10{NBSP}%")
    # The areas: the two that score, in the ranking's order; a zone's own lever keeps its settings' words.
    assert [a["name"] for a in en["levers"]["areas"]] == ["Coming to school every day", "Our own lever"]
    assert en["levers"]["areas"][1]["about"] == "The zone's own description."
    assert en["levers"]["intro"].startswith("Each January") and "considering" in en["levers"]["intro"]
    assert es["levers"]["areas"][0]["name"] == "Venir a la escuela todos los días"
    assert en["help"] == [
        load("en").text("lever.attendance_engagement.help"),
        load("en").text("levers.other_help"),
        load("en").text("help.survey"),
    ]
    assert es["lang"] == "es" and es["links"] == [
        {"href": "X-en.html", "lang": "en", "text": "Read this summary in English"}
    ]
    assert en["privacy"] == "To protect privacy, we never show a figure about fewer than 10 students or 5 families."


def test_no_area_is_named_when_no_lever_scores(settings):
    data = _period(TINY_CELLS, period="end_of_year")
    left_out = [_scoring(lever, "x", evidence=signals.NORMAL_VARIATION) for lever in LEVERS]
    page = FamilySummaries(data, settings, load_all(), lambda school_id: left_out).page(data.schools[0], load("en"))
    assert page["levers"] == {"areas": [], "intro": load("en").text("levers.none")}
    assert page["help"] == [load("en").text("help.survey"), load("en").text("help.talk")]


def test_after_january_the_page_says_the_team_chose_and_a_running_year_says_so(settings):
    scoring = [_scoring(LEVERS[2], "any_suspension_rate")]
    done = _period(TINY_CELLS, period="end_of_year")
    page = FamilySummaries(done, settings, load_all(), lambda s: scoring).page(done.schools[0], load("en"))
    assert "chose two areas" in page["levers"]["intro"] and "Ask the school which ones" in page["levers"]["intro"]
    assert [line["comparison"] for line in page["sections"][0]["lines"]][0].endswith("than last year (88.0%).")
    running = _period(TINY_CELLS, period="end_of_year", complete=False)
    page = FamilySummaries(running, settings, load_all(), lambda s: scoring).page(running.schools[0], load("es"))
    assert "está considerando" in page["levers"]["intro"]
    assert (
        page["subtitle"]
        == "Resumen para las familias · Lo que va del año (hasta el 19 de diciembre de 2025), año escolar 2025–26"
    )


# --- the report zone ----------------------------------------------------------------------------------------------


class Page(HTMLParser):
    """The html element's lang, the links with their hreflang, and the text of the page."""

    def __init__(self, html: str):
        super().__init__()
        self.lang = None
        self.links: list[dict] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        if tag == "a":
            self.links.append(a)

    def handle_data(self, data):
        self.text.append(data)


def _summaries(reports: Path) -> list[Path]:
    return sorted(reports.glob(f"*/*/{FOLDER}/*.html"))


def test_every_school_and_period_has_a_summary_in_each_language_linked_both_ways(report_zone):
    _, _, reports = report_zone
    index = Page((reports / "index.html").read_text(encoding="utf-8"))
    school_pages = [p for p in reports.glob("*/*/*.html") if p.name != "zone.html"]
    assert len(school_pages) == 3 * 4  # three schools, two school years, two periods
    for report in school_pages:
        links = {a["href"]: a for a in Page(report.read_text(encoding="utf-8")).links}
        for code in ("en", "es"):
            name = page_name(report.stem, code)
            summary = report.parent / FOLDER / name
            assert summary.is_file(), summary
            # From the school's report and from the index, each link in its page's language.
            link = links[f"{FOLDER}/{name}"]
            assert link["hreflang"] == code and link["lang"] == code
            href = f"{report.parent.parent.name}/{report.parent.name}/{FOLDER}/{name}"
            assert any(a["href"] == href and a.get("lang") == code for a in index.links), href
            page = Page(summary.read_text(encoding="utf-8"))
            assert page.lang == code
            other = "es" if code == "en" else "en"
            assert {"href": page_name(report.stem, other), "hreflang": other, "lang": other} in page.links
    assert len(_summaries(reports)) == 2 * len(school_pages)


def _published(warehouse: Path) -> dict[tuple, dict]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            """
            select school_id, school_year, period, metric, value, prior_value, suppressed
            from marts.metric_comparisons where subgroup = 'all'
            """
        ).fetchall()
    found: dict[tuple, dict] = {}
    for school, year, period, metric, value, prior, suppressed in rows:
        found.setdefault((school, str(year), period), {})[metric] = (value, prior, suppressed)
    return found


def test_every_figure_on_a_summary_is_a_published_all_students_figure_of_the_school(report_zone):
    """Read back from the pages: a percent shown is the school's published value or last year's, never
    a hidden one, and no student group is named."""
    _, warehouse, reports = report_zone
    published = _published(warehouse)
    group_labels = {s.short_label for s in SUBGROUPS.values() if s.id != "all"} | {
        s.label for s in SUBGROUPS.values() if s.id != "all"
    }
    percent = re.compile(r"(\d+(?:[.,]\d)?)(?:%|\u00a0%)")
    checked = 0
    for path in _summaries(reports):
        school = path.stem.rsplit("-", 1)[0]
        cells = published[(school, path.parents[2].name, path.parents[1].name)]
        shown = {f"{v:.1f}" for v, _, hidden in cells.values() if v is not None and not hidden}
        shown |= {f"{p:.1f}" for _, p, hidden in cells.values() if p is not None and not hidden}
        text = " ".join(Page(path.read_text(encoding="utf-8")).text)
        for number in percent.findall(text):
            figure = number.replace(",", ".")
            if figure in ("10", "20"):  # the chronic absence threshold
                continue
            assert figure in shown, (path.name, number)
            checked += 1
        assert not [label for label in group_labels if re.search(rf"\b{re.escape(label)}\b", text)], path.name
    assert checked > 100


def test_a_hidden_figure_reads_not_shown_with_no_number(report_zone):
    """Gamma Academy's family survey has 4 respondents: hidden, in both languages, with no figure."""
    _, warehouse, reports = report_zone
    cells = _published(warehouse)[("C", "2026", "mid_year")]
    hidden = cells["family_favorable:school_safety"]
    assert hidden[2] is True and hidden[0] is None
    en = " ".join(Page((reports / "2026/mid_year/family/C-en.html").read_text(encoding="utf-8")).text)
    es = " ".join(Page((reports / "2026/mid_year/family/C-es.html").read_text(encoding="utf-8")).text)
    assert "The family survey on safety: not shown. So few people are counted" in en
    assert "La encuesta a las familias sobre la seguridad: no se muestra. Son tan pocas personas" in es
    # Its 14 students are shown, but too few to compare with last year.
    assert "Too few people to compare with last year." in en
    assert "favorable" not in en.lower()
