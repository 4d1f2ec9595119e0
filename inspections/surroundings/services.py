"""Every change to the surroundings ledger, joint meetings and public reports. Each service
runs in `audit.atomic` and checks the permission first (`check_unit_permission`); a
department liaison passes it for the schools of its county only."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from inspections import services as inspection_services
from safety import audit, roles
from safety.access import check_unit_permission
from safety.messages import Message
from safety.models import Organisation, User
from safety.notifications import notify
from safety.services import audit_record
from safety.uploads import CleanUpload, generated_name

from .models import (
    Department,
    JointMeeting,
    MeetingDecision,
    PublicReport,
    SpotEvent,
    SurroundingsSpot,
)

Status = SurroundingsSpot.Status


def _store(field, upload: CleanUpload | None, prefix: str) -> None:
    if upload is None:
        return
    extension = upload.content_type.rsplit("/", 1)[-1].replace("jpeg", "jpg")
    field.save(generated_name(prefix, extension), upload.content, save=False)


def _event(spot: SurroundingsSpot, actor: User | None, from_status: str, comment: str = ""):
    return SpotEvent.objects.create(
        spot=spot, actor=actor, from_status=from_status, to_status=spot.status, comment=comment
    )


def _lock(spot: SurroundingsSpot) -> SurroundingsSpot:
    return (
        SurroundingsSpot.objects.select_for_update(of=("self",))
        .select_related("school")
        .get(pk=spot.pk)
    )


def _require(spot: SurroundingsSpot, *allowed: str) -> None:
    if spot.status not in allowed:
        raise ValidationError(
            _("This spot is %(status)s; the action is not possible now.")
            % {"status": spot.get_status_display()}
        )


@audit.atomic
def spot_record(
    *,
    actor: User,
    school: Organisation,
    fields: dict[str, Any],
    photo: CleanUpload | None = None,
    public_report: PublicReport | None = None,
) -> SurroundingsSpot:
    """Record a problem spot near `school`. Found by the school, the bureau or (from an
    accepted public report) the public."""
    check_unit_permission(
        actor, roles.HANDLE_PUBLIC_REPORT if public_report else roles.RECORD_SPOT, school
    )
    if not school.is_school:
        raise ValidationError(_("Choose a school."))
    if public_report is not None:
        found_by = SurroundingsSpot.FoundBy.PUBLIC
    elif actor.unit is not None and actor.unit.is_bureau:
        found_by = SurroundingsSpot.FoundBy.BUREAU
    else:
        found_by = SurroundingsSpot.FoundBy.SCHOOL
    spot = SurroundingsSpot(
        school=school,
        reported_by=actor,
        found_by=found_by,
        public_report=public_report,
        **fields,
    )
    _store(spot.photo, photo, "surroundings")
    spot.save()
    _event(spot, actor, "")
    audit_record(actor=actor, action="surroundings.record", target=spot, unit=school)
    return spot


@audit.atomic
def spot_refer(
    *, actor: User, spot: SurroundingsSpot, department: str, request_text: str
) -> SurroundingsSpot:
    """Refer a spot to the department responsible: what is asked of it, and when. The
    county's department liaison accounts are told (once per referral)."""
    check_unit_permission(actor, roles.REFER_SPOT, spot.school)
    spot = _lock(spot)
    _require(spot, Status.OPEN, Status.REFERRED)
    if department not in Department.values:
        raise ValidationError(_("Choose the department responsible."))
    before = spot.status
    spot.department, spot.request_text = department, request_text
    spot.referred_at, spot.status = timezone.now(), Status.REFERRED
    spot.save(update_fields=["department", "request_text", "referred_at", "status"])
    event = _event(spot, actor, before, request_text)
    audit_record(
        actor=actor,
        action="surroundings.refer",
        target=spot,
        unit=spot.school,
        changes={"department": department},
    )
    county = spot.school.parent
    liaisons = User.objects.filter(
        role=User.Role.DEPARTMENT_LIAISON, unit__path__in=spot.school.ancestor_paths
    )
    for liaison in liaisons:
        notify(
            recipient=liaison,
            kind="spot_referred",
            key=f"spot:{spot.pk}:{event.pk}",
            title=Message(
                gettext_lazy("A surroundings problem near %(school)s was referred to %(dept)s"),
                school=spot.school.name,
                dept=spot.get_department_display(),
            ),
            url=reverse("surroundings:spot_detail", args=[spot.pk]),
            unit=county,
        )
    return spot


