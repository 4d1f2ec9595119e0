"""Every state change of the rectification orders (issue #18): issue (numbered), reply with
evidence, accept or return, escalate once when overdue."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from pathlib import PurePosixPath
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safety import audit, notifications, roles, workdays
from safety.access import check_unit_permission
from safety.messages import Message, MessageDate
from safety.models import Organisation, User
from safety.services import audit_record
from safety.uploads import CleanUpload, generated_name

from .models import (
    DEFAULT_NUMBER_FORMAT,
    DEFAULT_TERM_DAYS,
    OrderEvidence,
    OrderReply,
    OrderSettings,
)
from .models import RectificationOrder as Order

SCHOOL_ROLES = (User.Role.SCHOOL_STAFF, User.Role.SCHOOL_LEADER)


def format_number(settings: OrderSettings | None, bureau: Organisation, year: int, seq: int) -> str:
    """The document number: the bureau's format with {prefix}, {year} and {seq} (three
    digits) replaced; without settings, the default format with the bureau's name."""
    pattern = settings.number_format if settings else DEFAULT_NUMBER_FORMAT
    prefix = settings.prefix if settings else bureau.name
    return (
        pattern.replace("{prefix}", prefix)
        .replace("{year}", str(year))
        .replace("{seq}", f"{seq:03d}")
    )[:80]


SOURCE_FIELDS = {
    Order.Source.HAZARD: "hazard",
    Order.Source.INCIDENT: "incident",
    Order.Source.SPOT_CHECK: "inspection",
    Order.Source.CAMPAIGN: "campaign_task",
}


def _tell_issued(order: Order) -> None:
    """The person to reply hears at once, through the urgent channel."""
    notifications.notify(
        recipient=order.responder,
        kind="order_issued",
        key=f"order:{order.pk}",
        title=Message(gettext_lazy("Rectification order %(number)s"), number=order.number),
        body=Message(
            gettext_lazy("%(bureau)s orders rectification by %(deadline)s; reply with evidence."),
            bureau=order.bureau.name,
            deadline=MessageDate(order.deadline),
        ),
        url=reverse("orders:detail", args=[order.pk]),
        unit=order.school,
        urgent=True,
    )


@audit.atomic
def order_issue(
    *,
    actor: User,
    source: str,
    record: Any,
    problems: str,
    legal_basis: str,
    deadline: datetime.date,
    responder: User,
    requirements: str = "",
) -> Order:
    """Issue a numbered order of the actor's bureau to the school of `record` (a hazard, an
    incident, a spot-check inspection or a campaign task). Numbers follow one another per
    bureau and year (the bureau's row is locked while numbering).

    Raises `PermissionDenied` unless the actor is an official of a bureau above the school;
    `ValidationError` for a deadline before today or a person to reply outside the school."""
    bureau = actor.unit
    school = record.school
    check_unit_permission(actor, roles.SUPERVISE, school)
    if bureau is None or bureau.is_school or source not in SOURCE_FIELDS:
        raise PermissionDenied
    if deadline < timezone.localdate():
        raise ValidationError({"deadline": _("The deadline cannot be before today.")})
    if responder.unit_id != school.pk or not responder.is_active:
        raise ValidationError({"responder": _("Choose a person of the school.")})
    Organisation.objects.select_for_update().filter(pk=bureau.pk).first()
    year = timezone.localdate().year
    last = Order.objects.filter(bureau=bureau, year=year).aggregate(n=Max("sequence"))["n"] or 0
    settings = OrderSettings.objects.filter(bureau=bureau).first()
    order = Order.objects.create(
        bureau=bureau,
        school=school,
        year=year,
        sequence=last + 1,
        number=format_number(settings, bureau, year, last + 1),
        source=source,
        problems=problems,
        legal_basis=legal_basis,
        requirements=requirements,
        deadline=deadline,
        responder=responder,
        issued_by=actor,
        **{SOURCE_FIELDS[source]: record},
    )
    _tell_issued(order)
    audit_record(
        actor=actor,
        action="order.issue",
        target=order,
        unit=school,
        changes={"number": order.number, "deadline": deadline.isoformat()},
    )
    return order


def store_evidence(uploads: Sequence[CleanUpload], *, actor: User, reply: OrderReply) -> None:
    for upload in uploads:
        extension = PurePosixPath(upload.content.name).suffix.lstrip(".") or "bin"
        item = OrderEvidence(
            reply=reply,
            original_name=(upload.original_name or upload.content.name)[:200],
            content_type=upload.content_type,
            uploaded_by=actor,
        )
        item.file.save(generated_name("orders", extension), upload.content, save=False)
        item.save()


@audit.atomic
def order_reply(
    *, actor: User, order: Order, text: str, evidence: Sequence[CleanUpload] = ()
) -> OrderReply:
    """The school's reply with evidence (a new version after a return).

    Raises `PermissionDenied` unless the actor answers for the school; `ValidationError`
    when the order awaits a decision or is accepted, or without text or evidence."""
    order = (
        Order.objects.select_for_update(of=("self",))
        .select_related("school", "bureau")
        .get(pk=order.pk)
    )
    check_unit_permission(actor, roles.ANSWER_SUPERVISION, order.school)
    if actor.unit_id != order.school_id:
        raise PermissionDenied
    if order.status not in (Order.Status.ISSUED, Order.Status.RETURNED):
        raise ValidationError(_("The reply is with the bureau; it cannot be changed now."))
    if not text.strip():
        raise ValidationError({"text": _("Describe the rectification done.")})
    if not evidence:
        raise ValidationError({"evidence": _("Attach at least one photo or document.")})
    version = order.replies.count() + 1
    reply = OrderReply.objects.create(
        order=order, version=version, text=text.strip(), submitted_by=actor
    )
    store_evidence(evidence, actor=actor, reply=reply)
    order.status = Order.Status.REPLIED
    order.save(update_fields=["status"])
    notifications.notify(
        recipient=order.issued_by,
        kind="order_replied",
        key=f"order_reply:{reply.pk}",
        title=Message(gettext_lazy("Reply to rectification order %(number)s"), number=order.number),
        url=reverse("orders:detail", args=[order.pk]),
        unit=order.bureau,
    )
    audit_record(
        actor=actor,
        action="order.reply",
        target=order,
        unit=order.school,
        changes={"version": version},
    )
    return reply


