"""Validation of the extracts: errors that stop a run, findings that are counted and reported.

- `findings`: the meta.errors and meta.findings tables and the shape of every message;
- `rules`: the registry of rules (which extract, error or finding, what it says);
- `run`: running the rules of one extract against the working warehouse.
"""
