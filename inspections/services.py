"""Every change to checklists, inspections and hazards.

Each function takes the acting user, checks the role permission and the jurisdiction,
changes rows inside one transaction and, for hazards, appends a HazardEvent per transition.
Notifications are written in the same transaction (safety.notifications.notify).
"""

from __future__ import annotations

import datetime
import random
import secrets
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from safety import roles
from safety.models import Organisation, SafetyArea, User
from safety.notifications import notify
from safety.services import audit_record
from safety.uploads import CleanUpload, generated_name

from .models import (
    ChecklistItem,
    ChecklistTemplate,
    ChecklistVersion,
    Hazard,
    HazardEvent,
    Inspection,
    ItemResult,
    Photo,
    SpotCheckDraw,
    default_deadline,
    rules_for,
)

Status = Hazard.Status
Action = HazardEvent.Action
Role = User.Role

SOURCE_BY_KIND = {
    Inspection.Kind.COUNTY: Hazard.Source.COUNTY_INSPECTION,
    Inspection.Kind.SPOT_CHECK: Hazard.Source.SPOT_CHECK,
}


# --- guards ------------------------------------------------------------------------------


def check_within(actor: User, unit: Organisation) -> None:
    """`unit` lies in the actor's jurisdiction (superusers: everywhere)."""
    if actor.is_superuser:
        return
    if actor.organisation is None or not unit.is_within(actor.organisation):
        raise PermissionDenied


def _check(actor: User, permission: str, unit: Organisation) -> None:
    roles.require_permission(actor, permission)
    check_within(actor, unit)


def _require_status(hazard: Hazard, *allowed: str) -> None:
    if hazard.status not in allowed:
        raise ValidationError(
            _("This hazard is %(status)s; the action is not possible now.")
            % {"status": hazard.get_status_display()}
        )


def _locked(hazard: Hazard) -> Hazard:
    """Re-read the hazard under a row lock so two concurrent transitions cannot both win."""
    return Hazard.objects.select_for_update(of=("self",)).select_related("school").get(pk=hazard.pk)


def _event(
    hazard: Hazard, actor: User | None, action: str, from_status: str, comment: str = ""
) -> HazardEvent:
    return HazardEvent.objects.create(
        hazard=hazard,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=hazard.status,
        comment=comment,
    )


def _store_photos(
    photos: Iterable[CleanUpload],
    *,
    actor: User,
    school: Organisation,
    prefix: str = "inspections",
    **links: Any,
) -> list[Photo]:
    stored = []
    for upload in photos:
        extension = upload.content_type.rsplit("/", 1)[-1].replace("jpeg", "jpg")
        photo = Photo(
            school=school,
            original_name=upload.original_name,
            content_type=upload.content_type,
            uploaded_by=actor,
            **links,
        )
        photo.image.save(generated_name(prefix, extension), upload.content, save=False)
        photo.thumbnail.save(
            generated_name(f"{prefix}/thumbs", extension), upload.thumbnail, save=False
        )
        photo.save()
        stored.append(photo)
    return stored


def _hazard_url(hazard: Hazard) -> str:
    return reverse("inspections:hazard_detail", args=[hazard.pk])


def _county_officials(school: Organisation) -> list[User]:
    """Bureau officials of the nearest bureau above the school."""
    if school.parent_id is None:
        return []
    return list(
        User.objects.filter(
            organisation_id=school.parent_id, role=Role.BUREAU_OFFICIAL, is_active=True
        )
    )


def _tell(users: Iterable[User | None], hazard: Hazard, kind: str, key: str, title: str) -> None:
    seen: set[int] = set()
    for user in users:
        if user is None or user.pk in seen:
            continue
        seen.add(user.pk)
        notify(
            recipient=user,
            kind=kind,
            key=key,
            title=title,
            body=hazard.description[:500],
            url=_hazard_url(hazard),
            organisation=hazard.school,
        )


# --- checklist templates -----------------------------------------------------------------


