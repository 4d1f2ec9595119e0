"""`make bench`: generate (or reuse) the cities, measure, and write docs/performance.md.

    python -m bench.run [--schools 2000 --years 3 --factor 4 --repeats 15 --users 50]
    python -m bench.run --pages api_hazards,api_hazards_filtered,health   # a subset
    python -m bench.run --skip-load                                       # all but locust

A full run measures every page, the PDFs, the reminder pass, the export, the province's pages
and overview PDF (#23: a generated province of `--cities` cities, safecampus_bench_province)
and the three locust runs: the day's load, the stress run and the month-end rush (200 schools
filing their monthly report and 20 officials reviewing, served as the Procfile deploys it,
with Redis and a Celery worker). `--load-only` repeats only the locust runs.
`--pages KEYS` measures only the pages of those keys (bench/pages.py), in-process and over
HTTP at 1x and 4x (and the province) with the same rounds, and merges them into the previous
run's docs/performance.json: rows of the same page and persona are replaced, every other
number (pages, PDFs, reminders, export, load) is kept as it was measured, and the report's
Run section lists each partial run with its date, commit and keys.
`--skip-load` runs everything but the locust runs and keeps the previous load results.

Cities live in PostgreSQL databases safecampus_bench1 (1x) and safecampus_bench4 (the same
schools with `--factor` times the hazards, incidents and notices), plus
safecampus_bench_reminders (3,000 schools, for the reminder pass). A database that already
holds the requested city is reused; set BENCH_REGENERATE=1 to rebuild. Servers are started
on 127.0.0.1 only (port BENCH_PORT, 8009 by default) and stopped afterwards.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import json
import os
import platform
import signal
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
PORT = int(os.environ.get("BENCH_PORT", "8009"))
BASE_ENV = {
    "DJANGO_SETTINGS_MODULE": "bench.settings",
    "DEBUG": "false",
    "SECRET_KEY": "bench-only-not-a-secret-" + "x" * 40,
    "SECURE_SSL_REDIRECT": "false",
    "SECURE_COOKIES": "false",
    "STATICFILES_MANIFEST": "false",
    "REDIS_URL": "",
}


def env_for(db: str) -> dict[str, str]:
    return {**os.environ, **BASE_ENV, "DATABASE_URL": f"{PG}/{db}"}


def log(message: str) -> None:
    print(f"[bench {datetime.datetime.now():%H:%M:%S}] {message}", flush=True)


def psql(sql: str, db: str = "postgres") -> str:
    return subprocess.run(
        ["psql", f"{PG}/{db}", "-tAc", sql], capture_output=True, text=True, check=False
    ).stdout.strip()


# The nightly tasks that rewrite derived rows for the new day (their management commands).
NIGHTLY_REFRESHES = ("refresh_gap_summaries", "refresh_preparedness_summaries")


def ensure_city(db: str, schools: int, years: int, scale: float, cities: int = 0) -> None:
    """Generate the city (or, with `cities`, the province of that many cities) into `db`,
    or reuse it when the table comment says it holds the same plan."""
    wanted = f"{schools}:{years}:{scale}" + (f":{cities} cities" if cities else "")
    exists = psql(f"SELECT 1 FROM pg_database WHERE datname = '{db}'") == "1"
    marker = psql("SELECT obj_description('safety_organisation'::regclass)", db) if exists else ""
    if exists and marker == f"bench {wanted}" and not os.environ.get("BENCH_REGENERATE"):
        log(f"{db}: reusing the generated city ({wanted}); applying new migrations")
        subprocess.run(
            [PYTHON, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env_for(db), check=True
        )
        # The nightly refreshes, as beat runs them on a live system: the summaries of a city
        # generated on an earlier day are stale, and the pages would measure their live
        # fallback (or, for a summary a migration added, have no rows at all).
        for command in NIGHTLY_REFRESHES:
            subprocess.run(
                [PYTHON, "manage.py", command, "-v0"], cwd=ROOT, env=env_for(db), check=True
            )
        return
    log(f"{db}: generating {schools} schools, {years} years, scale {scale}")
    if exists:
        psql(f'DROP DATABASE "{db}"')
    psql(f'CREATE DATABASE "{db}"')
    manage = [PYTHON, "manage.py"]
    env = env_for(db)
    subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    started = time.perf_counter()
    subprocess.run(
        [*manage, "generate_city", f"--schools={schools}", f"--years={years}",
         f"--scale={scale}", "--seed=1", *([f"--cities={cities}"] if cities else [])],
        cwd=ROOT, env=env, check=True,
    )  # fmt: skip
    log(f"{db}: generated in {time.perf_counter() - started:.0f} s")
    psql(f"COMMENT ON TABLE safety_organisation IS 'bench {wanted}'", db)


def run_json(args: list[str], db: str, extra_env: dict | None = None) -> object:
    result = subprocess.run(
        [PYTHON, *args],
        cwd=ROOT,
        env={**env_for(db), **(extra_env or {})},
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        sys.stderr.write(result.stderr[-4000:])
        raise SystemExit(f"{args} failed")
    return json.loads(result.stdout.strip().splitlines()[-1])


class Gunicorn:
    """gunicorn on 127.0.0.1:PORT; with `redis`, as the Procfile deploys it: the Procfile's
    3 workers and 30 s timeout, the cache and the job queue in Redis, and a Celery worker
    (the Procfile's concurrency of 2 and nice 10) doing the background jobs (PDF renders,
    notices)."""

    def __init__(self, db: str, workers: int = 2, redis: str = "") -> None:
        self.db, self.workers, self.redis = db, workers, redis

    def __enter__(self) -> str:
        env = {**env_for(self.db), "REDIS_URL": self.redis}
        timeout = "30" if self.redis else "120"
        self.process = subprocess.Popen(
            [str(Path(PYTHON).parent / "gunicorn"), "config.wsgi", f"--bind=127.0.0.1:{PORT}",
             f"--workers={self.workers}", "--log-level=warning", f"--timeout={timeout}"],
            cwd=ROOT, env=env, process_group=0,
        )  # fmt: skip
        self.worker = None
        if self.redis:
            subprocess.run(["redis-cli", "-u", self.redis, "flushdb"], check=False,
                           capture_output=True)  # fmt: skip
            # As the Procfile runs it: at a lower CPU priority (nice 10), so that a PDF render
            # waits for the web workers' requests on a shared machine. Both in this session
            # (a process group each, to stop them), not a session each: Linux's autogroup
            # shares the CPU fairly between sessions, and a nice value counts only within one.
            self.worker = subprocess.Popen(
                ["nice", "-n", "10", str(Path(PYTHON).parent / "celery"), "-A", "config",
                 "worker", "--loglevel=WARNING", "--concurrency=2"],
                cwd=ROOT, env=env, process_group=0,
            )  # fmt: skip
        for _ in range(100):
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", PORT)) == 0:
                    return f"http://127.0.0.1:{PORT}"
            time.sleep(0.2)
        raise SystemExit("gunicorn did not start")

    def __exit__(self, *exc: object) -> None:
        for process in (self.process, self.worker):
            if process is not None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=60)


RUSH_REDIS = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/9")


def load_run(db: str, city: dict, users: int, duration: str, pace: str = "realistic") -> dict:
    """A locust run: `pace` "realistic" or "fast" (the day's load of staff filing inspections
    and officials browsing), or "rush" (#23: `users` schools filing the month's report and
    20 officials reviewing, served as the Procfile deploys it, Redis and a Celery worker)."""
    workdir = Path(tempfile.mkdtemp(prefix="safecampus-bench-"))
    csv_prefix = str(workdir / "locust")
    rush = pace == "rush"
    sessions = run_json(["-m", "bench.sessions", *(["--rush"] if rush else []), str(users)], db)
    (workdir / "sessions.json").write_text(json.dumps(sessions))
    classes = ["RushSchool", "RushOfficial"] if rush else ["SchoolStaff", "Official"]
    if rush:
        users += len(sessions["rush"]["officials"])
    with Gunicorn(db, workers=3, redis=RUSH_REDIS if rush else "") as base:
        warm_up(base, sessions["sessions"])
        subprocess.run(
            [str(Path(PYTHON).parent / "locust"), "-f", "bench/locustfile.py", *classes,
             "--headless",
             "-u", str(users), "-r", "10", "-t", duration, "--host", base, "--csv", csv_prefix,
             "--only-summary", "--loglevel", "WARNING"],
            cwd=ROOT, check=False,
            env={**os.environ, "BENCH_SCHOOLS": str(city["schools"]),
                 "BENCH_COUNTIES": str(city["counties"]), "PYTHONPATH": str(ROOT),
                 "BENCH_SESSIONS": str(workdir / "sessions.json"), "BENCH_PACE": pace},
        )  # fmt: skip
    with open(f"{csv_prefix}_stats.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    total = next(row for row in rows if row["Name"] == "Aggregated")
    return {
        "pace": pace,
        "login_ms": sessions["login_ms"],
        "requests": int(total["Request Count"]),
        "errors": int(total["Failure Count"]),
        "p50_ms": float(total["50%"]),
        "p95_ms": float(total["95%"]),
        "by_name": [
            {k: row[k] for k in ("Name", "Request Count", "Failure Count", "50%", "95%")}
            for row in rows
            if row["Name"] != "Aggregated"
        ],
    }


def merge_rounds(rounds: list[dict]) -> dict:
    """One result per page from several rounds: the samples pooled, then summarised."""
    from bench.measure_stats import summarise

    merged = {k: v for k, v in rounds[0].items() if k != "pages"}
    merged["pages"] = []
    for index, page in enumerate(rounds[0]["pages"]):
        row = {k: v for k, v in page.items() if not k.endswith("samples")}
        for prefix in ("", "admin_"):
            if f"{prefix}samples" not in page:
                continue
            pooled = {
                name: [x for r in rounds for x in r["pages"][index][f"{prefix}samples"][name]]
                for name in ("times", "sql_times", "counts")
            }
            row |= {f"{prefix}{name}": value for name, value in summarise(pooled).items()}
            row[f"{prefix}samples_n"] = len(pooled["times"])
        merged["pages"].append(row)
    return merged


def warm_up(base: str, sessions: dict[str, str]) -> None:
    """Every worker's first request of a page is slow (imports, template compilation,
    catalogues, a new database connection); a server in service has long done that. Hit
    the load run's pages concurrently so that every worker has served each of them."""
    import requests

    staff = next(name for name in sessions if name.endswith(".staff"))
    jobs = [
        (sessions["city.official"], "/hazards/?status=closed&page=2"),
        (sessions["city.official"], "/incidents/"),
        (sessions["city.official"], "/hazards/1/"),
        (sessions[staff], "/inspections/new/"),
        (sessions[staff], "/hazards/"),
        (sessions["city.official"], "/monthly/console/"),  # #23 the month-end rush's pages
        (sessions[staff], "/monthly/"),
    ] * 6

    def get(job: tuple[str, str]) -> None:
        requests.get(base + job[1], cookies={"sessionid": job[0]}, timeout=120)

    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(get, jobs))


