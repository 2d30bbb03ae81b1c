"""The Academics section of a school report: the interim assessments and the state test.

For each assessment of the settings, what the period reads (docs/metrics.md,
"Academics"): an interim's latest administration in the period, and the state
test's spring results, which a mid-year report takes from last spring (the
previous school year's end), labelled so. Each assessment gets a few sentences
in the report's usual words (a change is better or worse only when likely
real) and one chart: a stacked bar of its performance levels per group and
grade, with the share meeting expectations (on grade level) and the growth
figure, each with its range, in the table under it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sezp_roadmap.assessments import Assessment
from sezp_roadmap.periods import school_year_label
from sezp_roadmap.reporting import figures, sentences
from sezp_roadmap.reporting.context import Cell, PeriodData
from sezp_roadmap.reporting.formatting import format_value, subgroup_label, subgroup_sort_key
from sezp_roadmap.reporting.sections import Chart, Sections
from sezp_roadmap.subgroups import is_complement

SPRING_BEFORE = "the spring before"


@dataclass
class GroupTable:
    """One assessment's figures by group and grade, as a table (folded under its block)."""

    title: str
    columns: list[str]
    rows: list[list[str]]
    keys: list[str]


@dataclass
class AssessmentBlock:
    """One part of the section: an interim, or the state test's subjects together."""

    id: str
    heading: str
    sentences: list[str]
    chart: Chart | None
    group_tables: list[GroupTable] = field(default_factory=list)


def blocks(sections: Sections, school_id: str, assessments: tuple[Assessment, ...]) -> list[AssessmentBlock]:
    """Each interim the period has, then the state test: this period's, or at mid-year last spring's."""
    data = sections.data
    found = [
        _interim_block(sections, school_id, a)
        for a in assessments
        if not a.is_state and data.cell(school_id, a.metric_ids[0]) is not None
    ]
    states = [a for a in assessments if a.is_state]
    current = [a for a in states if data.cell(school_id, a.metric_ids[0]) is not None]
    if current:
        found.append(_state_block(sections, school_id, current, last_spring=False))
    elif data.last_spring is not None:
        spring = _sections_of(sections, data.last_spring)
        shown = [a for a in states if data.last_spring.cell(school_id, a.metric_ids[0]) is not None]
        if shown:
            found.append(_state_block(spring, school_id, shown, last_spring=True))
    return found


def _sections_of(sections: Sections, data: PeriodData) -> Sections:
    return Sections(
        data,
        sections.min_students,
        sections.min_respondents,
        sections.min_finding_n,
        sections.assessments,
        sections.own_minimums,
    )


def _administration(data: PeriodData, school_id: str, assessment: Assessment) -> str | None:
    rows = data.assessment_levels.get((school_id, assessment.id, "all"))
    return rows[0]["administration"] if rows else None


def _interim_block(sections: Sections, school_id: str, assessment: Assessment) -> AssessmentBlock:
    data = sections.data
    administration = _administration(data, school_id, assessment)
    heading = f"{assessment.label}: {administration or 'latest'} results"
    said = []
    for metric in assessment.metric_ids:
        cell = data.cell(school_id, metric)
        if cell is not None:
            info = sections.info(metric)
            said.append(
                sentences.glance_sentence(
                    info,
                    cell,
                    data.period,
                    sections._min_for(info),
                    sections.min_finding_n,
                    sections.judged(school_id, metric),
                )
            )
    if administration == "fall":
        said.append("Growth is measured from fall to the next administration: none yet this year.")
    subgroups = _subgroups(data, school_id, assessment)
    chart = _levels_chart(
        sections,
        school_id,
        assessment,
        [(g, g) for g in subgroups if not is_complement(g)],
        title=f"{heading}, by group and grade",
        div_id=f"academics-{_slug(assessment.id)}",
        labels=subgroup_label,
    )
    table = _group_table(sections, school_id, assessment, subgroups)
    if chart is not None:
        chart.columns, chart.rows, chart.row_keys = table.columns, table.rows, table.keys
        chart.folded, chart.stacked = "The numbers by group and grade, with their ranges", True
    return AssessmentBlock(assessment.id, heading, said, chart)


