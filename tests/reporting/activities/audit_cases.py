"""How to call each activities and school-bus service that names its change, for the
one-row-per-change table of tests/safety/test_audit_rows.py (issue #16)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reporting.activities import services
from reporting.activities.models import Activity, ActivityApproval, ActivitySettings

from .factories import bus, draft, fields, starts_in

Decision = ActivityApproval.Decision


def _submitted(city, people, **overrides) -> Activity:
    activity = draft(people.staff_a, city.school_a, **overrides)
    services.activity_submit(actor=people.staff_a, activity=activity)
    activity.refresh_from_db()
    return activity


def _approved_in_the_past(city, people) -> Activity:
    activity = _submitted(city, people)
    services.activity_decide(actor=people.leader_a, activity=activity, decision=Decision.APPROVED)
    Activity.objects.filter(pk=activity.pk).update(
        starts_at=starts_in(-2), ends_at=starts_in(-2, 16)
    )
    activity.refresh_from_db()
    return activity


def _activity_save_draft(city, people):
    activity = draft(people.staff_a, city.school_a)
    changed = fields(city.school_a, title="秋季科技馆研学")

    def call():
        return services.activity_save_draft(
            actor=people.staff_a,
            school=city.school_a,
            fields=changed,
            vehicles=[],
            activity=activity,
        )

    return people.staff_a, call, "activity.save_draft", {"title"}


def _activity_submit(city, people):
    activity = draft(people.staff_a, city.school_a)

    def call():
        services.activity_submit(actor=people.staff_a, activity=activity)
        return activity

    return people.staff_a, call, "activity.submit", {"status"}


def _activity_decide(city, people):
    activity = _submitted(city, people)

    def call():
        services.activity_decide(
            actor=people.leader_a, activity=activity, decision=Decision.APPROVED
        )
        return activity

    return people.leader_a, call, "activity.approve", {"status"}


def _activity_mark_held(city, people):
    activity = _approved_in_the_past(city, people)

    def call():
        return services.activity_mark_held(actor=people.staff_a, activity=activity)

    return people.staff_a, call, "activity.mark_held", {"status", "held_at"}


def _activity_file_summary(city, people):
    activity = _approved_in_the_past(city, people)

    def call():
        return services.activity_file_summary(
            actor=people.staff_a,
            activity=activity,
            outcome=Activity.Outcome.AS_PLANNED,
            text="按计划完成，无意外。",
        )

    fields_shown = {"status", "summary_outcome", "summary_text"}
    return people.staff_a, call, "activity.summary", fields_shown


def _escalation_pass(city, people):
    ActivitySettings.objects.create(bureau=city.city, decide_days_before=3)
    activity = _submitted(city, people, starts_at=starts_in(2), ends_at=starts_in(2, 16))

    def call():
        assert services.escalation_pass() == 1
        return activity

    return None, call, "activity.escalate", set()


def _register_save(city, people):
    school_bus = bus(city.school_a)

    def call():
        return services.register_save(
            actor=people.leader_a, school=city.school_a, instance=school_bus, fields={"seats": 50}
        )

    return people.leader_a, call, "bus_register.update", {"seats"}


ACTIVITY_CASES: dict[str, Callable[[Any, Any], tuple]] = {
    f"reporting.activities.services.{name}": case
    for name, case in {
        "activity_save_draft": _activity_save_draft,
        "activity_submit": _activity_submit,
        "activity_decide": _activity_decide,
        "activity_mark_held": _activity_mark_held,
        "activity_file_summary": _activity_file_summary,
        "escalation_pass": _escalation_pass,
        "register_save": _register_save,
    }.items()
}
