"""Blocking asset checks, one per extract: the data contract's rules, with the failing rows in the UI.

A check that finds an error fails, which stops every asset downstream of the
extract, including published_roadmap: nothing is published. Findings do not
fail a check; their counts are in its metadata and on the data-quality page.
"""

import dagster as dg

from pipelines.resources import RoadmapPaths
from sezp_roadmap.extracts import EXTRACTS
from sezp_roadmap.validation.run import SHOWN_ERRORS, Outcome, check_extract

# The staging tables a check reads besides its own extract's.
REFERENCES = {
    "schools": (),
    "calendar": ("schools",),
    "enrollment": ("schools", "calendar"),
    "attendance": ("schools", "calendar", "enrollment"),
    "discipline": ("schools", "calendar", "enrollment"),
    "educator_survey": ("schools",),
    "family_survey": ("schools",),
    "sqr": ("schools",),
    "targets": ("schools",),
}


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
        lines.append(f"\n{outcome.error_count - len(outcome.errors):,} more rows are in the warehouse table meta.errors.")
    return "\n".join(lines)


def _extract_check(name: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=name,
        name=f"{name}_valid",
        blocking=True,
        additional_deps=list(REFERENCES[name]),
        description=f"Every rule of the data contract for the {name} extract (sezp_roadmap.validation).",
    )
    def _check(paths: RoadmapPaths) -> dg.AssetCheckResult:
        outcome = check_extract(paths.locations.working_warehouse, name, paths.settings())
        metadata = {
            "errors": dg.MetadataValue.int(outcome.error_count),
            "findings": dg.MetadataValue.int(sum(outcome.finding_counts.values())),
            "findings by rule": dg.MetadataValue.json(outcome.finding_counts),
        }
        if not outcome.passed:
            metadata[f"failing rows (first {SHOWN_ERRORS})"] = dg.MetadataValue.md(failing_rows_markdown(outcome))
        return dg.AssetCheckResult(
            passed=outcome.passed,
            severity=dg.AssetCheckSeverity.ERROR,
            description=outcome.description,
            metadata=metadata,
        )

    return _check


extract_checks = [_extract_check(name) for name in EXTRACTS]