@transaction.atomic
def checklist_publish(
    *,
    actor: User | None,
    template: ChecklistTemplate,
    items: Sequence[str],
) -> ChecklistVersion:
    """Publish a new version of `template` with `items`; earlier inspections keep theirs."""
    if actor is not None and not roles.is_system_administrator(actor):
        raise PermissionDenied
    items = [text.strip() for text in items if text.strip()]
    if not items:
        raise ValidationError(_("A checklist needs at least one item."))
    template = ChecklistTemplate.objects.select_for_update().get(pk=template.pk)
    current = template.current_version
    if current is not None and [i.text for i in current.items.all()] == items:
        return current
    number = (current.number if current else 0) + 1
    version = ChecklistVersion.objects.create(template=template, number=number, created_by=actor)
    ChecklistItem.objects.bulk_create(
        ChecklistItem(version=version, order=index, text=text)
        for index, text in enumerate(items, start=1)
    )
    template.current_version = version
    template.save(update_fields=["current_version"])
    audit_record(
        actor=actor,
        action="checklist_publish",
        target=template,
        organisation=None,
        changes={"version": number, "items": len(items)},
    )
    return version


# --- inspections -------------------------------------------------------------------------


SCHOOL_KINDS = {
    Inspection.Kind.SELF_DAILY,
    Inspection.Kind.SELF_WEEKLY,
    Inspection.Kind.SELF_MONTHLY,
    Inspection.Kind.SELF_TERM_START,
    Inspection.Kind.SELF_TERM_END,
}


def kinds_for(actor: User) -> list[tuple[str, str]]:
    """The inspection kinds an actor may file: schools inspect themselves, counties
    supervise, the city spot-checks."""
    unit = actor.organisation
    if unit is None:
        return []
    if unit.is_school:
        allowed = SCHOOL_KINDS
    elif unit.kind == Organisation.Kind.COUNTY:
        allowed = {Inspection.Kind.COUNTY}
    else:
        allowed = {Inspection.Kind.SPOT_CHECK, Inspection.Kind.COUNTY}
    return [(value, label) for value, label in Inspection.Kind.choices if value in allowed]


@transaction.atomic
def inspection_start(
    *,
    actor: User,
    school: Organisation,
    kind: str,
    template: ChecklistTemplate,
    spot_check_draw: SpotCheckDraw | None = None,
) -> Inspection:
    _check(actor, roles.FILE_INSPECTION, school)
    if not school.is_school:
        raise ValidationError(_("Choose a school."))
    if kind not in dict(kinds_for(actor)):
        raise PermissionDenied
    if template.current_version is None or not template.is_active:
        raise ValidationError(_("This checklist has no items yet."))
    return Inspection.objects.create(
        school=school,
        kind=kind,
        checklist=template.current_version,
        inspector=actor,
        spot_check_draw=spot_check_draw,
    )


def _check_inspection_editable(actor: User, inspection: Inspection) -> None:
    _check(actor, roles.FILE_INSPECTION, inspection.school)
    if inspection.inspector_id != actor.pk:
        raise PermissionDenied
    if not inspection.is_draft:
        raise ValidationError(_("This inspection was submitted and can no longer be changed."))


@transaction.atomic
def inspection_save_draft(
    *,
    actor: User,
    inspection: Inspection,
    results: dict[int, dict[str, str]],
    photos: dict[int, list[CleanUpload]] | None = None,
    summary: str = "",
) -> Inspection:
    """Save what was entered so far (also when some photos were rejected): nothing typed on
    the phone is lost. `results` maps checklist item ids to result, note and severity."""
    inspection = (
        Inspection.objects.select_for_update(of=("self",))
        .select_related("school")
        .get(pk=inspection.pk)
    )
    _check_inspection_editable(actor, inspection)
    item_ids = set(inspection.checklist.items.values_list("pk", flat=True))
    existing = {row.item_id: row for row in inspection.results.all()}
    for item_id, values in results.items():
        if item_id not in item_ids:
            continue
        row = existing.get(item_id) or ItemResult(inspection=inspection, item_id=item_id)
        row.result = values.get("result", "") or ""
        row.note = values.get("note", "") or ""
        row.severity = values.get("severity") or Hazard.Severity.GENERAL
        row.save()
        existing[item_id] = row
    for item_id, uploads in (photos or {}).items():
        if item_id not in item_ids or not uploads:
            continue
        row = existing.get(item_id)
        if row is None:
            row = ItemResult.objects.create(inspection=inspection, item_id=item_id)
            existing[item_id] = row
        room = 9 - row.photos.count()
        _store_photos(
            uploads[: max(room, 0)], actor=actor, school=inspection.school, item_result=row
        )
    inspection.summary = summary
    inspection.save(update_fields=["summary"])
    return inspection


