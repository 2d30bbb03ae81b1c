"""Report assets: render every school's Roadmap, then publish warehouse and reports together."""

import dagster as dg

from pipelines.defs.errors import explained_failures
from pipelines.defs.metrics import metric_values
from pipelines.resources import RoadmapPaths
from sezp_roadmap import stages
from sezp_roadmap.extracts import EXTRACTS


@dg.asset(group_name="reports", kinds={"html", "plotly"}, deps=[metric_values])
def roadmap_reports(paths: RoadmapPaths) -> dg.MaterializeResult:
    """One HTML Roadmap per school, school year and period, plus the index (written to a working folder)."""
    with explained_failures():
        written = stages.render(paths.locations, paths.settings(), self_contained=paths.self_contained)
    return dg.MaterializeResult(
        metadata={
            "reports": len(written),
            "index": dg.MetadataValue.path(str(paths.locations.reports_dir / "index.html")),
        }
    )


# Every extract is a dependency so that its blocking validation check gates publication.
@dg.asset(group_name="reports", kinds={"duckdb"}, deps=[metric_values, roadmap_reports, *EXTRACTS])
def published_roadmap(paths: RoadmapPaths) -> dg.MaterializeResult:
    """Swaps the new warehouse and reports in together, only after every step succeeded."""
    with explained_failures():
        where = stages.publish(paths.locations)
    return dg.MaterializeResult(
        metadata={"warehouse": dg.MetadataValue.path(where["warehouse"]), "reports": dg.MetadataValue.path(where["reports"])}
    )
