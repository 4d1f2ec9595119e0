"""Every change to education records, term plans, settings and legal vice-principal
appointments; each runs in `audit.atomic` and checks the actor's permission first."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from safety import audit, roles, workdays
from safety.access import check_unit_permission
from safety.messages import Message, MessageDate
from safety.models import Organisation, User
from safety.notifications import notify
from safety.services import audit_record
from safety.uploads import CleanUpload, generated_name

from . import summaries
from .models import EducationRecord, EducationSettings, LegalVicePrincipal, TermPlan, term_of

# Appointments ending within this many days remind the school's leaders (once).
TERM_END_REMINDER_DAYS = 30


def _require_school(school: Organisation) -> None:
    if not school.is_school:
        raise ValidationError(gettext_lazy("Choose a school."))


@audit.atomic
def record_create(
    *,
    actor: User,
    school: Organisation,
    fields: dict[str, Any],
    material: CleanUpload | None = None,
) -> EducationRecord:
    """Record an education activity held at `school`.

    Raises `PermissionDenied` unless the actor records education in the school's
    jurisdiction; `ValidationError` for a legal vice-principal of another school or more
    receipts than letters.
    """
    check_unit_permission(actor, roles.RECORD_EDUCATION, school)
    _require_school(school)
    record = EducationRecord(school=school, recorded_by=actor, **fields)
    vp = record.legal_vice_principal
    if vp is not None and vp.school_id != school.pk:
        raise ValidationError(gettext_lazy("Choose a legal vice-principal of this school."))
    if record.receipts_returned > record.letters_sent:
        raise ValidationError(gettext_lazy("More receipts than letters sent."))
    if material is not None:
        extension = material.content_type.rsplit("/", 1)[-1].replace("jpeg", "jpg")
        record.material.save(generated_name("education", extension), material.content, save=False)
        record.material_name = material.original_name[:200]
    record.save()
    summaries.refresh(term_of(record.held_on), [school.pk])  # the school's term (#23)
    audit_record(
        actor=actor,
        action="education.record",
        target=record,
        unit=school,
        changes={"topic": record.topic, "held_on": str(record.held_on)},
    )
    return record


@audit.atomic
def plan_save(*, actor: User, school: Organisation, term: str, fields: dict[str, Any]) -> TermPlan:
    """Create or replace the school's plan for `term`."""
    check_unit_permission(actor, roles.RECORD_EDUCATION, school)
    _require_school(school)
    plan, _created = TermPlan.objects.select_for_update().get_or_create(
        school=school, term=term, defaults={"classes": "", "updated_by": actor}
    )
    for name, value in fields.items():
        setattr(plan, name, value)
    plan.updated_by = actor
    plan.save()
    audit_record(actor=actor, action="education.plan", target=plan, unit=school)
    return plan


@audit.atomic
def settings_save(*, actor: User, bureau: Organisation, min_hours_per_pupil) -> EducationSettings:
    """Set a bureau's minimum hours of safety education per pupil per term."""
    check_unit_permission(actor, roles.SET_EDUCATION_MINIMUM, bureau)
    if not bureau.is_bureau:
        raise ValidationError(gettext_lazy("Only a bureau sets the minimum."))
    row, _created = EducationSettings.objects.select_for_update().get_or_create(unit=bureau)
    row.min_hours_per_pupil = min_hours_per_pupil
    row.save()
    audit_record(
        actor=actor,
        action="education.settings",
        target=row,
        unit=bureau,
        changes={"min_hours_per_pupil": str(min_hours_per_pupil)},
    )
    return row


@audit.atomic
def legal_vp_appoint(
    *, actor: User | None, school: Organisation, fields: dict[str, Any]
) -> LegalVicePrincipal:
    """Appoint a legal vice-principal (法制副校长) to `school` for a term of office.

    Raises `PermissionDenied` unless the actor manages the school's responsibilities;
    `ValidationError` when the term ends before it starts or overlaps a current appointment.
    """
    check_unit_permission(actor, roles.MANAGE_RESPONSIBILITIES, school)
    _require_school(school)
    appointment = LegalVicePrincipal(school=school, created_by=actor, **fields)
    if appointment.ends_on < appointment.starts_on:
        raise ValidationError(gettext_lazy("The term of office ends before it starts."))
    overlapping = LegalVicePrincipal.objects.filter(
        school=school, starts_on__lte=appointment.ends_on, ends_on__gte=appointment.starts_on
    )
    if overlapping.exists():
        raise ValidationError(
            gettext_lazy("The school already has a legal vice-principal for these dates.")
        )
    appointment.save()
    audit_record(
        actor=actor,
        action="education.legal_vp_appoint",
        target=appointment,
        unit=school,
        changes={"name": appointment.name, "organisation": appointment.organisation},
    )
    return appointment


def legal_vp_remind_term_end(*, today: datetime.date | None = None) -> int:
    """Remind each school's leaders once that their legal vice-principal's term of office
    ends within TERM_END_REMINDER_DAYS days. Returns the number of appointments reminded; a
    second run sends nothing (`reminded_at` is set by a conditional update). On a day that
    is not a working day (#20, `workdays.should_remind`) only a term ending that day is
    urgent; the others stay unclaimed for the next working day's run."""
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=TERM_END_REMINDER_DAYS)
    if not workdays.should_remind(today):
        horizon = today
    due = list(
        LegalVicePrincipal.objects.filter(
            reminded_at__isnull=True, ends_on__gte=today, ends_on__lte=horizon
        ).select_related("school")
    )
    reminded = 0
    for appointment in due:
        with audit.atomic():
            claimed = LegalVicePrincipal.objects.filter(
                pk=appointment.pk, reminded_at__isnull=True
            ).update(reminded_at=timezone.now())
            if not claimed:
                continue
            reminded += 1
            leaders = User.objects.filter(
                Q(role=User.Role.SCHOOL_LEADER), unit=appointment.school, is_active=True
            )
            for leader in leaders:
                notify(
                    recipient=leader,
                    kind="legal_vp_term_end",
                    key=f"legal_vp:{appointment.pk}",
                    title=Message(
                        gettext_lazy(
                            "The legal vice-principal %(name)s's term of office ends on %(day)s"
                        ),
                        name=appointment.name,
                        day=MessageDate(appointment.ends_on),
                    ),
                    url=reverse("education:coverage_school", args=[appointment.school_id]),
                    unit=appointment.school,
                )
    return reminded


def education_summaries_refresh() -> int:
    """Rewrite every school's term education summaries from its records (#23; see
    safety.education.summaries): for `manage.py refresh_education_summaries` and the
    generated city. Returns the rows written."""
    return summaries.refresh_all()
