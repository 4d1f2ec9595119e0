"""Filing an inspection: start it, save the draft as often as needed, submit it (which logs
one hazard per item found hazardous)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from safety import audit, roles
from safety.access import check_unit_permission
from safety.models import Organisation, User
from safety.uploads import CleanUpload

from ..models import (
    ChecklistTemplate,
    Hazard,
    Inspection,
    ItemResult,
    Photo,
    SpotCheckDraw,
)
from ..selectors import kinds_for
from .hazards import hazard_create
from .photos import store_photos

SOURCE_BY_KIND = {
    Inspection.Kind.COUNTY: Hazard.Source.COUNTY_INSPECTION,
    Inspection.Kind.SPOT_CHECK: Hazard.Source.SPOT_CHECK,
    Inspection.Kind.CAMPAIGN: Hazard.Source.CAMPAIGN,
}


@audit.atomic
def inspection_start(
    *,
    actor: User,
    school: Organisation,
    kind: str,
    template: ChecklistTemplate,
    spot_check_draw: SpotCheckDraw | None = None,
) -> Inspection:
    """Open a draft inspection of `school` against the template's current version.

    Raises `PermissionDenied` unless the actor files inspections in the school's
    jurisdiction and may file this `kind` (selectors.kinds_for); `ValidationError` when
    `school` is not a school or the checklist has no items or is inactive.
    """
    check_unit_permission(actor, roles.FILE_INSPECTION, school)
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


def _lock_editable(actor: User, inspection: Inspection) -> Inspection:
    inspection = (
        Inspection.objects.select_for_update(of=("self",))
        .select_related("school")
        .get(pk=inspection.pk)
    )
    check_unit_permission(actor, roles.FILE_INSPECTION, inspection.school)
    if inspection.inspector_id != actor.pk:
        raise PermissionDenied
    if not inspection.is_draft:
        raise ValidationError(_("This inspection was submitted and can no longer be changed."))
    return inspection


@audit.atomic
def inspection_save_draft(
    *,
    actor: User,
    inspection: Inspection,
    results: dict[int, dict[str, str]],
    photos: dict[int, list[CleanUpload]] | None = None,
    summary: str = "",
) -> Inspection:
    """Save what was entered so far (also when some photos were rejected): nothing typed on
    the phone is lost. `results` maps checklist item ids to result, note and severity;
    `photos` maps item ids to cleaned uploads, kept up to UPLOAD_MAX_FILES per item.

    Raises `PermissionDenied` unless the actor is the inspector (with the permission, in
    the jurisdiction) and `ValidationError` once the inspection is submitted.
    """
    inspection = _lock_editable(actor, inspection)
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
        room = max(settings.UPLOAD_MAX_FILES - row.photos.count(), 0)
        store_photos(uploads[:room], actor=actor, school=inspection.school, item_result=row)
    inspection.summary = summary
    inspection.save(update_fields=["summary"])
    return inspection


@audit.atomic
def inspection_submit(*, actor: User, inspection: Inspection) -> list[Hazard]:
    """Freeze the inspection and log one hazard per item marked "hazard" (with the item's
    photos); returns those hazards.

    Raises what `inspection_save_draft` raises, and `ValidationError` while an item has no
    result.
    """
    inspection = _lock_editable(actor, inspection)
    items = list(inspection.checklist.items.all())
    results = {row.item_id: row for row in inspection.results.prefetch_related("photos")}
    missing = [item.text for item in items if not getattr(results.get(item.pk), "result", "")]
    if missing:
        raise ValidationError(
            _("Give a result for every item (%(count)s missing).") % {"count": len(missing)}
        )
    hazards = [
        _hazard_from_result(actor, inspection, item.text, results[item.pk])
        for item in items
        if results[item.pk].result == ItemResult.Result.HAZARD
    ]
    inspection.status = Inspection.Status.SUBMITTED
    inspection.submitted_at = timezone.now()
    inspection.save(update_fields=["status", "submitted_at"])
    return hazards


def _hazard_from_result(actor: User, inspection: Inspection, text: str, row: ItemResult) -> Hazard:
    hazard = hazard_create(
        actor=actor,
        school=inspection.school,
        area=inspection.checklist.template.area,
        location="",
        description=f"{text}：{row.note}" if row.note else text,
        kind=Hazard.Kind.TANGIBLE,
        severity=row.severity,
        source=SOURCE_BY_KIND.get(inspection.kind, Hazard.Source.SELF_INSPECTION),
        inspection=inspection,
        item_result=row,
        campaign_id=inspection.campaign_id,
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
    return hazard
