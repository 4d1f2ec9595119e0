"""The notification outbox: rows first, delivery from rows, nothing sent twice."""

from __future__ import annotations

import contextlib
import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from config.celery import app
from safety import notifications
from safety.models import EmailDigest, Notification


def test_the_same_notice_is_recorded_once(city, people):
    first = notifications.notify(
        recipient=people.staff_a, kind="hazard.overdue", key="hazard:1:2026-11-28", title="隐患逾期"
    )
    second = notifications.notify(
        recipient=people.staff_a, kind="hazard.overdue", key="hazard:1:2026-11-28", title="隐患逾期"
    )
    assert first is not None
    assert second is None
    assert Notification.objects.filter(recipient=people.staff_a).count() == 1


def test_inactive_recipients_get_nothing(city, people):
    people.staff_a.is_active = False
    people.staff_a.save()
    assert notifications.notify(recipient=people.staff_a, kind="k", key="1", title="t") is None


def test_urgent_notice_is_emailed_and_texted_once(
    city, people, django_capture_on_commit_callbacks, caplog
):
    people.county_official.email = "carol@example.cn"
    people.county_official.phone = "13800000000"
    people.county_official.save()
    with django_capture_on_commit_callbacks(execute=True):
        notification = notifications.notify(
            recipient=people.county_official,
            kind="incident.reported",
            key="incident:7",
            title="甲区实验小学报告了一起安全事故",
            url="/incidents/7/",
            urgent=True,
        )
    assert len(mail.outbox) == 1
    assert "甲区实验小学报告了一起安全事故" in mail.outbox[0].subject
    assert "13800000000" in caplog.text
    # A retried task or the sweeper finds nothing left to send.
    assert notifications.deliver_urgent(notification.pk) is False
    notification.created_at = timezone.now() - datetime.timedelta(hours=1)
    assert notifications.deliver_pending_urgent() == 0
    assert len(mail.outbox) == 1


def test_sweeper_delivers_urgent_notices_whose_task_was_lost(city, people):
    people.county_official.email = "carol@example.cn"
    people.county_official.save()
    notification = notifications.notify(
        recipient=people.county_official,
        kind="incident.reported",
        key="incident:8",
        title="事故",
        urgent=True,
    )  # no on-commit callbacks run: the task was "lost"
    Notification.objects.filter(pk=notification.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=10)
    )
    assert notifications.deliver_pending_urgent() == 1
    assert len(mail.outbox) == 1


def test_digest_is_one_email_per_recipient_per_day_even_when_run_twice(city, people):
    people.staff_a.email = "alice@example.cn"
    people.staff_a.save()
    for n in range(3):
        notifications.notify(
            recipient=people.staff_a, kind="hazard.overdue", key=str(n), title=f"隐患{n}逾期"
        )
    day = datetime.date(2026, 11, 28)
    assert notifications.send_digests(day) == 1
    assert notifications.send_digests(day) == 0
    assert len(mail.outbox) == 1
    assert "隐患2逾期" in mail.outbox[0].body
    assert EmailDigest.objects.get(recipient=people.staff_a, day=day).notification_count == 3
    # Notices arriving later that day wait for the next day's digest.
    notifications.notify(recipient=people.staff_a, kind="hazard.overdue", key="9", title="新")
    assert notifications.send_digests(day) == 0
    assert notifications.send_digests(day + datetime.timedelta(days=1)) == 1
    assert len(mail.outbox) == 2


def test_inbox_shows_only_my_notifications(city, people, client_for):
    notifications.notify(recipient=people.staff_a, kind="k", key="a", title="给爱丽丝的通知")
    notifications.notify(recipient=people.staff_a2, kind="k", key="b", title="给鲍勃的通知")
    content = client_for("staff_a").get(reverse("notification_list")).content.decode()
    assert "给爱丽丝的通知" in content
    assert "给鲍勃的通知" not in content


def test_opening_a_notification_marks_it_read_and_follows_its_link(city, people, client_for):
    notification = notifications.notify(
        recipient=people.staff_a, kind="k", key="a", title="t", url="/schools/"
    )
    response = client_for("staff_a").post(reverse("notification_open", args=[notification.pk]))
    assert response.status_code == 302
    assert response.url == "/schools/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_opening_someone_elses_notification_is_404(city, people, client_for):
    notification = notifications.notify(recipient=people.staff_a2, kind="k", key="b", title="t")
    response = client_for("staff_a").post(reverse("notification_open", args=[notification.pk]))
    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_notification_links_cannot_redirect_off_site(city, people, client_for):
    notification = notifications.notify(
        recipient=people.staff_a, kind="k", key="a", title="t", url="https://evil.example/"
    )
    response = client_for("staff_a").post(reverse("notification_open", args=[notification.pk]))
    assert response.url == reverse("notification_list")


def test_mark_all_read_and_unread_badge(city, people, client_for):
    for key in "abc":
        notifications.notify(recipient=people.staff_a, kind="k", key=key, title=key)
    client = client_for("staff_a")
    assert client.get(reverse("dashboards:home")).context["unread_notifications"] == 3
    client.post(reverse("notification_mark_all_read"))
    assert client.get(reverse("dashboards:home")).context["unread_notifications"] == 0


def test_notification_schedules_are_in_the_database(db):
    from django_celery_beat.models import PeriodicTask

    tasks = set(PeriodicTask.objects.values_list("task", flat=True))
    assert {
        "safety.send_notification_digests",
        "safety.deliver_pending_urgent_notifications",
    } <= tasks


@contextlib.contextmanager
def broker_unreachable():
    """Point the Celery app at a port nothing listens on, with fresh connection and producer
    pools (the producer pool an earlier task cached would still reach the real broker), then
    put the app back as it was, closing only the pools made here so later tasks still work."""
    saved = (app.conf.broker_url, app.conf.task_always_eager, app._pool, app.amqp._producer_pool)
    app.conf.broker_url = "redis://127.0.0.1:9/0"  # nothing listens on the discard port
    app.conf.task_always_eager = False
    app._pool = app.amqp._producer_pool = None
    try:
        yield
    finally:
        if app._pool is not None:
            app._pool.force_close_all()
        (
            app.conf.broker_url,
            app.conf.task_always_eager,
            app._pool,
            app.amqp._producer_pool,
        ) = saved


@pytest.mark.real_broker
def test_a_broker_outage_does_not_fail_the_change_and_the_sweeper_delivers_later(
    city, people, settings, django_capture_on_commit_callbacks, caplog
):
    people.county_official.email = "carol@example.cn"
    people.county_official.save()
    with broker_unreachable(), django_capture_on_commit_callbacks(execute=True):
        notification = notifications.notify(
            recipient=people.county_official,
            kind="incident.reported",
            key="incident:9",
            title="事故",
            urgent=True,
        )
    assert "Could not queue safety.deliver_urgent_notification" in caplog.text
    assert Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).exists()
    assert len(mail.outbox) == 0
    Notification.objects.filter(pk=notification.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=10)
    )
    assert notifications.deliver_pending_urgent() == 1
    assert len(mail.outbox) == 1
