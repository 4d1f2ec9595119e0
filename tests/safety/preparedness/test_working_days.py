"""#20 working days: drill reminders are not sent on a day that is not a working day; the
next working day's run sends them (the once-per-period key is still unused)."""

from __future__ import annotations

import datetime

import pytest

from safety.models import Notification
from safety.preparedness import services

pytestmark = pytest.mark.django_db


def test_drill_reminders_skip_weekends_and_holidays_then_go(city, people):
    assert services.send_drill_reminders(today=datetime.date(2026, 10, 25)) == 0  # Sunday
    assert not Notification.objects.filter(kind="drill_reminder").exists()
    assert services.send_drill_reminders(today=datetime.date(2026, 10, 26)) >= 1  # Monday
    assert services.send_drill_reminders(today=datetime.date(2026, 10, 27)) == 0  # once
