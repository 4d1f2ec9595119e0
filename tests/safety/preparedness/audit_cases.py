"""How to call each emergency-preparedness service that names its change, for the
one-row-per-change table of tests/safety/test_audit_rows.py (issue #14)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils import timezone

from inspections.services import drills as drill_services
from safety.models import SafetyArea
from safety.preparedness import services
from safety.preparedness.models import Team

from .builders import filed_plan, recorded_drill, scenario, team_holder, upload_plan


def _plan_upload(city, people):
    def call():
        return upload_plan(people.leader_a, city.school_a)

    return people.leader_a, call, "plan.create", {"version", "title"}


def _plan_submit(city, people):
    plan = upload_plan(people.leader_a, city.school_a)

    def call():
        return services.plan_submit(actor=people.leader_a, plan=plan)

    return people.leader_a, call, "plan.submit", {"status"}


def _plan_reviewed(accept: bool):
    def case(city, people):
        plan = services.plan_submit(
            actor=people.leader_a, plan=upload_plan(people.leader_a, city.school_a)
        )

        def call():
            if accept:
                return services.plan_acknowledge(actor=people.county_official, plan=plan)
            return services.plan_return(actor=people.county_official, plan=plan, comment="补充")

        if accept:
            return people.county_official, call, "plan.acknowledge", {"status"}
        return people.county_official, call, "plan.return", {"status", "review_comment"}

    return case


def _plan_flag_for_review(city, people):
    plan = filed_plan(people.leader_a, people.county_official, city.school_a)

    def call():
        services.plan_flag_for_review(actor=people.leader_a, plan=plan, reason="演练暴露缺陷")
        return plan

    # A queryset update: the row names the flag, no generic old → new values.
    return people.leader_a, call, "plan.flag_review", set()


def _plans_flag_for_incident(city, people):
    filed_plan(people.leader_a, people.county_official, city.school_a)

    def call():
        (plan,) = services.plans_flag_for_incident(
            actor=people.staff_a,
            unit=city.school_a,
            category="fire_electric_poisoning",
            key="incident:1",
            reason="火灾事故",
            url="/",
        )
        return plan

    # The row carries the reason and the incident's key, not old → new pairs.
    return people.staff_a, call, "plan.flag_review", set()


def _school_buses_set(city, people):
    def call():
        services.school_buses_set(actor=people.staff_a, unit=city.school_a, has_buses=True)
        return city.school_a

    return people.staff_a, call, "preparedness.school_buses", set()


def _teams_set_up(city, people):
    def call():
        return services.teams_set_up(actor=people.leader_a, unit=city.school_a)[0]

    return people.leader_a, call, "team.create", {"name", "kind"}


def _leading_team(city, people) -> Team:
    services.teams_set_up(actor=people.leader_a, unit=city.school_a)
    return Team.objects.get(unit=city.school_a, kind=Team.Kind.LEADING)


def _team_member_add(city, people):
    team = _leading_team(city, people)
    holder = team_holder(city.school_a)

    def call():
        return services.team_member_add(
            actor=people.leader_a, team=team, holder=holder, is_leader=True
        )

    return people.leader_a, call, "team.member_add", {"holder_id", "is_leader"}


def _team_member_remove(city, people):
    team = _leading_team(city, people)
    member = services.team_member_add(
        actor=people.leader_a, team=team, holder=team_holder(city.school_a)
    )
    pk = member.pk

    def call():
        services.team_member_remove(actor=people.leader_a, member=member)
        member.pk = pk  # deleted: the target is named by its former id
        return member

    return people.leader_a, call, "team.member_remove", {"holder_id"}


def _drill_plan(city, people):
    def call():
        return services.drill_plan(
            actor=people.staff_a,
            unit=city.school_a,
            scenario=scenario("fire"),
            planned_on=timezone.localdate(),
        )

    return people.staff_a, call, "drill.plan", {"planned_on"}


def _drill_record(city, people):
    plan = filed_plan(people.leader_a, people.county_official, city.school_a)
    drill = services.drill_plan(
        actor=people.staff_a,
        unit=city.school_a,
        scenario=scenario("fire"),
        planned_on=timezone.localdate(),
        plan=plan,
    )

    def call():
        # Flagging the plan it exercised too: one row for the drill, one for the plan.
        return services.drill_record(
            actor=people.staff_a,
            drill=drill,
            held_on=timezone.localdate(),
            pupils=400,
            staff=30,
            evacuation_seconds=150,
            evaluation="秩序良好",
            plan_needs_review=True,
        )

    return people.staff_a, call, "drill.record", {"status", "evacuation_seconds"}


def _problem(people, drill):
    return services.drill_problem_add(
        actor=people.staff_a,
        drill=drill,
        area=SafetyArea.objects.get(key="fire"),
        description="东侧楼梯应急照明不亮",
        location="教学楼东侧",
    )


def _drill_problem_add(city, people):
    drill = recorded_drill(people.staff_a, city.school_a)
    return (
        people.staff_a,
        lambda: _problem(people, drill),
        "drill.problem_add",
        {"description", "location"},
    )


def _hazard_from_drill_problem(city, people):
    problem = _problem(people, recorded_drill(people.staff_a, city.school_a))

    def call():
        drill_services.hazard_from_drill_problem(actor=people.staff_a, problem=problem)
        return problem

    # The problem itself does not change (the hazard points at it): no old → new values.
    return people.staff_a, call, "drill.problem_hazard", set()


PREPAREDNESS_CASES: dict[str, Callable[[Any, Any], tuple]] = {
    f"safety.preparedness.services.{name}": case
    for name, case in {
        "plan_upload": _plan_upload,
        "plan_submit": _plan_submit,
        "plan_acknowledge": _plan_reviewed(True),
        "plan_return": _plan_reviewed(False),
        "plan_flag_for_review": _plan_flag_for_review,
        "plans_flag_for_incident": _plans_flag_for_incident,
        "school_buses_set": _school_buses_set,
        "teams_set_up": _teams_set_up,
        "team_member_add": _team_member_add,
        "team_member_remove": _team_member_remove,
        "drill_plan": _drill_plan,
        "drill_record": _drill_record,
        "drill_problem_add": _drill_problem_add,
    }.items()
}
PREPAREDNESS_CASES["inspections.services.drills.hazard_from_drill_problem"] = (
    _hazard_from_drill_problem
)
