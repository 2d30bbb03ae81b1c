"""The report's "Priority levers" section, its exports, and the school year's targets page.

Everything here reads the period's published cells (PeriodData, from
marts.metric_comparisons) and the targets of the year (sql/pages/year_targets.sql);
a suppressed figure never enters a sentence, an export or the targets page.
The scoring and the on-pace rule live in sezp_roadmap.levers and sezp_roadmap.targets.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from functools import cache
from operator import itemgetter
from pathlib import Path

import duckdb

from sezp_roadmap import periods
from sezp_roadmap import targets as target_rules
from sezp_roadmap.config import Settings
from sezp_roadmap.levers import (
    LOW_SQR_RATING,
    POINTS,
    VERY_LOW_SQR_RATING,
    Finding,
    LeverEvidence,
    findings_for,
    load_levers,
    rank_levers,
)
from sezp_roadmap.metrics import minimum_for, own_minimums
from sezp_roadmap.reporting import zone_overview
from sezp_roadmap.reporting.context import PeriodData
from sezp_roadmap.reporting.formatting import (
    count_of,
    format_difference,
    format_value,
    hidden_count,
    long_date,
    shown_number,
    subgroup_label,
)
from sezp_roadmap.reporting.lever_words import KIND_LABELS, lever_texts, ranking_note
from sezp_roadmap.reporting.safe_paths import file_in
from sezp_roadmap.reporting.sentences import students_to_target
from sezp_roadmap.safe_export import markdown_text, safe_writer
from sezp_roadmap.warehouse import query

# The column headings of the targets tables (a school's end-of-year targets on pace, the school
# year's targets page), by what the column holds: both templates read them from here.
TARGET_HEADINGS = {
    "school": "School",
    "period": "Period",
    "measure": "Measure",
    "students": "Students",
    "target": "Target",
    "result": "Result",
    "status": "Status",
    "how": "How it was judged",
    "mid_year": periods.label("mid_year"),
    "end_of_year_target": f"{periods.ADJECTIVES['end_of_year'].capitalize()} target",
}

EXPORT_COLUMNS = (
    "school_id",
    "school_name",
    "school_year",
    "period",
    "rank",
    "lever_id",
    "lever",
    "score",
    "score_breakdown",
    "reason",
    "left_out",
    "caution",
    "finding_kind",
    "finding_measure",
    "finding_metric",
    "finding_subgroup",
    "finding_role",
    "finding_points",
    "finding_evidence",
    "finding",
)
# finding_role: whether the finding scores for the lever, supports the one that does (0 points), or was left out.
SCORES, SUPPORT, LEFT_OUT = "scores", "support", "left out"


@cache  # the same sentence on every page and export
def scoring_rule() -> str:
    """The score, in one sentence, as the report and the exports state it."""
    points = ", ".join(f"{KIND_LABELS[k]} {p}" for k, p in POINTS.items())
    return (
        f"Each finding that is likely real adds points ({points}); a large finding (at least twice the "
        f"smallest difference the report calls out, or an SQR rating of {VERY_LOW_SQR_RATING:g} or lower) "
        "counts double. Each measure scores once per lever, with its strongest likely real finding; its other "
        "findings are listed under it as support, with 0 points. The family survey, the educator survey and the "
        "School Quality Review are one measure each, with their topics or domains; any other figure is one "
        "measure with all its groups. A lever's score is the sum over its measures. A difference within normal "
        "variation, one about a small group, or one with no range to judge it scores nothing: each lever "
        "says how many it left out."
    )


def _who(f: Finding) -> str:
    """' (60 students)'; SQR indicators are not a group of people."""
    if f.population == "indicators" or f.n is None:
        return ""
    return f" ({f.n:g} {f.population})"


def _subject(f: Finding, text: Callable[[str], str] = str) -> str:
    """'Chronic absence, English learners'; survey and SQR figures are about the school, not a group of students."""
    if f.population in ("respondents", "indicators"):
        return text(f.label)
    return f"{text(f.label)}, {text(subgroup_label(f.subgroup)) if f.subgroup != 'all' else 'all students'}"


def finding_sentence(f: Finding, period: str, text: Callable[[str], str] = str) -> str:
    """A finding in words, with its numbers: 'Chronic absence, all students: 31.2%, 7.2 points worse than the zone …'.

    text: how the words that come from the data (labels of topics and domains, subgroups) are written,
    e.g. safe_export.markdown_text for the Markdown export.
    """
    shown, unit = format_value(f.value, f.unit), f.unit
    if f.kind == "target_not_met":
        if f.students:
            rest = f"{students_to_target(f.students, f.metric)} would meet it"
        elif f.difference is not None:
            rest = f"{format_difference(f.difference, unit)} to go"
        else:
            rest = target_rules.NOT_MET
        return (
            f"{_subject(f, text)}: {shown} against the {periods.ADJECTIVES.get(period, '')} target of "
            f"{format_value(f.reference, unit)}; {rest}{_who(f)}."
        )
    if f.kind == "low_sqr_rating":
        return f"{text(f.label)}: rated {format_value(f.value, 'rating')} out of 4 ({LOW_SQR_RATING:g} or lower)."
    against = {
        "worse_than_zone": "the zone",
        "worsening": periods.last_period(period),
        "equity_gap": "the rest of the school",
    }[f.kind]
    return (
        f"{_subject(f, text)}: {shown}, {format_difference(f.difference, unit)} worse than {against} "
        f"({format_value(f.reference, unit)}){_who(f)}."
    )


def cell_rows(data: PeriodData, school_id: str) -> list[dict]:
    """One school's cells with a figure shown (not suppressed) as the plain rows sezp_roadmap.levers reads.

    Only these can be findings or count as data bearing on a lever, so rows of
    hidden cells are not made at all.
    """
    rows = []
    for c in data.school_cells(school_id):
        if c.suppressed or c.value is None:
            continue
        info = data.metrics[c.metric]
        rows.append(
            {
                "metric": c.metric,
                "subgroup": c.subgroup,
                "label": info.label,
                "unit": info.unit,
                "direction": c.direction or info.direction,
                "population": info.population,
                "n": c.n,
                "value": c.value,
                "suppressed": c.suppressed,
                "prior_value": c.prior_value,
                "change": c.change,
                "zone_value": c.zone_value,
                "diff_vs_zone": c.diff_vs_zone,
                "all_value": c.all_value,
                "gap_vs_all": c.gap_vs_all,
                "target": c.target,
                "target_met": c.target_met,
                "target_gap": c.target_gap,
                "target_gap_students": c.target_gap_students,
                "ci_low": c.ci_low,
                "ci_high": c.ci_high,
                "gap_vs_comparison": c.gap_vs_comparison,
                "comparison_value": c.comparison_value,
                "change_signal": c.change_signal,
                "gap_signal": c.gap_signal,
                "zone_gap_signal": c.zone_gap_signal,
            }
        )
    return sorted(rows, key=itemgetter("metric", "subgroup"))


def judge(row: dict, *, min_students: int, min_respondents: int, own_minimums: Mapping[str, int]) -> dict:
    """One row of year_targets.sql with its status and the words the pages show (no hidden figure);
    own_minimums: metrics.own_minimums of the settings."""
    unit, direction, target = row["unit"], row["direction"], row["target"]
    threshold = minimum_for(row["metric"], row["population"], min_students, min_respondents, own_minimums)
    # A hidden cell's n only chooses its words (hidden_count, below); it never leaves this function.
    judged = dict(
        row,
        n=None if row["suppressed"] else row["n"],
        mid_n=None if row["mid_suppressed"] else row["mid_n"],
    )

    def shown(value: float | None, suppressed: bool, n: int | None) -> tuple[str, float | None]:
        """The figure as the page prints it, and its sort key: the same figure, rounded as printed (None when hidden)."""
        if suppressed:
            return hidden_count(row["population"], threshold, n), None
        return format_value(value, unit) or "—", shown_number(value, unit)

    if row["period"] == "end_of_year" and not row["period_complete"]:
        pace = target_rules.on_pace(
            row["mid_value"],
            target,
            direction,
            mid_suppressed=row["mid_suppressed"],
            last_mid_value=row["last_mid_value"],
            last_end_value=row["last_end_value"],
            mid_low=row.get("mid_ci_low"),
            mid_high=row.get("mid_ci_high"),
        )
        status = pace.status
        actual, sort_value = shown(row["mid_value"], row["mid_suppressed"], row["mid_n"])
        actual_label = periods.IN_TEXT["mid_year"]
        if pace.projected is None:
            how = pace.explanation
        elif pace.last_year_movement is None:
            how = f"mid-year {actual}; {pace.explanation}"
        else:
            sign = "+" if pace.last_year_movement >= 0 else "−"
            how = (
                f"projected {format_value(pace.projected, unit)} = mid-year {actual} {sign} "
                f"{format_difference(pace.last_year_movement, unit)} (last year's mid-year to end-of-year movement)"
            )
        if pace.projected_low is not None:
            how += (
                f"; likely range {format_value(pace.projected_low, unit)} to {format_value(pace.projected_high, unit)}"
            )
            if pace.status == target_rules.TOO_CLOSE:
                how += ", on both sides of the target"
    else:
        status = target_rules.target_status(
            row["value"], target, direction, suppressed=row["suppressed"], target_met=row["target_met"]
        )
        actual, sort_value = shown(row["value"], row["suppressed"], row["n"])
        actual_label = periods.IN_TEXT.get(row["period"], row["period"])
        how = "—"
        if status == target_rules.NOT_MET and row["target_gap"] is not None:
            how = f"{format_difference(row['target_gap'], unit)} to go"
            if row["target_gap_students"]:
                how += f" ({count_of(row['target_gap_students'], 'students')})"
        elif status == target_rules.HIDDEN:
            how = "hidden for privacy"
    judged.update(
        status=status,
        actual=actual,
        actual_label=actual_label,
        how=how,
        sort_value=sort_value,
        target_text=format_value(target, unit),
        subgroup_text=subgroup_label(row["subgroup"]),
        period_text=periods.label(row["period"]),
    )
    return judged


def year_targets(con: duckdb.DuckDBPyConnection, school_year: int, settings: Settings) -> list[dict]:
    return [
        judge(
            r,
            min_students=settings.min_students,
            min_respondents=settings.min_respondents,
            own_minimums=own_minimums(settings),
        )
        for r in query(con, "pages/year_targets", {"school_year": school_year})
    ]


class YearTargets:
    """year_targets() of each school year, read once per run.

    A mid-year period's reports (targets on pace) and the school year's
    targets page show the same rows; the rows are only read, never changed.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, settings: Settings):
        self.con = con
        self.settings = settings
        self._by_year: dict[int, list[dict]] = {}

    def __call__(self, school_year: int) -> list[dict]:
        if school_year not in self._by_year:
            self._by_year[school_year] = year_targets(self.con, school_year, self.settings)
        return self._by_year[school_year]


