"""Time the county roll-up for N schools: compile, freeze and render its PDF.

Runs inside a transaction that is rolled back, so it can be pointed at a scratch database
(e.g. DATABASE_URL=sqlite:////tmp/bench.db after `migrate`). Target: 175 schools < 5 s.
"""

from __future__ import annotations

import datetime
import time
from typing import Any

# Imported here, not timed: a worker has WeasyPrint imported already (about 1 s on first import).
import weasyprint  # noqa: F401
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from reporting.models import MonthlyReport, MonthlyReportVersion
from reporting.monthly import services
from safety import services as safety_services
from safety.models import Organisation, User


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Benchmark a county roll-up and its PDF (rolled back afterwards)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--schools", type=int, default=175)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with transaction.atomic():
                self._run(options["schools"])
                raise Rollback
        except Rollback:
            pass

    def _run(self, count: int) -> None:
        month = datetime.date(2026, 10, 1)
        submitted = datetime.datetime(2026, 10, 30, 10, tzinfo=timezone.get_current_timezone())
        city = safety_services.organisation_create(
            actor=None, name="基准市教育局", code="B00000", kind=Organisation.Kind.CITY
        )
        county = safety_services.organisation_create(
            actor=None,
            name="基准区教育局",
            code="B00001",
            kind=Organisation.Kind.COUNTY,
            parent=city,
        )
        schools = Organisation.objects.bulk_create(
            Organisation(
                name=f"基准区第{n + 1}小学",
                code=f"B{n:09d}",
                kind=Organisation.Kind.SCHOOL,
                school_type="primary",
                parent=county,
                path=f"{county.path}B{n:07d}/",
                student_count=400 + n,
                staff_count=30,
            )
            for n in range(count)
        )
        leaders = User.objects.bulk_create(
            User(username=f"bench{school.code}", unit=school, role="school_leader")
            for school in schools
        )
        for school, leader in zip(schools[: count * 9 // 10], leaders, strict=False):
            services.monthly_report_save_draft(
                actor=leader,
                unit=school,
                month=month,
                work_done="基准测试",
                problems_found="",
                next_month_plans="",
            )
            services.monthly_report_submit(
                actor=leader, unit=school, month=month, now=submitted, queue_pdf=False
            )
        official = User.objects.create(
            username="bench.official", unit=county, role="bureau_official"
        )
        services.monthly_report_save_draft(
            actor=official,
            unit=county,
            month=month,
            work_done="全区汇总",
            problems_found="",
            next_month_plans="",
        )
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            version = services.monthly_report_submit(
                actor=official,
                unit=county,
                month=month,
                now=submitted + datetime.timedelta(days=5),
                queue_pdf=False,
            )
        compiled = time.perf_counter()
        services.monthly_report_render_pdf(version_id=version.pk)
        rendered = time.perf_counter()
        version = MonthlyReportVersion.objects.get(pk=version.pk)
        size = version.pdf.size
        version.pdf.delete(save=False)
        reports = MonthlyReport.objects.filter(unit__parent=county).count()
        self.stdout.write(
            f"{count} schools ({reports} reports): roll-up {compiled - started:.2f} s in "
            f"{len(queries)} queries; PDF {rendered - compiled:.2f} s ({size // 1024} KB); "
            f"total {rendered - started:.2f} s"
        )
