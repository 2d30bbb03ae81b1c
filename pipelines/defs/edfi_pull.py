"""The Ed-Fi pull as a Dagster job: the ODS/API's resources written into the landing folder as JSON files.

The landing-folder sensor then sees the new files and starts a refresh, as
for any dropped extract. Credentials come from the environment only.
"""

import dagster as dg

from pipelines.resources import EdfiApi, RoadmapPaths
from sezp_roadmap.errors import InputProblem
from sezp_roadmap.sources.edfi.pull import Api, pull


@dg.op
def pull_edfi_into_landing(context: dg.OpExecutionContext, edfi_api: EdfiApi, paths: RoadmapPaths) -> dict:
    """Pull every resource the Roadmap reads from the Ed-Fi ODS/API into the landing folder."""
    if not edfi_api.url:
        raise dg.Failure("No Ed-Fi API is configured: set SEZP_EDFI_URL (and EDFI_CLIENT_ID, EDFI_CLIENT_SECRET).")
    try:
        counts = pull(Api(edfi_api.url, edfi_api.school_year, edfi_api.page_size), paths.locations.data_dir)
    except InputProblem as problem:
        raise dg.Failure(str(problem)) from None
    context.add_output_metadata({name: dg.MetadataValue.int(count) for name, count in counts.items()})
    return counts


@dg.job(description="Pull the Ed-Fi ODS/API's resources into the landing folder (the sensor then refreshes).")
def pull_edfi():
    pull_edfi_into_landing()