class PriorityLevers:
    """The levers section and exports of one period's school reports."""

    def __init__(
        self, con: duckdb.DuckDBPyConnection, data: PeriodData, settings: Settings, targets: YearTargets | None = None
    ):
        self.data = data
        self.settings = settings
        self.levers = load_levers(settings.raw)
        targets = targets or YearTargets(con, settings)
        self.targets = targets(data.school_year) if data.period == "mid_year" else []
        self._ranked: dict[str, list[LeverEvidence]] = {}
        self._end_of_year_targets: dict[str, list[dict]] = {}
        for t in self.targets:
            if t["period"] == "end_of_year":
                self._end_of_year_targets.setdefault(t["school_id"], []).append(t)

    def ranked(self, school_id: str) -> list[LeverEvidence]:
        # The section and the exports show the same ranking: computed once per school.
        if school_id not in self._ranked:
            self._ranked[school_id] = self._rank(school_id)
        return self._ranked[school_id]

    def _rank(self, school_id: str) -> list[LeverEvidence]:
        rows = cell_rows(self.data, school_id)
        found = findings_for(rows, min_finding_n=self.settings.min_finding_n)
        present = {r["metric"] for r in rows}  # cell_rows keeps only cells with a figure shown
        return rank_levers(self.levers, found, present)

    def context(self, school_id: str) -> dict:
        """What _priority_levers.html.j2 and _targets_on_pace.html.j2 show for one school."""
        ranked = self.ranked(school_id)
        end_of_year = self._end_of_year_targets.get(school_id, [])
        return {
            "priority_levers": {
                "ranked": ranked,
                "texts": {e.lever.id: lever_texts(e) for e in ranked},
                "note": ranking_note(ranked),
                "rule": scoring_rule(),
                "sentence": lambda f: finding_sentence(f, self.data.period),
            },
            "end_of_year_targets": end_of_year,
        }

    def write_exports(self, school: dict, period_dir: Path) -> list[Path]:
        """<school_id>-priority-levers.csv and .md beside the school's report."""
        ranked = self.ranked(school["school_id"])
        stem = f"{school['school_id']}-priority-levers"
        csv_path, md_path = file_in(period_dir, f"{stem}.csv"), file_in(period_dir, f"{stem}.md")
        csv_path.write_text(export_csv(school, self.data, ranked), encoding="utf-8")
        md_path.write_text(export_markdown(school, self.data, ranked), encoding="utf-8")
        return [csv_path, md_path]