def _decide(actor: User, reply: OrderReply, status: str, comment: str) -> OrderReply:
    reply = (
        OrderReply.objects.select_for_update(of=("self",))
        .select_related("order__bureau", "order__school")
        .get(pk=reply.pk)
    )
    order = reply.order
    check_unit_permission(actor, roles.SUPERVISE, order.bureau)
    if reply.status != OrderReply.Status.SUBMITTED or order.status != Order.Status.REPLIED:
        raise ValidationError(_("This reply has already been decided."))
    if status == OrderReply.Status.RETURNED and not comment.strip():
        raise ValidationError({"comment": _("Say what must change.")})
    now = timezone.now()
    reply.status, reply.comment, reply.decided_by, reply.decided_at = status, comment, actor, now
    reply.save(update_fields=["status", "comment", "decided_by", "decided_at"])
    order.status = (
        Order.Status.ACCEPTED if status == OrderReply.Status.ACCEPTED else (Order.Status.RETURNED)
    )
    order.accepted_at = now if order.status == Order.Status.ACCEPTED else None
    order.save(update_fields=["status", "accepted_at"])
    notifications.notify_many(
        recipients=User.objects.filter(unit=order.school, role__in=SCHOOL_ROLES),
        kind=f"order_{status}",
        key=f"order_{status}:{reply.pk}",
        title=Message(
            gettext_lazy("Rectification order %(number)s: reply accepted")
            if status == OrderReply.Status.ACCEPTED
            else gettext_lazy("Rectification order %(number)s: reply returned"),
            number=order.number,
        ),
        url=reverse("orders:detail", args=[order.pk]),
    )
    audit_record(
        actor=actor,
        action=f"order.{status}",
        target=order,
        unit=order.school,
        changes={"version": reply.version, "comment": comment},
    )
    return reply


@audit.atomic
def order_accept(*, actor: User, reply: OrderReply, comment: str = "") -> OrderReply:
    """Accept the school's reply: the order is done. Raises `PermissionDenied` unless the
    actor supervises the issuing bureau; `ValidationError` once decided."""
    return _decide(actor, reply, OrderReply.Status.ACCEPTED, comment.strip())


@audit.atomic
def order_return(*, actor: User, reply: OrderReply, comment: str) -> OrderReply:
    """Return the reply with a comment; the school replies again. Raises as `order_accept`,
    and `ValidationError` without a comment."""
    return _decide(actor, reply, OrderReply.Status.RETURNED, comment.strip())


def escalation_unit(order: Order) -> Organisation:
    """The next level above the issuing bureau (the city for a county); the city itself for
    the city's own orders (there is no level above it in SafeCampus)."""
    return order.bureau.parent or order.bureau


def suggested_deadline(bureau: Organisation, today: datetime.date) -> datetime.date:
    """The deadline offered when `bureau` issues an order on `today`: its default term
    (OrderSettings, else 10 working days) counted by `workdays.deadline_after`.

    Raises `CalendarYearMissing` when the term runs into a year with no calendar data."""
    settings = OrderSettings.objects.filter(bureau=bureau).first()
    term = settings.default_term if settings else DEFAULT_TERM_DAYS
    unit = settings.term_unit if settings else workdays.DayUnit.WORKING
    return workdays.deadline_after(today, term, unit)


@audit.atomic
def order_escalate_overdue(*, today: datetime.date | None = None) -> int:
    """Escalate, once, every order past its deadline without an accepted or pending reply:
    the officials of the next level are told and the order records when and to whom. A
    second run escalates nothing (`escalated_at` is set conditionally). Returns the count."""
    today = today or timezone.localdate()
    due = Order.objects.filter(
        status__in=[Order.Status.ISSUED, Order.Status.RETURNED],
        deadline__lt=today,
        escalated_at__isnull=True,
    ).select_related("bureau__parent", "school")
    count = 0
    for order in due:
        target = escalation_unit(order)
        updated = Order.objects.filter(pk=order.pk, escalated_at__isnull=True).update(
            escalated_at=timezone.now(), escalated_to=target
        )
        if not updated:
            continue
        count += 1
        notifications.notify_many(
            recipients=User.objects.filter(unit=target, role=User.Role.BUREAU_OFFICIAL),
            kind="order_escalated",
            key=f"order_escalated:{order.pk}",
            title=Message(
                gettext_lazy("Overdue rectification order %(number)s at %(school)s"),
                number=order.number,
                school=order.school.name,
            ),
            url=reverse("orders:detail", args=[order.pk]),
        )
        audit_record(
            actor=None,
            action="order.escalate",
            target=order,
            unit=order.school,
            changes={"escalated_to": target.name},
        )
    return count