def _state_block(
    sections: Sections, school_id: str, assessments: list[Assessment], *, last_spring: bool
) -> AssessmentBlock:
    data = sections.data
    when = f"last spring ({school_year_label(data.school_year)})" if last_spring else f"spring {data.school_year}"
    heading = f"State test (MCAS): {when}"
    said = [_state_sentence(sections, school_id, a) for a in assessments]
    chart = _levels_chart(
        sections,
        school_id,
        assessments[0],
        [(a.id, "all") for a in assessments],
        title=f"State test (MCAS), {when}: levels, all students",
        div_id=f"academics-state-{data.school_year}",
        labels={a.id: a.label for a in assessments}.get,
        by_assessment=assessments,
    )
    if chart is not None:
        meeting = assessments[0].meeting_label
        chart.columns = [
            "Subject",
            "Students tested",
            meeting.capitalize(),
            "Mean growth percentile",
            "vs the rest of the zone",
        ]
        chart.rows, chart.row_keys = [], []
        for a in assessments:
            cell, growth = (data.cell(school_id, m) for m in a.metric_ids)
            chart.rows.append(
                [
                    a.label,
                    sections.count(cell),
                    sections.with_range(cell),
                    _growth_text(sections, growth),
                    sections.versus_rest_of_zone(cell) if cell is not None and school_id != "ZONE" else "—",
                ]
            )
            chart.row_keys.append(f"{a.metric_ids[0]}|all")
        chart.stacked = True
        chart.note = (
            "Growth percentile: how much students grew compared with students statewide who scored alike "
            f"before (50 is typical); shown for {sections.min_n(assessments[0].metric_ids[1])} students or more, as DESE does."
        )
    tables = [_group_table(sections, school_id, a, _subgroups(data, school_id, a)) for a in assessments]
    return AssessmentBlock("state", heading, said, chart, tables)


def _state_sentence(sections: Sections, school_id: str, assessment: Assessment) -> str:
    """'MCAS ELA: 29.7% meeting or exceeding expectations (range …), −3.3 points from the spring before (…); mean growth
    percentile 49.7 (range …); zone 17.5% (…).'"""
    data = sections.data
    meeting, growth = (data.cell(school_id, m) for m in assessment.metric_ids)
    info = sections.info(assessment.metric_ids[0])
    if meeting is None or meeting.suppressed:
        return f"{assessment.label}: not shown ({sections.count(meeting)})."
    text = f"{assessment.label}: {sections.with_range(meeting)} {assessment.meeting_label}"
    if meeting.change is not None:
        text += (
            ", "
            + sentences.difference_words(
                info,
                meeting,
                meeting.change,
                meeting.change_low,
                meeting.change_high,
                meeting.change_signal,
                sections.min_finding_n,
            )
            + f" from {SPRING_BEFORE}"
        )
    parts = [text]
    if growth is not None:
        parts.append(f"mean growth percentile {_growth_text(sections, growth)}")
    zone = sentences.zone_phrase(info, meeting, sections.min_finding_n)
    if zone:
        parts.append(zone)
    return "; ".join(parts) + "."


def _growth_text(sections: Sections, cell: Cell | None) -> str:
    """A growth figure with its range; a hidden one reads its metric's own minimum (DESE's 20 for a mean SGP)."""
    if cell is None:
        return "—"
    return sections.with_range(cell)


def _subgroups(data: PeriodData, school_id: str, assessment: Assessment) -> list[str]:
    """All students first, then the groups and grades of the meeting rate, in the report's order."""
    return sorted(
        {c.subgroup for c in data.school_cells(school_id, assessment.metric_ids[0])},
        key=lambda g: (g != "all", subgroup_sort_key(g)),
    )


