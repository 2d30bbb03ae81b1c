"""The one resource every asset uses: where the run reads extracts and writes its outputs."""

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

    @property
    def locations(self) -> Locations:
        return Locations(Path(self.data_dir), Path(self.warehouse), Path(self.reports_dir), self.profile)

    def settings(self) -> Settings:
        return load_settings(Path(self.config_file) if self.config_file else None, Path(self.data_dir))


def default_paths() -> RoadmapPaths:
    return RoadmapPaths(
        data_dir=default.data_dir(),
        warehouse=default.warehouse(),
        reports_dir=default.reports(),
        config_file=default.config_file(),
        profile=default.profile(),
    )