@transaction.atomic
def inspection_submit(*, actor: User, inspection: Inspection) -> list[Hazard]:
    """Freeze the inspection and create one hazard per item marked "hazard"."""
    inspection = (
        Inspection.objects.select_for_update(of=("self",))
        .select_related("school")
        .get(pk=inspection.pk)
    )
    _check_inspection_editable(actor, inspection)
    items = list(inspection.checklist.items.all())
    results = {row.item_id: row for row in inspection.results.prefetch_related("photos")}
    missing = [item.text for item in items if not getattr(results.get(item.pk), "result", "")]
    if missing:
        raise ValidationError(
            _("Give a result for every item (%(count)s missing).") % {"count": len(missing)}
        )
    area = inspection.checklist.template.area
    source = SOURCE_BY_KIND.get(inspection.kind, Hazard.Source.SELF_INSPECTION)
    hazards = []
    for item in items:
        row = results[item.pk]
        if row.result != ItemResult.Result.HAZARD:
            continue
        hazard = _hazard_create(
            actor=actor,
            school=inspection.school,
            area=area,
            location="",
            description=f"{item.text}：{row.note}" if row.note else item.text,
            kind=Hazard.Kind.TANGIBLE,
            severity=row.severity,
            source=source,
            inspection=inspection,
            item_result=row,
        )
        for photo in row.photos.all():
            Photo.objects.create(
                school=photo.school,
                hazard=hazard,
                image=photo.image.name,
                thumbnail=photo.thumbnail.name,
                original_name=photo.original_name,
                content_type=photo.content_type,
                uploaded_by=photo.uploaded_by,
            )
        hazards.append(hazard)
    inspection.status = Inspection.Status.SUBMITTED
    inspection.submitted_at = timezone.now()
    inspection.save(update_fields=["status", "submitted_at"])
    return hazards


# --- spot checks -------------------------------------------------------------------------


def spot_check_candidates(bureau: Organisation, filters: dict[str, Any]) -> list[int]:
    schools = Organisation.objects.below(bureau).schools().filter(is_active=True)
    if filters.get("school_type"):
        schools = schools.filter(school_type=filters["school_type"])
    if filters.get("boarding") in ("yes", "no"):
        schools = schools.filter(is_boarding=filters["boarding"] == "yes")
    if filters.get("locality"):
        schools = schools.filter(locality=filters["locality"])
    return list(schools.order_by("pk").values_list("pk", flat=True))


def draw_sample(candidate_ids: list[int], count: int, seed: int) -> list[int]:
    return random.Random(seed).sample(candidate_ids, min(count, len(candidate_ids)))


@transaction.atomic
def spot_check_draw(
    *,
    actor: User,
    bureau: Organisation,
    count: int,
    filters: dict[str, Any],
    seed: int | None = None,
) -> SpotCheckDraw:
    """Draw `count` schools at random below `bureau` and record who, when, seed and list."""
    _check(actor, roles.DRAW_SPOT_CHECK, bureau)
    if not bureau.is_bureau:
        raise ValidationError(_("Choose a bureau."))
    if count < 1:
        raise ValidationError(_("Draw at least one school."))
    filters = {key: value for key, value in filters.items() if value}
    candidates = spot_check_candidates(bureau, filters)
    if not candidates:
        raise ValidationError(_("No school matches these filters."))
    seed = seed if seed is not None else secrets.randbits(62)
    draw = SpotCheckDraw.objects.create(
        bureau=bureau,
        drawn_by=actor,
        seed=seed,
        filters=filters,
        count=count,
        candidate_ids=candidates,
        drawn_ids=draw_sample(candidates, count, seed),
    )
    audit_record(
        actor=actor,
        action="spot_check_draw",
        target=draw,
        organisation=bureau,
        changes={"seed": seed, "drawn": draw.drawn_ids},
    )
    return draw


