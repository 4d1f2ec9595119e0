"""#20 working days: the legal vice-principal's term-end reminder waits for a working day
(unless the term ends that day); a skipped day is reminded on the next working day."""

from __future__ import annotations

import datetime

import pytest

from safety.education import services
from safety.models import Notification

pytestmark = pytest.mark.django_db


def test_term_end_reminder_waits_for_a_working_day(city, people):
    services.legal_vp_appoint(
        actor=people.leader_a,
        school=city.school_a,
        fields={
            "name": "王警官",
            "organisation_kind": "police",
            "organisation": "城关派出所",
            "starts_on": datetime.date(2025, 9, 1),
            "ends_on": datetime.date(2026, 12, 20),
        },
    )
    assert services.legal_vp_remind_term_end(today=datetime.date(2026, 11, 29)) == 0  # Sunday
    assert not Notification.objects.filter(kind="legal_vp_term_end").exists()
    assert services.legal_vp_remind_term_end(today=datetime.date(2026, 11, 30)) == 1
    assert services.legal_vp_remind_term_end(today=datetime.date(2026, 12, 1)) == 0
