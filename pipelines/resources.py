"""The one resource every asset uses: where the run reads extracts and writes its outputs."""

import os
from pathlib import Path

import dagster as dg

from sezp_roadmap import paths as default
from sezp_roadmap.config import Settings, load_settings
from sezp_roadmap.stages import Locations


class RoadmapPaths(dg.ConfigurableResource):
    """Landing folder, warehouse file, reports folder, an optional settings file and an optional source profile.

    Defaults come from SEZP_DATA_DIR, SEZP_WAREHOUSE, SEZP_REPORTS, SEZP_CONFIG
    and SEZP_PROFILE, falling back to the bundled sample zone.
    """

    data_dir: str = default.DATA_DIR
    warehouse: str = default.WAREHOUSE
    reports_dir: str = default.REPORTS
    config_file: str | None = None
    # A source profile (a bundled name such as aspen-x2, or a YAML file); without one the landing
    # folder's roadmap-profile.yaml applies when it has one, else the files are the canonical CSVs.
    profile: str | None = None
    # Reports carry plotly.js inline (single files for e-mail) instead of sharing assets/.
    self_contained: bool = False
    # A source read without a profile (sezp_roadmap.sources.direct): auto (the files tell), canonical, edfi.
    source: str = "auto"

    @property
    def locations(self) -> Locations:
        return Locations(Path(self.data_dir), Path(self.warehouse), Path(self.reports_dir), self.profile, self.source)

    def settings(self) -> Settings:
        return load_settings(Path(self.config_file) if self.config_file else None, Path(self.data_dir))


class EdfiApi(dg.ConfigurableResource):
    """An Ed-Fi ODS/API (v5 or v7) to pull from: its base URL and an optional school-year scope.

    Defaults come from SEZP_EDFI_URL and SEZP_EDFI_SCHOOL_YEAR; the client key
    and secret are read from EDFI_CLIENT_ID and EDFI_CLIENT_SECRET when the pull runs.
    """

    url: str = ""
    school_year: int | None = None
    page_size: int = 500


def default_edfi_api() -> EdfiApi:
    year = os.environ.get("SEZP_EDFI_SCHOOL_YEAR")
    return EdfiApi(url=os.environ.get("SEZP_EDFI_URL", ""), school_year=int(year) if year else None)


def default_paths() -> RoadmapPaths:
    return RoadmapPaths(
        data_dir=default.data_dir(),
        warehouse=default.warehouse(),
        reports_dir=default.reports(),
        config_file=default.config_file(),
        profile=default.profile(),
    )