# --- hazards -----------------------------------------------------------------------------


def _hazard_create(*, actor: User, school: Organisation, **fields: Any) -> Hazard:
    hazard = Hazard.objects.create(school=school, reporter=actor, **fields)
    _event(hazard, actor, Action.REPORTED, "")
    if hazard.severity == Hazard.Severity.MAJOR:
        _tell(
            _county_officials(school),
            hazard,
            "hazard_major",
            f"hazard:{hazard.pk}",
            _("Major hazard reported at %(school)s") % {"school": school.name},
        )
    return hazard


@transaction.atomic
def hazard_report(
    *,
    actor: User,
    school: Organisation,
    area: SafetyArea,
    description: str,
    location: str = "",
    kind: str = Hazard.Kind.TANGIBLE,
    severity: str = Hazard.Severity.GENERAL,
    photos: Sequence[CleanUpload] = (),
) -> Hazard:
    """Report a hazard outside an inspection (随手拍)."""
    _check(actor, roles.REPORT_HAZARD, school)
    if not school.is_school:
        raise ValidationError(_("Choose a school."))
    hazard = _hazard_create(
        actor=actor,
        school=school,
        area=area,
        location=location,
        description=description,
        kind=kind,
        severity=severity,
        source=Hazard.Source.AD_HOC,
    )
    _store_photos(photos, actor=actor, school=school, hazard=hazard)
    return hazard


@transaction.atomic
def hazard_fix_on_spot(
    *, actor: User, hazard: Hazard, measure: str, photos: Sequence[CleanUpload] = ()
) -> Hazard:
    """立即整改: the reporter records the measure and an after photo; a verifier closes it."""
    hazard = _locked(hazard)
    _check(actor, roles.REPORT_HAZARD, hazard.school)
    if hazard.reporter_id != actor.pk:
        raise PermissionDenied
    _require_status(hazard, Status.REPORTED)
    if not measure.strip():
        raise ValidationError(_("Describe what was done."))
    if not photos:
        raise ValidationError(_("Add a photo taken after the fix."))
    old = hazard.status
    hazard.status = Status.PENDING_VERIFICATION
    hazard.fixed_on_spot = True
    hazard.rectification = measure
    hazard.save(update_fields=["status", "fixed_on_spot", "rectification"])
    event = _event(hazard, actor, Action.FIXED_ON_SPOT, old, measure)
    _store_photos(photos, actor=actor, school=hazard.school, hazard=hazard, event=event)
    return hazard


def assignable_people(school: Organisation) -> dict[str, Any]:
    """Owners are accounts of the school; supervisors the school's leaders or officials of
    the bureaus above it. Unordered: the form's `AccountChoiceField` sorts names in pinyin
    order, which the database cannot."""
    ancestor_ids = [int(segment) for segment in school.path.split("/") if segment]
    owners = User.objects.filter(organisation=school, is_active=True)
    supervisors = User.objects.filter(
        organisation_id__in=ancestor_ids,
        is_active=True,
        role__in=[Role.SCHOOL_LEADER, Role.BUREAU_OFFICIAL],
    )
    return {"owners": owners, "supervisors": supervisors}