@audit.atomic
def spot_answer(
    *, actor: User, spot: SurroundingsSpot, answer_text: str, resolved: bool
) -> SurroundingsSpot:
    """The department's answer to a referral, by its liaison; `resolved` closes the spot."""
    check_unit_permission(actor, roles.ANSWER_SPOT, spot.school)
    spot = _lock(spot)
    _require(spot, Status.REFERRED)
    before = spot.status
    spot.answer_text, spot.answered_at, spot.answered_by = answer_text, timezone.now(), actor
    if resolved:
        spot.status = Status.RESOLVED
    spot.save(update_fields=["answer_text", "answered_at", "answered_by", "status"])
    _event(spot, actor, before, answer_text)
    audit_record(actor=actor, action="surroundings.answer", target=spot, unit=spot.school)
    if spot.reported_by is not None and spot.reported_by.pk != actor.pk:
        notify(
            recipient=spot.reported_by,
            kind="spot_answered",
            key=f"spot:{spot.pk}:answer:{spot.answered_at.isoformat()}",
            title=Message(
                gettext_lazy("%(dept)s answered about the spot %(place)s"),
                dept=spot.get_department_display(),
                place=spot.place,
            ),
            url=reverse("surroundings:spot_detail", args=[spot.pk]),
            unit=spot.school,
        )
    return spot


@audit.atomic
def spot_close(
    *, actor: User, spot: SurroundingsSpot, resolved: bool, comment: str
) -> SurroundingsSpot:
    """Close a spot as resolved or unresolved (the school leader or a bureau official)."""
    check_unit_permission(actor, roles.REFER_SPOT, spot.school)
    spot = _lock(spot)
    _require(spot, Status.OPEN, Status.REFERRED)
    before = spot.status
    spot.status = Status.RESOLVED if resolved else Status.UNRESOLVED
    spot.save(update_fields=["status"])
    _event(spot, actor, before, comment)
    audit_record(actor=actor, action="surroundings.close", target=spot, unit=spot.school)
    return spot


@audit.atomic
def meeting_record(
    *,
    actor: User,
    bureau: Organisation,
    fields: dict[str, Any],
    spots: Sequence[SurroundingsSpot],
    decisions: Sequence[dict[str, Any]],
    minutes: CleanUpload | None = None,
) -> JointMeeting:
    """Record a joint meeting of `bureau` with the departments, the spots discussed and its
    decisions (each with an owner and a deadline)."""
    check_unit_permission(actor, roles.RECORD_MEETING, bureau)
    if not bureau.is_bureau:
        raise ValidationError(_("A joint meeting belongs to a bureau."))
    if any(not spot.school.is_within(bureau) for spot in spots):
        raise PermissionDenied
    meeting = JointMeeting(bureau=bureau, recorded_by=actor, **fields)
    if minutes is not None:
        _store(meeting.minutes, minutes, "meetings")
        meeting.minutes_name = minutes.original_name[:200]
    meeting.save()
    meeting.spots.set(spots)
    MeetingDecision.objects.bulk_create(
        [MeetingDecision(meeting=meeting, **decision) for decision in decisions]
    )
    audit_record(actor=actor, action="surroundings.meeting", target=meeting, unit=bureau)
    return meeting


