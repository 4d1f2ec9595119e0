"""With Redis and PostgreSQL, a real worker process renders the PDF and delivers the
reminders (CI runs this; elsewhere it skips unless SAFECAMPUS_REQUIRE_SERVICES=1)."""

from __future__ import annotations

import datetime

import pytest
from celery.exceptions import TimeoutError as CeleryTimeoutError

from reporting.models import MonthlyReportVersion
from reporting.monthly import services
from reporting.monthly.tasks import deliver_monthly_reminders, render_monthly_report_pdf
from safety.models import Notification
from tests.builders import submit_monthly
from tests.safety.test_celery import _require_redis_and_postgres, worker_process


@pytest.mark.real_broker
def test_worker_renders_the_pdf_and_delivers_reminders(
    transactional_db, tmp_path, settings, city, people, leader_b
):
    _require_redis_and_postgres()
    # School B has not submitted; its leader has an e-mail address.
    leader_b.email = "leader@example.cn"
    leader_b.save(update_fields=["email"])
    version = submit_monthly(people.staff_a, text="队列测试。")
    # The pass records rows only; delivery below goes through the worker.
    services.reminder_pass(day=datetime.date(2026, 11, 2))  # a Monday (#20)
    assert Notification.objects.filter(kind=services.REMINDER_KIND, emailed_at__isnull=True)

    media = tmp_path / "media"
    settings.MEDIA_ROOT = media
    with worker_process(
        tmp_path / "worker.log",
        MEDIA_ROOT=str(media),
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    ) as (queue, log_path):
        try:
            rendered = render_monthly_report_pdf.apply_async(
                (version.pk,), queue=queue, ignore_result=False
            ).get(timeout=90)
            delivered = deliver_monthly_reminders.apply_async(queue=queue, ignore_result=False).get(
                timeout=60
            )
        except CeleryTimeoutError:
            pytest.fail(f"the worker did not answer in time; its log:\n{log_path.read_text()}")

    assert rendered is True
    version = MonthlyReportVersion.objects.get(pk=version.pk)
    assert version.pdf_rendered_at is not None
    assert (media / version.pdf.name).read_bytes().startswith(b"%PDF")
    assert delivered == 1  # the leader of the school that did not submit has an e-mail
    assert not Notification.objects.filter(
        kind=services.REMINDER_KIND, emailed_at__isnull=True
    ).exists()
