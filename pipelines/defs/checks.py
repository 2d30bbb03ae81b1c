"""Blocking asset checks, one per extract: the data contract's rules, with the failing rows in the UI.

A check that finds an error fails, which stops every asset downstream of the
extract, including published_roadmap: nothing is published. Findings do not
fail a check; their counts are in its metadata and on the data-quality page.
The checks of every extract run in one step, with one connection to the
warehouse: each is a few dozen small queries, and a step of its own cost more
than its queries on a zone (Dagster's step and a DuckDB connection each).
"""

import dagster as dg

from pipelines.resources import RoadmapPaths
from sezp_roadmap.extracts import EXTRACTS
from sezp_roadmap.problem_list import PROBLEMS_FILE
from sezp_roadmap.validation.run import SHOWN_ERRORS, Outcome, check_extracts

# The staging tables a check reads besides its own extract's. The sources of ids (schools,
# enrollment) read every file that uses their ids, to find ids that lost their leading zeros.
REFERENCES = {
    "schools": tuple(name for name in EXTRACTS if name != "schools"),
    "calendar": ("schools",),
    "enrollment": ("schools", "calendar", "attendance", "discipline", "assessments"),
    "attendance": ("schools", "calendar", "enrollment"),
    "discipline": ("schools", "calendar", "enrollment"),
    "educator_survey": ("schools",),
    "family_survey": ("schools",),
    # A vendor's summary of an administration whose answers are in family_survey is left out.
    "family_survey_summary": ("schools", "family_survey"),
    "sqr": ("schools",),
    "targets": ("schools",),
    "state_figures": ("schools",),
    "assessments": ("schools", "calendar", "enrollment"),
}


# The check metadata with the rows left out of the figures, one sentence a line (what the CLI prints).
NOTES = "rows not counted"


def _cell(value) -> str:
    return "" if value is None else str(value).replace("|", "\\|").replace("\n", " ")


def failing_rows_markdown(outcome: Outcome) -> str:
    """The first failing rows as a table: file, row, column, value, what is wrong, what was expected."""
    lines = ["| file | row | column | value | problem | expected |", "|---|---|---|---|---|---|"]
    for p in outcome.errors:
        lines.append(
            "| " + " | ".join(_cell(v) for v in (p.file, p.row, p.column, p.value, p.message, p.expected)) + " |"
        )
    if outcome.error_count > len(outcome.errors):
        lines.append(
            f"\n{outcome.error_count - len(outcome.errors):,} more rows are in {PROBLEMS_FILE} beside the warehouse."
        )
    return "\n".join(lines)


def check_result(name: str, outcome: Outcome) -> dg.AssetCheckResult:
    """An extract's check result: passed when it has no error; counts and the first failing rows as metadata."""
    metadata = {
        "errors": dg.MetadataValue.int(outcome.error_count),
        "findings": dg.MetadataValue.int(sum(outcome.finding_counts.values())),
        "findings by rule": dg.MetadataValue.json(outcome.finding_counts),
    }
    if outcome.notes:
        metadata[NOTES] = dg.MetadataValue.text("\n".join(outcome.notes))
    if not outcome.passed:
        metadata[f"failing rows (first {SHOWN_ERRORS})"] = dg.MetadataValue.md(failing_rows_markdown(outcome))
    return dg.AssetCheckResult(
        asset_key=name,
        check_name=f"{name}_valid",
        passed=outcome.passed,
        severity=dg.AssetCheckSeverity.ERROR,
        description=outcome.description,
        metadata=metadata,
    )


@dg.multi_asset_check(
    name="extracts_valid",
    specs=[
        dg.AssetCheckSpec(
            f"{name}_valid",
            asset=name,
            blocking=True,
            additional_deps=list(REFERENCES[name]),
            description=f"Every rule of the data contract for the {name} extract (sezp_roadmap.validation).",
        )
        for name in EXTRACTS
    ],
    can_subset=True,
)
def extract_checks(context: dg.AssetCheckExecutionContext, paths: RoadmapPaths):
    """Every selected extract judged by the data contract's rules, in the order of the extract registry."""
    selected = {key.asset_key.to_user_string() for key in context.selected_asset_check_keys}
    names = [name for name in EXTRACTS if name in selected]
    for name, outcome in check_extracts(paths.locations.working_warehouse, names, paths.settings()).items():
        yield check_result(name, outcome)
