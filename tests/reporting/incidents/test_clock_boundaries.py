"""The incident clocks at their boundaries, one second either side, everywhere they show.

The rule (docs/decisions.md): a deadline is shown to the minute ("截止 12:00"), so a report is
on time through the end of that minute (12:00:59 is on time, 12:01:00 is late by 1 minute).
The flag on the page, the incident file (PDF), the list's "late" filter, the monthly figures
and the bureau dashboard's count must agree at 1 second before and at the first late instant,
for the initial and the written report, made or still missing.
"""

from __future__ import annotations

import datetime

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from reporting.dashboards.forms import period_for
from reporting.dashboards.selectors import Scope, incident_figures
from reporting.incidents import selectors, services
from reporting.incidents.models import Incident
from reporting.monthly import figures

from ..conftest import SHANGHAI, facts

SECOND = datetime.timedelta(seconds=1)
# Occurred at 10:00:30: the initial report is due at 12:00:30, shown as 12:00, so the first
# late instant is 12:01:00; the written report is due the next day, shown as 10:00.
OCCURRED = datetime.datetime(2026, 3, 2, 10, 0, 30, tzinfo=SHANGHAI)
INITIAL_LATE = datetime.datetime(2026, 3, 2, 12, 1, tzinfo=SHANGHAI)
WRITTEN_LATE = datetime.datetime(2026, 3, 3, 10, 1, tzinfo=SHANGHAI)


def _views_of_lateness(incident: Incident, now: datetime.datetime, client, monkeypatch) -> dict:
    """Is `incident` late, according to each place that says so, at `now`?"""
    monkeypatch.setattr(timezone, "now", lambda: now)
    incident = Incident.objects.get(pk=incident.pk)
    listed = client.get(reverse("incidents:incident_list"), {"flag": "late"}).context["page"]
    on_time = client.get(reverse("incidents:incident_list"), {"flag": "on_time"}).context["page"]
    month_rows = figures.section_by_key("incidents").compute(
        incident.school, datetime.date(2026, 3, 1), now
    )
    scope = Scope(user=client.user, unit=client.user.unit)
    period = period_for("month", now.date(), datetime.date(2026, 3, 1))
    dashboard = {f.key: f.value for f in incident_figures(scope, period, now.date())}
    page = client.get(reverse("incidents:incident_detail", args=[incident.pk])).content.decode()
    with translation.override("zh-hans"):
        pdf = render_to_string(
            "reporting/incidents/pdf/incident_file.html",
            selectors.incident_file_context(incident),
        )
    return {
        "flag": incident.is_late(now),
        "queryset": Incident.objects.late(now).filter(pk=incident.pk).exists(),
        "list": incident.pk in {row.pk for row in listed.object_list},
        "not on time": incident.pk not in {row.pk for row in on_time.object_list},
        "monthly figure": sum(row[2] for row in month_rows["rows"]) == 1,
        "dashboard": dashboard["incidents_late"] == 1,
        "page": 'data-flag="late"' in page or 'data-flag="written-late"' in page,
        "pdf": "迟报 1分钟" in pdf or "书面报告逾期 1分钟" in pdf,
    }


@pytest.fixture
def official(people, client_for):
    client = client_for("county_official")
    client.user = people.county_official
    return client


def _incident(people) -> Incident:
    incident = services.incident_report(actor=people.staff_a, facts=facts(occurred_at=OCCURRED))
    assert timezone.localtime(incident.initial_deadline).strftime("%H:%M") == "12:00"
    return incident


@pytest.mark.parametrize(("offset", "late"), [(-SECOND, False), (datetime.timedelta(), True)])
def test_initial_report_at_the_deadline_minute(people, official, monkeypatch, offset, late):
    incident = _incident(people)
    reported = INITIAL_LATE + offset
    Incident.objects.filter(pk=incident.pk).update(
        school_reported_at=reported, written_reported_at=reported
    )
    later = WRITTEN_LATE + datetime.timedelta(days=1)
    seen = _views_of_lateness(incident, later, official, monkeypatch)
    assert seen == dict.fromkeys(seen, late), seen
    with translation.override("zh-hans"):
        text = render_to_string(
            "reporting/incidents/pdf/incident_file.html",
            selectors.incident_file_context(Incident.objects.get(pk=incident.pk)),
        )
    assert ("迟报 1分钟" in text) is late
    assert "迟报 0分钟" not in text
    assert ("初报及时" in text) is not late


@pytest.mark.parametrize(("offset", "late"), [(-SECOND, False), (datetime.timedelta(), True)])
def test_missing_initial_report_turns_late_at_the_end_of_the_minute(
    people, official, monkeypatch, offset, late
):
    incident = _incident(people)
    Incident.objects.filter(pk=incident.pk).update(school_reported_at=None)
    seen = _views_of_lateness(incident, INITIAL_LATE + offset, official, monkeypatch)
    assert seen == dict.fromkeys(seen, late), seen


@pytest.mark.parametrize(("offset", "late"), [(-SECOND, False), (datetime.timedelta(), True)])
def test_written_report_at_the_deadline_minute(people, official, monkeypatch, offset, late):
    incident = _incident(people)
    written = WRITTEN_LATE + offset
    Incident.objects.filter(pk=incident.pk).update(
        school_reported_at=OCCURRED, written_reported_at=written
    )
    seen = _views_of_lateness(incident, written + datetime.timedelta(days=1), official, monkeypatch)
    assert seen == dict.fromkeys(seen, late), seen


@pytest.mark.parametrize(("offset", "late"), [(-SECOND, False), (datetime.timedelta(), True)])
def test_missing_written_report_is_overdue_at_the_end_of_the_minute(
    people, official, monkeypatch, offset, late
):
    incident = _incident(people)
    Incident.objects.filter(pk=incident.pk).update(school_reported_at=OCCURRED)
    seen = _views_of_lateness(incident, WRITTEN_LATE + offset, official, monkeypatch)
    assert seen == dict.fromkeys(seen, late), seen
