"""With Redis and PostgreSQL, a real worker process renders the PDF and delivers the
reminders (CI runs this; elsewhere it skips unless SAFECAMPUS_REQUIRE_SERVICES=1)."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
import uuid

import pytest
from celery.exceptions import TimeoutError as CeleryTimeoutError

from reporting.models import MonthlyReportVersion
from reporting.monthly import services
from reporting.monthly.tasks import deliver_monthly_reminders, render_monthly_report_pdf
from safety.models import Notification, Organisation, User
from tests.factories import OrganisationFactory, UserFactory
from tests.safety.test_celery import PROJECT_ROOT, _postgres_url, _require_redis_and_postgres

from ..conftest import OCTOBER, shanghai


@pytest.mark.real_broker
def test_worker_renders_the_pdf_and_delivers_reminders(transactional_db, tmp_path, settings):
    _require_redis_and_postgres()
    city = OrganisationFactory(name="队列市教育局", code="100000", kind=Organisation.Kind.CITY)
    county = OrganisationFactory(
        name="队列区教育局", code="100001", kind=Organisation.Kind.COUNTY, parent=city
    )
    school = OrganisationFactory(name="队列区实验小学", parent=county)
    other = OrganisationFactory(name="队列区第二小学", parent=county)
    staff = UserFactory(organisation=school, role=User.Role.SCHOOL_STAFF)
    UserFactory(organisation=other, role=User.Role.SCHOOL_LEADER, email="leader@example.cn")
    services.monthly_report_save_draft(
        actor=staff,
        unit=school,
        month=OCTOBER,
        work_done="队列测试。",
        problems_found="",
        next_month_plans="",
    )
    version = services.monthly_report_submit(
        actor=staff, unit=school, month=OCTOBER, now=shanghai(2026, 10, 30)
    )
    # The pass records rows only; delivery below goes through the worker.
    services.reminder_pass(day=datetime.date(2026, 11, 1))
    assert Notification.objects.filter(kind=services.REMINDER_KIND, emailed_at__isnull=True)

    queue = f"test-{uuid.uuid4().hex}"
    media = tmp_path / "media"
    env = {
        **os.environ,
        "DEBUG": "true",
        "DATABASE_URL": _postgres_url(),
        "MEDIA_ROOT": str(media),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    settings.MEDIA_ROOT = media
    log_path = tmp_path / "worker.log"
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        "--pool=solo",
        "--concurrency=1",
        "-Q",
        queue,
        "--loglevel=INFO",
        "--without-heartbeat",
        "--without-gossip",
        "--without-mingle",
    ]
    with log_path.open("w") as log:
        worker = subprocess.Popen(
            command, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            rendered = render_monthly_report_pdf.apply_async(
                (version.pk,), queue=queue, ignore_result=False
            ).get(timeout=90)
            delivered = deliver_monthly_reminders.apply_async(queue=queue, ignore_result=False).get(
                timeout=60
            )
        except CeleryTimeoutError:
            pytest.fail(f"the worker did not answer in time; its log:\n{log_path.read_text()}")
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()

    assert rendered is True
    version = MonthlyReportVersion.objects.get(pk=version.pk)
    assert version.pdf_rendered_at is not None
    assert (media / version.pdf.name).read_bytes().startswith(b"%PDF")
    assert delivered == 1  # the leader of the school that did not submit has an e-mail
    assert not Notification.objects.filter(
        kind=services.REMINDER_KIND, emailed_at__isnull=True
    ).exists()
