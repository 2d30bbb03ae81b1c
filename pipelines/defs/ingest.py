"""Ingest assets: the landing folder, then one asset per extract (its rows, typed, in staging)."""

import dagster as dg

from pipelines.defs.errors import explained_failures
from pipelines.resources import RoadmapPaths
from sezp_roadmap import stages
from sezp_roadmap.extracts import EXTRACTS


@dg.asset(group_name="ingest", kinds={"duckdb"})
def landing_files(context: dg.AssetExecutionContext, paths: RoadmapPaths) -> dg.MaterializeResult:
    """The extract files found in the landing folder, with their content hashes.

    Starts a fresh working warehouse; the published one is untouched until the run succeeds.
    """
    with explained_failures():
        found = stages.prepare_landing(paths.locations)
    for warning in found["warnings"]:
        context.log.warning(warning)
    table = "\n".join(f"| {e} | {name} | {size:,} |" for e, name, size in found["files"])
    return dg.MaterializeResult(
        metadata={
            "files": len(found["files"]),
            "preview": dg.MetadataValue.md("| extract | file | bytes |\n|---|---|---|\n" + table),
        }
    )


def _extract_asset(name: str) -> dg.AssetsDefinition:
    extract = EXTRACTS[name]

    @dg.asset(
        name=name,
        group_name="ingest",
        kinds={"duckdb"},
        deps=[landing_files],
        description=f"The {name} extract (one row per {extract.one_row_per}): staging.{name}, typed, each row once with its file and row.",
    )
    def _asset(paths: RoadmapPaths) -> dg.MaterializeResult:
        with explained_failures():
            counts = stages.ingest_extract(paths.locations, name, paths.settings())
        return dg.MaterializeResult(metadata={k: dg.MetadataValue.int(v) for k, v in counts.items()})

    return _asset


extract_assets = [_extract_asset(name) for name in EXTRACTS]
