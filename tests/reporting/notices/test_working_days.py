"""#20 working days: notice reminders are not sent on a day that is not a working day unless
the reply is due that day or overdue; nobody is marked, so the next working day's press
sends."""

from __future__ import annotations

import datetime

import pytest

from reporting.notices import services
from reporting.notices.models import Notice, NoticeRecipient
from safety.models import Notification

from .test_notices import publish

pytestmark = pytest.mark.django_db

HOLIDAY = datetime.date(2026, 10, 3)
AFTER = datetime.date(2026, 10, 9)


def test_notice_reminders_wait_for_a_working_day_unless_due(city, people):
    notice = publish(people.county_official, city.county_a)
    actor = people.county_official

    def remind(day):
        return services.notice_remind(actor=actor, notice=notice, unit=city.county_a, today=day)

    assert remind(HOLIDAY) == 0
    assert not NoticeRecipient.objects.filter(reminded_on__isnull=False).exists()
    assert not Notification.objects.filter(kind="notice_reminder").exists()
    first = remind(AFTER)
    assert first >= 1
    assert remind(AFTER) == 0  # once a day
    Notice.objects.filter(pk=notice.pk).update(reply_due=datetime.date(2026, 10, 10))
    notice.refresh_from_db()
    assert remind(datetime.date(2026, 10, 11)) == first  # Sunday, but overdue: urgent
