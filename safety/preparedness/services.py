"""Every state change of emergency preparedness: plan versions and their filing, teams,
drills (planned, recorded, problems, photos), flags for plan review, reminders."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safety import audit, roles, workdays
from safety.access import check_unit_permission
from safety.messages import Message
from safety.models import Organisation, SafetyArea, User
from safety.notifications import UNIT, notify, notify_many
from safety.responsibility import services as responsibility_services
from safety.responsibility.models import Holder
from safety.services import audit_record
from safety.uploads import CleanUpload, generated_name

from . import selectors, summaries
from .models import Drill, DrillPhoto, DrillProblem, Plan, PlanEvent, Scenario, Team, TeamMember

Status = Plan.Status
REVIEW_DAYS = 365
MAX_EVACUATION_SECONDS = 3600
REMINDER_KIND = "drill_reminder"
FILING_KIND = "plan_filing"
# Schools with buses are reminded of a missing bus evacuation when this many days (or the
# task's `days_left`, if more) of the semester remain.
BUS_REMINDER_DAYS_LEFT = 30
# The teams every school starts with (kind, Chinese name, duties).
DEFAULT_TEAMS = [
    (
        Team.Kind.LEADING,
        "应急工作领导小组",
        "校长任组长，统一指挥突发事件的应急处置，决定启动和终止预案。",
    ),
    (Team.Kind.COMMUNICATION, "通讯联络组", "及时向教育局和有关部门报告情况，联系家长，发布信息。"),
    (Team.Kind.EVACUATION, "疏散引导组", "按疏散路线引导学生有序撤离，清点人数，防止拥挤踩踏。"),
    (Team.Kind.FIRST_AID, "医疗救护组", "对受伤人员进行现场急救，联系120，护送伤员就医。"),
    (Team.Kind.SECURITY, "安全保卫组", "维护现场秩序，设置警戒区域，协助公安、消防开展工作。"),
    (Team.Kind.LOGISTICS, "后勤保障组", "保障应急物资、车辆、通讯和水电，做好善后工作。"),
]


def _check_own_unit(actor: User | None, permission: str, unit: Organisation) -> None:
    """Only the unit itself keeps its plans, teams and drills (a bureau above reads them)."""
    check_unit_permission(actor, permission, unit)
    if actor is not None and not actor.is_superuser and actor.unit_id != unit.pk:
        raise PermissionDenied


def plan_url(plan: Plan) -> str:
    return reverse("preparedness:plan_detail", args=[plan.pk])


# --- Plans -----------------------------------------------------------------------------------


@audit.atomic
def plan_upload(
    *,
    actor: User | None,
    unit: Organisation,
    scenario: Scenario,
    title: str,
    document: CleanUpload,
    next_review_on: datetime.date | None = None,
) -> Plan:
    """Upload a new version of the unit's plan for a scenario, as a draft.

    The versions before it stay as they are (an acknowledged one is never overwritten). Raises
    `PermissionDenied` unless the actor manages preparedness at the unit, `ValidationError`
    while a version of the scenario is waiting for the bureau, or when the scenario does not
    apply to the unit.
    """
    _check_own_unit(actor, roles.MANAGE_PREPAREDNESS, unit)
    if not scenario.applies_to(unit):
        raise ValidationError({"scenario": _("This scenario does not apply to this unit.")})
    versions = Plan.objects.select_for_update().filter(unit=unit, scenario=scenario)
    if versions.filter(status=Status.SUBMITTED).exists():
        raise ValidationError(
            _("A version of this plan is waiting for the bureau's acknowledgement.")
        )
    number = (versions.aggregate(n=Max("version"))["n"] or 0) + 1
    today = timezone.localdate()
    plan = Plan(
        unit=unit,
        scenario=scenario,
        version=number,
        title=title,
        document_name=document.original_name[:200],
        next_review_on=next_review_on or today + datetime.timedelta(days=REVIEW_DAYS),
        created_by=actor,
    )
    plan.document.save(
        generated_name("preparedness/plans", document.extension), document.content, False
    )
    plan.save()
    audit_record(
        actor=actor,
        action="plan.create",
        target=plan,
        unit=unit,
        changes={"version": number},
    )
    return plan


def _locked(plan: Plan) -> Plan:
    return (
        Plan.objects.select_for_update(of=("self",))
        .select_related("unit", "scenario")
        .get(pk=plan.pk)
    )


@audit.atomic
def plan_submit(*, actor: User | None, plan: Plan) -> Plan:
    """The principal (a school leader) approves the draft or returned version and files it
    with the bureau directly above the unit (备案). Raises `PermissionDenied` for anyone but
    the unit's own leaders, `ValidationError` unless the version is a draft or returned or
    when the unit has no bureau above it."""
    _check_own_unit(actor, roles.MANAGE_PREPAREDNESS, plan.unit)
    locked = _locked(plan)
    if locked.status not in (Status.DRAFT, Status.RETURNED):
        raise ValidationError(_("Only a draft or returned plan can be filed."))
    if locked.unit.parent_id is None:
        raise ValidationError(_("The city bureau has no bureau above it to file plans with."))
    previous = locked.status
    locked.status = Status.SUBMITTED
    locked.approved_by, locked.approved_on = actor, timezone.localdate()
    locked.submitted_at = timezone.now()
    locked.save(update_fields=["status", "approved_by", "approved_on", "submitted_at"])
    PlanEvent.objects.create(
        plan=locked, actor=actor, from_status=previous, to_status=Status.SUBMITTED
    )
    audit_record(actor=actor, action="plan.submit", target=locked, unit=locked.unit)
    summaries.refresh_unit(locked.unit_id)  # waiting for the bureau (#23)
    for reviewer in selectors.reviewers(locked.unit):
        notify(
            recipient=reviewer,
            kind=FILING_KIND,
            key=f"{locked.pk}:submitted",
            title=Message(
                gettext_lazy("%(unit)s filed its emergency plan “%(title)s” (version %(version)s)"),
                unit=locked.unit.name,
                title=locked.title,
                version=locked.version,
            ),
            url=plan_url(locked),
            unit=locked.unit,
        )
    return locked


def _check_reviewer(actor: User | None, plan: Plan) -> None:
    """Only the bureau directly above the unit acknowledges or returns its filing."""
    check_unit_permission(actor, roles.ACKNOWLEDGE_PLAN, plan.unit)
    if actor is not None and not actor.is_superuser and actor.unit_id != plan.unit.parent_id:
        raise PermissionDenied


def _review(*, actor: User | None, plan: Plan, decision: str, comment: str) -> Plan:
    _check_reviewer(actor, plan)
    locked = _locked(plan)
    if locked.status != Status.SUBMITTED:
        raise ValidationError(_("Only a plan waiting for acknowledgement can be reviewed."))
    locked.status = decision
    locked.reviewed_by, locked.reviewed_at = actor, timezone.now()
    locked.review_comment = comment
    locked.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_comment"])
    PlanEvent.objects.create(
        plan=locked, actor=actor, from_status=Status.SUBMITTED, to_status=decision, comment=comment
    )
    action = "plan.acknowledge" if decision == Status.ACKNOWLEDGED else "plan.return"
    audit_record(actor=actor, action=action, target=locked, unit=locked.unit)
    summaries.refresh_unit(locked.unit_id)  # a current plan, or no longer waiting (#23)
    if decision == Status.RETURNED:
        title = gettext_lazy("Your emergency plan “%(title)s” was returned: %(comment)s")
    else:
        title = gettext_lazy("Your emergency plan “%(title)s” was acknowledged by the bureau")
    notify_many(
        recipients=User.objects.filter(
            unit=locked.unit, role__in=[User.Role.SCHOOL_LEADER, User.Role.ADMINISTRATOR]
        ),
        kind=FILING_KIND,
        key=f"{locked.pk}:{decision}",
        title=Message(title, title=locked.title, comment=comment[:80]),
        body=comment,
        url=plan_url(locked),
    )
    return locked


@audit.atomic
def plan_acknowledge(*, actor: User | None, plan: Plan, comment: str = "") -> Plan:
    """Acknowledge the filing: the version becomes the unit's current plan for its scenario
    and is frozen. Raises `PermissionDenied` for anyone but the officials of the bureau
    directly above, `ValidationError` unless the plan is waiting."""
    return _review(actor=actor, plan=plan, decision=Status.ACKNOWLEDGED, comment=comment)


@audit.atomic
def plan_return(*, actor: User | None, plan: Plan, comment: str) -> Plan:
    """Return the filing with a comment (required); the unit files it again after changes."""
    if not comment.strip():
        raise ValidationError({"comment": _("Say what the school should change.")})
    return _review(actor=actor, plan=plan, decision=Status.RETURNED, comment=comment)


def _flag_for_review(
    actor: User | None, plan: Plan, reason: str, *, key: str = "", url: str = ""
) -> None:
    """Mark a plan for review (a drill or an incident showed a flaw): it counts as due for
    review. `key` and `url` name what flagged it (e.g. "incident:12" and its page)."""
    Plan.objects.filter(pk=plan.pk).update(
        review_flagged_at=timezone.now(),
        review_flag_reason=reason[:200],
        review_flag_key=key[:60],
        review_flag_url=url[:200],
    )
    audit_record(
        actor=actor,
        action="plan.flag_review",
        target=plan,
        unit=plan.unit,
        changes={"reason": reason[:200], "by": key} if key else None,
    )


@audit.atomic
def plan_flag_for_review(*, actor: User | None, plan: Plan, reason: str) -> None:
    """Flag the unit's current plan for review (a drill or an incident showed a flaw)."""
    _check_own_unit(actor, roles.MANAGE_PREPAREDNESS, plan.unit)
    _flag_for_review(actor, plan, reason)
    summaries.refresh_unit(plan.unit_id)  # due for review (#23)


