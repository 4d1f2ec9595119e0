"""Notifications: write them with `notify` inside the transaction of the change that
causes them; tasks deliver what the database holds.

- Urgent notices (an incident report) go out at once by the recipient's channels (WeCom,
  DingTalk, template SMS, e-mail: safety.channels), by a task queued after commit; a channel
  that is rate-limited or times out is retried with backoff, and a sweeper task every few
  minutes delivers any whose task was lost.
- Other notices wait for the daily digest: one message per recipient per day (e-mail, or
  the recipient's routine channel) (EmailDigest is
  unique per recipient and day), so a digest job that runs twice sends nothing twice.
- A notice is delivered only when a channel accepted it (the e-mail was sent without error,
  the SMS gateway took it, WeCom answered errcode 0): `ChannelDelivery` rows and
  `delivery_log` say what each channel did, `delivered_at` is set only then, and a recipient
  without an address on any channel leaves the notice "unreachable" (the in-app list is not
  a delivery channel for urgent notices).
  `selectors.unreachable_accounts` lists such accounts for administrators.
- Titles and bodies are stored as message ids with parameters (safety.messages) and rendered
  in the reader's language: the in-app list in the active language, e-mails and SMS in the
  installation's language (accounts have no language preference).
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Case, CharField, F, JSONField, QuerySet, Value, When
from django.db.models.functions import Cast, Concat
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.module_loading import import_string

from .channels import services as channel_services
from .jobs import enqueue_on_commit
from .messages import Message
from .models import DeliveryStatus, EmailDigest, Notification, Organisation, User

logger = logging.getLogger(__name__)


class LoggingSmsBackend:
    """The default SMS backend: writes the message to the log. A real gateway implements
    the same `send(phone, text)` and is named in the SMS_BACKEND setting."""

    def send(self, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", phone, text)


def sms_backend() -> Any:
    return import_string(settings.SMS_BACKEND)()


def _stored(text: str | Message) -> tuple[str, dict[str, Any]]:
    """(the text in the installation's language, the message id and parameters or {})."""
    if isinstance(text, Message):
        with translation.override(settings.LANGUAGE_CODE):
            return str(text), text.as_json()
    return text, {}


def _message_json(title: str | Message, body: str | Message) -> dict[str, Any]:
    title_message, body_message = _stored(title)[1], _stored(body)[1]
    return {
        name: message
        for name, message in (("title", title_message), ("body", body_message))
        if message
    }


def notify(
    *,
    recipient: User,
    kind: str,
    key: str,
    title: str | Message,
    body: str | Message = "",
    url: str = "",
    unit: Organisation | None = None,
    urgent: bool = False,
) -> Notification | None:
    """Record a notice for `recipient` unless the same (kind, key, recipient) exists.

    `title` and `body` are best `Message`s (rendered in each reader's language); a plain
    text is shown as written. Returns the new row, or None when it was already there. `key`
    names the subject and, where a notice repeats, the period: e.g. f"hazard:{id}:2026-11-28".
    """
    if not recipient.is_active:
        return None
    dedup_key = f"{kind}:{key}:{recipient.pk}"[:255]
    title_text, body_text = _stored(title)[0], _stored(body)[0]
    try:
        with transaction.atomic():
            notification, created = Notification.objects.get_or_create(
                dedup_key=dedup_key,
                defaults={
                    "recipient": recipient,
                    "unit": unit,
                    "kind": kind,
                    "title": title_text[:200],
                    "body": body_text,
                    "message": _message_json(title, body),
                    "url": url,
                    "urgent": urgent,
                },
            )
    except IntegrityError:
        return None  # a concurrent writer recorded the same notice
    if not created:
        return None
    if urgent:
        enqueue_on_commit("safety.deliver_urgent_notification", notification.pk)
    return notification


# In `notify_many`'s key and url: stands for the recipient's unit id.
UNIT = "{unit}"


def _per_unit_text(text: str) -> Any:
    """`text` as an SQL expression, UNIT replaced by the recipient's organisation id."""
    if UNIT not in text:
        return Value(text)
    parts: list[Any] = []
    for index, piece in enumerate(text.split(UNIT)):
        if index:
            parts.append(Cast("unit_id", CharField()))
        if piece:
            parts.append(Value(piece))
    return Concat(*parts, output_field=CharField()) if len(parts) > 1 else parts[0]


PerUnit = str | Message | Mapping[int, str | Message]


def _per_unit_choice(text: PerUnit, limit: int | None = None) -> Any:
    """A fixed text, or one text per recipient's unit (a mapping unit id → text)."""
    if not isinstance(text, Mapping):
        value = _stored(text)[0]
        return Value(value[:limit] if limit else value)
    texts = {unit_id: _stored(value)[0] for unit_id, value in text.items()}
    whens = [
        When(unit_id=unit_id, then=Value(value[:limit] if limit else value))
        for unit_id, value in texts.items()
    ]
    return Case(*whens, default=Value(""), output_field=CharField())


def _json(value: dict[str, Any]) -> Value:
    return Value(value, output_field=JSONField())


def _per_unit_message(title: PerUnit, body: PerUnit) -> Any:
    """The stored message ids (safety.messages) of `title` and `body`, per recipient's unit
    when either is a mapping."""
    if not isinstance(title, Mapping) and not isinstance(body, Mapping):
        return _json(_message_json(title, body))
    units = set(title) if isinstance(title, Mapping) else set()
    units |= set(body) if isinstance(body, Mapping) else set()
    whens = [
        When(
            unit_id=unit_id,
            then=_json(
                _message_json(
                    title.get(unit_id, "") if isinstance(title, Mapping) else title,
                    body.get(unit_id, "") if isinstance(body, Mapping) else body,
                )
            ),
        )
        for unit_id in sorted(units)
    ]
    return Case(*whens, default=_json({}), output_field=JSONField())


def notify_many(
    *,
    recipients: QuerySet[User],
    kind: str,
    key: str,
    title: PerUnit,
    body: PerUnit = "",
    url: str = "",
) -> int:
    """Record one non-urgent notice for every active recipient in one INSERT … SELECT, so
    the query count does not grow with the number of recipients (reminder passes).

    The same de-duplication as `notify` ("kind:key:recipient"; ON CONFLICT DO NOTHING), so a
    second pass or a retried task records nothing. `key` and `url` may contain `UNIT`,
    replaced by the recipient's unit id; `title` and `body` (texts or, best, `Message`s) may
    be a mapping unit id → text (one text per bureau). Each notice's organisation is the
    recipient's. Urgent notices go through `notify`, which queues their delivery. Returns the
    number of notices recorded.
    """
    rows = (
        recipients.filter(is_active=True)
        .annotate(
            n_recipient=F("pk"),
            n_unit=F("unit_id"),
            n_kind=Value(kind),
            n_dedup=Concat(
                Value(f"{kind}:"),
                _per_unit_text(key),
                Value(":"),
                Cast("pk", CharField()),
                output_field=CharField(),
            ),
            n_title=_per_unit_choice(title, limit=200),
            n_body=_per_unit_choice(body),
            n_message=_per_unit_message(title, body),
            n_delivery=Value(DeliveryStatus.PENDING.value),
            n_log=_json({}),
            n_url=_per_unit_text(url),
            n_urgent=Value(False),
            n_created=Value(timezone.now()),
        )
        .values_list(*(f"n_{name}" for name, _column in _BULK_COLUMNS))
    )
    return _insert_ignoring_duplicates(rows)


# The columns notify_many fills, as (annotation suffix, notification column).
_BULK_COLUMNS = (
    ("recipient", "recipient_id"),
    ("unit", "organisation_id"),
    ("kind", "kind"),
    ("dedup", "dedup_key"),
    ("title", "title"),
    ("body", "body"),
    ("message", "message"),
    ("delivery", "delivery_status"),
    ("log", "delivery_log"),
    ("url", "url"),
    ("urgent", "urgent"),
    ("created", "created_at"),
)


def _insert_ignoring_duplicates(rows: QuerySet) -> int:
    """INSERT … SELECT the annotated rows into the notification table, skipping de-duplication
    keys already present (PostgreSQL and SQLite both accept ON CONFLICT … DO NOTHING)."""
    select_sql, params = rows.query.sql_with_params()
    table = connection.ops.quote_name(Notification._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(column) for _name, column in _BULK_COLUMNS)
    sql = f"INSERT INTO {table} ({columns}) {select_sql} ON CONFLICT (dedup_key) DO NOTHING"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return max(cursor.rowcount, 0)


def notification_mark_read(*, user: User, notification_ids: list[int] | None = None) -> int:
    """Mark the user's notifications read (all unread ones when no ids are given)."""
    notifications = Notification.objects.visible_to(user).unread()
    if notification_ids is not None:
        notifications = notifications.filter(pk__in=notification_ids)
    return notifications.update(read_at=timezone.now())


def _absolute(url: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{url}" if url.startswith("/") else url


def recipient_language(recipient: User) -> str:
    """The language e-mails and SMS to `recipient` are written in: accounts have no language
    preference, so the installation's (zh-hans)."""
    return settings.LANGUAGE_CODE


@transaction.atomic
def deliver_urgent(notification_id: int, *, final: bool = False) -> bool:
    """Send one urgent notice by its recipient's channels unless it was already handled.

    The channels (safety.channels.services) record what each did (`ChannelDelivery` rows,
    summarised in `delivery_log`); the notice is delivered (`delivered_at`) only when at
    least one channel accepted it, else "unreachable" (no address on any channel) or
    "failed" (every channel that was tried refused). While a channel waits for a retry (a
    rate limit, a timeout) the notice stays unhandled (`emailed_at` empty) and the task
    tries again; `final` ends the waiting. Returns True when the notice was handled now (or
    waits for a retry), False when it had been handled before."""
    notification = (
        Notification.objects.select_for_update(of=("self",))
        .select_related("recipient", "recipient__unit")
        .filter(pk=notification_id, emailed_at__isnull=True)
        .first()
    )
    if notification is None:
        return False
    delivery = channel_services.deliver_urgent_notice(notification, final=final)
    now = timezone.now()
    notification.delivery_log = delivery.log
    notification.delivery_status = channel_services.delivery_status(delivery)
    if delivery.accepted and notification.delivered_at is None:
        notification.delivered_at = now
    if not delivery.waiting:
        notification.emailed_at = now
    notification.save(
        update_fields=["emailed_at", "delivery_log", "delivery_status", "delivered_at"]
    )
    return True


def awaits_retry(notification_id: int) -> bool:
    """True while a channel of the urgent notice waits for a retry."""
    return Notification.objects.filter(pk=notification_id, emailed_at__isnull=True).exists()


def deliver_pending_urgent(older_than: datetime.timedelta = datetime.timedelta(minutes=2)) -> int:
    """The sweeper: deliver urgent notices whose own task was lost (e.g. Redis was down)."""
    cutoff = timezone.now() - older_than
    ids = list(
        Notification.objects.filter(
            urgent=True, emailed_at__isnull=True, created_at__lte=cutoff
        ).values_list("pk", flat=True)[:500]
    )
    return sum(deliver_urgent(pk) for pk in ids)


def record_email_delivery(
    *, emailed: list[int], unreachable: list[int], channel: str = "email"
) -> None:
    """Mark notices handled by e-mail: `emailed` ones were sent (delivered), `unreachable`
    ones had nobody to send to (no address, inactive account) and are not delivered. For the
    callers that send non-urgent notices by e-mail (the digest, monthly reminders)."""
    now = timezone.now()
    Notification.objects.filter(pk__in=emailed).update(
        emailed_at=now,
        delivered_at=now,
        delivery_status=DeliveryStatus.DELIVERED,
        delivery_log={channel or "email": "sent"},
    )
    Notification.objects.filter(pk__in=unreachable).update(
        emailed_at=now,
        delivery_status=DeliveryStatus.UNREACHABLE,
        delivery_log={"email": "no_address"},
    )


def send_digests(day: datetime.date | None = None) -> int:
    """Send each recipient one e-mail listing their undelivered, non-urgent notices.

    Idempotent per day: the EmailDigest row is created before sending, inside the same
    transaction that marks the notices delivered.
    """
    day = day or timezone.localdate()
    recipients = (
        Notification.objects.filter(urgent=False, emailed_at__isnull=True)
        .values_list("recipient", flat=True)
        .distinct()
    )
    sent = 0
    for recipient_id in list(recipients):
        sent += _send_digest(recipient_id, day)
    return sent


@transaction.atomic
def _send_digest(recipient_id: int, day: datetime.date) -> int:
    recipient = User.objects.get(pk=recipient_id)
    try:
        with transaction.atomic():
            digest = EmailDigest.objects.create(recipient=recipient, day=day)
    except IntegrityError:
        return 0  # today's digest already went out
    pending = list(
        Notification.objects.select_for_update()
        .filter(recipient=recipient, urgent=False, emailed_at__isnull=True)
        .order_by("created_at")
    )
    if not pending:
        digest.delete()
        return 0
    channel = ""
    if recipient.is_active:
        with translation.override(recipient_language(recipient)):
            text = render_to_string(
                "emails/digest.txt",
                {
                    "recipient": recipient,
                    "notifications": pending,
                    "day": day,
                    "site_url": settings.SITE_URL.rstrip("/"),
                },
            )
            subject = f"【平安校园】{day:%Y年%m月%d日} 待办提醒（{len(pending)}条）"
            channel = channel_services.send_digest_text(recipient, subject, text)
    # By the recipient's routine channels (e-mail unless they chose WeCom or DingTalk). A
    # failing mail server raises: the transaction (digest row included) rolls back and the
    # next run tries again. Without an address on any channel the notices are not delivered.
    reachable = bool(channel)
    ids = [n.pk for n in pending]
    record_email_delivery(
        emailed=ids if reachable else [], unreachable=[] if reachable else ids, channel=channel
    )
    digest.notification_count = len(pending)
    digest.save(update_fields=["notification_count"])
    return 1
