"""Every state change of the notices (issue #18): publish, open (read receipt), reply,
accept or return a reply, remind the units missing."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from pathlib import PurePosixPath
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from inspections.campaigns import services as campaign_services
from inspections.campaigns.selectors import target_schools
from safety import audit, notifications, roles, workdays
from safety.access import check_unit_permission
from safety.messages import Message
from safety.models import Organisation, User
from safety.services import audit_record
from safety.uploads import CleanUpload, generated_name

from .models import Notice, NoticeAttachment, NoticeReceipt, NoticeRecipient, NoticeReply

READER_ROLES = (User.Role.SCHOOL_STAFF, User.Role.SCHOOL_LEADER, User.Role.BUREAU_OFFICIAL)


def readers(unit_ids: Iterable[int]):
    return User.objects.filter(unit_id__in=list(unit_ids), role__in=READER_ROLES)


def store_attachments(
    uploads: Iterable[CleanUpload], *, actor: User, notice: Notice, reply: NoticeReply | None
) -> None:
    for upload in uploads:
        extension = PurePosixPath(upload.content.name).suffix.lstrip(".") or "bin"
        attachment = NoticeAttachment(
            notice=notice,
            reply=reply,
            original_name=(upload.original_name or upload.content.name)[:200],
            content_type=upload.content_type,
            uploaded_by=actor,
        )
        attachment.file.save(generated_name("notices", extension), upload.content, save=False)
        attachment.save()


def recipient_units(bureau: Organisation, filters: dict[str, Any], counties: bool) -> list[int]:
    """The schools the filters select below `bureau`, and with `counties` the county
    bureaus below it (only the chosen one when a county is named)."""
    ids = list(target_schools(bureau, filters).values_list("pk", flat=True))
    if counties:
        below = Organisation.objects.below(bureau).filter(kind=Organisation.Kind.COUNTY)
        if filters.get("county"):
            below = below.filter(pk=filters["county"])
        ids += list(below.exclude(pk=bureau.pk).values_list("pk", flat=True))
    return ids


def _tell_published(notice: Notice, unit_ids: list[int]) -> None:
    title = Message(
        gettext_lazy("%(kind)s: %(title)s"), kind=notice.get_kind_display(), title=notice.title
    )
    body = Message(gettext_lazy("From %(bureau)s."), bureau=notice.bureau.name)
    url = reverse("notices:detail", args=[notice.pk])
    if not notice.urgent:
        notifications.notify_many(
            recipients=readers(unit_ids),
            kind="notice",
            key=f"notice:{notice.pk}",
            title=title,
            body=body,
            url=url,
        )
        return
    for user in readers(unit_ids).filter(is_active=True):
        notifications.notify(
            recipient=user,
            kind="notice",
            key=f"notice:{notice.pk}",
            title=title,
            body=body,
            url=url,
            unit=user.unit,
            urgent=True,
        )


@audit.atomic
def notice_publish(
    *,
    actor: User,
    bureau: Organisation,
    kind: str,
    title: str,
    body: str,
    filters: dict[str, Any],
    include_counties: bool = False,
    urgent: bool = False,
    reply_due: datetime.date | None = None,
    reply_instructions: str = "",
    attachments: Sequence[CleanUpload] = (),
) -> Notice:
    """Publish a notice of `bureau` to the units the targets select; each unit's people are
    told once (urgent notices through the urgent channel: SMS and e-mail at once).

    Raises `PermissionDenied` unless the actor supervises `bureau` (a county named in the
    targets must be in the actor's jurisdiction); `ValidationError` for a reply date before
    today or no unit selected."""
    campaign_services.check_targets(actor, bureau, filters)
    if reply_due is not None and reply_due < timezone.localdate():
        raise ValidationError({"reply_due": _("The deadline cannot be before today.")})
    unit_ids = recipient_units(bureau, filters, include_counties)
    if not unit_ids:
        raise ValidationError(_("No unit matches these targets."))
    notice = Notice.objects.create(
        bureau=bureau,
        kind=kind,
        title=title,
        body=body,
        urgent=urgent,
        reply_due=reply_due,
        reply_instructions=reply_instructions,
        filters={k: v for k, v in filters.items() if v}
        | ({"counties": True} if include_counties else {}),
        published_by=actor,
    )
    NoticeRecipient.objects.bulk_create(
        NoticeRecipient(notice=notice, unit_id=pk) for pk in unit_ids
    )
    store_attachments(attachments, actor=actor, notice=notice, reply=None)
    _tell_published(notice, unit_ids)
    audit_record(
        actor=actor,
        action="notice.publish",
        target=notice,
        unit=bureau,
        changes={
            "units": len(unit_ids),
            "urgent": urgent,
            "reply_due": reply_due.isoformat() if reply_due else None,
        },
    )
    return notice


def recipient_for(user: User, notice: Notice) -> NoticeRecipient | None:
    """The user's own unit's copy of the notice, or None (one query)."""
    if user.unit_id is None:
        return None
    return (
        NoticeRecipient.objects.filter(notice=notice, unit_id=user.unit_id)
        .select_related("notice", "unit")
        .first()
    )


def notice_open(*, user: User, recipient: NoticeRecipient | None) -> bool:
    """Record that `user` opened the notice, once per person (the first time only), and the
    unit's first reading time. Returns True when a receipt was recorded. A reader whose unit
    is not a recipient (`recipient=None`: the publishing bureau, a bureau above) records
    nothing; a reader who already has a receipt costs one query."""
    if recipient is None or user.unit_id != recipient.unit_id:
        return False
    if NoticeReceipt.objects.filter(recipient=recipient, user=user).exists():
        return False
    return _record_receipt(user, recipient)


@audit.atomic
def _record_receipt(user: User, recipient: NoticeRecipient) -> bool:
    now = timezone.now()
    _receipt, created = NoticeReceipt.objects.get_or_create(
        recipient=recipient, user=user, defaults={"read_at": now}
    )
    if created:
        NoticeRecipient.objects.filter(pk=recipient.pk, first_read_at__isnull=True).update(
            first_read_at=now
        )
    return created


@audit.atomic
def notice_reply(
    *,
    actor: User,
    recipient: NoticeRecipient,
    text: str,
    attachments: Sequence[CleanUpload] = (),
) -> NoticeReply:
    """Submit the unit's reply (a new version after a return).

    Raises `PermissionDenied` unless the actor answers for the recipient unit;
    `ValidationError` when the notice asks no reply, the reply is empty, or a reply is
    awaiting a decision or was accepted."""
    recipient = (
        NoticeRecipient.objects.select_for_update(of=("self",))
        .select_related("notice__bureau", "unit")
        .get(pk=recipient.pk)
    )
    check_unit_permission(actor, roles.ANSWER_SUPERVISION, recipient.unit)
    if actor.unit_id != recipient.unit_id:
        raise PermissionDenied
    if not recipient.notice.reply_required:
        raise ValidationError(_("This notice asks for no reply."))
    if recipient.reply_status in (
        NoticeRecipient.ReplyStatus.SUBMITTED,
        NoticeRecipient.ReplyStatus.ACCEPTED,
    ):
        raise ValidationError(_("Your reply is with the bureau; it cannot be changed now."))
    if not text.strip():
        raise ValidationError({"text": _("Write the reply.")})
    version = recipient.replies.count() + 1
    reply = NoticeReply.objects.create(
        recipient=recipient, version=version, text=text.strip(), submitted_by=actor
    )
    store_attachments(attachments, actor=actor, notice=recipient.notice, reply=reply)
    recipient.reply_status = NoticeRecipient.ReplyStatus.SUBMITTED
    recipient.save(update_fields=["reply_status"])
    notifications.notify(
        recipient=recipient.notice.published_by,
        kind="notice_reply",
        key=f"notice_reply:{reply.pk}",
        title=Message(
            gettext_lazy("Reply from %(unit)s: %(title)s"),
            unit=recipient.unit.name,
            title=recipient.notice.title,
        ),
        url=reverse("notices:recipient", args=[recipient.pk]),
        unit=recipient.notice.bureau,
    )
    audit_record(
        actor=actor,
        action="notice.reply",
        target=reply,
        unit=recipient.unit,
        changes={"version": version},
    )
    return reply


def _decide(actor: User, reply: NoticeReply, status: str, comment: str) -> NoticeReply:
    reply = (
        NoticeReply.objects.select_for_update(of=("self",))
        .select_related("recipient__notice__bureau", "recipient__unit")
        .get(pk=reply.pk)
    )
    recipient = reply.recipient
    check_unit_permission(actor, roles.SUPERVISE, recipient.notice.bureau)
    if reply.status != NoticeReply.Status.SUBMITTED:
        raise ValidationError(_("This reply has already been decided."))
    if status == NoticeReply.Status.RETURNED and not comment.strip():
        raise ValidationError({"comment": _("Say what must change.")})
    reply.status = status
    reply.comment = comment.strip()
    reply.decided_by = actor
    reply.decided_at = timezone.now()
    reply.save(update_fields=["status", "comment", "decided_by", "decided_at"])
    NoticeRecipient.objects.filter(pk=recipient.pk).update(reply_status=status)
    notifications.notify_many(
        recipients=readers([recipient.unit_id]),
        kind=f"notice_reply_{status}",
        key=f"notice_reply_{status}:{reply.pk}",
        title=Message(
            gettext_lazy("Your reply was accepted: %(title)s")
            if status == NoticeReply.Status.ACCEPTED
            else gettext_lazy("Your reply was returned: %(title)s"),
            title=recipient.notice.title,
        ),
        url=reverse("notices:detail", args=[recipient.notice_id]),
    )
    audit_record(
        actor=actor,
        action=f"notice.reply_{status}",
        target=reply,
        unit=recipient.unit,
        changes={"comment": reply.comment},
    )
    return reply


@audit.atomic
def notice_reply_accept(*, actor: User, reply: NoticeReply, comment: str = "") -> NoticeReply:
    """Accept the unit's reply. Raises `PermissionDenied` unless the actor supervises the
    publishing bureau; `ValidationError` when the reply is already decided."""
    return _decide(actor, reply, NoticeReply.Status.ACCEPTED, comment)


@audit.atomic
def notice_reply_return(*, actor: User, reply: NoticeReply, comment: str) -> NoticeReply:
    """Return the reply with a comment; the unit submits a new version. Raises as
    `notice_reply_accept`, and `ValidationError` without a comment."""
    return _decide(actor, reply, NoticeReply.Status.RETURNED, comment)


def missing(notice: Notice, unit: Organisation):
    """The recipient units below `unit` still owing something: not read, or (when a reply
    is required) without a reply submitted or accepted."""
    recipients = NoticeRecipient.objects.filter(notice=notice, unit__path__startswith=unit.path)
    owing = Q(first_read_at__isnull=True)
    if notice.reply_required:
        owing |= Q(reply_status__in=["", NoticeRecipient.ReplyStatus.RETURNED])
    return recipients.filter(owing)


@audit.atomic
def notice_remind(
    *, actor: User, notice: Notice, unit: Organisation, today: datetime.date | None = None
) -> int:
    """Remind the units below `unit` that have not read the notice or still owe a reply; a
    unit is reminded at most once a day. On a day that is not a working day (#20,
    `workdays.should_remind`) only a notice whose reply is due today or overdue is urgent
    enough; otherwise nobody is marked reminded, so the next working day's press sends.
    Returns the number of units reminded."""
    check_unit_permission(actor, roles.SUPERVISE, unit)
    today = today or timezone.localdate()
    urgent = notice.reply_due is not None and notice.reply_due <= today
    if not workdays.should_remind(today, urgent=urgent):
        return 0
    due = (
        missing(notice, unit)
        .select_for_update()
        .filter(Q(reminded_on__isnull=True) | Q(reminded_on__lt=today))
    )
    unit_ids = list(due.values_list("unit_id", flat=True))
    if not unit_ids:
        return 0
    NoticeRecipient.objects.filter(notice=notice, unit_id__in=unit_ids).update(reminded_on=today)
    notifications.notify_many(
        recipients=readers(unit_ids),
        kind="notice_reminder",
        key=f"notice_reminder:{notice.pk}:{today.isoformat()}",
        title=Message(gettext_lazy("Reminder: %(title)s"), title=notice.title),
        body=Message(gettext_lazy("Please read this notice and reply if it asks for a reply.")),
        url=reverse("notices:detail", args=[notice.pk]),
    )
    audit_record(
        actor=actor,
        action="notice.remind",
        target=notice,
        unit=unit,
        changes={"units": len(unit_ids)},
    )
    return len(unit_ids)
