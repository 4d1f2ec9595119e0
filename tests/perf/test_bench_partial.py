"""`make bench BENCH_ARGS=--pages=…` (bench/run.py): a partial run replaces only the rows it
measured and the report says which rows are from which run."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from bench.report import write_report
from bench.run import merge_pages

RECORDED = Path(__file__).resolve().parents[2] / "docs" / "performance.json"


def row(key: str, persona: str, median: float) -> dict:
    return {"key": key, "persona": persona, "median_ms": median}


def test_a_partial_run_replaces_its_rows_and_keeps_the_others():
    results = {
        size: {
            "pages": [row("ledger", "city.official", 25.0), row("floor", "city.official", 5.0)],
            "http": [row("ledger", "city.official", 30.0), row("floor", "city.official", 7.0)],
        }
        for size in ("1x", "4x")
    }
    fresh = {
        size: {
            "pages": [row("floor", "city.official", 9.0), row("health", "anonymous", 19.0)],
            "http": [row("floor", "city.official", 11.0), row("health", "anonymous", 21.0)],
        }
        for size in ("1x", "4x")
    }
    merge_pages(results, fresh)
    for size in ("1x", "4x"):
        pages = {(r["key"], r["persona"]): r["median_ms"] for r in results[size]["pages"]}
        assert pages == {
            ("ledger", "city.official"): 25.0,  # kept as measured before
            ("floor", "city.official"): 9.0,  # replaced
            ("health", "anonymous"): 19.0,  # added
        }
        http = {(r["key"], r["persona"]): r["median_ms"] for r in results[size]["http"]}
        assert http[("ledger", "city.official")] == 30.0
        assert http[("floor", "city.official")] == 11.0


def test_a_partial_run_adds_a_size_the_previous_run_did_not_have():
    """#23: the province measured for the first time by a partial run (the previous full run
    had only the 1x and 4x cities) is added, its rows as measured."""
    results = {size: {"pages": [], "http": []} for size in ("1x", "4x")}
    fresh = {
        "province": {
            "schools": 20000,
            "pages": [row("home", "province.official", 40.0)],
            "http": [row("home", "province.official", 45.0)],
        }
    }
    merge_pages(results, fresh)
    assert results["province"]["schools"] == 20000
    assert [r["median_ms"] for r in results["province"]["pages"]] == [40.0]
    assert [r["median_ms"] for r in results["province"]["http"]] == [45.0]


def test_the_report_names_each_partial_run_and_the_api_baseline(tmp_path):
    results = json.loads(RECORDED.read_text(encoding="utf-8"))
    runs = results.get("partial_runs") or []
    if not runs:  # the recorded run is a full one: pretend a partial one followed it
        results = copy.deepcopy(results)
        runs = results["partial_runs"] = [{
            "pages": "floor", "rounds": 1, "repeats": 2, "date": "2026-11-30 22:09 UTC",
            "commit": "abc1234", "cpu": "CPU", "cores": 2, "load_before": [1, 1, 1],
            "load_after": [1, 1, 1], "cities": {"1x": "1x city", "4x": "4x city"},
        }]  # fmt: skip
    output = tmp_path / "performance.md"
    write_report(results, output)
    text = output.read_text(encoding="utf-8")
    for run in runs:
        assert f"Re-measured on {run['date']} (commit {run['commit']}" in text
    api_rows = [p for p in results["1x"]["pages"] if p["persona"].startswith("api:")]
    for page in api_rows:
        assert f"{page['title']} ({page['persona']}): median vs stock DRF ListAPIView" in text