def _slug(text: str) -> str:
    return text.replace("_", "-").replace(":", "-")


def _levels_chart(
    sections: Sections,
    school_id: str,
    assessment: Assessment,
    bars: list[tuple[str, str]],
    *,
    title: str,
    div_id: str,
    labels,
    by_assessment: list[Assessment] | None = None,
) -> Chart | None:
    """A stacked bar of levels per (assessment or subgroup key, subgroup); hidden cells are left out."""
    data = sections.data
    names, shares, levels = [], [], []
    for key, subgroup in bars:
        assessment_id = key if by_assessment else assessment.id
        rows = data.assessment_levels.get((school_id, assessment_id, subgroup), [])
        if rows and not rows[0]["suppressed"]:
            levels = levels or [(r["level"], r["is_meeting"]) for r in rows]
            names.append(labels(key))
            shares.append([r["share"] for r in rows])
    if not bars:
        return None
    if shares:
        spec = figures.stacked_levels(names, levels, shares, title=title)
        summary = (
            "Stacked bar chart: the share of tested students at each level; the share "
            f"{assessment.meeting_label} and growth, with their ranges, are in the table."
        )
        figure = figures.figure_html(spec, div_id, summary)
    else:
        summary, figure = "No group of this school has enough tested students to show.", None
    return Chart(div_id, title, summary, figure, [], [])


def _group_table(sections: Sections, school_id: str, assessment: Assessment, subgroups: list[str]) -> GroupTable:
    data = sections.data
    meeting, growth = assessment.metric_ids
    growth_label = "Mean growth percentile" if assessment.is_state else "Met typical growth"
    columns = [
        "Group",
        "Students tested",
        assessment.meeting_label.capitalize(),
        growth_label,
        "vs the rest of the school",
    ]
    rows, keys = [], []
    for g in subgroups:
        cell = data.cell(school_id, meeting, g)
        rows.append(
            [
                subgroup_label(g),
                sections.count(cell),
                sections.with_range(cell),
                _growth_text(sections, data.cell(school_id, growth, g)),
                "—" if g == "all" or cell is None else sections.gap(cell),
            ]
        )
        keys.append(f"{meeting}|{g}")
    return GroupTable(f"{assessment.label}, by group and grade", columns, rows, keys)


def glance_rows(sections: Sections, school_id: str, assessments: tuple[Assessment, ...]) -> list[dict]:
    """At mid-year, last spring's state test in 'At a glance': one line for its subjects, labelled as last spring,
    with no mark (its comparisons are with the spring before, not with last mid-year)."""
    data = sections.data
    if data.last_spring is None:
        return []
    spring = _sections_of(sections, data.last_spring)
    shown = [
        a
        for a in assessments
        if a.is_state
        and a.metric_ids[0] not in data.metrics
        and data.last_spring.cell(school_id, a.metric_ids[0]) is not None
    ]
    if not shown:
        return []
    year = school_year_label(data.last_spring.school_year)
    parts = []
    for a in shown:
        cell = data.last_spring.cell(school_id, a.metric_ids[0])
        part = f"{a.label} {spring.shown(cell.metric, cell)}"
        if not cell.suppressed and cell.zone_value is not None and school_id != "ZONE":
            part += f" (zone {format_value(cell.zone_value, 'percent')})"
        parts.append(part)
    first = data.last_spring.cell(school_id, shown[0].metric_ids[0])
    return [
        {
            "metric": shown[0].metric_ids[0],
            "label": f"State test, last spring ({year}): {shown[0].meeting_label}",
            "sentence": f"State test, last spring ({year}), {shown[0].meeting_label}: "
            + "; ".join(parts)
            + ". Ranges and growth are under Academics.",
            "value": spring.with_range(first),
            "prior": format_value(first.prior_value, "percent") or "—",
            "change": spring.change(first),
            "zone": format_value(first.zone_value, "percent") or "—",
            "target": "—",
            "description": spring.info(first.metric).description,
            "status": None,
        }
    ]