def plans_for_incident(unit: Organisation, category: str) -> list[Plan]:
    """The unit's current (latest acknowledged) plan of every active scenario that
    settings.PREPAREDNESS_INCIDENT_SCENARIOS maps the incident category to: one query."""
    keys = settings.PREPAREDNESS_INCIDENT_SCENARIOS.get(category, [])
    if not keys:
        return []
    current: dict[int, Plan] = {}
    for plan in Plan.objects.filter(
        unit=unit,
        scenario__key__in=keys,
        scenario__is_active=True,
        status=Status.ACKNOWLEDGED,
    ).order_by("version"):
        current[plan.scenario_id] = plan
    return list(current.values())


@audit.atomic
def plans_flag_for_incident(
    *, actor: User | None, unit: Organisation, category: str, key: str, reason: str, url: str
) -> list[Plan]:
    """An incident of `category` at the unit flags its current plans for the scenarios that
    settings.PREPAREDNESS_INCIDENT_SCENARIOS maps it to for review, each once per incident:
    a plan already flagged with `key` is left alone. One audit row per plan flagged. Called by
    the incident services (reporting may import safety); the actor is whoever reported or
    recorded the incident, so the check is the incident-reporting permission at the unit.
    Returns the plans flagged now."""
    check_unit_permission(actor, roles.REPORT_INCIDENT, unit)
    flagged = []
    for plan in plans_for_incident(unit, category):
        if plan.review_flag_key == key:
            continue
        plan.unit = unit
        _flag_for_review(actor, plan, reason, key=key, url=url)
        flagged.append(plan)
    if flagged:
        summaries.refresh_unit(unit)  # due for review (#23)
    return flagged


