"""Reporting clocks: deadlines from the time of occurrence, per severity, at the edges."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from reporting.incidents import services
from reporting.models import Incident, ReportingTimeLimit

from ..conftest import SHANGHAI, facts

UTC = datetime.UTC


def at(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("severity", "initial_hours"),
    [("general", 2), ("larger", 2), ("major", 1), ("especially_major", 1)],
)
def test_default_limits_per_severity(db, severity, initial_hours):
    occurred = at(2026, 3, 1, 10, 0)
    initial, written = services.compute_deadlines(severity, occurred)
    assert initial == occurred + datetime.timedelta(hours=initial_hours)
    assert written == occurred + datetime.timedelta(hours=24)


def test_limits_are_the_administrators_setting(db):
    ReportingTimeLimit.objects.filter(severity="general").update(
        initial_report_minutes=240, written_report_minutes=48 * 60
    )
    occurred = at(2026, 3, 1, 10, 0)
    initial, written = services.compute_deadlines("general", occurred)
    assert initial == at(2026, 3, 1, 14, 0)
    assert written == at(2026, 3, 3, 10, 0)


def test_deadline_crosses_midnight_in_local_time(db):
    occurred = at(2026, 3, 1, 23, 30)
    initial, written = services.compute_deadlines("major", occurred)
    assert timezone.localtime(initial) == at(2026, 3, 2, 0, 30)
    assert timezone.localtime(initial).date() == datetime.date(2026, 3, 2)
    assert timezone.localtime(written) == at(2026, 3, 2, 23, 30)


def test_time_zone_of_the_input_does_not_change_the_deadline(db):
    # 01:00 on 2 March in Shanghai is 17:00 on 1 March in UTC: the same moment.
    in_utc = datetime.datetime(2026, 3, 1, 17, 0, tzinfo=UTC)
    initial, _ = services.compute_deadlines("general", in_utc)
    assert initial == at(2026, 3, 2, 3, 0)
    assert timezone.localtime(initial).strftime("%Y-%m-%d %H:%M") == "2026-03-02 03:00"


def test_naive_time_is_refused(db):
    with pytest.raises(ValueError):
        services.compute_deadlines("general", datetime.datetime(2026, 3, 1, 10, 0))  # noqa: DTZ001


def _incident(occurred, reported, severity="general"):
    initial, written = services.compute_deadlines(severity, occurred)
    return Incident(
        severity=severity,
        occurred_at=occurred,
        initial_deadline=initial,
        written_deadline=written,
        school_reported_at=reported,
        source=Incident.Source.SCHOOL,
    )


def test_report_exactly_on_the_deadline_is_on_time(db):
    incident = _incident(at(2026, 3, 1, 10, 0), at(2026, 3, 1, 12, 0))
    assert incident.initial_delay() is None


def test_report_within_the_deadline_minute_is_on_time_and_the_next_is_late_by_one(db):
    # Due 12:00, shown as "12:00": on time through 12:00:59 (docs/decisions.md).
    assert _incident(at(2026, 3, 1, 10, 0), at(2026, 3, 1, 12, 0, 59)).initial_delay() is None
    incident = _incident(at(2026, 3, 1, 10, 0), at(2026, 3, 1, 12, 1))
    assert incident.initial_delay() == datetime.timedelta(minutes=1)


def test_unreported_incident_past_its_deadline_is_late_until_reported(db):
    incident = _incident(at(2026, 3, 1, 10, 0), None)
    assert incident.initial_delay(now=at(2026, 3, 1, 12, 0)) is None
    assert incident.initial_delay(now=at(2026, 3, 1, 13, 0)) == datetime.timedelta(hours=1)


def test_late_filter_matches_the_property_at_the_edge(city, people):
    now = timezone.now()
    on_time = services.incident_report(
        actor=people.staff_a, facts=facts(occurred_at=now - datetime.timedelta(hours=2))
    )
    late = services.incident_report(
        actor=people.staff_a,
        facts=facts(occurred_at=now - datetime.timedelta(hours=2, minutes=5)),
    )
    # Make the on-time one exactly on the deadline.
    Incident.objects.filter(pk=on_time.pk).update(school_reported_at=on_time.initial_deadline)
    late_ids = set(
        Incident.objects.late(now=now + datetime.timedelta(minutes=1)).values_list("pk", flat=True)
    )
    assert late.pk in late_ids
    assert on_time.pk not in late_ids
    late.refresh_from_db()
    assert late.initial_delay() is not None


def test_written_report_late_and_in_time(city, people):
    now = timezone.now()
    incident = services.incident_report(
        actor=people.staff_a, facts=facts(occurred_at=now - datetime.timedelta(hours=25))
    )
    assert incident.written_delay(now=now) >= datetime.timedelta(hours=1)
    assert incident in Incident.objects.late()
    services.incident_add_report(
        actor=people.staff_a,
        incident=incident,
        kind="written",
        facts=facts(occurred_at=now - datetime.timedelta(hours=25)),
    )
    incident.refresh_from_db()
    assert incident.written_reported_at is not None
    assert incident.written_delay() >= datetime.timedelta(hours=1)


def test_raising_the_severity_recomputes_the_clock(city, people):
    now = timezone.now()
    occurred = now - datetime.timedelta(minutes=90)
    incident = services.incident_report(actor=people.staff_a, facts=facts(occurred_at=occurred))
    assert incident.initial_deadline == occurred + datetime.timedelta(hours=2)
    services.incident_add_report(
        actor=people.staff_a,
        incident=incident,
        kind="follow_up",
        facts=facts(occurred_at=occurred, severity="major", deaths=1),
    )
    incident.refresh_from_db()
    assert incident.initial_deadline == occurred + datetime.timedelta(hours=1)