@transaction.atomic
def hazard_assign(
    *,
    actor: User,
    hazard: Hazard,
    owner: User,
    supervisor: User,
    deadline: datetime.date | None = None,
    interim_measures: str = "",
    needs_professional_assessment: bool = False,
    today: datetime.date | None = None,
) -> Hazard:
    """A school leader (or bureau official) sets owner, supervisor and deadline."""
    hazard = _locked(hazard)
    _check(actor, roles.ASSIGN_RECTIFICATION, hazard.school)
    _require_status(hazard, Status.REPORTED)
    people = assignable_people(hazard.school)
    if not people["owners"].filter(pk=owner.pk).exists():
        raise ValidationError(_("The rectification owner must be an account of the school."))
    if not people["supervisors"].filter(pk=supervisor.pk).exists():
        raise ValidationError(
            _("The supervisor must be a leader of the school or an official above it.")
        )
    if supervisor.pk == owner.pk:
        raise ValidationError(_("The supervisor cannot be the rectification owner."))
    if hazard.severity == Hazard.Severity.MAJOR and not interim_measures.strip():
        raise ValidationError(_("A major hazard needs interim control measures while it is open."))
    today = today or timezone.localdate()
    deadline = deadline or default_deadline(hazard.school, hazard.severity, today)
    if deadline < today:
        raise ValidationError(_("The deadline cannot be in the past."))
    old = hazard.status
    hazard.status = Status.IN_RECTIFICATION
    hazard.owner = owner
    hazard.supervisor = supervisor
    hazard.deadline = deadline
    hazard.interim_measures = interim_measures
    hazard.needs_professional_assessment = needs_professional_assessment
    hazard.save()
    _event(
        hazard,
        actor,
        Action.ASSIGNED,
        old,
        _("Owner %(owner)s, supervisor %(supervisor)s, deadline %(deadline)s")
        % {
            "owner": owner.display_name,
            "supervisor": supervisor.display_name,
            "deadline": deadline.isoformat(),
        },
    )
    _tell(
        [owner, supervisor],
        hazard,
        "hazard_assigned",
        f"hazard:{hazard.pk}:{hazard.events.count()}",
        _("Hazard to rectify by %(deadline)s") % {"deadline": deadline.isoformat()},
    )
    return hazard


@transaction.atomic
def hazard_submit_rectification(
    *, actor: User, hazard: Hazard, evidence: str, photos: Sequence[CleanUpload] = ()
) -> Hazard:
    hazard = _locked(hazard)
    roles.require_permission(actor, roles.REPORT_HAZARD)
    if hazard.owner_id != actor.pk:
        raise PermissionDenied
    _require_status(hazard, Status.IN_RECTIFICATION)
    if not evidence.strip():
        raise ValidationError(_("Describe the rectification."))
    old = hazard.status
    hazard.status = Status.PENDING_VERIFICATION
    hazard.rectification = evidence
    hazard.save(update_fields=["status", "rectification"])
    event = _event(hazard, actor, Action.SUBMITTED, old, evidence)
    _store_photos(photos, actor=actor, school=hazard.school, hazard=hazard, event=event)
    _tell(
        [hazard.supervisor],
        hazard,
        "hazard_submitted",
        f"hazard:{hazard.pk}:{event.pk}",
        _("Rectification to verify at %(school)s") % {"school": hazard.school.name},
    )
    return hazard


def _check_verifier(actor: User, hazard: Hazard) -> None:
    _check(actor, roles.VERIFY_RECTIFICATION, hazard.school)
    doer = hazard.reporter_id if hazard.fixed_on_spot else hazard.owner_id
    if actor.pk == doer:
        raise PermissionDenied(_("The person who did the rectification cannot verify it."))


@transaction.atomic
def hazard_verify(*, actor: User, hazard: Hazard, accept: bool, comment: str = "") -> Hazard:
    """复查验收: close the hazard (销号) or return it with a reason."""
    hazard = _locked(hazard)
    _check_verifier(actor, hazard)
    _require_status(hazard, Status.PENDING_VERIFICATION)
    old = hazard.status
    if accept:
        hazard.status = Status.CLOSED
        hazard.closed_at = timezone.now()
        hazard.is_overdue = False
        action = Action.CLOSED
    else:
        if not comment.strip():
            raise ValidationError(_("Say why the rectification is returned."))
        # An on-the-spot fix that did not hold needs an owner and a deadline like any other.
        hazard.status = Status.IN_RECTIFICATION if hazard.owner_id else Status.REPORTED
        hazard.fixed_on_spot = False if hazard.status == Status.REPORTED else hazard.fixed_on_spot
        action = Action.RETURNED
    hazard.save()
    event = _event(hazard, actor, action, old, comment)
    if not accept:
        _tell(
            [hazard.owner or hazard.reporter],
            hazard,
            "hazard_returned",
            f"hazard:{hazard.pk}:{event.pk}",
            _("Rectification returned: %(reason)s") % {"reason": comment[:80]},
        )
    return hazard


