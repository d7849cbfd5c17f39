"""Benchmarks: each measures Staffroom against a bare baseline in the same run and reports the ratio."""
