"""Validation of the extracts: errors that stop a run, findings that are counted and reported.

- `run`: running the rules of one extract against the working warehouse;
- `uncounted`: the rows left out of every metric, in words.

What validation shares with ingest (which records the problems of reading a
file) sits a layer below both: sezp_roadmap.findings (the meta.errors and
meta.findings tables and the shape of every message) and sezp_roadmap.rules
(the registry of rules: which extract, error or finding, what it says).
"""