@transaction.atomic
def hazard_request_extension(
    *, actor: User, hazard: Hazard, until: datetime.date, reason: str
) -> Hazard:
    hazard = _locked(hazard)
    if hazard.owner_id != actor.pk:
        raise PermissionDenied
    _require_status(hazard, Status.IN_RECTIFICATION)
    if hazard.extension_until is not None:
        raise ValidationError(_("An extension request is already waiting for a decision."))
    if hazard.deadline and until <= hazard.deadline:
        raise ValidationError(_("The new deadline must be later than the current one."))
    if not reason.strip():
        raise ValidationError(_("Give a reason for the extension."))
    hazard.extension_until = until
    hazard.extension_reason = reason
    hazard.save(update_fields=["extension_until", "extension_reason"])
    event = _event(
        hazard, actor, Action.EXTENSION_REQUESTED, hazard.status, f"{until.isoformat()}：{reason}"
    )
    _tell(
        [hazard.supervisor],
        hazard,
        "hazard_extension",
        f"hazard:{hazard.pk}:{event.pk}",
        _("Extension requested until %(date)s") % {"date": until.isoformat()},
    )
    return hazard


def _check_extension_decider(actor: User, hazard: Hazard) -> None:
    if hazard.supervisor_id == actor.pk:
        return
    if actor.role != Role.BUREAU_OFFICIAL:
        raise PermissionDenied
    _check(actor, roles.ASSIGN_RECTIFICATION, hazard.school)


@transaction.atomic
def hazard_decide_extension(
    *,
    actor: User,
    hazard: Hazard,
    approve: bool,
    comment: str = "",
    today: datetime.date | None = None,
) -> Hazard:
    """The supervisor or a bureau official grants or refuses a requested extension."""
    hazard = _locked(hazard)
    _check_extension_decider(actor, hazard)
    if hazard.owner_id == actor.pk:
        raise PermissionDenied
    if hazard.extension_until is None:
        raise ValidationError(_("There is no extension request to decide."))
    _require_status(hazard, Status.IN_RECTIFICATION)
    today = today or timezone.localdate()
    if approve:
        hazard.deadline = hazard.extension_until
        if hazard.deadline >= today:
            hazard.is_overdue = False
            hazard.overdue_since = None
            hazard.escalated_at = None
    hazard.extension_until = None
    hazard.extension_reason = ""
    hazard.save()
    _event(
        hazard,
        actor,
        Action.EXTENSION_GRANTED if approve else Action.EXTENSION_REFUSED,
        hazard.status,
        comment,
    )
    return hazard


@transaction.atomic
def hazard_reopen(*, actor: User, hazard: Hazard, reason: str) -> Hazard:
    """A bureau official re-opens a closed hazard found not fixed at a later inspection."""
    hazard = _locked(hazard)
    _check(actor, roles.REOPEN_HAZARD, hazard.school)
    if actor.organisation is None or not actor.organisation.is_bureau:
        raise PermissionDenied
    _require_status(hazard, Status.CLOSED)
    if not reason.strip():
        raise ValidationError(_("Say what was found not fixed."))
    old = hazard.status
    hazard.status = Status.IN_RECTIFICATION if hazard.owner_id else Status.REPORTED
    hazard.closed_at = None
    hazard.fixed_on_spot = False if hazard.status == Status.REPORTED else hazard.fixed_on_spot
    hazard.save()
    event = _event(hazard, actor, Action.REOPENED, old, reason)
    _tell(
        [hazard.owner, hazard.supervisor],
        hazard,
        "hazard_reopened",
        f"hazard:{hazard.pk}:{event.pk}",
        _("Closed hazard re-opened at %(school)s") % {"school": hazard.school.name},
    )
    return hazard


