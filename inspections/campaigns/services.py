"""Every state change of the special campaigns (issue #18): launch, forward, start and submit
a school's task, remind the laggards (once a day at most)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safety import audit, notifications, roles, workdays
from safety.access import check_unit_permission, check_within
from safety.messages import Message, MessageDate
from safety.models import Organisation, SafetyArea, User
from safety.onerow import count_of
from safety.services import audit_record

from ..models import ChecklistItem, ChecklistTemplate, ChecklistVersion, Inspection
from .models import Campaign, CampaignForward, CampaignTask
from .selectors import target_schools

SCHOOL_ROLES = (User.Role.SCHOOL_STAFF, User.Role.SCHOOL_LEADER)


def _school_people(school_ids: Any):
    return User.objects.filter(unit_id__in=school_ids, role__in=SCHOOL_ROLES)


def _check_deadline(deadline: datetime.date, field: str = "deadline") -> None:
    if deadline < timezone.localdate():
        raise ValidationError({field: _("The deadline cannot be before today.")})


def _written_checklist(
    actor: User, title: str, area: SafetyArea, items: Sequence[str]
) -> ChecklistVersion:
    """A checklist written for the campaign: an inactive template of its own (kept out of
    the everyday inspection form), version 1."""
    template = ChecklistTemplate.objects.create(
        area=area, name=(_("Campaign: %(title)s") % {"title": title})[:100], is_active=False
    )
    version = ChecklistVersion.objects.create(template=template, number=1, created_by=actor)
    ChecklistItem.objects.bulk_create(
        ChecklistItem(version=version, order=index, text=text)
        for index, text in enumerate(items, start=1)
    )
    template.current_version = version
    template.save(update_fields=["current_version"])
    return version


def _checklist(
    actor: User,
    title: str,
    template: ChecklistTemplate | None,
    area: SafetyArea | None,
    items: Sequence[str],
) -> ChecklistVersion:
    items = [text.strip() for text in items if text.strip()]
    if template is not None:
        version = template.current_version
        if version is None or not version.items.exists():
            raise ValidationError({"template": _("This checklist has no items yet.")})
        return version
    if not items:
        raise ValidationError({"items": _("A checklist needs at least one item.")})
    if area is None:
        raise ValidationError({"area": _("Choose the safety area of the checklist.")})
    return _written_checklist(actor, title, area, items)


def check_targets(actor: User, bureau: Organisation, filters: dict[str, Any]) -> None:
    """The rule of targeting: only officials of `bureau` address its jurisdiction, and a
    county named in the filters lies within the actor's (PermissionDenied otherwise)."""
    check_unit_permission(actor, roles.SUPERVISE, bureau)
    if bureau.is_school:
        raise PermissionDenied
    if filters.get("county"):
        county = Organisation.objects.filter(pk=filters["county"]).first()
        if county is None or county.kind != Organisation.Kind.COUNTY:
            raise ValidationError({"county": _("Choose a county of your jurisdiction.")})
        check_within(actor, county)


def _tell_schools(
    campaign: Campaign,
    bureau: Organisation,
    deadline: datetime.date,
    school_ids: list[int],
    kind: str,
    key_id: int,
) -> None:
    """One notice to each school's people per launch or forwarding (the key de-duplicates)."""
    notifications.notify_many(
        recipients=_school_people(school_ids),
        kind=kind,
        key=f"{kind}:{key_id}",
        title=Message(gettext_lazy("Special campaign: %(title)s"), title=campaign.title),
        body=Message(
            gettext_lazy("%(bureau)s asks your school to complete it by %(deadline)s."),
            bureau=bureau.name,
            deadline=MessageDate(deadline),
        ),
        url=reverse("campaigns:index"),
    )