# --- School buses (kept by the school-bus register) ------------------------------------------


@audit.atomic
def school_buses_set(*, actor: User | None, unit: Organisation, has_buses: bool) -> bool:
    """Record whether the school has at least one active school bus (the school-bus register
    calls this whenever a bus is added, changed or taken out of service). A school with buses
    needs the bus plan and a bus evacuation each semester. Returns whether it changed; an
    audit row only when it did."""
    check_unit_permission(actor, roles.MANAGE_SCHOOL_BUSES, unit)
    changed = (
        Organisation.objects.filter(pk=unit.pk)
        .exclude(has_school_buses=has_buses)
        .update(has_school_buses=has_buses)
    )
    unit.has_school_buses = has_buses
    if changed:
        audit_record(
            actor=actor,
            action="preparedness.school_buses",
            target=unit,
            unit=unit,
            changes={"has_school_buses": has_buses},
        )
        summaries.refresh_unit(unit)  # the bus plan and a bus evacuation required (#23)
    return bool(changed)


# --- Teams -----------------------------------------------------------------------------------


@audit.atomic
def teams_set_up(*, actor: User | None, unit: Organisation) -> list[Team]:
    """Create the leading group and the five standard working teams the unit does not have
    yet (a second call adds nothing). Returns the teams created."""
    _check_own_unit(actor, roles.MANAGE_PREPAREDNESS, unit)
    existing = set(Team.objects.filter(unit=unit).values_list("kind", flat=True))
    created = [
        Team.objects.create(unit=unit, kind=kind, name=name, duties=duties, order=order)
        for order, (kind, name, duties) in enumerate(DEFAULT_TEAMS)
        if kind not in existing
    ]
    if created:
        audit_record(actor=actor, action="team.create", target=created[0], unit=unit)
    return created


