"""The content of each report section, as plain rows, sentences and chart specs.

A section builder takes the period's data and one school id (or ZONE) and
returns what the template shows; it formats every number, so a template only
places text. A suppressed cell becomes the words "fewer than N students" here
and carries no value beyond this point.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from markupsafe import Markup

from sezp_roadmap import periods, signals
from sezp_roadmap import targets as target_rules
from sezp_roadmap.assessments import Assessment
from sezp_roadmap.metrics import minimum_for
from sezp_roadmap.reporting import figures, sentences
from sezp_roadmap.reporting.context import ZONE, Cell, MetricInfo, PeriodData
from sezp_roadmap.reporting.data_quality import in_words
from sezp_roadmap.reporting.formatting import (
    fewer_than,
    format_difference,
    format_value,
    hidden_count,
    long_date,
    subgroup_label,
    subgroup_sort_key,
    without_shared_prefix,
    wrapped,
)
from sezp_roadmap.subgroups import is_complement, is_grade
from sezp_roadmap.validation.uncounted import share_text

GLANCE_METRICS = (
    "attendance_rate",
    "chronic_absence_rate",
    "avg_days_absent",
    "any_suspension_rate",
    "oss_rate",
    "family_favorable",
    "family_vendor_favorable",
    "educator_ici",
)
ATTENDANCE_METRICS = ("attendance_rate", "chronic_absence_rate", "severe_absence_rate", "avg_days_absent")
DISCIPLINE_METRICS = ("iss_rate", "oss_rate", "any_suspension_rate", "incidents_per_100", "days_removed_per_100")
# Shown by subgroup in their own sections (attendance, discipline); the equity section covers the others.
BY_GROUP_IN_SECTION = {"attendance": "chronic_absence_rate", "discipline": "any_suspension_rate"}
SHOWN_ELSEWHERE = {metric: section for section, metric in BY_GROUP_IN_SECTION.items()}
RISK_RATIO_METRICS = ("oss_rate", "iss_rate", "any_suspension_rate")
SCHOOL_YEAR_MONTHS = (7, 8, 9, 10, 11, 12, 1, 2, 3, 4, 5, 6)
AXIS_TITLES = {
    "percent": "Percent",
    "days": "Days",
    "per_100": "Per 100 students",
    "score": "Score (0–10)",
    "rating": "Rating (1–4)",
    "percentile": "Growth percentile (1–99)",
}


@dataclass
class Chart:
    """A chart and the table with the same numbers; `figure` is the trusted Plotly fragment."""

    id: str
    title: str
    summary: str
    figure: Markup | None
    columns: list[str]
    rows: list[list[str]]
    row_keys: list[str] = field(default_factory=list)
    note: str | None = None
    # A table too wide to sit beside its chart (a range and two differences in words per row) goes under it.
    stacked: bool = False
    # The table folded under these words (a details summary), for a chart whose sentences already say it.
    folded: str | None = None
    # A group chart's groups with nothing to say (no likely-real gap): their rows folded under the others.
    quiet_rows: list[list[str]] = field(default_factory=list)
    quiet_keys: list[str] = field(default_factory=list)
    # No group has anything to say: the whole chart and table are folded under these words.
    all_quiet: str | None = None


# Rates that sit in a narrow band (the attendance rate: about 85% to 97%), drawn as dots on the band.
BAND_METRICS = ("attendance_rate",)
# A chart's table of more rows than this goes under the chart, full width: beside it, its cells of words
# wrap into rows several lines tall. A short table (a few grades) stays beside its chart.
STACKED_ROWS = 8
# How a survey's overall figure is named in a chart of its topics (docs/metrics.md: all items).
OVERALL_AMONG_TOPICS = {"family_favorable": "All questions", "family_vendor_favorable": "All questions"}
# The vendor's family survey figures (family_survey_summary): the chart's title says whose they are, so its
# labels leave out the catalog's " (vendor's figure)"; the note says in plain words what the ranges assume.
VENDOR_FIGURE = " (vendor's figure)"
VENDOR_NOTE = (
    "These are the survey vendor's own figures, as its report gives them: the families' answers behind them are "
    "not in the extracts. The range around each figure counts every family who answered the topic as one "
    "yes-or-no answer. That is an approximation: a topic's percent is often an average over several questions, "
    "so the real uncertainty may be somewhat larger or smaller. There is no overall figure unless the vendor's "
    "report gives one."
)
# Each comparison a table reads: the cell's (difference, range low, range high, signal) fields.
DIFFERENCES = {
    "change": ("change", "change_low", "change_high", "change_signal"),
    "gap": ("gap_vs_comparison", "gap_low", "gap_high", "gap_signal"),
    "zone_gap": ("zone_gap", "zone_gap_low", "zone_gap_high", "zone_gap_signal"),
}


def hidden(info: MetricInfo, threshold: int, n: int | None = None) -> str:
    """What a suppressed cell reads, `threshold` being the metric's own minimum (formatting.hidden_count)."""
    if info.population == "indicators":
        return "not rated"
    return hidden_count(info.population, threshold, n)


