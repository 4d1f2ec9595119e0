"""Write docs/performance.md from the results of bench.run (also kept as JSON beside it).
The hand-written analysis (causes, fixes, plans for misses) lives in bench/notes.md and is
included verbatim, so a new run keeps it."""

from __future__ import annotations

from pathlib import Path

from bench.pages import LIST_PAGES

ADMIN_RATIO = 0.3
FLAT_RATIO = 1.25
PAGE_QUERIES = 8
PDF_RATIO = 1.5
COUNTY_PDF_MS = 5000
REMINDER_QUERIES = 30
EXPORT_MB = 250
LOAD_P95_MS = 500
PROVINCE_RATIO = 1.5  # #23: a province page against the same page at city level
HOME_FLOOR_RATIO = 10  # #23: a bureau's home against the empty logged-in page, same run
HOME_KEYS = {"home", "home_county", "home_city"}


def verdict(ok: bool) -> str:
    return "pass" if ok else "**FAIL**"


def ms(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def write_report(results: dict, output: Path) -> None:
    machine, one, four = results["machine"], results["1x"], results["4x"]
    lines = [
        "# Performance at city scale",
        "",
        "Written by `make bench` (bench/run.py); do not edit by hand — the analysis is in "
        "bench/notes.md and is included below. Raw numbers: docs/performance.json.",
        "",
        "## Run",
        "",
        f"- Date: {machine['date']}; commit {machine['commit']}",
        f"- Machine: {machine['cpu']}, {machine['cores']} cores, {machine['memory_gb']} GB; "
        f"{machine['os']}; Python {machine['python']}; PostgreSQL {machine['postgres']}",
        "- Load average before / after the run: "
        + " / ".join(
            ", ".join(f"{x:.2f}" for x in machine[key]) for key in ("load_before", "load_after")
        )
        + " (the machine was shared with other test suites during the run: absolute times "
        "are noisy; the ratios measured in the same run are the meaningful numbers)",
        f"- 1x city: {one['schools']:,} schools, {one['hazards']:,} hazards "
        f"({results['args']['years']} years); 4x city: {four['schools']:,} schools, "
        f"{four['hazards']:,} hazards (same schools, {results['args']['factor']:g}x the "
        "hazards, incidents and notices); reminder city: "
        f"{results['reminders']['reminder_schools']:,} schools",
        f"- In-process: {results['args']['rounds']} rounds of {results['args']['repeats']} "
        "requests per page after 2 warm-ups, the 1x and 4x cities alternating round by round, "
        "Django test client through the full middleware stack, DEBUG off; over HTTP: "
        f"{results['args']['http_repeats']} requests per page through gunicorn (2 workers) on "
        "127.0.0.1",
    ]
    if results.get("load_measured", machine["date"]) != machine["date"]:
        lines.append(
            f"- Load and stress runs: kept from the run of {results['load_measured']} "
            "(`--skip-load`)"
        )
    for run in results.get("partial_runs", []):
        lines.append(
            f"- Re-measured on {run['date']} (commit {run['commit']}; {run['cpu']}, "
            f"{run['cores']} cores; `make bench "
            f"BENCH_ARGS=--pages={run['pages']}`, {run['rounds']} rounds of {run['repeats']}; "
            f"1x: {run['cities']['1x']}, 4x: {run['cities']['4x']}; load average before / "
            "after "
            + " / ".join(
                ", ".join(f"{x:.2f}" for x in run[key]) for key in ("load_before", "load_after")
            )
            + f"): the rows of {', '.join(f'`{key}`' for key in run['pages'].split(','))}; "
            "every other number is from the run above"
        )
    lines += [
        "",
        "## Targets",
        "",
        "| target | measured | limit | result |",
        "| --- | --- | --- | --- |",
    ]
    four_by = {(p["key"], p["persona"]): p for p in four["pages"]}
    for page in one["pages"]:
        if page["key"] not in LIST_PAGES:
            continue
        name = f"{page['title']} ({page['persona']})"
        if "admin_median_ms" in page:
            ratio = page["median_ms"] / page["admin_median_ms"]
            stock = (
                "stock DRF ListAPIView"
                if page["persona"].startswith("api:")
                else "stock admin changelist"
            )
            lines.append(
                f"| {name}: median vs {stock}, same rows | "
                f"{ms(page['median_ms'])} ms vs {ms(page['admin_median_ms'])} ms = "
                f"{ratio:.2f}x | ≤ {ADMIN_RATIO}x | {verdict(ratio <= ADMIN_RATIO)} |"
            )
        big = four_by.get((page["key"], page["persona"]))
        if big:
            ratio = big["p95_ms"] / page["p95_ms"]
            lines.append(
                f"| {name}: p95 at 4x vs 1x | {ms(big['p95_ms'])} ms vs {ms(page['p95_ms'])} ms"
                f" = {ratio:.2f}x | ≤ {FLAT_RATIO}x | {verdict(ratio <= FLAT_RATIO)} |"
            )
            most = max(page["queries"], big["queries"])
            lines.append(
                f"| {name}: queries at 1x / 4x | {page['queries']} / {big['queries']} | "
                f"≤ {PAGE_QUERIES} | {verdict(most <= PAGE_QUERIES)} |"
            )
    pdf_ratio = one["school_pdf_ms"] / one["school_pdf_bare_ms"]
    rem, export, load = results["reminders"], results["export"], results["load"]
    lines += [
        "| No sequential scan of the hazard table when a ledger page loads (city, county and "
        "school, with and without filters) | EXPLAIN of every ledger query after ANALYZE: "
        "tests/perf/test_plans.py, a PostgreSQL test run by CI | none | asserted by the test |",
        f"| School monthly PDF vs bare WeasyPrint of the same HTML | {ms(one['school_pdf_ms'])}"
        f" ms vs {ms(one['school_pdf_bare_ms'])} ms = {pdf_ratio:.2f}x | ≤ {PDF_RATIO}x | "
        f"{verdict(pdf_ratio <= PDF_RATIO)} |",
        f"| County roll-up PDF ({one['county_pdf_schools']} schools, figures computed live) |"
        f" {ms(one['county_pdf_ms'])} ms | ≤ {COUNTY_PDF_MS:,} ms | "
        f"{verdict(one['county_pdf_ms'] <= COUNTY_PDF_MS)} |",
        f"| City overview PDF | {ms(one['city_overview_pdf_ms'])} ms | — | — |",
        f"| Reminder pass, {rem['reminder_schools']:,} schools ({rem['reminder_rows']:,} "
        f"reminders written) | {rem['reminder_queries']} queries, {ms(rem['reminder_ms'])} ms"
        f" | ≤ {REMINDER_QUERIES} queries | "
        f"{verdict(rem['reminder_queries'] <= REMINDER_QUERIES)} |",
        f"| Ledger export, {export['export_rows']:,} rows (.xlsx, "
        f"{export['export_bytes'] / 1e6:.1f} MB, {export['export_seconds']:.0f} s) | peak RSS "
        f"{export['export_peak_rss_mb']:.0f} MB (process before: "
        f"{export['export_rss_before_mb']:.0f} MB) | ≤ {EXPORT_MB} MB | "
        f"{verdict(export['export_peak_rss_mb'] <= EXPORT_MB)} |",
        f"| Load run: {results['args']['users']} users for {results['args']['duration']} "
        "(gunicorn, 3 workers; realistic think time, see bench/locustfile.py; users start "
        f"signed in; one login costs "
        f"{ms(load['login_ms'])} ms of PBKDF2), {load['requests']:,} requests | "
        f"{load['errors']} errors, "
        f"p50 {ms(load['p50_ms'])} ms, p95 {ms(load['p95_ms'])} ms | 0 errors, p95 ≤ "
        f"{LOAD_P95_MS} ms | {verdict(load['errors'] == 0 and load['p95_ms'] <= LOAD_P95_MS)} |",
        f"| Stress run (no target): the same {results['args']['users']} users at 1-3 s think "
        f"time, {results['stress']['requests']:,} requests | {results['stress']['errors']} "
        f"errors, p50 {ms(results['stress']['p50_ms'])} ms, p95 "
        f"{ms(results['stress']['p95_ms'])} ms | — | — |",
    ]
    rush = results.get("rush")
    if rush:
        ok = rush["errors"] == 0 and rush["p95_ms"] <= LOAD_P95_MS
        lines.append(
            f"| Month-end rush (#23): {results['args'].get('rush_schools', 200)} school users "
            "filing and submitting the month's report (list, report, draft, submit, confirm) "
            "and 20 officials on the review console approving, 5-15 s / 2-8 s think time; "
            "gunicorn with the Procfile's 3 workers and 30 s timeout, Redis and a Celery "
            f"worker; {rush['requests']:,} requests | {rush['errors']} errors, p50 "
            f"{ms(rush['p50_ms'])} ms, p95 {ms(rush['p95_ms'])} ms | 0 errors, p95 ≤ "
            f"{LOAD_P95_MS} ms | {verdict(ok)} |"
        )
    lines += home_targets(results)
    lines += province_targets(results)
    lines += [
        "",
        "## Every page",
        "",
        "Times in ms. In-process = Django test client; HTTP = through gunicorn on loopback. "
        "SQL = summed database time of the page's queries (median).",
        "",
        "| page | persona | 1x median | 1x p95 | 4x median | 4x p95 | queries 1x/4x | SQL 1x/4x "
        "| HTTP 1x median / p95 | HTTP 4x median / p95 | admin 1x median / queries | admin 4x "
        "median |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    http_one = {(p["key"], p["persona"]): p for p in one["http"]}
    http_four = {(p["key"], p["persona"]): p for p in four["http"]}
    for page in one["pages"]:
        key = (page["key"], page["persona"])
        big, h1, h4 = four_by.get(key, {}), http_one.get(key, {}), http_four.get(key, {})
        admin = (
            f"{ms(page['admin_median_ms'])} / {page['admin_queries']}"
            if "admin_median_ms" in page
            else "—"
        )
        admin4 = ms(big.get("admin_median_ms"))
        lines.append(
            f"| {page['title']} | {page['persona']} | {ms(page['median_ms'])} | "
            f"{ms(page['p95_ms'])} | {ms(big.get('median_ms'))} | {ms(big.get('p95_ms'))} | "
            f"{page['queries']}/{big.get('queries', '—')} | "
            f"{ms(page['sql_ms'])}/{ms(big.get('sql_ms'))} | "
            f"{ms(h1.get('http_median_ms'))} / {ms(h1.get('http_p95_ms'))} | "
            f"{ms(h4.get('http_median_ms'))} / {ms(h4.get('http_p95_ms'))} | {admin} | {admin4} |"
        )
    lines += province_pages(results)
    for title, run in (("Load run", load), ("Month-end rush", rush)):
        if not run:
            continue
        lines += ["", f"{title} by request name:", "", "| request | count | failures | p50 | p95 |",
                  "| --- | --- | --- | --- | --- |"]  # fmt: skip
        for row in run["by_name"]:
            lines.append(
                f"| {row['Name']} | {row['Request Count']} | {row['Failure Count']} | "
                f"{row['50%']} | {row['95%']} |"
            )
    notes = Path(__file__).with_name("notes.md")
    if notes.exists():
        lines += ["", notes.read_text(encoding="utf-8").strip()]
    output.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _city_row(results: dict, page: dict) -> dict | None:
    """The same page at city level, 1x: the city's official (administrator for the
    province's administrator); the province narrowed to a city stands against the city
    narrowed to a county."""
    key = {"home_city": "home_county", "ledger_city": "ledger_filtered"}.get(
        page["key"], page["key"]
    )
    rows = {(p["key"], p["persona"]): p for p in results["1x"]["pages"]}
    persona = "city.admin" if page["persona"] == "province.admin" else "city.official"
    return rows.get((key, persona)) or rows.get((key, "c01.official"))


def home_targets(results: dict) -> list[str]:
    """#23: each bureau's home (city, county, province, narrowed or not) against the empty
    logged-in page of the 1x city in the same run (≤ 10x its median)."""
    floor = next((p for p in results["1x"]["pages"] if p["key"] == "floor"), None)
    if floor is None:
        return []
    homes = [(f"{label}", p) for label in ("1x", "4x") for p in results[label]["pages"]]
    homes += [("province", p) for p in (results.get("province") or {}).get("pages", [])]
    lines = []
    for label, page in homes:
        if page["key"] not in HOME_KEYS or page["persona"].startswith("s0"):
            continue  # a school's home is a to-do list, not a bureau's dashboard
        ratio = page["median_ms"] / floor["median_ms"]
        lines.append(
            f"| {page['title']} ({page['persona']}, {label}): median vs the empty logged-in "
            f"page | {ms(page['median_ms'])} ms vs {ms(floor['median_ms'])} ms = "
            f"{ratio:.1f}x | ≤ {HOME_FLOOR_RATIO}x | {verdict(ratio <= HOME_FLOOR_RATIO)} |"
        )
    return lines


def province_targets(results: dict) -> list[str]:
    """#23: each province page against the same page at city level (≤ 1.5x) and ≤ 8 queries."""
    province = results.get("province")
    if not province or not province.get("pages"):
        return []
    lines = []
    for page in province["pages"]:
        name = f"Province: {page['title']} ({page['persona']})"
        city = _city_row(results, page)
        if city:
            ratio = page["median_ms"] / city["median_ms"]
            lines.append(
                f"| {name}: median vs the same page at city level ({city['persona']}, 1x) | "
                f"{ms(page['median_ms'])} ms vs {ms(city['median_ms'])} ms = {ratio:.2f}x | "
                f"≤ {PROVINCE_RATIO}x | {verdict(ratio <= PROVINCE_RATIO)} |"
            )
        lines.append(
            f"| {name}: queries | {page['queries']} | ≤ {PAGE_QUERIES} | "
            f"{verdict(page['queries'] <= PAGE_QUERIES)} |"
        )
    if "province_overview_pdf_ms" in province:
        lines.append(
            f"| Province overview PDF ({province['schools']:,} schools) | "
            f"{ms(province['province_overview_pdf_ms'])} ms | — | — |"
        )
    return lines


def province_pages(results: dict) -> list[str]:
    """#23: every page of the province, in-process and over HTTP."""
    province = results.get("province")
    if not province or not province.get("pages"):
        return []
    lines = [
        "",
        f"## The province ({province['schools']:,} schools, {province['hazards']:,} hazards)",
        "",
        "| page | persona | median | p95 | queries | SQL | HTTP median / p95 |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    http = {(p["key"], p["persona"]): p for p in province.get("http", [])}
    for page in province["pages"]:
        h = http.get((page["key"], page["persona"]), {})
        lines.append(
            f"| {page['title']} | {page['persona']} | {ms(page['median_ms'])} | "
            f"{ms(page['p95_ms'])} | {page['queries']} | {ms(page['sql_ms'])} | "
            f"{ms(h.get('http_median_ms'))} / {ms(h.get('http_p95_ms'))} |"
        )
    return lines