@audit.atomic
def team_member_add(
    *, actor: User | None, team: Team, holder: Holder, is_leader: bool = False, duty: str = ""
) -> TeamMember:
    """Add one of the unit's responsibility holders to a team. Raises `ValidationError` when
    the holder belongs to another unit, has no phone number, or is already in the team."""
    _check_own_unit(actor, roles.MANAGE_PREPAREDNESS, team.unit)
    if holder.unit_id != team.unit_id or not holder.is_active:
        raise ValidationError({"holder": _("Choose a current responsibility holder of this unit.")})
    if not holder.phone:
        raise ValidationError(
            {
                "holder": _("%(name)s has no phone number: add it to the holder first.")
                % {"name": holder.name}
            }
        )
    if TeamMember.objects.filter(team=team, holder=holder).exists():
        raise ValidationError(
            {"holder": _("%(name)s is already in this team.") % {"name": holder.name}}
        )
    member = TeamMember.objects.create(team=team, holder=holder, is_leader=is_leader, duty=duty)
    audit_record(actor=actor, action="team.member_add", target=member, unit=team.unit)
    # a holder without a current post is a team gap, kept in the unit's summary (#23)
    responsibility_services.gap_summary_refresh(team.unit_id)
    return member


@audit.atomic
def team_member_remove(*, actor: User | None, member: TeamMember) -> None:
    """Take a member off a team (for example one who left the school)."""
    _check_own_unit(actor, roles.MANAGE_PREPAREDNESS, member.team.unit)
    audit_record(actor=actor, action="team.member_remove", target=member, unit=member.team.unit)
    member.delete()
    responsibility_services.gap_summary_refresh(member.team.unit_id)  # its team gaps (#23)


# --- Drills ----------------------------------------------------------------------------------


def _check_drill_plan(unit: Organisation, scenario: Scenario, plan: Plan | None) -> None:
    if plan is not None and (plan.unit_id != unit.pk or plan.scenario_id != scenario.pk):
        raise ValidationError({"plan": _("Choose a plan of this school for this scenario.")})


@audit.atomic
def drill_plan(
    *,
    actor: User | None,
    unit: Organisation,
    scenario: Scenario,
    planned_on: datetime.date,
    announced: bool = True,
    plan: Plan | None = None,
) -> Drill:
    """Plan a drill at the school. Raises `PermissionDenied` unless the actor records drills
    at this school, `ValidationError` for a bureau or a plan of another scenario."""
    _check_own_unit(actor, roles.RECORD_DRILL, unit)
    if not unit.is_school:
        raise ValidationError(_("Drills are recorded by schools."))
    _check_drill_plan(unit, scenario, plan)
    drill = Drill.objects.create(
        unit=unit,
        scenario=scenario,
        plan=plan,
        planned_on=planned_on,
        announced=announced,
        created_by=actor,
    )
    audit_record(actor=actor, action="drill.plan", target=drill, unit=unit)
    return drill


