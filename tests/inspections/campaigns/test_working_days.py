"""#20 working days: laggard reminders are not sent on a day that is not a working day,
unless the task is due that day or overdue; a skipped school is reminded on the next working
day (its once-a-day marker is not set)."""

from __future__ import annotations

import datetime

import pytest

from inspections.campaigns import services
from inspections.campaigns.models import CampaignTask
from safety.models import Notification

from .test_campaigns import launch

pytestmark = pytest.mark.django_db

HOLIDAY = datetime.date(2026, 10, 3)  # National Day, a Saturday in the holiday
AFTER = datetime.date(2026, 10, 9)  # Friday, a working day


def test_reminders_wait_for_a_working_day_unless_due(city, people):
    campaign = launch(people.city_official, city.city)
    remind = services.campaign_remind
    assert remind(actor=people.city_official, campaign=campaign, unit=city.city, today=HOLIDAY) == 0
    assert not CampaignTask.objects.filter(reminded_on__isnull=False).exists()
    assert not Notification.objects.filter(kind="campaign_reminder").exists()
    # A task due that very day is urgent: reminded even on the holiday.
    CampaignTask.objects.filter(campaign=campaign, school=city.school_a2).update(deadline=HOLIDAY)
    assert remind(actor=people.city_official, campaign=campaign, unit=city.city, today=HOLIDAY) == 1
    # The others are reminded on the next working day, the school reminded on the 3rd too.
    assert remind(actor=people.city_official, campaign=campaign, unit=city.city, today=AFTER) == 4
    assert remind(actor=people.city_official, campaign=campaign, unit=city.city, today=AFTER) == 0
