"""The rectification state machine: every transition with its guards and its event row."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from inspections import selectors, services
from inspections.models import Hazard, HazardEvent, InspectionSettings
from safety.models import Notification

from .conftest import clean_photo

S = Hazard.Status


def actions(hazard):
    return list(hazard.events.values_list("action", flat=True))


def test_full_cycle_writes_one_event_per_transition(make_hazard):
    hazard = make_hazard("closed")
    assert actions(hazard) == ["reported", "assigned", "submitted", "closed"]
    last = hazard.events.last()
    assert (last.from_status, last.to_status) == (S.PENDING_VERIFICATION, S.CLOSED)
    assert hazard.closed_at is not None
    assert hazard.photos.count() == 1


def test_fixed_on_spot_needs_measure_and_photo_and_another_verifier(make_hazard, crew):
    hazard = make_hazard()
    with pytest.raises(ValidationError):
        services.hazard_fix_on_spot(actor=crew.reporter, hazard=hazard, measure="已处理")
    with pytest.raises(PermissionDenied):
        services.hazard_fix_on_spot(
            actor=crew.owner, hazard=hazard, measure="已处理", photos=[clean_photo()]
        )
    hazard = services.hazard_fix_on_spot(
        actor=crew.reporter, hazard=hazard, measure="当场清理通道", photos=[clean_photo()]
    )
    assert hazard.status == S.PENDING_VERIFICATION
    with pytest.raises(PermissionDenied):
        services.hazard_verify(actor=crew.reporter, hazard=hazard, accept=True)
    hazard = services.hazard_verify(actor=crew.leader, hazard=hazard, accept=True)
    assert hazard.status == S.CLOSED
    assert actions(hazard) == ["reported", "fixed_on_spot", "closed"]


def test_assign_requires_assign_permission_and_jurisdiction(make_hazard, crew):
    hazard = make_hazard()
    for actor in (crew.reporter, crew.other_county, crew.leader_b):
        with pytest.raises(PermissionDenied):
            services.hazard_assign(
                actor=actor, hazard=hazard, owner=crew.owner, supervisor=crew.leader
            )
    assert Hazard.objects.get(pk=hazard.pk).status == S.REPORTED


def test_assign_wrong_state_is_refused(make_hazard, crew):
    hazard = make_hazard("in_rectification")
    with pytest.raises(ValidationError):
        services.hazard_assign(
            actor=crew.leader, hazard=hazard, owner=crew.owner, supervisor=crew.leader
        )


def test_assign_rejects_owner_outside_school(make_hazard, crew):
    hazard = make_hazard()
    with pytest.raises(ValidationError):
        services.hazard_assign(
            actor=crew.leader, hazard=hazard, owner=crew.staff_b, supervisor=crew.leader
        )


def test_major_hazard_needs_interim_measures(make_hazard, crew):
    hazard = make_hazard(severity="major")
    with pytest.raises(ValidationError):
        services.hazard_assign(
            actor=crew.leader, hazard=hazard, owner=crew.owner, supervisor=crew.leader
        )
    hazard = services.hazard_assign(
        actor=crew.leader,
        hazard=hazard,
        owner=crew.owner,
        supervisor=crew.county,
        interim_measures="封闭区域，专人值守",
        needs_professional_assessment=True,
    )
    assert hazard.needs_professional_assessment


def test_major_hazard_is_announced_to_the_county_bureau(make_hazard, crew):
    hazard = make_hazard(severity="major")
    notice = Notification.objects.get(recipient=crew.county, kind="hazard_major")
    assert str(hazard.pk) in notice.dedup_key
    assert not Notification.objects.filter(recipient=crew.other_county).exists()


def test_deadline_defaults_by_severity(make_hazard, crew):
    today = timezone.localdate()
    general = make_hazard("in_rectification")
    assert general.deadline == today + datetime.timedelta(days=7)
    major = make_hazard("in_rectification", severity="major")
    assert major.deadline == today + datetime.timedelta(days=30)


def test_deadline_defaults_come_from_nearest_bureau(make_hazard, city):
    InspectionSettings.objects.create(bureau=city.city, general_deadline_days=10)
    today = timezone.localdate()
    assert make_hazard("in_rectification").deadline == today + datetime.timedelta(days=10)
    InspectionSettings.objects.create(bureau=city.county_a, general_deadline_days=5)
    assert make_hazard("in_rectification").deadline == today + datetime.timedelta(days=5)


def test_only_owner_submits_and_only_in_rectification(make_hazard, crew):
    hazard = make_hazard("in_rectification")
    with pytest.raises(PermissionDenied):
        services.hazard_submit_rectification(actor=crew.reporter, hazard=hazard, evidence="x")
    with pytest.raises(ValidationError):
        services.hazard_submit_rectification(actor=crew.owner, hazard=hazard, evidence=" ")
    pending = make_hazard("pending_verification")
    with pytest.raises(ValidationError):
        services.hazard_submit_rectification(actor=crew.owner, hazard=pending, evidence="again")


def test_verifier_cannot_be_owner(make_hazard, crew, city):
    from safety.models import User

    crew.owner.role = User.Role.SCHOOL_LEADER
    crew.owner.save()
    hazard = make_hazard("pending_verification")
    with pytest.raises(PermissionDenied):
        services.hazard_verify(actor=crew.owner, hazard=hazard, accept=True)


def test_verify_wrong_role_and_wrong_state(make_hazard, crew):
    hazard = make_hazard("pending_verification")
    with pytest.raises(PermissionDenied):
        services.hazard_verify(actor=crew.reporter, hazard=hazard, accept=True)
    with pytest.raises(PermissionDenied):
        services.hazard_verify(actor=crew.other_county, hazard=hazard, accept=True)
    open_hazard = make_hazard("in_rectification")
    with pytest.raises(ValidationError):
        services.hazard_verify(actor=crew.leader, hazard=open_hazard, accept=True)


def test_return_needs_reason_and_goes_back_to_owner(make_hazard, crew):
    hazard = make_hazard("pending_verification")
    with pytest.raises(ValidationError):
        services.hazard_verify(actor=crew.county, hazard=hazard, accept=False)
    hazard = services.hazard_verify(
        actor=crew.county, hazard=hazard, accept=False, comment="照片看不清"
    )
    assert hazard.status == S.IN_RECTIFICATION
    assert Notification.objects.filter(recipient=crew.owner, kind="hazard_returned").exists()
    assert actions(hazard)[-1] == HazardEvent.Action.RETURNED


def test_extension_request_and_decision(make_hazard, crew):
    hazard = make_hazard("in_rectification")
    later = hazard.deadline + datetime.timedelta(days=10)
    with pytest.raises(PermissionDenied):
        services.hazard_request_extension(actor=crew.leader, hazard=hazard, until=later, reason="x")
    with pytest.raises(ValidationError):
        services.hazard_request_extension(
            actor=crew.owner, hazard=hazard, until=hazard.deadline, reason="x"
        )
    hazard = services.hazard_request_extension(
        actor=crew.owner, hazard=hazard, until=later, reason="需要厂家上门"
    )
    with pytest.raises(PermissionDenied):
        services.hazard_decide_extension(actor=crew.owner, hazard=hazard, approve=True)
    with pytest.raises(PermissionDenied):
        services.hazard_decide_extension(actor=crew.reporter, hazard=hazard, approve=True)
    with pytest.raises(PermissionDenied):
        services.hazard_decide_extension(actor=crew.other_county, hazard=hazard, approve=True)
    hazard = services.hazard_decide_extension(actor=crew.leader, hazard=hazard, approve=True)
    assert hazard.deadline == later
    assert hazard.extension_until is None
    with pytest.raises(ValidationError):
        services.hazard_decide_extension(actor=crew.county, hazard=hazard, approve=False)


def test_bureau_may_decide_extension(make_hazard, crew):
    hazard = make_hazard("in_rectification")
    later = hazard.deadline + datetime.timedelta(days=3)
    services.hazard_request_extension(actor=crew.owner, hazard=hazard, until=later, reason="等")
    hazard = services.hazard_decide_extension(actor=crew.county, hazard=hazard, approve=False)
    assert hazard.deadline != later
    assert actions(hazard)[-1] == HazardEvent.Action.EXTENSION_REFUSED


def test_county_official_reopens_closed_hazard(make_hazard, crew):
    hazard = make_hazard("closed")
    with pytest.raises(PermissionDenied):
        services.hazard_reopen(actor=crew.leader, hazard=hazard, reason="x")
    with pytest.raises(PermissionDenied):
        services.hazard_reopen(actor=crew.other_county, hazard=hazard, reason="x")
    hazard = services.hazard_reopen(actor=crew.county, hazard=hazard, reason="督查发现仍未整改")
    assert hazard.status == S.IN_RECTIFICATION
    assert hazard.closed_at is None
    with pytest.raises(ValidationError):
        services.hazard_reopen(actor=crew.county, hazard=hazard, reason="again")


def test_available_actions_follow_the_guards(make_hazard, crew):
    hazard = make_hazard("pending_verification")
    assert selectors.available_actions(crew.leader, hazard) == {"verify", "return"}
    assert selectors.available_actions(crew.owner, hazard) == set()
    assert selectors.available_actions(crew.reporter, hazard) == set()
