"""Every change of risk grading (issue #20): grading a point, checking it, placing it on
the campus plan, uploading the plan, the term review, reporting the yellow-and-above list
and its acknowledgement, and the daily reminder job. Each function checks the permission
first (safety.access.check_unit_permission) inside `audit.atomic`."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image

from safety import audit, roles, workdays
from safety.access import check_unit_permission
from safety.messages import Message, MessageDate
from safety.models import Organisation, User, semester_of
from safety.notifications import notify
from safety.services import audit_record
from safety.uploads import CleanUpload, generated_name

from .. import services as inspection_services
from . import selectors, tally
from .models import CampusPlan, Level, Method, RiskCheck, RiskPoint, RiskReport

POINT_FIELDS = (
    "name",
    "area",
    "danger",
    "method",
    "likelihood",
    "exposure",
    "severity",
    "control_measures",
    "post",
)


def _grade(point: RiskPoint) -> None:
    """Score, level and check interval of `point` from its values and its bureau's rules.
    Raises ValidationError (by field) for a value off the scale and for a red point without
    control measures."""
    rules = selectors.rules_for(point.school)
    if point.method != Method.LEC:
        point.exposure = None
    error = selectors.scale_error(point.method, point.likelihood, point.severity, point.exposure)
    if error:
        messages = {
            "likelihood": _("The likelihood is not on the scale of this method."),
            "exposure": _("The exposure is not on the scale of the LEC method."),
            "severity": _("The consequence is not on the scale of this method."),
        }
        raise ValidationError({error: messages[error]})
    point.score = selectors.score_of(point.method, point.likelihood, point.severity, point.exposure)
    point.level = selectors.level_of(point.method, point.score, rules.thresholds)
    if point.level == Level.RED and not point.control_measures.strip():
        raise ValidationError(
            {"control_measures": _("A red (major) risk point needs its control measures.")}
        )
    point.check_interval_days = rules.intervals[point.level]
    if point.check_interval_days < 1:
        raise ValidationError(_("The check interval of this level must be at least one day."))


def _next_due(point: RiskPoint, today: datetime.date) -> datetime.date:
    start = point.last_checked_on or today
    return start + datetime.timedelta(days=point.check_interval_days)


@audit.atomic
def point_save(
    *,
    actor: User,
    school: Organisation,
    values: dict[str, Any],
    point: RiskPoint | None = None,
    today: datetime.date | None = None,
) -> RiskPoint:
    """Create (`point=None`) or change a risk point of `school`: its score, level and check
    interval follow from the values and the bureau's rules; the next check is due one
    interval after the last check (or today). A change of level or interval is in the
    audit trail with its old and new values.

    Raises `PermissionDenied` unless the actor manages risk points of the school;
    `ValidationError` for a value off the scale, a red point without control measures, or
    a post that is not a school post."""
    check_unit_permission(actor, roles.MANAGE_RISK_POINTS, school)
    today = today or timezone.localdate()
    creating = point is None
    if creating:
        point = RiskPoint(school=school, created_by=actor)
        before = {}
    else:
        point = RiskPoint.objects.select_for_update().get(pk=point.pk, school=school)
        before = {"level": point.level, "check_interval_days": point.check_interval_days}
    for name in POINT_FIELDS:
        if name in values:
            setattr(point, name, values[name])
    point.likelihood = Decimal(point.likelihood)
    point.severity = Decimal(point.severity)
    point.exposure = Decimal(point.exposure) if point.exposure is not None else None
    _grade(point)
    if creating or before["check_interval_days"] != point.check_interval_days:
        point.next_check_due = _next_due(point, today)
    point.save()
    changes = {
        field: [before.get(field), getattr(point, field)]
        for field in ("level", "check_interval_days")
        if creating or before[field] != getattr(point, field)
    }
    audit_record(
        actor=actor,
        action="risk_point.create" if creating else "risk_point.update",
        target=point,
        unit=school,
        changes=changes,
    )
    if creating or "level" in changes:
        tally.refresh([school.parent_id])  # the register's level figures (#23)
    return point


@audit.atomic
def point_check(
    *,
    actor: User,
    point: RiskPoint,
    controlled: bool,
    note: str = "",
    photos: Sequence[CleanUpload] = (),
    today: datetime.date | None = None,
) -> RiskCheck:
    """Record a check of `point`: the next check falls one interval later; "not
    controlled" (with a note saying what was found) creates a hazard linked to the check
    (inspections.services.hazard_from_risk_check).

    Raises `PermissionDenied` unless the actor checks risk points of the school;
    `ValidationError` for a retired point or "not controlled" without a note."""
    check_unit_permission(actor, roles.CHECK_RISK_POINT, point.school)
    point = RiskPoint.objects.select_for_update().select_related("school", "area").get(pk=point.pk)
    if not point.is_active:
        raise ValidationError(_("This risk point is no longer in the register."))
    if not controlled and not note.strip():
        raise ValidationError({"note": _("Say what is not under control.")})
    today = today or timezone.localdate()
    check = RiskCheck(
        point=point, checked_by=actor, checked_on=today, controlled=controlled, note=note
    )
    if photos:
        upload = photos[0]
        extension = upload.content_type.rsplit("/", 1)[-1].replace("jpeg", "jpg")
        check.photo.save(generated_name("risks", extension), upload.content, save=False)
    check.save()
    point.last_checked_on = today
    point.next_check_due = today + datetime.timedelta(days=point.check_interval_days)
    point.save(update_fields=["last_checked_on", "next_check_due", "updated_at"])
    if not controlled:
        inspection_services.hazard_from_risk_check(actor=actor, check=check, photos=photos)
    return check


def _validate_position(x: float, y: float) -> None:
    if not (0 <= x <= 1 and 0 <= y <= 1):
        raise ValidationError(_("The point must lie on the plan image."))


@audit.atomic
def point_place(*, actor: User, point: RiskPoint, x: float, y: float) -> RiskPoint:
    """Place `point` on its school's campus plan at (`x`, `y`), fractions of the image's
    width and height. Raises `ValidationError` without a plan or outside the image."""
    check_unit_permission(actor, roles.MANAGE_RISK_POINTS, point.school)
    if not CampusPlan.objects.filter(school=point.school).exists():
        raise ValidationError(_("Upload the campus plan first."))
    _validate_position(x, y)
    RiskPoint.objects.filter(pk=point.pk).update(plan_x=x, plan_y=y)
    point.plan_x, point.plan_y = x, y
    return point


@audit.atomic
def plan_upload(*, actor: User, school: Organisation, image: CleanUpload) -> CampusPlan:
    """Store (or replace) the school's campus plan, an image checked and re-encoded by
    safety.uploads; points keep their relative places."""
    check_unit_permission(actor, roles.MANAGE_RISK_POINTS, school)
    image.content.seek(0)
    with Image.open(image.content) as probe:
        size = probe.size
    image.content.seek(0)
    plan = CampusPlan.objects.filter(school=school).first() or CampusPlan(school=school)
    extension = image.content_type.rsplit("/", 1)[-1].replace("jpeg", "jpg")
    plan.image.save(generated_name("plans", extension), image.content, save=False)
    plan.width, plan.height = size
    plan.uploaded_by = actor
    plan.save()
    audit_record(actor=actor, action="campus_plan.upload", target=plan, unit=school)
    return plan


@audit.atomic
def point_review(*, actor: User, point: RiskPoint, today: datetime.date | None = None) -> RiskPoint:
    """Record the term review of `point` (its grading still holds)."""
    check_unit_permission(actor, roles.MANAGE_RISK_POINTS, point.school)
    today = today or timezone.localdate()
    RiskPoint.objects.filter(pk=point.pk).update(reviewed_on=today)
    point.reviewed_on = today
    audit_record(actor=actor, action="risk_point.review", target=point, unit=point.school)
    return point


def _report_row(point: RiskPoint) -> dict[str, Any]:
    return {
        "id": point.pk,
        "name": point.name,
        "area": point.area.name,
        "danger": point.danger,
        "level": point.level,
        "score": str(point.score),
        "control_measures": point.control_measures,
        "post": point.post.name,
    }


@audit.atomic
def report_submit(*, actor: User, school: Organisation) -> RiskReport:
    """Report the school's yellow-and-above points to its county bureau (a frozen copy, the
    next version); the county's officials are told. Raises `ValidationError` while an
    earlier list waits for acknowledgement."""
    check_unit_permission(actor, roles.MANAGE_RISK_POINTS, school)
    Organisation.objects.select_for_update().filter(pk=school.pk).first()
    last = RiskReport.objects.filter(school=school).order_by("-version").first()
    if last is not None and last.status == RiskReport.Status.SUBMITTED:
        raise ValidationError(_("The last list has not been acknowledged yet."))
    rows = [_report_row(point) for point in selectors.reportable_points(school)]
    report = RiskReport.objects.create(
        school=school,
        version=(last.version + 1) if last else 1,
        rows=rows,
        red=sum(row["level"] == Level.RED for row in rows),
        orange=sum(row["level"] == Level.ORANGE for row in rows),
        yellow=sum(row["level"] == Level.YELLOW for row in rows),
        submitted_by=actor,
        submitted_at=timezone.now(),
    )
    audit_record(actor=actor, action="risk_report.submit", target=report, unit=school)
    for official in _county_officials(school):
        notify(
            recipient=official,
            kind="risk_report",
            key=f"risk_report:{report.pk}",
            title=Message(
                gettext_lazy("Yellow-and-above risk list reported by %(school)s"),
                school=school.name,
            ),
            url=reverse("risks:report_detail", args=[report.pk]),
            unit=school,
        )
    return report


def _county_officials(school: Organisation) -> list[User]:
    """The active bureau officials of the county bureau above `school` (or of the city for
    a school directly under it)."""
    return list(
        User.objects.filter(
            unit_id=school.parent_id, role=User.Role.BUREAU_OFFICIAL, is_active=True
        )
    )


@audit.atomic
def report_acknowledge(*, actor: User, report: RiskReport, comment: str = "") -> RiskReport:
    """The county bureau acknowledges a reported list (once). Raises `PermissionDenied`
    unless the actor acknowledges lists of the school's jurisdiction, `ValidationError`
    when it is acknowledged already."""
    check_unit_permission(actor, roles.ACKNOWLEDGE_RISK_REPORT, report.school)
    updated = RiskReport.objects.filter(pk=report.pk, status=RiskReport.Status.SUBMITTED).update(
        status=RiskReport.Status.ACKNOWLEDGED,
        acknowledged_by=actor,
        acknowledged_at=timezone.now(),
        comment=comment,
    )
    if not updated:
        raise ValidationError(_("This list has been acknowledged already."))
    report.refresh_from_db()
    audit_record(actor=actor, action="risk_report.acknowledge", target=report, unit=report.school)
    notify(
        recipient=report.submitted_by,
        kind="risk_report",
        key=f"risk_report_ack:{report.pk}",
        title=Message(gettext_lazy("The county bureau acknowledged your risk list")),
        url=reverse("risks:report_detail", args=[report.pk]),
        unit=report.school,
    )
    return report


# --- the daily job -------------------------------------------------------------------------


def _leaders(school_ids: list[int]) -> list[User]:
    return list(
        User.objects.filter(
            unit_id__in=school_ids, role=User.Role.SCHOOL_LEADER, is_active=True
        ).select_related("unit")
    )


def remind_term_review(today: datetime.date) -> int:
    """Once per school per term: tell the leaders of schools with points not reviewed this
    term (the notification key carries the term, so a second run sends nothing)."""
    semester = semester_of(today)
    term, start = semester.key, semester.start
    schools = list(
        RiskPoint.objects.filter(is_active=True)
        .exclude(reviewed_on__gte=start)
        .order_by()
        .values_list("school_id", flat=True)
        .distinct()
    )
    sent = 0
    for leader in _leaders(schools):
        sent += bool(
            notify(
                recipient=leader,
                kind="risk_review",
                key=f"risk_review:{leader.unit_id}:{term}",
                title=Message(gettext_lazy("Review your school's risk points this term")),
                url=reverse("risks:point_list"),
                unit=leader.unit,
            )
        )
    return sent


def remind_due_checks(today: datetime.date) -> int:
    """Tell the leaders of a school once per missed due date of each point that its check
    is overdue (`reminded_due` is the stored marker, set conditionally). Not on holidays
    and weekends, except for red points (urgent: safety.workdays.should_remind)."""
    working = workdays.should_remind(today)
    overdue = RiskPoint.objects.filter(is_active=True, next_check_due__lt=today).exclude(
        reminded_due=F("next_check_due")
    )
    if not working:
        overdue = overdue.filter(level=Level.RED)
    sent = 0
    for point in overdue.select_related("school").order_by("pk"):
        claimed = (
            RiskPoint.objects.filter(pk=point.pk)
            .exclude(reminded_due=point.next_check_due)
            .update(reminded_due=point.next_check_due)
        )
        if not claimed:
            continue
        for leader in _leaders([point.school_id]):
            sent += bool(
                notify(
                    recipient=leader,
                    kind="risk_check_due",
                    key=f"risk_check:{point.pk}:{point.next_check_due.isoformat()}",
                    title=Message(
                        gettext_lazy("Risk point check overdue since %(date)s: %(name)s"),
                        date=MessageDate(point.next_check_due),
                        name=point.name,
                    ),
                    url=reverse("risks:point_detail", args=[point.pk]),
                    unit=point.school,
                    urgent=point.level == Level.RED,
                )
            )
    return sent


@audit.atomic
def daily_reminders(today: datetime.date | None = None) -> dict[str, int]:
    """The daily risk job: overdue checks and the term review (both "once")."""
    today = today or timezone.localdate()
    return {"checks": remind_due_checks(today), "reviews": remind_term_review(today)}


def risk_tally_refresh() -> int:
    """Recount every bureau's risk point tally (#23; see inspections.risks.tally): after a
    school moves to another bureau (the task run by `organisation_save`), after a bulk load
    (the generated city), or as a repair. Returns the tally rows written."""
    return tally.refresh()