def check_drill_figures(
    unit: Organisation, held_on: datetime.date, pupils: int, staff: int, seconds: int | None
) -> None:
    """The rules of a drill record: not in the future; an evacuation time above zero and
    under an hour; no more participants than the school has pupils and staff."""
    errors: dict[str, str] = {}
    if held_on > timezone.localdate():
        errors["held_on"] = _("A drill in the future cannot be recorded yet.")
    if seconds is not None and not 0 < seconds < MAX_EVACUATION_SECONDS:
        errors["evacuation_seconds"] = _(
            "The evacuation time must be more than 0 and less than 3600 seconds (one hour)."
        )
    if pupils > unit.student_count:
        errors["pupils"] = _("More pupils than the school's %(count)s.") % {
            "count": unit.student_count
        }
    if staff > unit.staff_count:
        errors["staff"] = _("More staff than the school's %(count)s.") % {"count": unit.staff_count}
    if errors:
        raise ValidationError(errors)


@audit.atomic
def drill_record(  # noqa: PLR0913
    *,
    actor: User | None,
    drill: Drill,
    held_on: datetime.date,
    pupils: int,
    staff: int,
    evacuation_seconds: int | None,
    evaluation: str = "",
    photos: Sequence[CleanUpload] = (),
    plan_needs_review: bool = False,
) -> Drill:
    """Record that a planned drill was held: participants, evacuation time, evaluation and
    photos; optionally flag the plan it exercised for review. Raises `ValidationError` for a
    drill already recorded or figures that break `check_drill_figures`."""
    _check_own_unit(actor, roles.RECORD_DRILL, drill.unit)
    locked = (
        Drill.objects.select_for_update(of=("self",))
        .select_related("unit", "plan")
        .get(pk=drill.pk)
    )
    if locked.status != Drill.Status.PLANNED:
        raise ValidationError(_("This drill has already been recorded."))
    check_drill_figures(locked.unit, held_on, pupils, staff, evacuation_seconds)
    locked.status = Drill.Status.RECORDED
    locked.held_on, locked.pupils, locked.staff = held_on, pupils, staff
    locked.evacuation_seconds, locked.evaluation = evacuation_seconds, evaluation
    locked.recorded_by, locked.recorded_at = actor, timezone.now()
    locked.save()
    store_drill_photos(locked, photos, actor)
    if plan_needs_review and locked.plan is not None:
        _flag_for_review(actor, locked.plan, _("Drill of %(day)s") % {"day": held_on.isoformat()})
    audit_record(actor=actor, action="drill.record", target=locked, unit=locked.unit)
    summaries.refresh_unit(locked.unit_id)  # held this period, the evacuation times (#23)
    return locked


def store_drill_photos(drill: Drill, photos: Sequence[CleanUpload], actor: User | None) -> None:
    for upload in photos:
        extension = upload.content_type.rsplit("/", 1)[-1].replace("jpeg", "jpg")
        photo = DrillPhoto(drill=drill, original_name=upload.original_name[:200], uploaded_by=actor)
        photo.image.save(generated_name("preparedness/drills", extension), upload.content, False)
        photo.thumbnail.save(
            generated_name("preparedness/drills/thumbs", extension), upload.thumbnail, False
        )
        photo.save()


@audit.atomic
def drill_problem_add(
    *, actor: User | None, drill: Drill, area: SafetyArea, description: str, location: str = ""
) -> DrillProblem:
    """Record a problem seen in a recorded drill (it can then become a hazard)."""
    _check_own_unit(actor, roles.RECORD_DRILL, drill.unit)
    if drill.status != Drill.Status.RECORDED:
        raise ValidationError(_("Record the drill before its problems."))
    problem = DrillProblem.objects.create(
        drill=drill, area=area, description=description, location=location, created_by=actor
    )
    audit_record(actor=actor, action="drill.problem_add", target=problem, unit=drill.unit)
    return problem


# --- Reminders -------------------------------------------------------------------------------


