"""Benchmarks: each workload against the fastest practical way of doing the same work, as a ratio."""
