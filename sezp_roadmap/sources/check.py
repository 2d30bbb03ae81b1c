"""`sezp-roadmap profile check`: how each file of a landing folder maps through its profile, without building.

For every file a pattern of the profile matches: the columns found for each
field, the fields whose column is missing, the rows read and the rows each
extract gets; then every value the profile does not map (with how many rows
have it and the line to add), every date none of its formats reads, and the
files the profile leaves to the canonical reading. Nothing is written.
"""

from __future__ import annotations

from pathlib import Path

from sezp_roadmap.errors import require_landing_folder
from sezp_roadmap.sources import find_profile, row_rule
from sezp_roadmap.sources.convert import convert
from sezp_roadmap.sources.files import canonical_files


def check_report(data_dir: Path, named: str | None = None) -> tuple[str, bool]:
    """The report's text, and whether every file maps without a problem."""
    data_dir = Path(data_dir)
    require_landing_folder(data_dir)
    profile = find_profile(data_dir, named)
    if profile is None:
        return (
            f"{data_dir}: no source profile (no --profile and no roadmap-profile.yaml): "
            "the files are read as the canonical CSVs of the data contract.",
            True,
        )
    conversion = convert(data_dir, profile, None, row_rule(profile))
    lines = [f"Profile: {profile.name} ({profile.source})", ""]
    for f in conversion.files:
        if f.lookup:
            lines.append(f"{f.name} -> {f.extract} (lookup by student): {f.rows:,} rows read")
        else:
            group = f" ({f.group})" if f.group else ""
            lines.append(f"{f.name} -> {f.extract}{group}: {f.rows:,} rows read, {f.written:,} {f.extract} rows")
        if f.not_exceptions:
            lines.append(f"  {f.not_exceptions:,} rows are no attendance exception (a rule's code `none`)")
        if f.skipped_records:
            lines.append(f"  {f.skipped_records:,} records of a type the profile skips")
        for reason, count in f.left_out.items():
            lines.append(f"  {count:,} rows left out: {reason}")
        for field, column in f.columns.items():
            lines.append(f"  {field:<20} <- {column}")
        for field in f.missing:
            lines.append(
                f"  {field:<20} <- MISSING: "
                + " or ".join(profile.extracts[f.entry or f.extract].columns.get(field, ()))
            )
    matched = {data_dir / f.name for f in conversion.files}
    others, warnings = canonical_files(data_dir, profile, matched)
    if others:
        lines += ["", "Read as canonical CSVs: " + ", ".join(p.name for p in others)]
    warnings = conversion.warnings + warnings
    if warnings:
        lines += ["", "Warnings:"] + [f"  {w}" for w in warnings]
    counts = conversion.rows_per_extract()
    lines += ["", "Rows per extract: " + ", ".join(f"{e} {n:,}" for e, n in counts.items())]
    problems = conversion.all_problems
    if problems:
        lines += ["", f"{len(problems)} problem{'s' if len(problems) != 1 else ''} to fix before a build:"]
        lines += [f"  {p}" for p in problems]
    else:
        lines += ["", "Every value maps and every date reads."]
    return "\n".join(lines), not problems