def schools_behind(today: datetime.date, days_left: int) -> list[tuple[int, str]]:
    """(school id, period key) of the active schools that have held fewer drills than their
    minimum in the current period when at most `days_left` days of it remain. A fixed
    number of queries."""
    resolve = selectors.settings_resolver()
    schools = list(
        Organisation.objects.schools()
        .filter(is_active=True)
        .values_list("id", "path", "school_type", "is_boarding")
    )
    quarter_start, _end = selectors.period_bounds("quarter", today)
    held = selectors.recorded_in(
        [pk for pk, *_rest in schools], quarter_start, today + datetime.timedelta(days=1)
    )
    behind = []
    for pk, path, school_type, is_boarding in schools:
        probe = Organisation(school_type=school_type, is_boarding=is_boarding)
        need = selectors.requirement(probe, resolve(path))
        _start, end = selectors.period_bounds(need.period, today)
        if (end - today).days > days_left:
            continue
        if selectors.held_in_period(held.get(pk, []), need.period, today) < need.count:
            behind.append((pk, selectors.period_key(need.period, today)))
    return behind


def schools_without_bus_drill(today: datetime.date, days_left: int) -> list[int]:
    """The active schools with buses that have recorded no bus evacuation this semester, when
    at most `days_left` days of the semester remain: two queries."""
    _start, end = selectors.semester_bounds(today)
    if (end - today).days > days_left:
        return []
    schools = list(
        Organisation.objects.schools()
        .filter(is_active=True, has_school_buses=True)
        .values_list("id", flat=True)
    )
    held = selectors.bus_drills_held(schools, today)
    return [pk for pk in schools if held.get(pk, 0) < selectors.BUS_DRILLS_PER_SEMESTER]


def _send_bus_reminders(today: datetime.date, days_left: int) -> int:
    school_ids = schools_without_bus_drill(today, max(days_left, BUS_REMINDER_DAYS_LEFT))
    if not school_ids:
        return 0
    semester = selectors.semester_key(today)
    return notify_many(
        recipients=selectors.school_people(school_ids),
        kind=REMINDER_KIND,
        key=f"bus-{semester}:{UNIT}",
        title=Message(
            gettext_lazy(
                "Your school has school buses but has not held a bus evacuation drill in "
                "semester %(semester)s"
            ),
            semester=semester,
        ),
        url=_unit_url_pattern(),
    )


def send_drill_reminders(*, today: datetime.date | None = None, days_left: int = 10) -> int:
    """Remind the schools behind on drills, once per school and period, and the schools with
    buses without a bus evacuation this semester, once per school and semester (the
    outbox's unique key: a second run records nothing). Not on a day that is not a working
    day (#20, `workdays.should_remind`): nothing is recorded then, so the next working day's
    run sends. Returns the number of notices recorded."""
    today = today or timezone.localdate()
    if not workdays.should_remind(today):
        return 0
    sent = _send_bus_reminders(today, days_left)
    by_period: dict[str, list[int]] = {}
    for pk, key in schools_behind(today, days_left):
        by_period.setdefault(key, []).append(pk)
    for key, school_ids in by_period.items():
        sent += notify_many(
            recipients=selectors.school_people(school_ids),
            kind=REMINDER_KIND,
            key=f"{key}:{UNIT}",
            title=Message(
                gettext_lazy(
                    "Your school has not held its minimum number of drills for %(period)s"
                ),
                period=key,
            ),
            url=_unit_url_pattern(),
        )
    return sent


def _unit_url_pattern() -> str:
    """The school's preparedness page, with notifications.UNIT standing for the school."""
    sentinel = 987654321
    return reverse("preparedness:unit", args=[sentinel]).replace(str(sentinel), UNIT)


# --- The coverage view's summaries (#23) ----------------------------------------------------


def preparedness_summaries_refresh(below_id: int | None = None) -> int:
    """Rewrite the preparedness summaries of every active school (below the unit `below_id`,
    or everywhere) for today (see safety.preparedness.summaries). For the nightly task, a
    unit saved or moved, `manage.py refresh_preparedness_summaries` and the demo loaders.
    Returns the schools written."""
    return summaries.refresh_all(below_id)


def preparedness_summaries_forget(unit: Organisation | None) -> None:
    """After a change of the scenario catalogue (`unit` None) or of a bureau's drill settings
    (`unit` the bureau): the summaries it reaches are deleted now (the coverage view computes
    live) and rewritten by the task after the commit."""
    summaries.forget_below(unit)
