"""#20 working days in activity approvals: "undecided N days before the start" counts
working days on the official calendar when the bureau's setting says so."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from reporting.activities import services
from reporting.activities.models import Activity, ActivitySettings
from safety import workdays
from safety.models import Notification

from .factories import bus, draft, driver, starts_in

pytestmark = pytest.mark.django_db


def _at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def test_escalation_counts_working_days_across_national_day(city, people):
    settings = ActivitySettings.objects.create(bureau=city.city, decide_days_before=3)
    activity = draft(
        people.staff_a, city.school_a, starts_at=starts_in(2), ends_at=starts_in(2, 16)
    )
    services.activity_submit(actor=people.staff_a, activity=activity)
    # The activity starts Friday 9 October 2026, the day after the National Day holiday.
    Activity.objects.filter(pk=activity.pk).update(
        starts_at=_at(datetime.date(2026, 10, 9)), ends_at=_at(datetime.date(2026, 10, 9), 16)
    )
    # Calendar days: due 6 October, so nothing on 30 September.
    assert services.escalation_pass(_at(datetime.date(2026, 9, 30))) == 0
    settings.decide_unit = workdays.DayUnit.WORKING
    settings.save()
    # Working days: 10/8, 9/30, 9/29 → due 29 September; not yet on the 28th.
    assert services.escalation_pass(_at(datetime.date(2026, 9, 28))) == 0
    assert services.escalation_pass(_at(datetime.date(2026, 9, 29))) == 1
    assert services.escalation_pass(_at(datetime.date(2026, 9, 30))) == 0  # once
    assert Notification.objects.filter(kind="activity_escalation").count() == 1


def test_bus_reminders_wait_for_a_working_day_unless_expiring_that_day(city, people):
    holiday = datetime.date(2026, 10, 3)
    bus(city.school_a, permit_expires=datetime.date(2026, 10, 20))
    driver(city.school_a, expires=holiday)
    keepers = services.bus_reminder_pass(holiday)
    assert keepers >= 1  # only the licence expiring today
    assert not Notification.objects.filter(dedup_key__contains="bus:").exists()
    assert services.bus_reminder_pass(datetime.date(2026, 10, 9)) == keepers  # the permit
    assert Notification.objects.filter(dedup_key__contains="bus:").count() == keepers
    assert services.bus_reminder_pass(datetime.date(2026, 10, 12)) == 0
