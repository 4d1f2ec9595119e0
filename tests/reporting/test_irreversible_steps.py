"""Every irreversible step asks once (safety.confirm) before it changes anything: a POST
without `confirm=yes` answers with the confirmation page and changes nothing."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from inspections import services as inspection_services
from inspections.models import Hazard
from reporting.models import Incident, MonthlyReport
from safety.models import SafetyArea
from safety.preparedness import services as preparedness_services
from safety.preparedness.models import Plan
from safety.preparedness.models import Scenario as EmergencyScenario
from safety.responsibility.models import Assignment
from safety.uploads import clean_document
from tests.factories import UserFactory
from tests.pdfs import plain_pdf
from tests.safety.responsibility.factories import assign

from .conftest import OCTOBER

# --- every irreversible step asks once ----------------------------------------------------


@dataclass
class Step:
    url: str
    data: dict[str, Any]
    done: Callable[[], bool]
    client: Client


def _hazard_close(city, people, client_for, closable, submit_school):
    owner = UserFactory(username="owner1", unit=city.school_a)
    hazard = inspection_services.hazard_report(
        actor=people.staff_a,
        school=city.school_a,
        area=SafetyArea.objects.get(key="fire"),
        description="灭火器压力不足",
    )
    inspection_services.hazard_assign(
        actor=people.leader_a, hazard=hazard, owner=owner, supervisor=people.leader_a
    )
    inspection_services.hazard_submit_rectification(actor=owner, hazard=hazard, evidence="已换")
    return Step(
        reverse("inspections:hazard_verify", args=[hazard.pk]),
        {"comment": ""},
        lambda: Hazard.objects.get(pk=hazard.pk).status == Hazard.Status.CLOSED,
        client_for("leader_a"),
    )


def _incident_close(city, people, client_for, closable, submit_school):
    incident = closable()
    return Step(
        reverse("incidents:incident_close", args=[incident.pk]),
        {"is_liability": "no", "comment": "结案"},
        lambda: Incident.objects.get(pk=incident.pk).is_closed,
        client_for("county_official"),
    )


def _incident_conceal(city, people, client_for, closable, submit_school):
    incident = closable()
    return Step(
        reverse("incidents:incident_conceal", args=[incident.pk]),
        {"reason": "隐瞒了受伤人数"},
        lambda: Incident.objects.get(pk=incident.pk).is_concealed,
        client_for("county_official"),
    )


def _monthly_submit(city, people, client_for, closable, submit_school):
    return Step(
        reverse("monthly:save", args=[city.school_a.pk, "2026-10"]),
        {
            "work_done": "开展消防演练。",
            "problems_found": "",
            "next_month_plans": "",
            "action": "submit",
        },
        lambda: MonthlyReport.objects.filter(
            unit=city.school_a, month=OCTOBER, status="submitted"
        ).exists(),
        client_for("staff_a"),
    )


def _assignment_end(city, people, client_for, closable, submit_school):
    assignment = assign(city.school_a, "principal")
    today = timezone.localdate()
    return Step(
        reverse("responsibility:assignment_end", args=[assignment.pk]),
        {"end_date": today.isoformat(), "note": "调离"},
        lambda: Assignment.objects.get(pk=assignment.pk).end_date is not None,
        client_for("leader_a"),
    )


def _plan(people, city):
    # Emergency preparedness (issue #14): a plan version of school A, a draft.
    return preparedness_services.plan_upload(
        actor=people.leader_a,
        unit=city.school_a,
        scenario=EmergencyScenario.objects.get(key="fire"),
        title="消防预案",
        document=clean_document(SimpleUploadedFile("预案.pdf", plain_pdf())),
    )


def _plan_submit(city, people, client_for, closable, submit_school):
    plan = _plan(people, city)
    return Step(
        reverse("preparedness:plan_submit", args=[plan.pk]),
        {},
        lambda: Plan.objects.get(pk=plan.pk).status == Plan.Status.SUBMITTED,
        client_for("leader_a"),
    )


def _plan_acknowledge(city, people, client_for, closable, submit_school):
    plan = preparedness_services.plan_submit(actor=people.leader_a, plan=_plan(people, city))
    return Step(
        reverse("preparedness:plan_acknowledge", args=[plan.pk]),
        {"comment": ""},
        lambda: Plan.objects.get(pk=plan.pk).status == Plan.Status.ACKNOWLEDGED,
        client_for("county_official"),
    )


# Every irreversible step a user takes from a page. Signing a letter uploads the signed
# scan, which a confirmation page cannot carry: it is not listed (see the report).
IRREVERSIBLE = {
    "inspections:hazard_verify": _hazard_close,
    "incidents:incident_close": _incident_close,
    "incidents:incident_conceal": _incident_conceal,
    "monthly:save (submit)": _monthly_submit,
    "responsibility:assignment_end": _assignment_end,
    "preparedness:plan_submit": _plan_submit,
    "preparedness:plan_acknowledge": _plan_acknowledge,
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", IRREVERSIBLE)
def test_an_irreversible_step_asks_once_and_only_the_confirmation_acts(
    name, city, people, client_for, closable, submit_school
):
    step = IRREVERSIBLE[name](city, people, client_for, closable, submit_school)
    asked = step.client.post(step.url, step.data)
    assert asked.status_code == 200, name
    html = asked.content.decode()
    assert 'data-testid="confirm"' in html and 'name="confirm" value="yes"' in html
    # The question names its dates as people write them (2026年10月), not as ISO text
    # (the monthly question said "报送2026-10-01的月报"); the carried-over fields may.
    question = html.split('data-testid="confirm"', 1)[1].split("<form", 1)[0]
    assert not re.search(r"\d{4}-\d{2}-\d{2}", question), (name, question)
    assert not step.done(), f"{name} acted without the confirmation"
    done = step.client.post(step.url, {**step.data, "confirm": "yes"})
    assert done.status_code == 302, name
    assert step.done()