@audit.atomic
def campaign_launch(
    *,
    actor: User,
    bureau: Organisation,
    title: str,
    purpose: str,
    deadline: datetime.date,
    filters: dict[str, Any],
    starts_on: datetime.date | None = None,
    template: ChecklistTemplate | None = None,
    area: SafetyArea | None = None,
    items: Sequence[str] = (),
) -> Campaign:
    """Launch a campaign of `bureau` to the schools `filters` select; each gets a task
    (deadline = the campaign's) and one notice.

    Raises `PermissionDenied` unless the actor supervises `bureau`'s jurisdiction (a county
    named in `filters` must lie within it), `ValidationError` for a deadline before today or
    before the start, a checklist without items, or no school matching."""
    check_targets(actor, bureau, filters)
    starts_on = starts_on or timezone.localdate()
    _check_deadline(deadline)
    if deadline < starts_on:
        raise ValidationError({"deadline": _("The deadline cannot be before the start date.")})
    school_ids = list(target_schools(bureau, filters).values_list("pk", flat=True))
    if not school_ids:
        raise ValidationError(_("No school matches these targets."))
    checklist = _checklist(actor, title, template, area, items)
    campaign = Campaign.objects.create(
        bureau=bureau,
        title=title,
        purpose=purpose,
        checklist=checklist,
        filters={k: v for k, v in filters.items() if v},
        starts_on=starts_on,
        deadline=deadline,
        created_by=actor,
        tasks_total=len(school_ids),
    )
    CampaignTask.objects.bulk_create(
        CampaignTask(campaign=campaign, school_id=pk, deadline=deadline) for pk in school_ids
    )
    _tell_schools(campaign, bureau, deadline, school_ids, "campaign_launched", campaign.pk)
    audit_record(
        actor=actor,
        action="campaign.launch",
        target=campaign,
        unit=bureau,
        changes={"schools": len(school_ids), "deadline": deadline.isoformat()},
    )
    return campaign


@audit.atomic
def campaign_forward(
    *,
    actor: User,
    campaign: Campaign,
    county: Organisation,
    deadline: datetime.date,
    note: str = "",
) -> CampaignForward:
    """A county passes a campaign of a bureau above it on to its schools: their tasks take
    the county's deadline (not after the campaign's) and each school is told once.

    Raises `PermissionDenied` unless the actor supervises `county` and the campaign comes
    from above it; `ValidationError` for a deadline before today or after the campaign's,
    or a second forwarding."""
    check_unit_permission(actor, roles.SUPERVISE, county)
    if county.kind != Organisation.Kind.COUNTY or campaign.bureau_id == county.pk:
        raise PermissionDenied
    if not county.is_within(campaign.bureau):
        raise PermissionDenied
    _check_deadline(deadline)
    if deadline > campaign.deadline:
        raise ValidationError(
            {"deadline": _("The county deadline cannot be after the campaign's deadline.")}
        )
    if CampaignForward.objects.filter(campaign=campaign, county=county).exists():
        raise ValidationError(_("Your bureau has already forwarded this campaign."))
    forward = CampaignForward.objects.create(
        campaign=campaign, county=county, deadline=deadline, note=note, forwarded_by=actor
    )
    tasks = CampaignTask.objects.filter(campaign=campaign, school__path__startswith=county.path)
    school_ids = list(tasks.values_list("school_id", flat=True))
    tasks.update(deadline=deadline)
    _tell_schools(campaign, county, deadline, school_ids, "campaign_forwarded", forward.pk)
    audit_record(
        actor=actor,
        action="campaign.forward",
        target=campaign,
        unit=county,
        changes={"deadline": deadline.isoformat(), "schools": len(school_ids)},
    )
    return forward


def _lock_task(actor: User, task: CampaignTask, permission: str) -> CampaignTask:
    task = (
        CampaignTask.objects.select_for_update(of=("self",))
        .select_related("campaign", "school", "inspection")
        .get(pk=task.pk)
    )
    check_unit_permission(actor, permission, task.school)
    if actor.unit_id != task.school_id:
        raise PermissionDenied
    if task.status == CampaignTask.Status.SUBMITTED:
        raise ValidationError(_("This campaign task was submitted and can no longer be changed."))
    return task


