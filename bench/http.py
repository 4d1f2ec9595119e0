"""Over HTTP through gunicorn on 127.0.0.1 (loopback only): the same pages as bench.measure,
median and p95 of wall-clock time per request, logged in through the real login form."""

from __future__ import annotations

import json
import os
import statistics
import sys
import time

import django
import requests

# #23: the feature rows' modules (bench.feature_pages) import the models they read ids from.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
django.setup()

from bench.measure_ids import ids_from_env  # noqa: E402
from bench.pages import ANONYMOUS, PAGES, PROVINCE_PAGES  # noqa: E402

PASSWORD = "SafeCampus@2026"


def login(base: str, username: str) -> requests.Session:
    session = requests.Session()
    if username == ANONYMOUS:  # a public page (the health check)
        return session
    if username.startswith("api:"):  # #22: the API client bench.measure registered
        name = username.removeprefix("api:")
        session.headers["Authorization"] = f"Bearer scapi_bench-{name}"
        return session
    session.get(f"{base}/accounts/login/", timeout=30)
    response = session.post(
        f"{base}/accounts/login/",
        data={
            "username": username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        headers={"Referer": f"{base}/accounts/login/"},
        timeout=30,
        allow_redirects=False,
    )
    assert response.status_code == 302, (username, response.status_code)
    return session


def timed(session: requests.Session, url: str, repeats: int) -> dict:
    # Several warm-ups: each gunicorn worker compiles templates and loads catalogues on its
    # first request of a page; a production server has long done that.
    for _ in range(6):
        session.get(url, timeout=60).raise_for_status()
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        response = session.get(url, timeout=60)
        times.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
    ordered = sorted(times)
    return {
        "http_median_ms": statistics.median(times),
        "http_p95_ms": ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))],
    }


def main() -> None:
    base, repeats = sys.argv[1], int(sys.argv[2])
    keys = set(sys.argv[3].split(",")) if len(sys.argv) > 3 and sys.argv[3] else None  # noqa: PLR2004
    ids = ids_from_env()
    sessions = {}
    results = []
    # #23: on a generated province only the province's rows (as bench.measure.pages).
    rows = PROVINCE_PAGES if os.environ.get("BENCH_PROVINCE") else PAGES
    for key, title, persona, path, admin_path in rows:
        if keys is not None and key not in keys:
            continue
        baseline = persona if persona.startswith("api:") else "bench.admin"
        for who in (persona, baseline):
            if who not in sessions:
                sessions[who] = login(base, who)
        try:
            row = {"key": key, "persona": persona, "path": path.format(**ids)}
        except KeyError:  # not measured in-process either (bench.measure)
            continue
        row |= timed(sessions[persona], base + row["path"], repeats)
        if admin_path:
            admin = timed(sessions[baseline], base + admin_path.format(**ids), repeats)
            row |= {f"admin_{name}": value for name, value in admin.items()}
        results.append(row)
        print(f"  HTTP {title} [{persona}]: {row['http_median_ms']:.1f} ms", file=sys.stderr)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
