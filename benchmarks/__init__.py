"""Benchmarks (not tests): ``python -m benchmarks`` or ``make bench``; figures in
``docs/benchmarks.md``."""
