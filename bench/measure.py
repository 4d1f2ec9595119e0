"""In-process measurements on one generated city (run by bench.run in a subprocess with
DATABASE_URL pointing at the city): every page of bench.pages through the full Django stack
(middleware, session, templates) with the test client, its stock-admin counterpart, the PDFs
and the reminder pass. Prints one JSON document."""

from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench import feature_pages  # noqa: E402
from bench.api_clients import API_PREFIX, api_token  # noqa: E402
from bench.pages import ANONYMOUS, PAGES, PROVINCE, PROVINCE_PAGES, SEARCH_PHRASE  # noqa: E402
from inspections.models import Hazard  # noqa: E402
from safety import security  # noqa: E402
from safety.models import ExportJob, Organisation, SafetyArea, User  # noqa: E402

# A signed-in session records its last activity at most once a minute (three queries on
# whichever request crosses the minute): on a page of seconds it landed in a counted sample
# and the run reported the page's maximum, 8 + 3 (education coverage on the province, #23).
# The page's own queries are counted; the once-a-minute write is the session's, as in tests.
security.ACTIVITY_RESOLUTION_SECONDS = 24 * 3600


def reference_ids() -> dict[str, int]:
    county = User.objects.get(username="c01.official").unit
    school = Organisation.objects.filter(parent=county, kind="school").order_by("id").first()
    hazard = Hazard.objects.filter(school=school).order_by("-id").first()
    city = Organisation.objects.filter(kind="city").order_by("id").first()
    # #23: an export of the city official's, so its page and polled fragment can be measured.
    export, _created = ExportJob.objects.get_or_create(
        requester=User.objects.get(username="city.official"),
        kind="inspections.exports:ledger",
        defaults={"status": ExportJob.Status.RUNNING, "progress": 1200, "total": 5000,
                  "expires_at": timezone.now() + datetime.timedelta(days=1)},
    )  # fmt: skip
    return feature_pages.ids() | {
        "export": export.pk,
        "city": city.pk,  # #23: the province's pages narrowed to its first city
        "county": county.pk,
        "school": school.pk,
        "hazard": hazard.pk,
        "area": SafetyArea.objects.get(key="fire").pk,
    }


def time_get(client: Client, path: str, repeats: int) -> dict:
    for _ in range(2):  # warm caches (templates, connection, plan cache)
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
    times, sql_times, counts = [], [], []
    for _ in range(repeats):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(path)
            elapsed = time.perf_counter() - started
        assert response.status_code == 200, (path, response.status_code)
        times.append(elapsed * 1000)
        sql_times.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)
        counts.append(len(captured.captured_queries))
    return {"times": times, "sql_times": sql_times, "counts": counts}


def pages(keys: set[str] | None = None) -> list[tuple[str, str, str, str, str | None]]:
    """The rows measured here: PAGES, or on a generated province (#23) only the province's
    rows (PROVINCE_PAGES: the city's pages are measured on the city databases); only the
    rows of `keys` when given (`bench.run --pages`)."""
    rows = PROVINCE_PAGES if User.objects.filter(username=PROVINCE).exists() else PAGES
    return [row for row in rows if keys is None or row[0] in keys]


def clients(keys: set[str] | None = None) -> dict[str, Client]:
    made = {}
    for username in {persona for _k, _t, persona, _p, _a in pages(keys)} | {"bench.admin"}:
        if username == ANONYMOUS:  # a public page (the health check)
            made[username] = Client()
            continue
        if username.startswith(API_PREFIX):  # #22: an API client of the user's unit
            token = api_token(username.removeprefix(API_PREFIX))
            made[username] = Client(headers={"authorization": f"Bearer {token}"})
            continue
        client = Client()
        client.force_login(User.objects.get(username=username))
        made[username] = client
    return made


def search_rows() -> int:
    """#23: the phrase of the ledger search rows (bench.pages.SEARCH_PHRASE) written into the
    descriptions of 0.1% of the city's hazards (every thousandth id), once: the generated
    descriptions are a few dozen sentences, each in 4% of the ledger, while a real search
    looks for something a few rows say. Returns the hazards that carry it."""
    phrase = SEARCH_PHRASE
    if not Hazard.objects.filter(description__contains=phrase).exists():
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE inspections_hazard SET description = description || %s "
                "WHERE id %% 1000 = 7",
                [f"，{phrase}损坏"],
            )
            cursor.execute("ANALYZE inspections_hazard")
    return Hazard.objects.filter(description__contains=phrase).count()


