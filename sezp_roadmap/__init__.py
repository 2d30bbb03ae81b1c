"""sezp-roadmap: the Roadmap for Equitable Student Outcomes, from extracts to reports.

The library holds every piece of the pipeline (reading extracts, the metric
engine, suppression, figures, rendering) and imports nothing from Dagster, so
each piece can be called and tested directly; `pipelines/` wraps it in assets.
"""

__version__ = "0.1.0"
