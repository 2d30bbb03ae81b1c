"""Benchmark of the whole pipeline at several sizes (issue 8); see benchmarks/run.py."""
