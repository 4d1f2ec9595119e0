"""#20 the bureaus' incident list as a sortable desktop table (reporting/incidents/tables.py)."""

from __future__ import annotations

import re

from django.urls import reverse

from reporting.incidents.models import Incident
from tests.builders import report_incident, shanghai


def summaries(html: str) -> list[str]:
    table = html.split('id="incident-table"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<a href="/incidents/\d+/">([^<]+)</a>', table)


def test_a_county_official_sorts_incidents_by_time_and_casualties(client_for, people):
    early = report_incident(people.staff_a, summary="早上摔倒")
    late = report_incident(people.staff_a, summary="下午踩踏", injured=5)
    Incident.objects.filter(pk=early.pk).update(occurred_at=shanghai(2026, 11, 2, 8))
    Incident.objects.filter(pk=late.pk).update(occurred_at=shanghai(2026, 11, 2, 16))
    client = client_for("county_official")
    html = client.get(reverse("incidents:incident_list") + "?sort=occurred_at").content.decode()
    assert summaries(html) == ["早上摔倒", "下午踩踏"]
    html = client.get(reverse("incidents:incident_list") + "?sort=casualties").content.decode()
    assert summaries(html)[0] == "下午踩踏"
    staff = client_for("staff_a").get(reverse("incidents:incident_list")).content.decode()
    assert 'id="incident-table"' not in staff
