"""The city-scale benchmark suite (issue #9): `make bench`. Not run in CI (too slow);
the query budgets it relies on are asserted by tests/perf in CI."""