@audit.atomic
def decision_done(*, actor: User, decision: MeetingDecision) -> MeetingDecision:
    """Mark a meeting decision done (a bureau official or the county's liaison)."""
    check_unit_permission(actor, roles.COMPLETE_DECISION, decision.meeting.bureau)
    claimed = MeetingDecision.objects.filter(pk=decision.pk, done_at__isnull=True).update(
        done_at=timezone.now(), done_by=actor
    )
    if not claimed:
        raise ValidationError(_("This decision is already done."))
    decision.refresh_from_db()
    audit_record(
        actor=actor,
        action="surroundings.decision_done",
        target=decision,
        unit=decision.meeting.bureau,
    )
    return decision


# --- public reports --------------------------------------------------------------------------


def rate_limited(*, address: str, school: Organisation) -> bool:
    """True when this address or this school has used up its public reports for the hour
    (settings.PUBLIC_REPORT_LIMITS: per address, per school); counts the attempt otherwise.
    Django's cache (Redis in production) holds the counters."""
    per_address, per_school = settings.PUBLIC_REPORT_LIMITS
    hour = timezone.now().strftime("%Y%m%d%H")
    keys = (
        (f"public-report:addr:{address}:{hour}", per_address),
        (f"public-report:school:{school.pk}:{hour}", per_school),
    )
    if any(cache.get(key, 0) >= limit for key, limit in keys):
        return True
    for key, _limit in keys:
        if not cache.add(key, 1, timeout=3600):
            cache.incr(key)
    return False


@audit.atomic
def public_report_submit(
    *, school: Organisation, fields: dict[str, Any], photo: CleanUpload | None = None
) -> PublicReport:
    """A member of the public reports a problem (no account: the system records it). The
    school's staff are told; the report waits "unverified"."""
    if not (school.is_school and school.is_active):
        raise ValidationError(_("Choose a school."))
    report = PublicReport(school=school, **fields)
    _store(report.photo, photo, "public")
    report.save()
    audit_record(actor=None, action="public_report.receive", target=report, unit=school)
    for member in User.objects.filter(
        unit=school,
        role__in=[User.Role.SCHOOL_LEADER, User.Role.SCHOOL_STAFF],
        is_active=True,
    ):
        notify(
            recipient=member,
            kind="public_report",
            key=f"public_report:{report.pk}",
            title=Message(
                gettext_lazy("A public report to verify: %(category)s"),
                category=report.get_category_display(),
            ),
            url=reverse("surroundings:report_detail", args=[report.pk]),
            unit=school,
        )
    return report


@audit.atomic
def public_report_accept_as_spot(
    *, actor: User, report: PublicReport, fields: dict[str, Any]
) -> SurroundingsSpot:
    """Accept an unverified report as a surroundings spot found by the public."""
    check_unit_permission(actor, roles.HANDLE_PUBLIC_REPORT, report.school)
    report = inspection_services.lock_unverified_report(report)
    spot = spot_record(
        actor=actor,
        school=report.school,
        fields={"description": report.text, **fields},
        public_report=report,
    )
    if report.photo:
        spot.photo.name = report.photo.name
        spot.save(update_fields=["photo"])
    PublicReport.objects.filter(pk=report.pk).update(
        status=PublicReport.Status.ACCEPTED, decided_by=actor, decided_at=timezone.now()
    )
    audit_record(
        actor=actor,
        action="public_report.accept",
        target=report,
        unit=report.school,
        changes={"spot": str(spot.pk)},
    )
    return spot


@audit.atomic
def public_report_dismiss(*, actor: User, report: PublicReport, reason: str) -> PublicReport:
    """Dismiss an unverified report with a reason (kept for the call-back)."""
    check_unit_permission(actor, roles.HANDLE_PUBLIC_REPORT, report.school)
    report = inspection_services.lock_unverified_report(report)
    PublicReport.objects.filter(pk=report.pk).update(
        status=PublicReport.Status.DISMISSED,
        dismiss_reason=reason,
        decided_by=actor,
        decided_at=timezone.now(),
    )
    report.refresh_from_db()
    audit_record(actor=actor, action="public_report.dismiss", target=report, unit=report.school)
    return report
