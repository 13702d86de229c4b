"""Benchmarks, each printing ratios against a baseline run beside it."""
