"""The reference ids (a school, a hazard, a county, an area) passed from bench.measure to
processes that do not load Django (bench.http, locust) through the environment."""

from __future__ import annotations

import json
import os


def ids_from_env() -> dict[str, int]:
    return json.loads(os.environ["BENCH_IDS"])