def machine() -> dict:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = next(
        line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )  # fmt: skip
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    return {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(int(memory) / 1024 / 1024, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "postgres": psql("SHOW server_version"),
        "commit": commit,
        "load_before": os.getloadavg(),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--schools", type=int, default=2000)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--factor", type=float, default=4.0)
    parser.add_argument("--reminder-schools", type=int, default=3000)
    parser.add_argument("--repeats", type=int, default=20, help="requests per page per round")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--http-repeats", type=int, default=10)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", default="60s")
    parser.add_argument("--output", default=str(ROOT / "docs" / "performance.md"))
    parser.add_argument(
        "--pages", default="", help="comma-separated page keys: measure only these and merge"
    )
    parser.add_argument("--skip-load", action="store_true", help="keep the previous load runs")
    parser.add_argument("--load-only", action="store_true", help="only the locust runs")
    parser.add_argument(
        "--cities", type=int, default=10, help="#23: the province's cities (0: no province)"
    )
    parser.add_argument("--rush-schools", type=int, default=200)
    parser.add_argument("--rush-duration", default="120s")
    args = parser.parse_args()
    started = time.perf_counter()
    if args.load_only:
        results = load_only(args)
    else:
        results = partial_run(args) if args.pages else full_run(args)
    Path(args.output).with_suffix(".json").write_text(json.dumps(results, default=str, indent=1))
    import django  # the report reads the rows, whose feature modules read through the models

    for key, value in BASE_ENV.items():  # the settings the measured processes had
        os.environ.setdefault(key, value)
    django.setup()
    from bench.report import write_report

    write_report(results, Path(args.output))
    log(f"written {args.output} in {(time.perf_counter() - started) / 60:.1f} min")


