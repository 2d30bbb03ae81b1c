"""Benchmark of the whole pipeline at several sizes; see benchmarks/run.py and docs/scaling.md."""