@audit.atomic
def campaign_task_start(*, actor: User, task: CampaignTask) -> Inspection:
    """Open (or return) the school's campaign inspection against the campaign's checklist.

    Raises `PermissionDenied` unless the actor files inspections at the task's school;
    `ValidationError` once the task is submitted."""
    task = _lock_task(actor, task, roles.FILE_INSPECTION)
    if task.inspection is not None:
        return task.inspection
    inspection = Inspection.objects.create(
        school=task.school,
        kind=Inspection.Kind.CAMPAIGN,
        checklist_id=task.campaign.checklist_id,
        campaign=task.campaign,
        inspector=actor,
    )
    task.inspection = inspection
    task.status = CampaignTask.Status.IN_PROGRESS
    task.save(update_fields=["inspection", "status"])
    return inspection


@audit.atomic
def campaign_task_submit(*, actor: User, task: CampaignTask, report: str) -> CampaignTask:
    """Submit the school's short report once its campaign inspection is submitted.

    Raises `PermissionDenied` unless the actor answers for the task's school;
    `ValidationError` without a submitted inspection or an empty report, or when already
    submitted."""
    task = _lock_task(actor, task, roles.ANSWER_SUPERVISION)
    if task.inspection is None or task.inspection.is_draft:
        raise ValidationError(_("Submit the campaign inspection first."))
    if not report.strip():
        raise ValidationError({"report": _("Write a short report.")})
    task.report = report.strip()
    task.status = CampaignTask.Status.SUBMITTED
    task.submitted_by = actor
    task.submitted_at = timezone.now()
    task.save(update_fields=["report", "status", "submitted_by", "submitted_at"])
    Campaign.objects.filter(pk=task.campaign_id).update(tasks_submitted=F("tasks_submitted") + 1)
    audit_record(
        actor=actor,
        action="campaign_task.submit",
        target=task,
        unit=task.school,
        changes={"late": task.is_late},
    )
    return task


@audit.atomic
def campaign_remind(
    *,
    actor: User | None,
    campaign: Campaign,
    unit: Organisation,
    today: datetime.date | None = None,
) -> int:
    """Remind the schools below `unit` that have not submitted: a school is reminded at most
    once a day (`reminded_on`, set conditionally), so a second press the same day sends
    nothing. On a day that is not a working day (#20, `workdays.should_remind`) only the
    tasks due today or overdue are urgent enough; the others stay unreminded, so the next
    working day's press reaches them. Returns the number of schools reminded."""
    check_unit_permission(actor, roles.SUPERVISE, unit)
    today = today or timezone.localdate()
    due = (
        CampaignTask.objects.select_for_update()
        .filter(campaign=campaign, school__path__startswith=unit.path)
        .exclude(status=CampaignTask.Status.SUBMITTED)
        .filter(Q(reminded_on__isnull=True) | Q(reminded_on__lt=today))
    )
    if not workdays.should_remind(today):
        due = due.filter(deadline__lte=today)
    school_ids = list(due.values_list("school_id", flat=True))
    if not school_ids:
        return 0
    CampaignTask.objects.filter(campaign=campaign, school_id__in=school_ids).update(
        reminded_on=today
    )
    notifications.notify_many(
        recipients=_school_people(school_ids),
        kind="campaign_reminder",
        key=f"campaign_reminder:{campaign.pk}:{today.isoformat()}",
        title=Message(gettext_lazy("Reminder: special campaign %(title)s"), title=campaign.title),
        body=Message(gettext_lazy("Your school has not submitted this campaign yet.")),
        url=reverse("campaigns:index"),
    )
    audit_record(
        actor=actor,
        action="campaign.remind",
        target=campaign,
        unit=unit,
        changes={"schools": len(school_ids)},
    )
    return len(school_ids)


def campaign_counts_refresh() -> int:
    """Rewrite every campaign's `tasks_total` and `tasks_submitted` from its tasks (#23; the
    services keep them one change at a time): for the generated city, which writes tasks in
    bulk, and as a repair. Two scalar subqueries per campaign, one UPDATE. Returns the
    campaigns written."""
    tasks = CampaignTask.objects.filter(campaign=OuterRef("pk"))
    return Campaign.objects.update(
        tasks_total=count_of(tasks),
        tasks_submitted=count_of(tasks.filter(status=CampaignTask.Status.SUBMITTED)),
    )
