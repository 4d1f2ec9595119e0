"""A problem found on a night patrol (safety.guarding) becomes a hazard in one step. The
hazard side lives here: inspections may import safety, never the reverse."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext as _

from safety import audit, roles
from safety.access import check_unit_permission
from safety.guarding.models import CheckpointRecord
from safety.models import SafetyArea, User
from safety.uploads import clean_image

from ..models import Hazard
from .hazards import hazard_create
from .photos import store_photos

# The safety area a checkpoint's kind belongs to (a dormitory is a building, a boiler room
# is fire safety, …).
AREA_OF_CHECKPOINT = {
    "dormitory": "buildings",
    "canteen": "food",
    "boiler": "fire",
    "gate": "surroundings",
    "other": "buildings",
}


@audit.atomic
def hazard_from_patrol(*, actor: User, record: CheckpointRecord) -> Hazard:
    """Report the problem of a checkpoint record as a hazard (source "night patrol"), once.

    The checkpoint's photo, if one was taken, becomes the hazard's photo (stored again under
    the hazard, with its thumbnail, so the ledger and the rectification show it). Raises
    PermissionDenied for an account that may not report hazards at the school, and
    ValidationError for a normal checkpoint or a problem already reported."""
    school = record.round.route.unit
    check_unit_permission(actor, roles.REPORT_HAZARD, school)
    if record.result != CheckpointRecord.Result.PROBLEM:
        raise ValidationError(_("Only a checkpoint with a problem becomes a hazard."))
    if Hazard.objects.filter(patrol_record=record).exists():
        raise ValidationError(_("This problem is already a hazard."))
    area = SafetyArea.objects.get(key=AREA_OF_CHECKPOINT.get(record.checkpoint.kind, "buildings"))
    hazard = hazard_create(
        actor=actor,
        school=school,
        area=area,
        location=record.checkpoint.name,
        description=record.note,
        kind=Hazard.Kind.TANGIBLE,
        severity=Hazard.Severity.GENERAL,
        source=Hazard.Source.PATROL,
        patrol_record=record,
    )
    if record.photo:
        store_photos([_stored_photo(record)], actor=actor, school=school, hazard=hazard)
    return hazard


def _stored_photo(record: CheckpointRecord):
    """The record's stored photo (re-encoded when it was taken) as a clean upload again."""
    with record.photo.open("rb") as stored:
        data = stored.read()
    return clean_image(SimpleUploadedFile("巡查照片.jpg", data, content_type="image/jpeg"))