def previous_results(args: argparse.Namespace) -> dict:
    path = Path(args.output).with_suffix(".json")
    if not path.exists():
        raise SystemExit(f"{path} holds no previous run to merge into: run a full bench first")
    return json.loads(path.read_text())


def measure_sizes(args: argparse.Namespace, sizes: dict, keys: str = "") -> dict[str, dict]:
    """The pages (all, or those of `keys`) in-process at each size in alternating rounds, then
    over HTTP through gunicorn."""
    only = [f"--pages={keys}"] if keys else []
    # The machine may be shared: the two sizes are measured in alternating rounds, so a
    # burst of someone else's load falls on both rather than on one.
    rounds: dict[str, list] = {label: [] for label in sizes}
    for number in range(1, args.rounds + 1):
        for label, (db, _scale) in sizes.items():
            log(f"{label}: in-process pages, round {number} of {args.rounds}")
            rounds[label].append(
                run_json(
                    ["-m", "bench.measure", "--only=pages", f"--repeats={args.repeats}", *only],
                    db,
                )
            )
    measured = {}
    for label, (db, _scale) in sizes.items():
        measured[label] = merge_rounds(rounds[label])
        log(f"{label}: over HTTP through gunicorn")
        with Gunicorn(db) as base:
            measured[label]["http"] = run_json(
                ["-m", "bench.http", base, str(args.http_repeats), keys],
                db,
                {"BENCH_IDS": json.dumps(measured[label]["ids"]),
                 "BENCH_PROVINCE": "1" if label == "province" else ""},
            )  # fmt: skip
    return measured