def lever_findings(e: LeverEvidence) -> list[tuple[str, Finding]]:
    """(role, finding) in the order the exports list them: each scoring finding followed by its support,
    then the findings left out."""
    listed = []
    for f in e.findings:
        listed += [(SCORES, f)] + [(SUPPORT, s) for s in e.support_of(f)]
    return listed + [(LEFT_OUT, f) for f in e.left_out]


def export_csv(school: dict, data: PeriodData, ranked: list[LeverEvidence]) -> str:
    out = io.StringIO()
    writer = safe_writer(out, lineterminator="\n")
    writer.writerow(EXPORT_COLUMNS)
    for e in ranked:
        texts = lever_texts(e)
        common = [
            school["school_id"],
            school["school_name"],
            data.school_year,
            data.period,
            e.rank,
            e.lever.id,
            e.lever.name,
            e.score,
            texts.breakdown,
            texts.reason or "",
            texts.left_out or "",
            texts.caution or "",
        ]
        listed = lever_findings(e)
        if not listed:
            writer.writerow([*common, *[""] * (len(EXPORT_COLUMNS) - len(common))])
        for role, f in listed:
            writer.writerow(
                [
                    *common,
                    f.kind,
                    f.measure,
                    f.metric,
                    f.subgroup,
                    role,
                    f.points,
                    f.evidence,
                    finding_sentence(f, data.period),
                ]
            )
    return out.getvalue()


