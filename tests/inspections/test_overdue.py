"""The daily overdue job: marking, escalation, one digest per recipient per day."""

from __future__ import annotations

import datetime

from django.core import mail
from django.utils import timezone

from inspections import services
from inspections.models import Hazard, HazardEvent, InspectionSettings
from safety import workdays
from safety.models import Notification
from safety.notifications import send_digests


def test_overdue_marked_once_and_owner_and_supervisor_notified(make_hazard, crew):
    hazard = make_hazard("in_rectification")
    on_time = make_hazard("in_rectification")
    # A general hazard's owner is told on working days only: the first after the deadline.
    day = workdays.next_working_day(hazard.deadline + datetime.timedelta(days=1))
    Hazard.objects.filter(pk=on_time.pk).update(deadline=day)
    assert services.mark_overdue(day)["marked"] == 1
    assert services.mark_overdue(day)["marked"] == 0
    hazard.refresh_from_db()
    assert hazard.is_overdue
    assert hazard.overdue_since == hazard.deadline + datetime.timedelta(days=1)
    assert hazard.events.filter(action=HazardEvent.Action.OVERDUE).count() == 1
    notices = Notification.objects.filter(kind="hazard_overdue")
    assert sorted(n.recipient_id for n in notices) == sorted([crew.owner.pk, crew.leader.pk])


def test_overdue_digest_sent_once_per_recipient_per_day_even_if_job_runs_twice(make_hazard, crew):
    crew.owner.email = "owner@example.cn"
    crew.owner.save()
    hazard = make_hazard("in_rectification")
    day = workdays.next_working_day(hazard.deadline + datetime.timedelta(days=1))
    services.mark_overdue(day)
    send_digests(day)
    services.mark_overdue(day)
    send_digests(day)
    to_owner = [m for m in mail.outbox if "owner@example.cn" in m.to]
    assert len(to_owner) == 1


def test_escalation_after_bureau_days(make_hazard, crew, city):
    InspectionSettings.objects.create(bureau=city.county_a, escalation_days=2)
    hazard = make_hazard("in_rectification")
    first = hazard.deadline + datetime.timedelta(days=1)
    assert services.mark_overdue(first)["escalated"] == 0
    second = first + datetime.timedelta(days=1)
    assert services.mark_overdue(second)["escalated"] == 1
    assert services.mark_overdue(second)["escalated"] == 0
    assert Notification.objects.filter(recipient=crew.county, kind="hazard_escalated").count() == 1
    assert not Notification.objects.filter(recipient=crew.other_county).exists()


def test_closed_and_submitted_hazards_are_not_overdue(make_hazard):
    closed = make_hazard("closed")
    pending = make_hazard("pending_verification")
    far = timezone.localdate() + datetime.timedelta(days=60)
    services.mark_overdue(far)
    assert not Hazard.objects.filter(pk__in=[closed.pk, pending.pk], is_overdue=True).exists()


def test_extension_clears_overdue(make_hazard, crew):
    hazard = make_hazard("in_rectification")
    day = hazard.deadline + datetime.timedelta(days=1)
    services.mark_overdue(day)
    hazard.refresh_from_db()
    later = day + datetime.timedelta(days=5)
    services.hazard_request_extension(actor=crew.owner, hazard=hazard, until=later, reason="等配件")
    hazard = services.hazard_decide_extension(
        actor=crew.county, hazard=hazard, approve=True, today=day
    )
    assert not hazard.is_overdue
    assert hazard.first_overdue_on == day


def test_beat_schedule_exists(db):
    from django_celery_beat.models import PeriodicTask

    assert PeriodicTask.objects.filter(task="inspections.mark_overdue_hazards").exists()
