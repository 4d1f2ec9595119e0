"""#17: a public report (群众举报) accepted as a hazard. The report lives in
inspections.surroundings; the hazard side lives here, with the other hazard services."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.translation import gettext as _

from safety import audit, roles
from safety.access import check_unit_permission
from safety.models import SafetyArea, User
from safety.services import audit_record
from safety.uploads import clean_image

from ..models import Hazard, PublicReport
from .hazards import hazard_create
from .photos import store_photos


def lock_unverified_report(report: PublicReport) -> PublicReport:
    """Re-read the report under a row lock; refuse one already decided."""
    locked = PublicReport.objects.select_for_update().select_related("school").get(pk=report.pk)
    if locked.status != PublicReport.Status.UNVERIFIED:
        raise ValidationError(
            _("This report was already %(status)s.") % {"status": locked.get_status_display()}
        )
    return locked


@audit.atomic
def hazard_from_public_report(
    *,
    actor: User,
    report: PublicReport,
    area: SafetyArea,
    severity: str = Hazard.Severity.GENERAL,
    location: str = "",
) -> Hazard:
    """Accept an unverified public report as a hazard with source "public" (its photo, if
    any, is copied to the hazard). Raises `PermissionDenied` unless the actor handles public
    reports of the school; `ValidationError` when the report was already decided."""
    check_unit_permission(actor, roles.HANDLE_PUBLIC_REPORT, report.school)
    report = lock_unverified_report(report)
    hazard = hazard_create(
        actor=actor,
        school=report.school,
        area=area,
        location=location,
        description=report.text,
        kind=Hazard.Kind.TANGIBLE,
        severity=severity,
        source=Hazard.Source.PUBLIC,
        public_report=report,
    )
    if report.photo:
        with report.photo.open("rb") as stored:
            upload = SimpleUploadedFile("public.jpg", stored.read(), "image/jpeg")
        store_photos([clean_image(upload)], actor=actor, school=report.school, hazard=hazard)
    PublicReport.objects.filter(pk=report.pk).update(
        status=PublicReport.Status.ACCEPTED, decided_by=actor, decided_at=timezone.now()
    )
    audit_record(
        actor=actor,
        action="public_report.accept",
        target=report,
        unit=report.school,
        changes={"hazard": str(hazard.pk)},
    )
    return hazard