def available_actions(actor: User, hazard: Hazard) -> set[str]:
    """The transitions `actor` may attempt now (the services re-check everything)."""
    actions: set[str] = set()
    status = hazard.status

    def allowed(check) -> bool:
        try:
            check()
        except (PermissionDenied, ValidationError):
            return False
        return True

    if status == Status.REPORTED:
        if hazard.reporter_id == actor.pk and actor.has_perm(roles.REPORT_HAZARD):
            actions.add("fix_on_spot")
        if allowed(lambda: _check(actor, roles.ASSIGN_RECTIFICATION, hazard.school)):
            actions.add("assign")
    elif status == Status.IN_RECTIFICATION:
        if hazard.owner_id == actor.pk:
            actions.add("submit")
            if hazard.extension_until is None:
                actions.add("request_extension")
        deciding = hazard.extension_until is not None and hazard.owner_id != actor.pk
        if deciding and allowed(lambda: _check_extension_decider(actor, hazard)):
            actions.add("decide_extension")
    elif status == Status.PENDING_VERIFICATION:
        if allowed(lambda: _check_verifier(actor, hazard)):
            actions.add("verify")
    elif (
        status == Status.CLOSED
        and actor.is_bureau_user
        and allowed(lambda: _check(actor, roles.REOPEN_HAZARD, hazard.school))
    ):
        actions.add("reopen")
    return actions


# --- overdue -----------------------------------------------------------------------------


def mark_overdue(today: datetime.date | None = None) -> dict[str, int]:
    """The daily job: flag hazards past their deadline, notify owner and supervisor once a
    day, escalate to the county bureau after the bureau's number of days. Safe to run twice:
    flags are set by conditional updates and notification keys carry the day."""
    today = today or timezone.localdate()
    marked = escalated = 0
    due = Hazard.objects.filter(status=Status.IN_RECTIFICATION, deadline__lt=today).values_list(
        "pk", flat=True
    )
    for pk in list(due.iterator(chunk_size=2000)):
        with transaction.atomic():
            marked += _mark_one_overdue(pk, today)
    candidates = Hazard.objects.filter(
        status=Status.IN_RECTIFICATION, is_overdue=True, escalated_at__isnull=True
    ).values_list("pk", flat=True)
    for pk in list(candidates.iterator(chunk_size=2000)):
        with transaction.atomic():
            escalated += _escalate_one(pk, today)
    return {"marked": marked, "escalated": escalated}


def _mark_one_overdue(pk: int, today: datetime.date) -> int:
    hazard = (
        Hazard.objects.select_for_update(of=("self",))
        .select_related("school", "owner", "supervisor")
        .filter(pk=pk, status=Status.IN_RECTIFICATION, deadline__lt=today)
        .first()
    )
    if hazard is None:
        return 0
    newly = not hazard.is_overdue
    if newly:
        hazard.is_overdue = True
        hazard.overdue_since = hazard.deadline + datetime.timedelta(days=1)
        hazard.save(update_fields=["is_overdue", "overdue_since"])
        _event(hazard, None, Action.OVERDUE, hazard.status, hazard.deadline.isoformat())
    days = (today - hazard.deadline).days
    _tell(
        [hazard.owner, hazard.supervisor],
        hazard,
        "hazard_overdue",
        f"hazard:{hazard.pk}:{today.isoformat()}",
        _("Hazard overdue by %(days)s days at %(school)s")
        % {"days": days, "school": hazard.school.name},
    )
    return int(newly)


def _escalate_one(pk: int, today: datetime.date) -> int:
    hazard = (
        Hazard.objects.select_for_update(of=("self",))
        .select_related("school")
        .filter(pk=pk, is_overdue=True, escalated_at__isnull=True)
        .first()
    )
    if hazard is None or hazard.overdue_since is None:
        return 0
    days_overdue = (today - hazard.overdue_since).days + 1
    if days_overdue < rules_for(hazard.school)["escalation_days"]:
        return 0
    hazard.escalated_at = timezone.now()
    hazard.save(update_fields=["escalated_at"])
    _event(hazard, None, Action.ESCALATED, hazard.status, str(days_overdue))
    _tell(
        _county_officials(hazard.school),
        hazard,
        "hazard_escalated",
        f"hazard:{hazard.pk}:{today.isoformat()}",
        _("Overdue hazard escalated: %(school)s") % {"school": hazard.school.name},
    )
    return 1
