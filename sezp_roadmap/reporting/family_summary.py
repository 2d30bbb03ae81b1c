"""The one-page summary for families: each school and period, in every language of reports/catalogue/.

What it shows (docs/family-summary.md): a few all-students figures families
care about (coming to school, safety and climate, learning), last year's
figure beside each only with a verdict the signals allow, the areas the
lever ranking points to as "being considered" (the product has no record of
the levers a team chose), and how families can help. Every word comes from
the language's catalogue (sezp_roadmap.reporting.catalogue); this module only
chooses the figures, so every language says the same thing.

Privacy: only the school's all-students cells are read, a hidden cell reads
"not shown" with no number, and the levers are named without their figures.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Template

from sezp_roadmap import signals
from sezp_roadmap.assessments import Assessment
from sezp_roadmap.config import Settings
from sezp_roadmap.levers import LeverEvidence
from sezp_roadmap.metrics import minimum_for, own_minimums
from sezp_roadmap.periods import school_year_label
from sezp_roadmap.reporting.catalogue import Catalogue
from sezp_roadmap.reporting.context import Cell, MetricInfo, PeriodData
from sezp_roadmap.reporting.safe_paths import file_in
from sezp_roadmap.reporting.sentences import judgement

SECTIONS = ("attendance", "safety", "learning")
# The figure a family survey topic about safety is read from (levers.yaml names two spellings of the topic).
SAFETY_TOPIC_WORD = "safety"
# How many areas the summary names: the two a team chooses.
LEVERS_SHOWN = 2
# Ways families can help: one per area named, then the general ones, so that the page stays on one sheet.
HELP_SHOWN = 3


# The summaries' folder in a period's folder, beside the school reports: <school_year>/<period>/family/.
FOLDER = "family"


def page_name(school_id: str, language: str) -> str:
    """A summary's file name in the period's family/ folder: 'A-es.html'."""
    return f"{school_id}-{language}.html"


@dataclass(frozen=True)
class Measure:
    """A figure of the summary: its catalogue key, its metric and the words it needs filled in."""

    key: str
    metric: str
    # The catalogue keys of the placeholders ({'subject': 'subjects.ela'}), and the text of each
    # when the catalogue has no such key (the assessment's label from the settings).
    words: dict[str, str] = field(default_factory=dict)
    fallback: dict[str, str] = field(default_factory=dict)


def _safety_metric(data: PeriodData) -> str | None:
    topics = [m for m in data.metric_ids("family_favorable") if SAFETY_TOPIC_WORD in m.split(":", 1)[1]]
    return topics[0] if topics else None


def _learning(data: PeriodData, assessments: tuple[Assessment, ...]) -> list[Measure]:
    """One figure per subject: the period's state test where it has one (the end of the year), else its interim."""
    chosen: dict[str, Assessment] = {}
    for a in sorted(assessments, key=lambda a: not a.is_state):
        if f"meeting_rate:{a.id}" in data.metrics and a.subject not in chosen:
            chosen[a.subject] = a
    subjects = [a.subject for a in assessments if a.subject in chosen]
    return [
        Measure(
            "meeting_state" if chosen[s].is_state else "meeting_interim",
            f"meeting_rate:{chosen[s].id}",
            {"subject": f"subjects.{s}"},
            {"subject": chosen[s].label},
        )
        for s in dict.fromkeys(subjects)
    ]


def chosen_measures(data: PeriodData, assessments: tuple[Assessment, ...]) -> dict[str, list[Measure]]:
    """The figures of each section the period has, whatever the school (a school without one skips it)."""
    safety = [Measure("any_suspension_rate", "any_suspension_rate")]
    topic = _safety_metric(data)
    safety.append(Measure("family_safety", topic) if topic else Measure("family_favorable", "family_favorable"))
    measures = {
        "attendance": [Measure(m, m) for m in ("attendance_rate", "chronic_absence_rate")],
        "safety": safety,
        "learning": _learning(data, assessments),
    }
    return {section: [m for m in ms if m.metric in data.metrics] for section, ms in measures.items()}


