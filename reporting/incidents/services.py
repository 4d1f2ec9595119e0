"""Every change to incidents: reports, acknowledgement, forwarding, marks and closure.

Each function takes the acting user, checks the role permission and the jurisdiction, locks
the incident row, changes it, writes an `IncidentEvent` (the timeline) and the notifications
in the same transaction.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from pathlib import PurePosixPath
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from inspections.models import Hazard
from safety import audit, roles
from safety.access import check_unit_permission
from safety.jobs import enqueue_on_commit, requested_between
from safety.messages import Message, choice_label
from safety.models import Holder, Organisation, User
from safety.notifications import notify
from safety.pdf import render_pdf
from safety.preparedness import services as preparedness_services
from safety.services import audit_record
from safety.uploads import CleanUpload, generated_name

from . import selectors
from .models import (
    CITY_AT_ONCE,
    DEFAULT_LIMITS,
    AccountabilityAction,
    ClosureItem,
    Incident,
    IncidentAttachment,
    IncidentEvent,
    IncidentReport,
    LateExplanation,
    PersonDealtWith,
    ReportingTimeLimit,
    SchoolVeto,
    Severity,
)

Status = Incident.Status
Kind = IncidentReport.Kind

# The facts every report version carries (the form's cleaned data).
FACT_FIELDS = (
    "category",
    "severity",
    "occurred_at",
    "place",
    "deaths",
    "injured",
    "missing",
    "pupils_involved",
    "staff_involved",
    "summary",
    "what_happened",
    "measures_taken",
    "reporter_name",
    "reporter_phone",
)
# The facts the incident row keeps as its current state.
CURRENT_FIELDS = ("category", "severity", "occurred_at", "place", "deaths", "injured", "missing")
CURRENT_FIELDS += ("summary",)


# --- clocks -----------------------------------------------------------------------------


def time_limits(severity: str) -> tuple[datetime.timedelta, datetime.timedelta]:
    """(initial, written) reporting limits for a severity: the administrator's setting, or
    the defaults (1 hour for major and above, 2 hours otherwise; written within 24 hours)."""
    row = ReportingTimeLimit.objects.filter(severity=severity).first()
    initial, written = (
        (row.initial_report_minutes, row.written_report_minutes)
        if row
        else DEFAULT_LIMITS[Severity(severity)]
    )
    return datetime.timedelta(minutes=initial), datetime.timedelta(minutes=written)


def compute_deadlines(
    severity: str, occurred_at: datetime.datetime
) -> tuple[datetime.datetime, datetime.datetime]:
    """Deadlines counted from the moment of occurrence (an aware datetime, any time zone)."""
    if timezone.is_naive(occurred_at):
        raise ValueError("occurred_at must be an aware datetime")
    initial, written = time_limits(severity)
    return occurred_at + initial, occurred_at + written


# --- helpers ------------------------------------------------------------------------------


def _check_bureau(actor: User) -> None:
    """Acknowledging, forwarding, marking and closing are a bureau's steps, never a school's."""
    if not actor.is_superuser and not actor.is_bureau_user:
        raise PermissionDenied


def _locked(incident: Incident) -> Incident:
    return Incident.objects.select_for_update().select_related("school").get(pk=incident.pk)


def _event(
    incident: Incident, actor: User, action: str, from_status: str = "", comment: str = ""
) -> IncidentEvent:
    return IncidentEvent.objects.create(
        incident=incident,
        action=action,
        actor=actor,
        from_status=from_status,
        to_status=incident.status,
        comment=comment,
    )


def _store_attachments(
    incident: Incident,
    uploads: Iterable[CleanUpload],
    actor: User,
    *,
    report: IncidentReport | None = None,
    closure_item: ClosureItem | None = None,
) -> None:
    for upload in uploads:
        extension = PurePosixPath(upload.content.name).suffix.lstrip(".") or "bin"
        attachment = IncidentAttachment(
            incident=incident,
            report=report,
            closure_item=closure_item,
            original_name=upload.original_name or upload.content.name,
            content_type=upload.content_type,
            uploaded_by=actor,
        )
        attachment.file.save(generated_name("incidents", extension), upload.content, save=False)
        if upload.thumbnail is not None:
            attachment.thumbnail.save(
                generated_name("incidents/thumbs", extension), upload.thumbnail, save=False
            )
        attachment.save()


def county_bureau(school: Organisation) -> Organisation:
    """The bureau a school reports to: its parent (a county, or the city for 市直学校)."""
    return school.parent


def city_bureau(school: Organisation) -> Organisation | None:
    """The city bureau above a school (one query), or None for a unit outside any city."""
    return Organisation.objects.filter(
        path__in=school.ancestor_paths, kind=Organisation.Kind.CITY
    ).first()


def _officials(unit: Organisation | None) -> list[User]:
    if unit is None:
        return []
    return list(
        User.objects.filter(unit=unit, role=User.Role.BUREAU_OFFICIAL, is_active=True).order_by(
            "pk"
        )
    )


CLOSED_TITLE = gettext_lazy("The incident at %(school)s was closed")


def _notify_all(
    recipients: Iterable[User],
    incident: Incident,
    *,
    kind: str,
    key: str,
    title: Message,
    urgent: bool,
) -> None:
    for recipient in recipients:
        notify(
            recipient=recipient,
            kind=kind,
            key=key,
            title=title,
            body=incident.summary,
            url=incident.get_absolute_url(),
            unit=incident.school,
            urgent=urgent,
        )


def _notify_reported(incident: Incident) -> None:
    """The county at once; the city too for "larger" and above. Dedup keys make each
    official receive the alert exactly once, even when a follow-up raises the severity."""
    title = Message(
        gettext_lazy("Incident at %(school)s: %(summary)s (%(severity)s)"),
        school=incident.school.name,
        summary=incident.summary,
        severity=choice_label(incident, "severity"),
    )
    recipients = _officials(county_bureau(incident.school))
    if incident.severity in CITY_AT_ONCE:
        city = city_bureau(incident.school)
        if city is not None and city != county_bureau(incident.school):
            recipients += _officials(city)
    _notify_all(
        recipients,
        incident,
        kind="incident.reported",
        key=f"incident:{incident.pk}",
        title=title,
        urgent=True,
    )


def _apply_facts(incident: Incident, facts: dict[str, Any]) -> bool:
    """Copy the current facts; recompute the clocks when severity or time changed."""
    changed_clock = (
        incident.severity != facts["severity"] or incident.occurred_at != facts["occurred_at"]
    )
    for field in CURRENT_FIELDS:
        setattr(incident, field, facts[field])
    if changed_clock:
        incident.initial_deadline, incident.written_deadline = compute_deadlines(
            incident.severity, incident.occurred_at
        )
    return changed_clock


def _new_report(
    incident: Incident, kind: str, facts: dict[str, Any], actor: User, now: datetime.datetime
) -> IncidentReport:
    number = incident.reports.count() + 1
    return IncidentReport.objects.create(
        incident=incident,
        number=number,
        kind=kind,
        submitted_by=actor,
        submitted_at=now,
        **{field: facts.get(field) or _default(field) for field in FACT_FIELDS},
    )


def _default(field: str) -> Any:
    return (
        0 if field in ("deaths", "injured", "missing", "pupils_involved", "staff_involved") else ""
    )


def _check_occurred_at(facts: dict[str, Any], now: datetime.datetime) -> None:
    if facts["occurred_at"] > now + datetime.timedelta(minutes=5):
        raise ValidationError({"occurred_at": _("The time of occurrence cannot be in the future.")})


def flag_plans_for_review(actor: User | None, incident: Incident) -> list:
    """The incident flags the school's current emergency plan for its category's scenarios
    for review (Scenario.incident_categories), once per incident and plan."""
    category = choice_label(incident, "category")
    return preparedness_services.plans_flag_for_incident(
        actor=actor,
        unit=incident.school,
        category=incident.category,
        key=f"incident:{incident.pk}",
        reason=_("Incident of %(day)s (%(category)s): %(summary)s")
        % {
            "day": timezone.localtime(incident.occurred_at).strftime("%Y-%m-%d"),
            "category": category,
            "summary": incident.summary,
        },
        url=incident.get_absolute_url(),
    )


# --- reports ------------------------------------------------------------------------------


@audit.atomic
def incident_report(
    *, actor: User, facts: dict[str, Any], attachments: Iterable[CleanUpload] = ()
) -> Incident:
    """A school files its initial report (初报). The county is alerted at once.

    Preconditions: the actor belongs to an active school and may report incidents.
    Raises `PermissionDenied` otherwise, `ValidationError` for a time of occurrence in the
    future. Returns the new incident (status reported, clocks set).
    """
    school = actor.unit
    if school is None or not school.is_school or not school.is_active:
        raise PermissionDenied
    check_unit_permission(actor, roles.REPORT_INCIDENT, school)
    now = timezone.now()
    _check_occurred_at(facts, now)
    incident = Incident(
        school=school,
        source=Incident.Source.SCHOOL,
        status=Status.REPORTED,
        school_reported_at=now,
        created_by=actor,
    )
    incident.severity = ""
    _apply_facts(incident, facts)
    incident.save()
    report = _new_report(incident, Kind.INITIAL, facts, actor, now)
    _store_attachments(incident, attachments, actor, report=report)
    _event(incident, actor, IncidentEvent.Action.REPORTED)
    _notify_reported(incident)
    request_late_explanation(actor, incident, now)
    flag_plans_for_review(actor, incident)
    return incident


@audit.atomic
def incident_record(
    *,
    actor: User,
    school: Organisation,
    source_note: str,
    facts: dict[str, Any],
    attachments: Iterable[CleanUpload] = (),
) -> Incident:
    """A bureau records an incident it learned of another way (e.g. from a hospital) and
    links it to the school. Until the school reports it, the incident counts as missed (漏报).

    Raises `PermissionDenied` unless the actor is an official whose jurisdiction holds the
    school, `ValidationError` for a unit that is not a school or a future time. Returns the
    new incident; the county (and the city for "larger" and above) and the school's leaders
    are alerted at once.
    """
    _check_bureau(actor)
    check_unit_permission(actor, roles.REPORT_INCIDENT, school)
    if not school.is_school:
        raise ValidationError({"school": _("Choose a school.")})
    now = timezone.now()
    _check_occurred_at(facts, now)
    incident = Incident(
        school=school,
        source=Incident.Source.BUREAU,
        source_note=source_note,
        status=Status.REPORTED,
        created_by=actor,
    )
    incident.severity = ""
    _apply_facts(incident, facts)
    incident.save()
    report = _new_report(incident, Kind.BUREAU_RECORD, facts, actor, now)
    _store_attachments(incident, attachments, actor, report=report)
    _event(incident, actor, IncidentEvent.Action.RECORDED, comment=source_note)
    _notify_reported(incident)
    flag_plans_for_review(actor, incident)
    title = Message(gettext_lazy("The bureau recorded an incident at your school: report it now"))
    leaders = User.objects.filter(unit=school, role=User.Role.SCHOOL_LEADER, is_active=True)
    _notify_all(
        leaders,
        incident,
        kind="incident.recorded",
        key=f"incident:{incident.pk}",
        title=title,
        urgent=True,
    )
    return incident


def _check_report_allowed(
    incident: Incident, kind: str, facts: dict[str, Any], now: datetime.datetime
) -> None:
    if incident.is_closed:
        raise ValidationError(_("The incident is closed; no more reports can be added."))
    if kind == Kind.WRITTEN and incident.written_reported_at is not None:
        raise ValidationError(_("The written report has already been submitted."))
    _check_occurred_at(facts, now)


@audit.atomic
def incident_add_report(
    *,
    actor: User,
    incident: Incident,
    kind: str,
    facts: dict[str, Any],
    attachments: Iterable[CleanUpload] = (),
) -> IncidentReport:
    """A follow-up (续报) or the written report (书面报告): a new frozen version.

    A school's first report on an incident a bureau recorded is its (late) initial report.
    Raises `PermissionDenied` outside the actor's jurisdiction or role, `ValidationError` on a
    closed incident, a second written report or an unknown kind. Returns the new version.
    """
    if kind not in (Kind.FOLLOW_UP, Kind.WRITTEN):
        raise ValidationError(_("Unknown report kind."))
    incident = _locked(incident)
    check_unit_permission(actor, roles.REPORT_INCIDENT, incident.school)
    now = timezone.now()
    _check_report_allowed(incident, kind, facts, now)
    was_city_at_once = incident.severity in CITY_AT_ONCE
    category_before = incident.category  # a corrected category flags its plans too
    _apply_facts(incident, facts)
    by_school = actor.unit_id == incident.school_id
    if by_school and incident.school_reported_at is None:
        incident.school_reported_at = now
    if kind == Kind.WRITTEN:
        incident.written_reported_at = now
    incident.revision += 1
    incident.save()
    report = _new_report(incident, kind, facts, actor, now)
    _store_attachments(incident, attachments, actor, report=report)
    action = (
        IncidentEvent.Action.WRITTEN if kind == Kind.WRITTEN else IncidentEvent.Action.FOLLOW_UP
    )
    _event(incident, actor, action, from_status=incident.status)
    if incident.category != category_before:
        flag_plans_for_review(actor, incident)
    request_late_explanation(actor, incident, now)
    if not was_city_at_once and incident.severity in CITY_AT_ONCE:
        _notify_reported(incident)  # escalated: the city hears of it now, once
    title = Message(
        gettext_lazy("%(kind)s on the incident at %(school)s"),
        kind=choice_label(report, "kind"),
        school=incident.school.name,
    )
    recipients = _officials(county_bureau(incident.school))
    if incident.severity in CITY_AT_ONCE or incident.forwarded_at:
        city = city_bureau(incident.school)
        if city is not None and city != county_bureau(incident.school):
            recipients += _officials(city)
    _notify_all(
        recipients,
        incident,
        kind="incident.report_added",
        key=f"incident:{incident.pk}:v{report.number}",
        title=title,
        urgent=True,
    )
    return report


# --- the bureau's steps -----------------------------------------------------------------


@audit.atomic
def incident_acknowledge(*, actor: User, incident: Incident, comment: str = "") -> Incident:
    """The county bureau confirms it has received the report (接报).

    Raises `PermissionDenied` unless an official of the jurisdiction, `ValidationError` unless
    the incident is newly reported. Returns the incident, now acknowledged.
    """
    incident = _locked(incident)
    _check_bureau(actor)
    check_unit_permission(actor, roles.ACKNOWLEDGE_INCIDENT, incident.school)
    if incident.status != Status.REPORTED:
        raise ValidationError(_("Only a newly reported incident can be acknowledged."))
    incident.status = Status.ACKNOWLEDGED
    incident.acknowledged_at = timezone.now()
    incident.acknowledged_by = actor
    incident.revision += 1
    incident.save()
    _event(incident, actor, IncidentEvent.Action.ACKNOWLEDGED, Status.REPORTED, comment)
    title = Message(gettext_lazy("The county bureau acknowledged your incident report"))
    if incident.created_by.unit_id == incident.school_id:
        _notify_all(
            [incident.created_by],
            incident,
            kind="incident.acknowledged",
            key=f"incident:{incident.pk}",
            title=title,
            urgent=False,
        )
    return incident


@audit.atomic
def incident_forward(*, actor: User, incident: Incident, comment: str = "") -> Incident:
    """The county bureau reports the incident on to the city bureau.

    Raises `PermissionDenied` unless an official of the jurisdiction, `ValidationError` for a
    city-direct school or an incident not yet acknowledged. Returns the incident, forwarded.
    """
    incident = _locked(incident)
    _check_bureau(actor)
    check_unit_permission(actor, roles.ACKNOWLEDGE_INCIDENT, incident.school)
    county = county_bureau(incident.school)
    if county.kind != Organisation.Kind.COUNTY:
        raise ValidationError(_("This school reports to the city bureau directly."))
    if incident.status != Status.ACKNOWLEDGED:
        raise ValidationError(_("Acknowledge the incident before forwarding it."))
    incident.status = Status.FORWARDED
    incident.forwarded_at = timezone.now()
    incident.revision += 1
    incident.save()
    _event(incident, actor, IncidentEvent.Action.FORWARDED, Status.ACKNOWLEDGED, comment)
    title = Message(
        gettext_lazy("%(county)s forwarded an incident at %(school)s"),
        county=county.name,
        school=incident.school.name,
    )
    _notify_all(
        _officials(city_bureau(incident.school)),
        incident,
        kind="incident.forwarded",
        key=f"incident:{incident.pk}",
        title=title,
        urgent=False,
    )
    return incident


@audit.atomic
def incident_mark_concealed(*, actor: User, incident: Incident, reason: str) -> Incident:
    """An official records that facts were withheld (瞒报). The reason is required.

    Raises `PermissionDenied` unless an official of the jurisdiction may close incidents,
    `ValidationError` without a reason or when already marked. Returns the incident.
    """
    incident = _locked(incident)
    _check_bureau(actor)
    check_unit_permission(actor, roles.CLOSE_INCIDENT, incident.school)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say which facts were withheld.")})
    if incident.concealed_at is not None:
        raise ValidationError(_("The incident is already marked as concealed."))
    incident.concealed_at = timezone.now()
    incident.concealed_by = actor
    incident.concealed_reason = reason
    incident.revision += 1
    incident.save()
    _event(incident, actor, IncidentEvent.Action.CONCEALED, incident.status, reason)
    return incident


def _locked_open_for_closure(actor: User, incident: Incident) -> Incident:
    """The incident locked for a step of the four items: an official of the jurisdiction
    who may close incidents (`PermissionDenied`), on an open incident (`ValidationError`)."""
    incident = _locked(incident)
    _check_bureau(actor)
    check_unit_permission(actor, roles.CLOSE_INCIDENT, incident.school)
    if incident.is_closed:
        raise ValidationError(_("The incident is already closed."))
    return incident


def missing_closure_items(incident: Incident) -> list[str]:
    """The "four not let go" items not yet recorded, in order (their kind values)."""
    present = set(incident.closure_items.values_list("kind", flat=True))
    return [kind for kind in ClosureItem.Kind.values if kind not in present]


def _check_closure_item(
    actor: User,
    incident: Incident,
    kind: str,
    text: str,
    people: str,
    held_on: datetime.date | None,
    hazard_ids: set[int],
) -> None:
    """Raise ValidationError naming every missing detail of a closure item."""
    errors = {}
    if not (text or "").strip():
        errors["text"] = _("Describe what was done.")
    if kind in (ClosureItem.Kind.ACCOUNTABILITY, ClosureItem.Kind.EDUCATION) and not people:
        errors["people"] = _("Name the people concerned.")
    if kind == ClosureItem.Kind.EDUCATION and held_on is None:
        errors["held_on"] = _("Give the date of the education.")
    if hazard_ids and (
        kind != ClosureItem.Kind.RECTIFICATION
        or Hazard.objects.visible_to(actor)
        .filter(pk__in=hazard_ids, school_id=incident.school_id)
        .count()
        != len(hazard_ids)
    ):
        errors["hazards"] = _("Choose hazards of this school only.")
    if errors:
        raise ValidationError(errors)


@audit.atomic
def closure_item_record(
    *,
    actor: User,
    incident: Incident,
    kind: str,
    text: str,
    people: str = "",
    held_on: datetime.date | None = None,
    attachments: Iterable[CleanUpload] = (),
    hazards: Iterable[Hazard] = (),
) -> ClosureItem:
    """Record one of the four items; a later record of the same kind supersedes it.

    A rectification item may link hazards of the incident's school that the actor can see.
    Raises `PermissionDenied` unless an official of the jurisdiction may close incidents,
    `ValidationError` on a closed incident or missing details. Returns the new item.
    """
    incident = _locked_open_for_closure(actor, incident)
    if kind not in ClosureItem.Kind.values:
        raise ValidationError(_("Unknown closure item."))
    hazard_ids = {hazard.pk for hazard in hazards}
    _check_closure_item(actor, incident, kind, text, people, held_on, hazard_ids)
    item = ClosureItem.objects.create(
        incident=incident,
        kind=kind,
        text=text.strip(),
        people=people.strip(),
        held_on=held_on,
        recorded_by=actor,
    )
    if hazard_ids:
        item.hazards.set(hazard_ids)
    _store_attachments(incident, attachments, actor, closure_item=item)
    incident.revision += 1
    incident.save(update_fields=["revision"])
    _event(
        incident,
        actor,
        IncidentEvent.Action.CLOSURE_ITEM,
        incident.status,
        str(item.get_kind_display()),
    )
    return item


@audit.atomic
def incident_close(
    *, actor: User, incident: Incident, is_liability: bool, comment: str = ""
) -> Incident:
    """Close (结案) an acknowledged incident once all four items are recorded.

    A liability incident (责任事故) puts the school under the one-vote veto for the calendar
    year in which the incident occurred (one row per school and year). Raises
    `PermissionDenied` unless an official of the jurisdiction may close incidents,
    `ValidationError` (code "closure_incomplete") while an item is missing or the incident is
    not acknowledged and open. Returns the closed incident.
    """
    incident = _locked(incident)
    _check_bureau(actor)
    check_unit_permission(actor, roles.CLOSE_INCIDENT, incident.school)
    if incident.status not in (Status.ACKNOWLEDGED, Status.FORWARDED):
        raise ValidationError(_("Only an acknowledged, open incident can be closed."))
    missing = missing_closure_items(incident)
    if missing:
        labels = [str(ClosureItem.Kind(kind).label) for kind in missing]
        raise ValidationError(
            _("The incident cannot be closed yet. Still missing: %(items)s.")
            % {"items": "、".join(labels)},
            code="closure_incomplete",
        )
    old = incident.status
    incident.status = Status.CLOSED
    incident.closed_at = timezone.now()
    incident.closed_by = actor
    incident.is_liability = is_liability
    incident.revision += 1
    incident.save()
    _event(incident, actor, IncidentEvent.Action.CLOSED, old, comment)
    if is_liability:
        _veto_school(actor, incident)
    _notify_leaders_of_closure(incident)
    return incident


def _veto_school(actor: User, incident: Incident) -> None:
    """One-vote veto (一票否决) for the calendar year the liability incident occurred in."""
    year = timezone.localtime(incident.occurred_at).year
    veto, created = SchoolVeto.objects.get_or_create(
        school=incident.school,
        year=year,
        defaults={"incident": incident, "created_by": actor},
    )
    if created:
        audit_record(
            actor=actor,
            action="reporting.veto",
            target=veto,
            unit=incident.school,
            changes={"incident": str(incident.pk), "year": str(year)},
        )


def _notify_leaders_of_closure(incident: Incident) -> None:
    title = Message(CLOSED_TITLE, school=incident.school.name)
    leaders = User.objects.filter(
        unit=incident.school, role=User.Role.SCHOOL_LEADER, is_active=True
    )
    _notify_all(
        leaders,
        incident,
        kind="incident.closed",
        key=f"incident:{incident.pk}",
        title=title,
        urgent=False,
    )


# --- accountability: the people dealt with (责任追究, issue #19) ---------------------------


def _check_person_dealt_with(
    actor: User,
    incident: Incident,
    holder: Holder,
    action: AccountabilityAction,
    dealt_on: datetime.date | None,
) -> None:
    """Raise ValidationError naming every refused detail of a person dealt with."""
    errors = {}
    if not selectors.dealt_with_candidates(actor, incident).filter(pk=holder.pk).exists():
        errors["holder"] = _(
            "Choose an active responsibility holder of the school or of its bureau."
        )
    if not action.is_active:
        errors["action"] = _("This action is no longer offered; choose another.")
    occurred_on = timezone.localtime(incident.occurred_at).date()
    if dealt_on is None:
        errors["dealt_on"] = _("Give the date of the decision.")
    elif dealt_on > timezone.localdate():
        errors["dealt_on"] = _("The date of the decision cannot be in the future.")
    elif dealt_on < occurred_on:
        errors["dealt_on"] = _("The decision cannot precede the incident.")
    if not errors and incident.people_dealt_with.filter(holder=holder, action=action).exists():
        errors["holder"] = _("This person is already recorded with this action.")
    if errors:
        raise ValidationError(errors)


@audit.atomic
def person_dealt_with_record(
    *,
    actor: User,
    incident: Incident,
    holder: Holder,
    action: AccountabilityAction,
    dealt_on: datetime.date | None,
    note: str = "",
) -> PersonDealtWith:
    """Link a responsibility holder dealt with after the incident, with the action taken.

    The structured part of the "responsible people dealt with" item (the item's text stays):
    recorded by the officials who record the four items (CLOSE_INCIDENT in the jurisdiction),
    while the incident is open. The holder is an active holder of the incident's school or of
    the bureau the school reports to, visible to the actor; the action an offered one of the
    setting list; the date between the incident's day and today (local). Once the incident
    is closed as a liability incident the person is barred from honours for its year.
    Raises `PermissionDenied` (not an official of the jurisdiction), `ValidationError` (closed
    incident, refused holder/action/date, the same person and action twice). Returns the row.
    """
    incident = _locked_open_for_closure(actor, incident)
    _check_person_dealt_with(actor, incident, holder, action, dealt_on)
    record = PersonDealtWith.objects.create(
        incident=incident,
        holder=holder,
        action=action,
        dealt_on=dealt_on,
        note=(note or "").strip(),
        recorded_by=actor,
    )
    incident.revision += 1
    incident.save(update_fields=["revision"])
    comment = f"{holder.name}（{holder.unit.name}）：{action.name}"
    _event(incident, actor, IncidentEvent.Action.PERSON_DEALT_WITH, incident.status, comment)
    return record


@audit.atomic
def person_dealt_with_remove(*, actor: User, record: PersonDealtWith) -> None:
    """Remove a person recorded by mistake, while the incident is open (the timeline keeps
    both steps). Raises `PermissionDenied` as `person_dealt_with_record`, `ValidationError`
    once the incident is closed."""
    incident = _locked_open_for_closure(actor, record.incident)
    comment = f"{record.holder.name}：{record.action.name}"
    record.delete()
    incident.revision += 1
    incident.save(update_fields=["revision"])
    _event(
        incident, actor, IncidentEvent.Action.PERSON_DEALT_WITH_REMOVED, incident.status, comment
    )


# --- the written explanation of a late report (情况说明, issue #19) ----------------------

EXPLANATION_TITLES = {
    "requested": gettext_lazy("A written explanation of the late report is due from %(school)s"),
    "submitted": gettext_lazy("%(school)s submitted its explanation of the late report"),
    "accepted": gettext_lazy("The county accepted the explanation of the late report"),
    "returned": gettext_lazy("The county returned the explanation of the late report"),
}


def _notify_explanation(incident: Incident, recipients: Iterable[User], step: str) -> None:
    _notify_all(
        recipients,
        incident,
        kind=f"incident.explanation_{step}",
        key=f"incident:{incident.pk}:explanation:{step}:{incident.revision}",
        title=Message(EXPLANATION_TITLES[step], school=incident.school.name),
        urgent=False,
    )


def _school_reporters(incident: Incident) -> list[User]:
    """The school's leaders and the person who filed the incident, if a school account."""
    people = list(
        User.objects.filter(
            unit=incident.school, role=User.Role.SCHOOL_LEADER, is_active=True
        ).order_by("pk")
    )
    creator = incident.created_by
    if creator.unit_id == incident.school_id and creator not in people:
        people.append(creator)
    return people


def request_late_explanation(
    actor: User, incident: Incident, now: datetime.datetime
) -> LateExplanation | None:
    """Ask the school for a written explanation once its report is late (迟报): called by the
    report services after a report is stored. Does nothing for a bureau's report, while the
    school's reports are on time, or when one was already requested. Returns the new request,
    or None. The school's leaders and the reporter are notified."""
    if actor.unit_id != incident.school_id or not incident.is_late(now):
        return None
    if LateExplanation.objects.filter(incident=incident).exists():
        return None
    explanation = LateExplanation.objects.create(incident=incident)
    _event(incident, actor, IncidentEvent.Action.EXPLANATION_REQUESTED, incident.status)
    _notify_explanation(incident, _school_reporters(incident), "requested")
    return explanation


def _locked_explanation(incident: Incident) -> tuple[Incident, LateExplanation]:
    incident = _locked(incident)
    try:
        return incident, LateExplanation.objects.select_for_update().get(incident=incident)
    except LateExplanation.DoesNotExist as missing:
        raise ValidationError(_("No explanation was requested for this incident.")) from missing


@audit.atomic
def late_explanation_submit(
    *, actor: User, incident: Incident, text: str, document: CleanUpload | None = None
) -> LateExplanation:
    """The school submits (or, once returned, revises) its written explanation: the text and
    a signed document (a PDF or photo checked by `safety.uploads`; required the first time,
    the previous one stays when a revision brings none). The county's officials are notified.

    Raises `PermissionDenied` unless a reporting account of the incident's school,
    `ValidationError` without text or document, or unless requested or returned.
    """
    incident, explanation = _locked_explanation(incident)
    if actor.unit_id != incident.school_id:
        raise PermissionDenied
    check_unit_permission(actor, roles.REPORT_INCIDENT, incident.school)
    if not explanation.awaits_school:
        raise ValidationError(_("The explanation is not waiting for the school."))
    errors = {}
    if not (text or "").strip():
        errors["text"] = _("Explain why the report was late.")
    if document is None and not explanation.file:
        errors["document"] = _("Attach the signed explanation (PDF or photo).")
    if errors:
        raise ValidationError(errors)
    if document is not None:
        extension = PurePosixPath(document.content.name or "").suffix.lstrip(".") or "bin"
        explanation.file.save(
            generated_name("incidents/explanations", extension), document.content, save=False
        )
        explanation.original_name = document.original_name or document.content.name or ""
        explanation.content_type = document.content_type
    explanation.text = text.strip()
    explanation.status = LateExplanation.Status.SUBMITTED
    explanation.submitted_at = timezone.now()
    explanation.submitted_by = actor
    explanation.save()
    incident.revision += 1
    incident.save(update_fields=["revision"])
    _event(incident, actor, IncidentEvent.Action.EXPLANATION_SUBMITTED, incident.status)
    _notify_explanation(incident, _officials(county_bureau(incident.school)), "submitted")
    return explanation


@audit.atomic
def late_explanation_decide(
    *, actor: User, incident: Incident, accept: bool, comment: str = ""
) -> LateExplanation:
    """The county accepts the submitted explanation, or returns it with a comment (required)
    for the school to revise. The submitter is notified.

    Raises `PermissionDenied` unless an official of the jurisdiction who acknowledges
    incidents, `ValidationError` unless submitted or when returning without a comment.
    """
    incident, explanation = _locked_explanation(incident)
    _check_bureau(actor)
    check_unit_permission(actor, roles.ACKNOWLEDGE_INCIDENT, incident.school)
    if explanation.status != LateExplanation.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted explanation can be accepted or returned."))
    comment = (comment or "").strip()
    if not accept and not comment:
        raise ValidationError({"comment": _("Say what the school should revise.")})
    explanation.status = (
        LateExplanation.Status.ACCEPTED if accept else LateExplanation.Status.RETURNED
    )
    explanation.comment = comment
    explanation.decided_at = timezone.now()
    explanation.decided_by = actor
    explanation.save()
    incident.revision += 1
    incident.save(update_fields=["revision"])
    action = (
        IncidentEvent.Action.EXPLANATION_ACCEPTED
        if accept
        else IncidentEvent.Action.EXPLANATION_RETURNED
    )
    _event(incident, actor, action, incident.status, comment)
    step = "accepted" if accept else "returned"
    _notify_explanation(incident, [explanation.submitted_by], step)
    return explanation


# --- the incident file (PDF) --------------------------------------------------------------


@audit.atomic
def incident_file_request(*, actor: User, incident: Incident) -> bool:
    """Queue the rendering of the incident file unless the stored one is current.

    Raises `PermissionDenied` outside the actor's jurisdiction. Returns whether a task was
    queued (after commit, by name: "reporting.render_incident_file").
    """
    check_unit_permission(actor, roles.VIEW_JURISDICTION, incident.school)
    if incident.file_pdf_is_current:
        return False
    Incident.objects.filter(pk=incident.pk).update(file_pdf_requested_at=timezone.now())
    enqueue_on_commit("reporting.render_incident_file", incident.pk)
    return True


def stalled_incident_files(
    requested_before: datetime.datetime, requested_after: datetime.datetime
) -> list[tuple[int]]:
    """The incidents whose file was requested in that window and is not current: the
    arguments for "reporting.render_incident_file" (safety.jobs sweeps them)."""
    pending = Incident.objects.exclude(file_pdf_revision=F("revision"), file_pdf__gt="")
    return requested_between(pending, "file_pdf_requested_at", requested_before, requested_after)


def incident_file_render(incident_id: int) -> bool:
    """Render the full incident file in Chinese and store it with the revision it shows."""
    incident = Incident.objects.select_related("school", "school__parent").get(pk=incident_id)
    if incident.file_pdf_is_current:
        return False
    revision = incident.revision
    pdf = render_pdf(
        "reporting/incidents/pdf/incident_file.html", selectors.incident_file_context(incident)
    )
    name = generated_name("incident-files", "pdf")
    incident.file_pdf.save(name, ContentFile(pdf), save=False)
    # Only store it if nothing changed while rendering (the revision is the version shown).
    updated = Incident.objects.filter(pk=incident.pk, revision=revision).update(
        file_pdf=incident.file_pdf.name, file_pdf_revision=revision
    )
    return bool(updated)
