"""Ingest assets: the landing folder, then one asset per extract (its rows, typed, in staging), all read in one step."""

import dagster as dg

from pipelines.defs.errors import explained_failures
from pipelines.resources import RoadmapPaths
from sezp_roadmap import stages
from sezp_roadmap.extracts import EXTRACTS

# The landing_files metadata listing the entries of the landing folder that were not read.
SOURCE_NOTES = "source notes"
NOT_READ = "not read"


@dg.asset(group_name="ingest", kinds={"duckdb"})
def landing_files(context: dg.AssetExecutionContext, paths: RoadmapPaths) -> dg.MaterializeResult:
    """The extract files found in the landing folder, with their content hashes.

    Starts a fresh working warehouse; the published one is untouched until the run succeeds.
    """
    with explained_failures():
        found = stages.prepare_landing(paths.locations, paths.settings())
    for line in found["warnings"] + found["not_read"]:
        context.log.warning(line)
    table = "\n".join(f"| {e} | {name} | {size:,} |" for e, name, size in found["files"])
    return dg.MaterializeResult(
        metadata={
            "files": len(found["files"]),
            # Which source profile read the district's files: "none" when the folder held the canonical CSVs.
            "source profile": dg.MetadataValue.text(found["profile"] or "none (canonical CSV files)"),
            # A source read without a profile (edfi), or canonical.
            "source": dg.MetadataValue.text(found["source"]),
            "preview": dg.MetadataValue.md("| extract | file | bytes |\n|---|---|---|\n" + table),
            # One line per entry of the landing folder not read (sezp_roadmap.unread); the CLI prints them.
            NOT_READ: dg.MetadataValue.text("\n".join(found["not_read"])),
            # What reading a direct source or a profile's files found worth saying; the CLI prints them.
            SOURCE_NOTES: dg.MetadataValue.text("\n".join(found["warnings"])),
        }
    )


@dg.multi_asset(
    name="ingest_extracts",
    specs=[
        dg.AssetSpec(
            name,
            deps=[landing_files],
            group_name="ingest",
            kinds={"duckdb"},
            description=f"The {name} extract (one row per {extract.one_row_per}): staging.{name}, typed, "
            "each row once with its file and row.",
        )
        for name, extract in EXTRACTS.items()
    ],
    can_subset=True,
)
def extract_assets(context: dg.AssetExecutionContext, paths: RoadmapPaths):
    """Every selected extract read into staging, in one step with one connection to the warehouse.

    A file that cannot be read stops the step after every extract was read, so
    that the data team sees every unreadable file at once.
    """
    selected = {key.to_user_string() for key in context.selected_asset_keys}
    with explained_failures():
        counts = stages.ingest_extracts(
            paths.locations, [name for name in EXTRACTS if name in selected], paths.settings()
        )
    for name, values in counts.items():
        yield dg.MaterializeResult(asset_key=name, metadata={k: dg.MetadataValue.int(v) for k, v in values.items()})
