"""Dagster definitions for sezp-roadmap: thin assets over the `sezp_roadmap` library."""
