"""Statistics of request samples, shared by bench.measure and bench.run (no Django)."""

from __future__ import annotations

import statistics


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def summarise(samples: dict) -> dict:
    """Median and p95 of the request times, the most queries seen, the median SQL time."""
    return {
        "median_ms": statistics.median(samples["times"]),
        "p95_ms": percentile(samples["times"], 0.95),
        "queries": max(samples["counts"]),
        "sql_ms": statistics.median(samples["sql_times"]),
    }
