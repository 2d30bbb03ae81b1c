"""One module per stage: ingest, metrics, reports."""
