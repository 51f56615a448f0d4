"""Benchmarks: every figure is printed next to a baseline measured in the same run.

Run with `make bench` (or `python -m bench`). Not part of `make test`: the
test suite asserts behaviour, never time.
"""