def export_markdown(school: dict, data: PeriodData, ranked: list[LeverEvidence]) -> str:
    period = periods.label(data.period)
    through = long_date(data.period_row.get("data_through"))
    lines = [
        f"# Priority levers: {markdown_text(school['school_name'])}",
        "",
        f"{period} {periods.school_year_label(data.school_year)}, data through {through}. "
        "From the Roadmap for Equitable Student Outcomes: only figures the report shows (none hidden for privacy).",
        "",
        f"How the score works: {scoring_rule()}",
        "",
    ]
    note = ranking_note(ranked)
    if note:
        lines += [f"Note: {note}", ""]
    for e in ranked:
        texts = lever_texts(e)
        lines += [
            f"## {e.rank}. {e.lever.name} ({e.score} points)",
            "",
            e.lever.description,
            "",
        ]
        # A reason or breakdown names the data's own words (a survey topic, an SQR domain): escaped like them.
        if texts.reason:
            lines += [f"Why: {markdown_text(texts.reason)}", ""]
        lines += [f"Score: {markdown_text(texts.breakdown)}", ""]
        if texts.support:
            lines += [texts.support, ""]
        if texts.left_out:
            lines += [texts.left_out, ""]
        if texts.caution:
            lines += [f"Caution: {texts.caution}", ""]
        for f in e.findings:
            points = f"{f.points} point{'s' if f.points != 1 else ''}"
            lines.append(f"- {finding_sentence(f, data.period, markdown_text)} ({points})")
            lines += [
                f"  - Support, 0 points: {finding_sentence(s, data.period, markdown_text)}" for s in e.support_of(f)
            ]
        if e.findings:
            lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def write_targets_pages(
    con: duckdb.DuckDBPyConnection,
    out_dir: Path,
    school_years: list[int],
    settings: Settings,
    env,
    page_assets: dict,
    targets: YearTargets | None = None,
) -> dict[int, str]:
    """<out>/<school_year>/targets.html for each school year; returns {school_year: href from the index}.

    targets: the run's year targets, when its mid-year reports have read some already.
    """
    targets = targets or YearTargets(con, settings)
    template = env.get_template("targets.html.j2")
    written = {}
    for school_year in sorted(set(school_years), reverse=True):
        rows = targets(school_year)
        schools = sorted({(r["school_name"] or r["school_id"], r["school_id"]) for r in rows})
        page = out_dir / str(school_year) / "targets.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        # A state's year has tens of thousands of targets: its page opens on a choice of school, every row folded.
        page.write_text(
            template.render(
                rows=rows,
                schools=schools,
                school_year=school_year,
                settings=settings,
                folded=len(schools) > zone_overview.MANY_SCHOOLS,
                **page_assets,
            ),
            encoding="utf-8",
        )
        written[school_year] = f"{school_year}/targets.html"
    return written
