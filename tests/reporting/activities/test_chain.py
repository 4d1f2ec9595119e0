"""The approval level computed from the bureau settings at each threshold, the chain, the
versions, escalation once, and the permissions of each step."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from reporting.activities import selectors, services
from reporting.activities.models import Activity, ActivityApproval, ActivitySettings
from safety.models import AuditEvent, Notification

from .factories import draft, starts_in

pytestmark = pytest.mark.django_db
Decision = ActivityApproval.Decision


def levels(participants=50, threshold=200, **flags):
    base = {"is_off_campus": False, "is_overnight": False, "is_outside_city": False}
    base.update(flags)
    return selectors.approval_levels(participants=participants, threshold=threshold, **base)


def test_small_on_campus_activity_is_approved_by_the_school_leader():
    assert levels() == ["school"]


def test_the_size_threshold_is_inclusive_for_the_school_and_one_above_goes_to_the_county():
    assert levels(participants=200, threshold=200) == ["school"]
    assert levels(participants=201, threshold=200) == ["school", "county"]


@pytest.mark.parametrize("flag", ["is_off_campus", "is_overnight"])
def test_off_campus_or_overnight_goes_to_the_county(flag):
    assert levels(**{flag: True}) == ["school", "county"]


def test_outside_the_city_goes_to_the_city_too():
    assert levels(is_outside_city=True) == ["school", "county", "city"]


def test_the_threshold_comes_from_the_nearest_bureau_setting(city, people):
    ActivitySettings.objects.create(bureau=city.city, large_threshold=500)
    activity = draft(people.staff_a, city.school_a, pupils=300, staff=20, consent_count=300)
    assert selectors.levels_for(activity) == ["school"]
    ActivitySettings.objects.create(bureau=city.county_a, large_threshold=100)
    assert selectors.levels_for(activity) == ["school", "county"]


def test_a_school_directly_under_the_city_has_the_city_approve_once(city, staff_city_school):
    steps = selectors.approving_unit_ids(city.city_school, ["school", "county", "city"])
    assert steps == [("school", city.city_school.pk), ("county", city.city.pk)]


def test_the_chain_runs_school_county_city_and_notifies_each_step_once(city, people):
    activity = draft(people.staff_a, city.school_a, is_outside_city=True, is_off_campus=True)
    version = services.activity_submit(actor=people.staff_a, activity=activity)
    assert [a.level for a in version.approvals.order_by("order")] == ["school", "county", "city"]
    assert (
        Notification.objects.filter(recipient=people.leader_a, kind="activity_approval").count()
        == 1
    )
    # Not their turn: the county official may not decide before the school leader.
    with pytest.raises(PermissionDenied):
        services.activity_decide(
            actor=people.county_official, activity=activity, decision=Decision.APPROVED
        )
    services.activity_decide(actor=people.leader_a, activity=activity, decision=Decision.APPROVED)
    activity.refresh_from_db()
    assert (activity.status, activity.awaiting_level) == (Activity.Status.PENDING, "county")
    assert (
        Notification.objects.filter(
            recipient=people.county_official, kind="activity_approval"
        ).count()
        == 1
    )
    services.activity_decide(
        actor=people.county_official, activity=activity, decision=Decision.APPROVED
    )
    services.activity_decide(
        actor=people.city_official, activity=activity, decision=Decision.APPROVED
    )
    activity.refresh_from_db()
    assert activity.status == Activity.Status.APPROVED
    assert AuditEvent.objects.filter(action="activity.approve").count() == 3
    assert Notification.objects.filter(recipient=people.staff_a, kind="activity_decision").exists()


def test_an_approver_outside_the_chain_is_refused(city, people):
    activity = draft(people.staff_a, city.school_a, is_off_campus=True)
    services.activity_submit(actor=people.staff_a, activity=activity)
    services.activity_decide(actor=people.leader_a, activity=activity, decision=Decision.APPROVED)
    with pytest.raises(PermissionDenied):
        services.activity_decide(
            actor=people.other_county_official, activity=activity, decision=Decision.APPROVED
        )
    with pytest.raises(PermissionDenied):  # the city is not in this chain
        services.activity_decide(
            actor=people.city_official, activity=activity, decision=Decision.APPROVED
        )
    with pytest.raises(PermissionDenied):  # staff may not approve at all
        services.activity_decide(
            actor=people.staff_a, activity=activity, decision=Decision.APPROVED
        )


def test_a_returned_application_is_resubmitted_as_a_new_version_and_the_old_one_is_kept(
    city, people
):
    activity = draft(people.staff_a, city.school_a, is_off_campus=True)
    first = services.activity_submit(actor=people.staff_a, activity=activity)
    with pytest.raises(ValidationError):  # a return needs its reason
        services.activity_decide(
            actor=people.leader_a, activity=activity, decision=Decision.RETURNED
        )
    services.activity_decide(
        actor=people.leader_a,
        activity=activity,
        decision=Decision.RETURNED,
        comment="请补充应急预案",
    )
    activity.refresh_from_db()
    assert activity.status == Activity.Status.RETURNED
    services.activity_save_draft(
        actor=people.staff_a,
        school=city.school_a,
        activity=activity,
        fields={**_fields_of(activity), "emergency_measures": "增加随队校医两名。"},
        vehicles=[],
    )
    second = services.activity_submit(actor=people.staff_a, activity=activity)
    first.refresh_from_db()
    assert (first.number, second.number) == (1, 2)
    assert first.data["emergency_measures"] == "随队校医，就近医院联系人。"
    assert second.data["emergency_measures"] == "增加随队校医两名。"
    assert first.approvals.get(order=1).decision == Decision.RETURNED
    assert second.approvals.get(order=1).decision == ""


def test_a_rejected_application_is_final(city, people):
    activity = draft(people.staff_a, city.school_a)
    services.activity_submit(actor=people.staff_a, activity=activity)
    services.activity_decide(
        actor=people.leader_a, activity=activity, decision=Decision.REJECTED, comment="时间冲突"
    )
    with pytest.raises(ValidationError):
        services.activity_submit(actor=people.staff_a, activity=activity)


def test_an_activity_cannot_be_marked_held_unless_approved(city, people):
    activity = draft(people.staff_a, city.school_a)
    services.activity_submit(actor=people.staff_a, activity=activity)
    Activity.objects.filter(pk=activity.pk).update(
        starts_at=starts_in(-1), ends_at=starts_in(-1, 16)
    )
    activity.refresh_from_db()
    with pytest.raises(ValidationError, match="只有已批准的活动"):
        services.activity_mark_held(actor=people.staff_a, activity=activity)
    services.activity_decide(actor=people.leader_a, activity=activity, decision=Decision.APPROVED)
    activity.refresh_from_db()
    services.activity_mark_held(actor=people.staff_a, activity=activity)
    activity.refresh_from_db()
    assert activity.status == Activity.Status.HELD


def test_escalation_is_sent_once_to_the_supervisor(city, people):
    ActivitySettings.objects.create(bureau=city.city, decide_days_before=3)
    activity = draft(
        people.staff_a, city.school_a, starts_at=starts_in(2), ends_at=starts_in(2, 16)
    )
    later = draft(
        people.staff_a,
        city.school_a,
        title="秋游",
        starts_at=starts_in(10),
        ends_at=starts_in(10, 16),
    )
    services.activity_submit(actor=people.staff_a, activity=activity)
    services.activity_submit(actor=people.staff_a, activity=later)
    # The school step is the leader's: its supervisor is the county bureau.
    assert services.escalation_pass() == 1
    assert services.escalation_pass() == 0
    sent = Notification.objects.filter(kind="activity_escalation")
    assert list(sent.values_list("recipient", flat=True)) == [people.county_official.pk]
    activity.refresh_from_db()
    assert activity.latest_version.escalated_at is not None


def _fields_of(activity):
    return {name: getattr(activity, name) for name in services.DRAFT_FIELDS}
