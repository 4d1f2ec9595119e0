"""Extensions of overdue hazards are the county bureau's to decide, keep the overdue history,
and a hazard's pending requests close when it leaves the state they belong to."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from inspections import selectors, services
from inspections.models import Hazard, HazardEvent, InspectionSettings
from reporting.monthly import figures
from safety.models import Notification

Action = HazardEvent.Action


def overdue_hazard(make_hazard, crew, *, escalate=False):
    """A hazard in rectification, past its deadline (and escalated), with the owner's
    extension request waiting."""
    hazard = make_hazard("in_rectification")
    day = hazard.deadline + datetime.timedelta(days=1)
    services.mark_overdue(day)
    if escalate:
        services.mark_overdue(day + datetime.timedelta(days=5))
    hazard.refresh_from_db()
    until = day + datetime.timedelta(days=90)
    services.hazard_request_extension(actor=crew.owner, hazard=hazard, until=until, reason="等配件")
    hazard.refresh_from_db()
    return hazard


@pytest.mark.parametrize("escalate", [False, True], ids=["overdue", "escalated"])
def test_school_leader_cannot_decide_an_extension_of_an_overdue_hazard(
    make_hazard, crew, client_for, escalate
):
    hazard = overdue_hazard(make_hazard, crew, escalate=escalate)
    assert hazard.is_overdue and bool(hazard.escalated_at) == escalate
    with pytest.raises(PermissionDenied):
        services.hazard_decide_extension(actor=crew.leader, hazard=hazard, approve=True)
    decide = reverse("inspections:hazard_extension_decide", args=[hazard.pk])
    response = client_for("leader_a").post(decide, {"decision": "accept", "comment": ""})
    assert response.status_code == 403
    assert "decide_extension" not in selectors.available_actions(crew.leader, hazard)
    # Nor the city (the hazard goes to the county bureau, not above it) or another county.
    for outsider in (crew.city, crew.other_county):
        with pytest.raises(PermissionDenied):
            services.hazard_decide_extension(actor=outsider, hazard=hazard, approve=True)
    assert Hazard.objects.get(pk=hazard.pk).extension_until is not None


def test_county_official_decides_and_was_told_of_the_request(make_hazard, crew, client_for):
    hazard = overdue_hazard(make_hazard, crew, escalate=True)
    asked = Notification.objects.filter(
        kind="hazard_extension", dedup_key__contains=f"hazard:{hazard.pk}:"
    )
    assert crew.county.pk in {n.recipient_id for n in asked}
    assert "decide_extension" in selectors.available_actions(crew.county, hazard)
    decide = reverse("inspections:hazard_extension_decide", args=[hazard.pk])
    response = client_for("county_official").post(decide, {"decision": "accept", "comment": ""})
    assert response.status_code == 302
    hazard.refresh_from_db()
    assert not hazard.is_overdue and hazard.first_overdue_on is not None


def test_extended_overdue_hazard_stays_overdue_in_that_months_figures(make_hazard, crew):
    hazard = overdue_hazard(make_hazard, crew, escalate=True)
    first_overdue = hazard.first_overdue_on
    services.hazard_decide_extension(actor=crew.county, hazard=hazard, approve=True)
    hazard.refresh_from_db()
    assert not hazard.is_overdue and hazard.first_overdue_on == first_overdue
    # The events are dated now: the month of the overdue and of the extension.
    month = timezone.localdate().replace(day=1)
    sections = figures.compile_school_figures(hazard.school, month, timezone.now())["sections"]
    overdue_column = sections["hazards_by_severity"]["columns"].index("overdue")
    general = sections["hazards_by_severity"]["rows"][0]
    assert general[1 + overdue_column] == 1
    # Its overdue history stays on the hazard and in its timeline.
    actions = list(hazard.events.values_list("action", flat=True))
    assert Action.OVERDUE in actions and Action.ESCALATED in actions


def test_before_any_overdue_the_supervisor_still_decides(make_hazard, crew):
    hazard = make_hazard("in_rectification")
    until = hazard.deadline + datetime.timedelta(days=7)
    services.hazard_request_extension(actor=crew.owner, hazard=hazard, until=until, reason="等配件")
    hazard = services.hazard_decide_extension(actor=crew.leader, hazard=hazard, approve=True)
    assert hazard.deadline == until


# --- pending sub-requests close with the state they belong to -----------------------------


def _with_request(make_hazard, crew):
    hazard = make_hazard("in_rectification")
    until = hazard.deadline + datetime.timedelta(days=7)
    services.hazard_request_extension(actor=crew.owner, hazard=hazard, until=until, reason="等配件")
    return Hazard.objects.get(pk=hazard.pk)


def _submit(crew, hazard):
    return services.hazard_submit_rectification(actor=crew.owner, hazard=hazard, evidence="已整改")


# Every transition out of "in rectification", and on to the final state (销号).
WALKS = {
    "submitted": [_submit],
    "closed": [_submit, lambda crew, h: services.hazard_verify(actor=crew.leader, hazard=h)],
}


def test_every_transition_leaving_rectification_is_walked():
    """A new status or a new way out of "in rectification" must join WALKS."""
    reachable = {Hazard.Status.PENDING_VERIFICATION, Hazard.Status.CLOSED}
    others = set(Hazard.Status) - {Hazard.Status.IN_RECTIFICATION, Hazard.Status.REPORTED}
    assert others == reachable and len(WALKS) == len(reachable)


@pytest.mark.parametrize("walk", WALKS, ids=list(WALKS))
def test_leaving_rectification_closes_the_pending_extension_request(
    make_hazard, crew, client_for, walk
):
    hazard = _with_request(make_hazard, crew)
    for step in WALKS[walk]:
        hazard = step(crew, hazard)
    hazard.refresh_from_db()
    assert hazard.extension_until is None and hazard.extension_reason == ""
    assert hazard.events.filter(action=Action.EXTENSION_CLOSED).count() == 1
    page = client_for("leader_a").get(reverse("inspections:hazard_detail", args=[hazard.pk]))
    html = page.content.decode()
    assert "申请延期至" not in html and "等配件" not in html.split('data-testid="timeline"')[0]


def test_no_hazard_anywhere_keeps_a_request_outside_rectification(make_hazard, crew, city):
    """The invariant the walks protect, over hazards in every state."""
    InspectionSettings.objects.create(bureau=city.county_a, escalation_days=1)
    for walk in WALKS.values():
        hazard = _with_request(make_hazard, crew)
        for step in walk:
            hazard = step(crew, hazard)
    services.hazard_return(
        actor=crew.leader, hazard=_submit(crew, _with_request(make_hazard, crew)), reason="未整改"
    )
    stale = Hazard.objects.exclude(status=Hazard.Status.IN_RECTIFICATION).filter(
        extension_until__isnull=False
    )
    assert not stale.exists()
