"""Report assets: render the partition's Roadmaps, then publish warehouse and reports together."""

import dagster as dg

from pipelines.defs.errors import explained_failures
from pipelines.defs.metrics import metric_marts, state_reconciliation
from pipelines.partitions import periods_of, single_run, year_period
from pipelines.resources import RoadmapPaths
from sezp_roadmap import stages
from sezp_roadmap.extracts import EXTRACTS


@dg.asset(
    group_name="reports",
    kinds={"html", "plotly"},
    partitions_def=year_period,
    backfill_policy=single_run,
    # The data-quality page lists the reconciliation with the state's figures.
    deps=[metric_marts, state_reconciliation],
)
def roadmap_reports(context: dg.AssetExecutionContext, paths: RoadmapPaths) -> dg.MaterializeResult:
    """One HTML Roadmap per school for the run's school years and periods, the zone overviews, and the index of every period.

    Written to a working folder; published_roadmap swaps it in.
    """
    loc = paths.locations
    with explained_failures():
        written = stages.render(loc, paths.settings(), self_contained=paths.self_contained, periods=periods_of(context))
    metadata = {
        "reports": dg.MetadataValue.int(len(written)),
        "index": dg.MetadataValue.path(str(loc.reports_dir / "index.html")),
    }
    if written:
        metadata["folder"] = dg.MetadataValue.path(str(written[0].parent))
        metadata["zone overview"] = dg.MetadataValue.path(str(written[0].parent / "zone.html"))
        metadata["files"] = dg.MetadataValue.md("\n".join(f"- [{p.name}]({p.resolve().as_uri()})" for p in written))
    return dg.MaterializeResult(metadata=metadata)


# Every extract is a dependency so that its blocking validation check gates publication.
@dg.asset(group_name="reports", kinds={"duckdb"}, deps=[metric_marts, state_reconciliation, roadmap_reports, *EXTRACTS])
def published_roadmap(paths: RoadmapPaths) -> dg.MaterializeResult:
    """Swaps the new warehouse and reports in together, only after every step succeeded.

    Unpartitioned: it runs last in every run, whichever partition the run computed.
    """
    with explained_failures():
        where = stages.publish(paths.locations)
    return dg.MaterializeResult(
        metadata={
            "warehouse": dg.MetadataValue.path(where["warehouse"]),
            "reports": dg.MetadataValue.path(where["reports"]),
        }
    )