def measure_pages(repeats: int, keys: set[str] | None = None) -> list[dict]:
    if keys is None or "ledger_search" in keys:
        print(f"  search rows: {search_rows():,}", file=sys.stderr)
    ids = reference_ids()
    logged_in = clients(keys)
    results = []
    for key, title, persona, path, admin_path in pages(keys):
        try:
            row = {"key": key, "title": title, "persona": persona, "path": path.format(**ids)}
        except KeyError:  # no record of its feature here (bench.feature_pages.ids)
            print(f"  not measured (no data): {title} [{persona}]", file=sys.stderr)
            continue
        row["samples"] = time_get(logged_in[persona], row["path"], repeats)
        if admin_path:
            row["admin_path"] = admin_path.format(**ids)
            # The API's baseline is called by the same client; a page's by the admin.
            baseline = persona if persona.startswith(API_PREFIX) else "bench.admin"
            row["admin_samples"] = time_get(logged_in[baseline], row["admin_path"], repeats)
        results.append(row)
        median = statistics.median(row["samples"]["times"])
        print(f"  {title} [{persona}]: {median:.1f} ms", file=sys.stderr)
    return results


def measure_pdfs() -> dict:
    from django.template.loader import render_to_string
    from django.utils import translation

    from reporting.models import MonthlyReport
    from reporting.monthly import selectors, services
    from safety.pdf import html_to_pdf, render_pdf

    today = timezone.localdate()
    month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    result = {}
    school_report = (
        MonthlyReport.objects.filter(unit__kind="school", latest_version__isnull=False)
        .select_related("latest_version")
        .order_by("-month", "id")
        .first()
    )
    version = school_report.latest_version
    with translation.override("zh-hans"):
        html = render_to_string(
            "reporting/monthly/pdf/monthly_school.html", services.pdf_context(version)
        )
    html_to_pdf(html)  # the first render loads the fonts: not part of either measurement
    full, bare = [], []
    for index in range(15):

        def run_full() -> None:
            started = time.perf_counter()
            render_pdf("reporting/monthly/pdf/monthly_school.html", services.pdf_context(version))
            full.append(time.perf_counter() - started)

        def run_bare() -> None:
            started = time.perf_counter()
            html_to_pdf(html)
            bare.append(time.perf_counter() - started)

        for run in (run_full, run_bare) if index % 2 else (run_bare, run_full):
            run()
    result["school_pdf_ms"] = statistics.median(full) * 1000
    result["school_pdf_bare_ms"] = statistics.median(bare) * 1000

    # The largest county's roll-up, computed live over its schools and rendered.
    county = (
        Organisation.objects.filter(kind="county")
        .annotate(n=django.db.models.Count("children"))
        .order_by("-n")
        .first()
    )
    county_report = MonthlyReport.objects.filter(unit=county, month=month).first()
    county_version = county_report.latest_version if county_report else None
    started = time.perf_counter()
    figures = selectors.county_rollup(county, month, today)
    if county_version is not None:
        county_version.figures = figures  # in memory only: what a submission would freeze
        render_pdf(
            "reporting/monthly/pdf/monthly_county.html", services.pdf_context(county_version)
        )
    result["county_pdf_ms"] = (time.perf_counter() - started) * 1000
    result["county_pdf_schools"] = figures["school_count"]

    result |= measure_overview_pdf("city")
    return result


def measure_overview_pdf(kind: str) -> dict:
    """The overview PDF of the first unit of `kind` (the city's, or #23 the province's over
    its cities) for the last month: the render the job does (figures read and the PDF
    written), without storing it. (It created the overview row and rolled back; a city
    generated with its feature steps already has last month's overview.)"""
    from reporting.monthly import services

    month = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    unit = Organisation.objects.filter(kind=kind).order_by("id").first()
    render = services.province_overview_pdf if kind == "province" else services.city_overview_pdf
    started = time.perf_counter()
    render(unit, month)
    return {f"{kind}_overview_pdf_ms": (time.perf_counter() - started) * 1000}


def measure_reminders() -> dict:
    """The reminder pass on the first day it writes reminders (the school due date of the
    current month); rolled back so the city is left as it was."""
    from reporting.monthly import services
    from reporting.monthly.periods import school_due_date

    day = school_due_date(timezone.localdate().replace(day=1))
    schools = Organisation.objects.filter(kind="school").count()
    with transaction.atomic():
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            written = services.reminder_pass(day=day)
            elapsed = time.perf_counter() - started
        transaction.set_rollback(True)
    return {
        "reminder_schools": schools,
        "reminder_queries": len(captured.captured_queries),
        "reminder_ms": elapsed * 1000,
        "reminder_rows": written,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument(
        "--only", choices=["pages", "pdfs", "reminders", "province_pdf"], default=None
    )
    parser.add_argument("--pages", default="", help="comma-separated page keys (default all)")
    args = parser.parse_args()
    keys = set(args.pages.split(",")) if args.pages else None
    out: dict = {"hazards": Hazard.objects.count(), "schools": Organisation.objects.filter(
        kind="school").count()}  # fmt: skip
    out["ids"] = reference_ids()
    out["counties"] = Organisation.objects.filter(kind="county").count()
    if args.only in (None, "pages"):
        out["pages"] = measure_pages(args.repeats, keys)
    if args.only in (None, "pdfs"):
        out |= measure_pdfs()
    if args.only in (None, "reminders"):
        out |= measure_reminders()
    if args.only == "province_pdf":
        out |= measure_overview_pdf("province")
    print(json.dumps(out, default=str))


if __name__ == "__main__":
    main()