def comparison(cell: Cell, info: MetricInfo, min_finding_n: int) -> str | None:
    """'better', 'worse', 'same' or 'too_few' against last year; None when there is nothing to say.

    Better or worse only for a likely real change (sezp_roadmap.signals, as the
    school's report reads it); beside a change within normal variation, last
    year's figure with "the difference could be chance" (a change of several
    points called "about the same" would read as false to a family); a measure
    without a range, or without a direction, is not compared.
    """
    if cell.suppressed or cell.prior_value is None or cell.change is None or info.higher_is_better is None:
        return None
    evidence = signals.evidence(cell.change_signal, n=cell.n, population=info.population, min_finding_n=min_finding_n)
    if evidence == signals.SMALL_GROUP:
        return "too_few"
    if evidence == signals.NORMAL_VARIATION:
        return "same"
    if evidence == signals.LIKELY_REAL:
        return judgement(info, cell.change) or "same"
    return None


class FamilySummaries:
    """Writes one period's family summaries, every language, for each school asked."""

    def __init__(
        self,
        data: PeriodData,
        settings: Settings,
        catalogues: tuple[Catalogue, ...],
        ranked: Callable[[str], list[LeverEvidence]],
    ):
        """ranked: the lever ranking of a school (PriorityLevers.ranked), the same one its report shows."""
        self.data = data
        self.settings = settings
        self.catalogues = catalogues
        self.ranked = ranked
        self.measures = chosen_measures(data, settings.assessments)
        self.own_minimums = own_minimums(settings)
        period_row = data.period_row
        self.complete = bool(period_row.get("is_complete", True))

    # -- the words of one page ----------------------------------------------------------------
    def _words(self, catalogue: Catalogue, measure: Measure) -> dict[str, str]:
        return {
            name: catalogue.text(key) if catalogue.has(key) else measure.fallback[name]
            for name, key in measure.words.items()
        }

    def _line(self, catalogue: Catalogue, school_id: str, measure: Measure) -> dict | None:
        cell = self.data.cell(school_id, measure.metric)
        if cell is None:
            return None
        words = self._words(catalogue, measure)
        info = self.data.metrics[measure.metric]
        if cell.suppressed or cell.value is None:
            name = catalogue.text(f"names.{measure.key}", **words)
            return {"figure": None, "text": catalogue.text(self._hidden_key(cell, info), name=name), "comparison": None}
        figure = self._number(catalogue, cell.value, info.unit)
        threshold = catalogue.percent(self.settings.chronic_absence_pct, 0)
        text = catalogue.text(f"measures.{measure.key}", value=figure, threshold=threshold, **words)
        verdict = comparison(cell, info, self.settings.min_finding_n)
        said = None
        if verdict:
            said = catalogue.text(
                f"compare.{verdict}",
                last=catalogue.text(f"compare.last_{self.data.period}"),
                last_heading=catalogue.text(f"compare.heading_{self.data.period}"),
                prior=self._number(catalogue, cell.prior_value, info.unit),
            )
        return {"figure": figure, "text": text, "comparison": said}

    def _hidden_key(self, cell: Cell, info: MetricInfo) -> str:
        """Why a figure is not shown: too few people, or (at or above the minimum) to protect a smaller
        group whose figure could otherwise be worked out from it (complementary suppression)."""
        minimum = minimum_for(
            info.id, info.population, self.settings.min_students, self.settings.min_respondents, self.own_minimums
        )
        return "measures.hidden_other" if cell.hidden_n is not None and cell.hidden_n >= minimum else "measures.hidden"

    @staticmethod
    def _number(catalogue: Catalogue, value: float, unit: str) -> str:
        return catalogue.percent(value) if unit == "percent" else catalogue.number(value)

    def _levers(self, catalogue: Catalogue, school_id: str) -> dict:
        considered: list[LeverEvidence] = [e for e in self.ranked(school_id) if e.score > 0][:LEVERS_SHOWN]
        chosen_by_now = self.data.period == "end_of_year" and self.complete
        items = []
        for e in considered:
            key = f"lever.{e.lever.id}"
            if catalogue.has(f"{key}.name"):
                name, about, help_ = (catalogue.text(f"{key}.{part}") for part in ("name", "about", "help"))
            else:  # a zone's own lever without words in this catalogue: its settings' name and description
                name, about, help_ = e.lever.name, e.lever.description, catalogue.text("levers.other_help")
            items.append({"name": name, "about": about, "help": help_})
        intro = "none" if not items else ("chosen" if chosen_by_now else "choosing")
        return {"intro": catalogue.text(f"levers.{intro}"), "areas": items}

    def _period(self, catalogue: Catalogue) -> str:
        through = self.data.period_row.get("data_through")
        if self.complete or through is None:
            return catalogue.text(f"period.{self.data.period}")
        key = "period.mid_year_so_far" if self.data.period == "mid_year" else "period.year_to_date"
        return catalogue.text(key, date=catalogue.date(through))

    def page(self, school: dict, catalogue: Catalogue) -> dict:
        """Everything the template shows for one school in one language, as plain text."""
        school_id, t = school["school_id"], catalogue.text
        period, school_year = self._period(catalogue), school_year_label(self.data.school_year)
        sections = []
        for section in SECTIONS:
            lines = [line for m in self.measures[section] if (line := self._line(catalogue, school_id, m))]
            sections.append({"id": section, "heading": t(f"sections.{section}"), "lines": lines})
        levers = self._levers(catalogue, school_id)
        row = self.data.period_row
        return {
            "lang": catalogue.code,
            "title": t("page.title", school=school["school_name"], period=period, school_year=school_year),
            "skip": t("page.skip"),
            "eyebrow": t("page.eyebrow"),
            "school": school["school_name"],
            "subtitle": t("page.subtitle", period=period, school_year=school_year),
            "covers": t(
                "page.covers",
                start=catalogue.date(row["start_date"]),
                end=catalogue.date(row.get("data_through") or row["end_date"]),
            )
            if row.get("start_date")
            else None,
            "synthetic": t("page.synthetic") if self.settings.synthetic else None,
            "languages": t("page.languages"),
            "links": [
                {"href": page_name(school_id, other.code), "lang": other.code, "text": other.text("language.link")}
                for other in self.catalogues
                if other.code != catalogue.code
            ],
            "sections": sections,
            "none": t("sections.none"),
            "levers_heading": t("sections.levers"),
            "levers": levers,
            "help_heading": t("sections.help"),
            "help": ([item["help"] for item in levers["areas"]] + [t("help.survey"), t("help.talk")])[:HELP_SHOWN],
            "questions": t("footer.questions"),
            "privacy": t(
                "footer.privacy",
                min_students=catalogue.count(self.settings.min_students),
                min_respondents=catalogue.count(self.settings.min_respondents),
            ),
            "source": t("footer.source", date=catalogue.date(self.settings.as_of_date)),
        }

    def write(self, school: dict, period_dir: Path, template: Template) -> list[Path]:
        """The school's summary in every language, in the period's family/ folder."""
        folder = period_dir / FOLDER
        folder.mkdir(exist_ok=True)
        written = []
        for catalogue in self.catalogues:
            path = file_in(folder, page_name(school["school_id"], catalogue.code))
            path.write_text(template.render(page=self.page(school, catalogue)), encoding="utf-8")
            written.append(path)
        return written


def links(catalogues: tuple[Catalogue, ...], school_id: str, prefix: str = "") -> list[dict]:
    """The links to a school's summaries from another page (prefix: the way from it to the period's folder;
    its report, the index), each named in its own language."""
    return [
        {"href": f"{prefix}{FOLDER}/{page_name(school_id, c.code)}", "lang": c.code, "text": c.text("language.name")}
        for c in catalogues
    ]