class Sections:
    """Builds every section of one period's reports; period-wide lookups are done once here."""

    def __init__(
        self,
        data: PeriodData,
        min_students: int,
        min_respondents: int,
        min_finding_n: int,
        assessments: tuple[Assessment, ...] = (),
        own_minimums: Mapping[str, int] | None = None,
        running_targets: Mapping[tuple[str, str, str], dict] | None = None,
    ):
        self.data = data
        # While the period runs, its targets as the targets page judged them ({(school, metric, subgroup): row of
        # priority_levers.year_targets}): the school page repeats that status instead of judging a figure to date.
        self.running_targets = dict(running_targets or {})
        # The metric families with a minimum n of their own (metrics.own_minimums: the mean growth percentile's 20).
        self.own_minimums = dict(own_minimums or {})
        # The assessments of the settings, in their order: the Academics section and the glance's first figures.
        self.assessments = assessments
        self.min_students = min_students
        self.min_respondents = min_respondents
        # A group smaller than this is shown, never the basis of a finding (defaults.yaml: signals).
        self.min_finding_n = min_finding_n
        self.last = periods.last_period(data.period)
        # As a column or legend heading: "Last mid-year", "Same point last year".
        self.last_heading = self.last.removeprefix("the ").capitalize()

    # -- helpers -------------------------------------------------------------------------
    def info(self, metric: str) -> MetricInfo:
        return self.data.metrics[metric]

    def shown(self, metric: str, cell: Cell | None, value: float | None = None) -> str:
        """A value as the page prints it; a suppressed cell reads 'fewer than N students'."""
        info = self.info(metric)
        if cell is not None and cell.suppressed:
            return hidden(info, self._min_for(info), cell.hidden_n)
        number = cell.value if value is None and cell is not None else value
        return format_value(number, info.unit) or "—"

    def _difference(self, cell: Cell | None, kind: str) -> str:
        """One comparison (DIFFERENCES) as a table cell reads it, with its range and whether it is likely real."""
        if cell is None or cell.suppressed:
            return "—"
        delta, low, high, signal = (getattr(cell, field) for field in DIFFERENCES[kind])
        return sentences.difference_words(self.info(cell.metric), cell, delta, low, high, signal, self.min_finding_n)

    def verdict(self, cell: Cell | None, kind: str) -> str:
        """One comparison as a teacher says it, with its number and range beside: 'clearly lower than last
        mid-year, which is better: −4.1 points (range −7.0 to −1.2)'."""
        if cell is None or cell.suppressed:
            return "—"
        delta, low, high, signal = (getattr(cell, field) for field in DIFFERENCES[kind])
        against = sentences.against_words(kind, self.data.period, cell.school_id)
        return sentences.verdict_with_numbers(
            self.info(cell.metric), cell, delta, low, high, signal, self.min_finding_n, against
        )

    def change(self, cell: Cell | None) -> str:
        """The change from last year."""
        return self._difference(cell, "change")

    def since(self, cell: Cell) -> str:
        """The change from last year and last year's figure in one cell:
        'about the same: −3.1 points (range −5.9 to +0.3); was 9.6%'."""
        if cell.suppressed or cell.prior_value is None:
            return "—"
        return f"{self.change(cell)}; was {format_value(cell.prior_value, self.info(cell.metric).unit)}"

    def gap(self, cell: Cell) -> str:
        """A group's gap with the rest of the school, read the same way as a change."""
        return self._difference(cell, "gap")

    def versus_rest_of_zone(self, cell: Cell) -> str:
        """A school against the rest of the zone, read the same way as a change."""
        return self._difference(cell, "zone_gap")

    def with_range(self, cell: Cell | None) -> str:
        """A value with its 95% range: '31.2% (range 28.5% to 34.0%)'; the value alone without one."""
        shown = self.shown(cell.metric, cell) if cell else "—"
        if cell is None or cell.suppressed:
            return shown
        spread = sentences.value_range(cell.ci_low, cell.ci_high, self.info(cell.metric).unit)
        return f"{shown} (range {spread})" if spread else shown

    def no_range_note(self, cells: list[Cell]) -> str | None:
        """The few words a chart of a measure without ranges carries instead of an empty column."""
        shown = [c for c in cells if c is not None and not c.suppressed and c.value is not None]
        if shown and all(c.ci_low is None for c in shown):
            words = sentences.no_range_words(self.info(shown[0].metric))
            return words[0].upper() + words[1:] + "; a change is shown without a verdict."
        return None

    def judged(self, school_id: str, metric: str, subgroup: str = "all") -> str | None:
        """The targets page's status of a running period's target, or None (a finished period, or no target)."""
        row = self.running_targets.get((school_id, metric, subgroup))
        return row["status"] if row else None

    def present(self, metrics) -> list[str]:
        return [m for m in metrics if m in self.data.metrics]

    # -- at a glance ---------------------------------------------------------------------
    def academic_headlines(self) -> list[str]:
        """Each assessment's share meeting expectations and growth figure, where the period has them."""
        return [m for a in self.assessments for m in a.metric_ids if m in self.data.metrics]

    def glance(self, school_id: str) -> list[dict]:
        rows = []
        for metric in [*self.academic_headlines(), *self.present(GLANCE_METRICS)]:
            cell = self.data.cell(school_id, metric)
            if cell is None:
                continue
            info = self.info(metric)
            judged = self.judged(school_id, metric)
            rows.append(
                {
                    "metric": metric,
                    "label": info.label,
                    "value": self.with_range(cell),
                    "prior": format_value(cell.prior_value, info.unit) or "—",
                    "change": self.verdict(cell, "change"),
                    "zone": format_value(cell.zone_value, info.unit) or "—",
                    "versus_zone": self.verdict(cell, "zone_gap"),
                    "target": sentences.target_phrase(info, cell, self._min_for(info), judged) or "no target set",
                    "description": info.description,
                    "status": sentences.glance_status(info, cell, judged),
                }
            )
        return rows

    def _min_for(self, info: MetricInfo) -> int:
        return self.min_n(info.id, info.population)

    def min_n(self, metric: str, population: str = "students") -> int:
        """The fewest students (respondents) behind a figure this metric publishes."""
        return minimum_for(metric, population, self.min_students, self.min_respondents, self.own_minimums)

    # -- targets -------------------------------------------------------------------------
    def targets(self, school_id: str) -> list[dict]:
        """The school's targets of this period, each with its status in sezp_roadmap.targets' words.

        A finished period's target is met or not met; a running period's is what the targets page says
        (an end-of-year target on pace, not on pace or too close to call), with how it was judged.
        """
        found = [c for c in self.data.school_cells(school_id) if c.target is not None]
        rows = []
        for c in sorted(found, key=lambda c: (c.metric, subgroup_sort_key(c.subgroup))):
            info = self.info(c.metric)
            judged = self.running_targets.get((school_id, c.metric, c.subgroup))
            distance = "—"
            if judged is not None:
                status, distance = judged["status"], judged["how"]
            elif c.suppressed:
                status, distance = target_rules.HIDDEN, hidden(info, self._min_for(info), c.hidden_n)
            elif c.target_met is None:
                status = target_rules.NO_DATA
            elif c.target_met:
                status = target_rules.MET
            else:
                status = target_rules.NOT_MET
                distance = format_difference(c.target_gap, info.unit) if c.target_gap is not None else "—"
                if c.target_gap_students:
                    distance += f": {sentences.students_to_target(c.target_gap_students, info.family)}"
            rows.append(
                {
                    "metric": info.label,
                    "subgroup": subgroup_label(c.subgroup),
                    "actual": self.shown(c.metric, c),
                    "target": format_value(c.target, info.unit),
                    "status": status,
                    "distance": distance,
                    "key": f"{c.metric}|{c.subgroup}",
                }
            )
        return rows

    # -- subgroup breakdowns -------------------------------------------------------------
    def clear_gap(self, cell: Cell) -> bool:
        """A group's gap with the rest of the school that is likely real (signals: clear, not a small group)."""
        return (
            cell.gap_vs_comparison is not None
            and sentences.evidence_of(self.info(cell.metric), cell, cell.gap_signal, self.min_finding_n)
            == signals.LIKELY_REAL
        )

    def by_gap(self, cells: list[Cell]) -> list[Cell]:
        """Groups by their gap with the rest of the school, the furthest on the worse side first; groups
        without a gap (a complement, a hidden comparison) last, in the registry's order."""
        info = self.info(cells[0].metric) if cells else None
        worse_first = -1 if info is None or info.higher_is_better is not True else 1

        def key(c: Cell):
            if c.gap_vs_comparison is None:
                return (1, 0.0, subgroup_sort_key(c.subgroup))
            return (0, worse_first * c.gap_vs_comparison, subgroup_sort_key(c.subgroup))

        return sorted(cells, key=key)

    def subgroup_chart(self, school_id: str, metric: str, *, grades: bool, id_prefix: str) -> Chart | None:
        """A metric by grade (in grade order) or by student group (by gap, the likely-real gaps marked and the
        other groups' rows folded); a rate in a narrow band (BAND_METRICS) is drawn as dots on its band."""
        info = self.info(metric)
        cells = [
            c
            for c in self.data.school_cells(school_id, metric)
            if c.subgroup != "all" and is_grade(c.subgroup) == grades
        ]
        if not cells:
            return None
        cells.sort(key=lambda c: subgroup_sort_key(c.subgroup))
        if not grades:
            cells = self.by_gap(cells)
        all_cell = self.data.cell(school_id, metric)
        all_value = None if all_cell is None or all_cell.suppressed else all_cell.value
        visible = [c for c in cells if not c.suppressed and c.value is not None]
        kind = "grade" if grades else "student group"
        div_id = f"{id_prefix}-{metric.replace(':', '-').replace('_', '-')}"
        title = f"{info.label} by {kind}"
        clear = None if grades else [self.clear_gap(c) for c in visible]
        dots = metric in BAND_METRICS
        if visible:
            spec = figures.subgroup_bars(
                [subgroup_label(c.subgroup) for c in visible],
                [c.value for c in visible],
                all_value=all_value,
                title=title,
                unit=info.unit,
                axis_title=AXIS_TITLES.get(info.unit, ""),
                lows=[c.ci_low for c in visible],
                highs=[c.ci_high for c in visible],
                clear=clear,
                dots=dots,
            )
            drawn = "Dot chart" if dots else "Bar chart"
            order = "" if grades else ", largest gap first, likely-real gaps marked"
            summary = (
                f"{drawn} of {info.label.lower()} by {kind}{order}, each with its likely range; all students "
                f"{format_value(all_value, info.unit) or 'not shown'}. The numbers are in the table that follows."
            )
            figure = figures.figure_html(spec, div_id, summary)
        else:
            summary, figure = f"No {kind} of this school has enough students to show.", None
        columns = ["Group", "Students", info.label, f"vs {sentences.rest_of(school_id)}", f"Since {self.last}"]
        rows = (
            [
                [
                    subgroup_label("all"),
                    self.count(all_cell),
                    self.with_range(all_cell),
                    "—",
                    self.since(all_cell),
                ]
            ]
            if all_cell
            else []
        )
        keys = [f"{metric}|all"] if all_cell else []
        quiet_rows, quiet_keys = [], []
        for c in cells:
            row = [subgroup_label(c.subgroup), self.count(c), self.with_range(c), self.gap(c), self.since(c)]
            if grades or self.clear_gap(c):
                rows.append(row)
                keys.append(f"{metric}|{c.subgroup}")
            else:
                quiet_rows.append(row)
                quiet_keys.append(f"{metric}|{c.subgroup}")
        said = sum(1 for c in cells if not grades and self.clear_gap(c))
        if not said:  # nothing to fold the quiet groups under: the whole chart is folded instead
            rows, keys, quiet_rows, quiet_keys = rows + quiet_rows, keys + quiet_keys, [], []
        return Chart(
            div_id,
            title,
            summary,
            figure,
            columns,
            rows,
            keys,
            note=self.no_range_note(cells),
            stacked=len(rows) + len(quiet_rows) > STACKED_ROWS,
            quiet_rows=quiet_rows,
            quiet_keys=quiet_keys,
            all_quiet=None if grades or said else f"{title}: no group's gap is likely real",
        )

    def count(self, cell: Cell | None) -> str:
        """How many students (or respondents) a figure is about; a small group says it is a clue, not a finding."""
        if cell is None:
            return "—"
        if cell.suppressed:
            info = self.info(cell.metric)
            return hidden(info, self._min_for(info), cell.hidden_n)
        if cell.n is None:
            return "—"
        if signals.small_group(cell.n, self.info(cell.metric).population, self.min_finding_n):
            return f"{cell.n:,} ({sentences.SMALL_GROUP_WORDS})"
        return f"{cell.n:,}"

    def equity(self, school_id: str) -> dict:
        gap_sentences = []
        for metric in self.present(ATTENDANCE_METRICS + DISCIPLINE_METRICS):
            info = self.info(metric)
            if info.population != "students":
                continue
            sentence = sentences.gap_sentence(
                info, self.data.school_cells(school_id, metric), self.data.period, self.min_finding_n
            )
            if sentence:
                gap_sentences.append(sentence)
        charts = []
        for metric in self.present(ATTENDANCE_METRICS + DISCIPLINE_METRICS):
            if metric in SHOWN_ELSEWHERE:
                continue
            chart = self.subgroup_chart(school_id, metric, grades=False, id_prefix="equity")
            if chart:
                charts.append(chart)
        # The risk ratios are shown under Discipline only (discipline()); no page shows them here.
        return {"sentences": gap_sentences, "charts": charts}

    def risk_ratios(self, school_id: str) -> dict:
        rows, said = [], []
        for metric in self.present(RISK_RATIO_METRICS):
            info = self.info(metric)
            for c in sorted(self.data.school_cells(school_id, metric), key=lambda c: subgroup_sort_key(c.subgroup)):
                if c.subgroup == "all" or is_complement(c.subgroup) or c.risk_ratio is None or c.suppressed:
                    continue
                rows.append(
                    [
                        info.label,
                        subgroup_label(c.subgroup),
                        format_value(c.value, info.unit),
                        sentences.risk_ratio_text(c),
                    ]
                )
                # Said in words only when the group is large enough and its range excludes "equally likely".
                large = c.risk_ratio >= 1.5 or (c.risk_ratio <= 0.67 and c.risk_ratio > 0)
                if (
                    large
                    and sentences.risk_ratio_clear(c)
                    and not signals.small_group(c.n, info.population, self.min_finding_n)
                ):
                    said.append(sentences.risk_ratio_sentence(info, c))
        return {"rows": rows, "sentences": said[:4]}

    # -- attendance ----------------------------------------------------------------------
    def _months(self, by_year: dict[int, list[dict]], years: list[int]) -> list:
        months = {r["month"].month for y in years for r in by_year.get(y, [])}
        return [m for m in SCHOOL_YEAR_MONTHS if m in months]

    def monthly_attendance(self, school_id: str) -> Chart | None:
        by_year = self.data.monthly_attendance.get(school_id, {})
        zone = self.data.monthly_attendance.get(ZONE, {})
        year, prior = self.data.school_year, self.data.school_year - 1
        months = self._months(by_year, [year, prior])
        if not months:
            return None
        names = [_month_name(m) for m in months]

        def series(rows: list[dict]) -> list[float | None]:
            by_month = {r["month"].month: r for r in rows}
            return [None if m not in by_month or by_month[m]["suppressed"] else by_month[m]["rate"] for m in months]

        def shown(rows: list[dict], m: int) -> str:
            row = next((r for r in rows if r["month"].month == m), None)
            if row is None:
                return "—"
            return fewer_than(self.min_students) if row["suppressed"] else format_value(row["rate"], "percent")

        this_label, prior_label = "This year", "Last year"
        lines = [
            (this_label, series(by_year.get(year, [])), "school"),
            (prior_label, series(by_year.get(prior, [])), "prior"),
        ]
        if school_id != ZONE:
            lines.append(("Zone, this year", series(zone.get(year, [])), "zone"))
        spec = figures.monthly_lines(
            names, lines, title="Attendance rate by month", unit="percent", axis_title="Percent of days attended"
        )
        summary = "Line chart of the attendance rate by month, this year and last year; the numbers are in the table that follows."
        rows = [
            [
                name,
                shown(by_year.get(year, []), m),
                shown(by_year.get(prior, []), m),
                *([shown(zone.get(year, []), m)] if school_id != ZONE else []),
            ]
            for name, m in zip(names, months)
        ]
        columns = ["Month", this_label, prior_label, *(["Zone, this year"] if school_id != ZONE else [])]
        return Chart(
            "attendance-monthly",
            "Attendance rate by month",
            summary,
            figures.figure_html(spec, "attendance-monthly", summary),
            columns,
            rows,
        )

    def absence_bands(self, school_id: str) -> Chart | None:
        bands = self.data.absence_bands.get(school_id, [])
        if not bands:
            return None
        if bands[0]["suppressed"]:
            text = fewer_than(self.min_students)
            return Chart(
                "attendance-bands",
                "Students by share of days missed",
                f"Not shown: {text}.",
                None,
                ["Days missed", "Students", "Share of students"],
                [[b["band"], text, text] for b in bands],
            )
        labels = [f"Missed {b['band']}" for b in bands]
        spec = figures.grouped_bars(
            labels,
            [("Share of students", [b["share"] for b in bands], "school")],
            title="Students by share of their days missed",
            unit="percent",
            axis_title="Percent of students",
        )
        spec["layout"]["showlegend"] = False
        summary = (
            "Bar chart: "
            + "; ".join(f"{b['share']:.1f}% of students missed {b['band']} of their days" for b in bands)
            + "."
        )
        rows = [[b["band"], f"{b['students']:,}", format_value(b["share"], "percent")] for b in bands]
        return Chart(
            "attendance-bands",
            "Students by share of days missed",
            summary,
            figures.figure_html(spec, "attendance-bands", summary),
            ["Days missed", "Students", "Share of students"],
            rows,
        )

    def _all_students_table(self, school_id: str, metrics) -> list[dict]:
        """A section's table of all-students figures: value, last year, change, zone, meaning."""
        table = []
        for metric in self.present(metrics):
            cell = self.data.cell(school_id, metric)
            if cell is None:
                continue
            info = self.info(metric)
            table.append(
                {
                    "label": info.label,
                    "value": self.with_range(cell),
                    "prior": format_value(cell.prior_value, info.unit) or "—",
                    "change": self.change(cell),
                    "zone": format_value(cell.zone_value, info.unit) or "—",
                    "description": info.description,
                    "key": f"{metric}|all",
                }
            )
        return table

    def _section_by_group(self, school_id: str, section: str, *, with_grades: bool = False) -> list[Chart | None]:
        """The section's metric by grade (when asked) and by student group (BY_GROUP_IN_SECTION)."""
        metric = BY_GROUP_IN_SECTION[section]
        if metric not in self.data.metrics:
            return []
        kinds = [(True, "grade")] if with_grades else []
        return [
            self.subgroup_chart(school_id, metric, grades=grades, id_prefix=f"{section}-{kind}")
            for grades, kind in [*kinds, (False, "group")]
        ]

    def attendance(self, school_id: str) -> dict:
        table = self._all_students_table(school_id, ATTENDANCE_METRICS)
        charts = [
            self.monthly_attendance(school_id),
            *self._section_by_group(school_id, "attendance", with_grades=True),
            self.absence_bands(school_id),
        ]
        return {"table": table, "charts": [c for c in charts if c]}

    # -- discipline ----------------------------------------------------------------------
    def monthly_discipline(self, school_id: str) -> Chart | None:
        by_year = self.data.monthly_discipline.get(school_id, {})
        year, prior = self.data.school_year, self.data.school_year - 1
        months = self._months(by_year, [year])
        if not months:
            return None
        this_rows = {r["month"].month: r for r in by_year.get(year, [])}
        prior_rows = {r["month"].month: r for r in by_year.get(prior, [])}

        def value(rows: dict, m: int, key: str) -> float | None:
            row = rows.get(m)
            return None if row is None or row["suppressed"] else row[key]

        def total(rows: dict, m: int) -> float | None:
            iss, oss = value(rows, m, "iss_actions"), value(rows, m, "oss_actions")
            return None if iss is None or oss is None else iss + oss

        def text(v: float | None, rows: dict, m: int, unit: str = "count") -> str:
            if m in rows and rows[m]["suppressed"]:
                return fewer_than(self.min_students)
            return "—" if v is None else (f"{v:g}" if unit == "count" else f"{v:.1f}")

        names = [_month_name(m) for m in months]
        series = [
            ("In-school suspensions", [value(this_rows, m, "iss_actions") for m in months], "school"),
            ("Out-of-school suspensions", [value(this_rows, m, "oss_actions") for m in months], "second"),
            ("All suspensions, last year", [total(prior_rows, m) for m in months], "prior"),
        ]
        spec = figures.grouped_bars(names, series, title="Suspensions by month", unit="count", axis_title="Suspensions")
        summary = "Bar chart of in-school and out-of-school suspensions by month, with last year's total; the numbers are in the table that follows."
        rows = [
            [
                name,
                text(value(this_rows, m, "iss_actions"), this_rows, m),
                text(value(this_rows, m, "oss_actions"), this_rows, m),
                text(value(this_rows, m, "days_removed"), this_rows, m, "days"),
                text(total(prior_rows, m), prior_rows, m),
            ]
            for name, m in zip(names, months)
        ]
        columns = [
            "Month",
            "In-school suspensions",
            "Out-of-school suspensions",
            "Days removed",
            "All suspensions, last year",
        ]
        return Chart(
            "discipline-monthly",
            "Suspensions by month",
            summary,
            figures.figure_html(spec, "discipline-monthly", summary),
            columns,
            rows,
        )

    def discipline(self, school_id: str) -> dict:
        table = self._all_students_table(school_id, DISCIPLINE_METRICS)
        charts = [self.monthly_discipline(school_id), *self._section_by_group(school_id, "discipline")]
        return {
            "table": table,
            "charts": [c for c in charts if c],
            "risk_ratios": self.risk_ratios(school_id),
            "in_extract": self.discipline_in_extract,
        }

    @property
    def discipline_in_extract(self) -> bool:
        """A period has discipline metrics exactly when the extract has an action dated in it
        (work.discipline_periods): without one the pages say so instead of showing 0%."""
        return any(m in self.data.metrics for m in DISCIPLINE_METRICS)

    # -- climate and culture, SQR ----------------------------------------------------------
    def versus_zone(
        self, school_id: str, metrics: list[str], *, div_id: str, title: str, label_suffix: str = ""
    ) -> Chart | None:
        if not metrics:
            return None
        cells = [self.data.cell(school_id, m) for m in metrics]
        pairs = [(m, c) for m, c in zip(metrics, cells) if c is not None]
        if not pairs:
            return None
        info = self.info(pairs[0][0])
        labels = without_shared_prefix([self.info(m).label.removesuffix(label_suffix) for m, _ in pairs])
        # Among the family survey's topics, its overall figure is the one over every question.
        labels = [OVERALL_AMONG_TOPICS.get(m, label) for (m, _), label in zip(pairs, labels)]
        series = [("This school", [None if c.suppressed else c.value for _, c in pairs], "school")]
        if school_id != ZONE:
            series.append(("Zone", [c.zone_value for _, c in pairs], "zone"))
        series.append((self.last_heading, [c.prior_value for _, c in pairs], "prior"))
        visible = any(not c.suppressed and c.value is not None for _, c in pairs)
        shown = [None if c.suppressed else c for _, c in pairs]
        ranges = {"This school": ([c and c.ci_low for c in shown], [c and c.ci_high for c in shown])}
        spec = figures.grouped_bars(
            [wrapped(label) for label in labels],
            series,
            title=title,
            unit=info.unit,
            axis_title=AXIS_TITLES.get(info.unit, ""),
            horizontal=True,
            ranges=ranges,
        )
        summary = (
            f"Bar chart of {title.lower()}, this school beside the zone; the numbers are in the table that follows."
        )
        columns = [
            "Measure",
            "Respondents" if info.population == "respondents" else "Count",
            "This school",
            "Zone",
            self.last_heading,
            "Change",
        ]
        rows = [
            [
                label,
                self.count(c),
                self.with_range(c),
                format_value(c.zone_value, info.unit) or "—",
                format_value(c.prior_value, info.unit) or "—",
                self.change(c),
            ]
            for label, (m, c) in zip(labels, pairs)
        ]
        figure = figures.figure_html(spec, div_id, summary) if visible else None
        return Chart(
            div_id,
            title,
            summary if visible else "No chart: every figure here is hidden for privacy.",
            figure,
            columns,
            rows,
            [f"{m}|all" for m, _ in pairs],
            note=self.no_range_note([c for _, c in pairs]),
        )

    def climate(self, school_id: str) -> list[Chart]:
        educator = self.present(["educator_ici"]) + self.data.metric_ids("educator")
        family = self.present(["family_favorable"]) + self.data.metric_ids("family_favorable")
        charts = [
            self.versus_zone(
                school_id, educator, div_id="climate-educator", title="Educator survey: index and domains (0–10)"
            ),
            self.versus_zone(
                school_id, family, div_id="climate-family", title="Family survey: percent favorable by topic"
            ),
            self.vendor_family_survey(school_id),
        ]
        return [c for c in charts if c]

    def vendor_family_survey(self, school_id: str) -> Chart | None:
        """The vendor's percent favorable by topic, for a school whose survey came as the vendor's report."""
        metrics = self.present(["family_vendor_favorable"]) + self.data.metric_ids("family_vendor_favorable")
        chart = self.versus_zone(
            school_id,
            metrics,
            div_id="climate-family-vendor",
            title="Family survey: the vendor's percent favorable by topic",
            label_suffix=VENDOR_FIGURE,
        )
        if chart:
            chart.note = VENDOR_NOTE + (" " + chart.note if chart.note else "")
        return chart

    def sqr(self, school_id: str) -> Chart | None:
        metrics = self.data.metric_ids("sqr")
        if not metrics:
            return None
        chart = self.versus_zone(
            school_id, metrics, div_id="sqr-domains", title="School Quality Review: domain ratings (1–4)"
        )
        if chart:
            chart.note = (
                "1 Not yet evident · 2 Developing · 3 Proficient · 4 Exemplary. The previous review is the same "
                "period last year. " + (chart.note or "")
            )
        return chart

    # -- notes -----------------------------------------------------------------------------
    def definitions(self) -> list[dict]:
        seen, rows = set(), []
        for metric in self.data.metrics:
            info = self.info(metric)
            family = info.family if ":" in metric else metric
            if family in seen or not info.description:
                continue
            seen.add(family)
            rows.append(
                {"label": info.label if ":" not in metric else _family_label(metric), "description": info.description}
            )
        return rows

    def findings(self, school_id: str) -> list[dict]:
        """The school's data-quality findings in words a reader of the report knows (not the rules' ids)."""
        return [{**f, **in_words(f), "rows_text": _rows_text(f)} for f in self.data.findings.get(school_id, [])]

    def _students(self, n: int) -> str:
        return fewer_than(self.min_students) if n < self.min_students else f"{n:,} students"

    def enrolled(self, school_id: str, min_membership_days: int) -> str:
        """'963 students enrolled; 947 of them 20 days or more, whom the attendance figures count'.

        The figures' n differ by population (docs/metrics.md): discipline counts every enrolled student,
        attendance only those enrolled the minimum days; the header names both so neither number puzzles.
        """
        counts = self.data.enrollment.get(school_id) or {}
        enrolled, attending = counts.get("enrolled"), counts.get("attending")
        attendance_rule = f"enrolled {min_membership_days} days or more"
        if enrolled is None and attending is None:
            return "—"
        if enrolled is None:
            return f"{self._students(attending)} {attendance_rule} (those the attendance figures count)"
        if attending is None or attending == enrolled:
            return f"{self._students(enrolled)} enrolled"
        return (
            f"{self._students(enrolled)} enrolled; the attendance figures count "
            f"{'the ' if attending >= self.min_students else ''}{self._students(attending)} {attendance_rule}"
        )

    def header(self, school_id: str, min_membership_days: int) -> dict:
        row = self.data.period_row
        return {
            "enrolled": self.enrolled(school_id, min_membership_days),
            "data_through": long_date(row["data_through"]),
            "start": long_date(row["start_date"]),
            "end": long_date(row["end_date"]),
        }


def _month_name(month: int) -> str:
    return (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    )[month - 1][:3]


def _family_label(metric: str) -> str:
    return {
        "family_favorable": "Family survey topics",
        "family_vendor_favorable": "Family survey topics (vendor's figures)",
        "educator": "Educator survey domains",
        "sqr": "School Quality Review domains",
    }.get(metric.split(":", 1)[0], metric.split(":", 1)[0])


def _rows_text(finding: dict) -> str:
    """How many rows, and for rows left out of the figures their share of the school's rows that year."""
    rows, whole = finding["rows"], finding.get("school_rows")
    if not whole:
        return f"{rows:,}"
    return f"{rows:,} of {whole:,} ({share_text(rows, whole)})"