def merge_pages(results: dict, measured: dict[str, dict]) -> None:
    """Put the freshly measured rows (in-process and HTTP, per size) into `results`: a row of
    the same page and persona is replaced, a new one appended, every other row kept."""
    for label, fresh in measured.items():
        # #23: a size the previous run did not have (the province) starts empty.
        results.setdefault(label, {**fresh, "pages": [], "http": []})
        for field in ("pages", "http"):
            by_page = {(row["key"], row["persona"]): row for row in fresh[field]}
            kept = [r for r in results[label][field] if (r["key"], r["persona"]) not in by_page]
            results[label][field] = kept + list(by_page.values())


PROVINCE_DB = "safecampus_bench_province"


def city_sizes(args: argparse.Namespace) -> dict[str, tuple[str, float]]:
    """The databases measured in alternating rounds, generated when missing: the city at 1x
    and at `--factor` times its hazards, and (#23) the province of `--cities` cities of
    `--schools` schools each, unless `--cities 0`."""
    sizes = {"1x": ("safecampus_bench1", 1.0), "4x": ("safecampus_bench4", args.factor)}
    for db, scale in sizes.values():
        ensure_city(db, args.schools, args.years, scale)
    if args.cities:
        ensure_city(PROVINCE_DB, args.schools * args.cities, args.years, 1.0, args.cities)
        sizes["province"] = (PROVINCE_DB, 1.0)
    return sizes


def partial_run(args: argparse.Namespace) -> dict:
    """`--pages`: the pages of the given keys measured and merged into the previous run."""
    results = previous_results(args)
    sizes = city_sizes(args)
    run = machine()
    measured = measure_sizes(args, sizes, args.pages)
    merge_pages(results, measured)
    run["load_after"] = os.getloadavg()
    cities = {label: f"{fresh['schools']:,} schools, {fresh['hazards']:,} hazards"
              for label, fresh in measured.items()}  # fmt: skip
    results.setdefault("partial_runs", []).append(
        {"pages": args.pages, "rounds": args.rounds, "repeats": args.repeats, "cities": cities,
         **run}
    )  # fmt: skip
    return results


def full_run(args: argparse.Namespace) -> dict:
    results: dict = {"machine": machine(), "args": vars(args)}
    sizes = city_sizes(args)
    ensure_city("safecampus_bench_reminders", args.reminder_schools, 1, 0.05)
    for label, measured in measure_sizes(args, sizes).items():
        db = sizes[label][0]
        if label == "province":
            log("province: its overview PDF")
            measured |= run_json(["-m", "bench.measure", "--only=province_pdf"], db)
            results[label] = measured
            continue
        log(f"{label}: PDFs and the reminder pass")
        measured |= run_json(["-m", "bench.measure", "--only=pdfs"], db)
        measured |= run_json(["-m", "bench.measure", "--only=reminders"], db)
        results[label] = measured
    log("reminder pass on the 3,000-school city")
    results["reminders"] = run_json(
        ["-m", "bench.measure", "--only=reminders"], "safecampus_bench_reminders"
    )
    log("ledger export, peak memory")
    results["export"] = run_json(["-m", "bench.export_memory", "auto"], "safecampus_bench1")
    if args.skip_load:
        previous = previous_results(args)
        for key in ("load", "stress", "rush", "load_measured"):
            if key in previous:
                results[key] = previous[key]
    else:
        results |= load_runs(args, results["1x"])
    results["machine"]["load_after"] = os.getloadavg()
    return results


def load_runs(args: argparse.Namespace, city: dict) -> dict:
    """The locust runs on the 1x city: the day's load, the stress run and (#23) the
    month-end rush."""
    db = "safecampus_bench1"
    log(f"load run: {args.users} users for {args.duration}")
    out = {"load": load_run(db, city, args.users, args.duration)}
    log(f"stress run: {args.users} users at 1-3 s think time for {args.duration}")
    out["stress"] = load_run(db, city, args.users, args.duration, pace="fast")
    log(f"month-end rush: {args.rush_schools} schools + officials for {args.rush_duration}")
    out["rush"] = load_run(db, city, args.rush_schools, args.rush_duration, pace="rush")
    out["load_measured"] = machine()["date"]
    return out


def load_only(args: argparse.Namespace) -> dict:
    """`--load-only`: the locust runs again, every other number kept."""
    results = previous_results(args)
    ensure_city("safecampus_bench1", args.schools, args.years, 1.0)
    city = {"schools": results["1x"]["schools"], "counties": results["1x"]["counties"]}
    results |= load_runs(args, city)
    return results


if __name__ == "__main__":
    main()
