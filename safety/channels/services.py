"""Delivery of notices by channel, and the changes to a person's channels.

The outbox (safety.notifications) stays the single source of truth: it locks a notice and
asks `deliver_urgent_notice` which channels accepted it. Each channel leaves one
`ChannelDelivery` row per notice (sent, failed with the provider's error code, no address,
waiting to retry); a channel that accepted is never tried again, so a retried task or the
sweeper sends nothing twice. An urgent notice goes by every channel of the person's urgent
preference (all the installation's channels without one); when none of them accepted it,
the remaining channels are tried in the installation's order. Rate limits and timeouts leave
the channel "waiting to retry" (the task retries with backoff); after CHANNEL_MAX_RETRIES it
counts as failed. Secrets never reach a row or a log line: only provider codes and messages.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.module_loading import import_string

from safety import audit, roles
from safety.access import check_unit_permission
from safety.messages import message_params
from safety.models import DeliveryStatus, Notification, Organisation, User
from safety.services import audit_record
from safety.validators import is_mobile

from . import providers, selectors
from .models import Channel, ChannelDelivery, ChannelProfile

logger = logging.getLogger(__name__)

Status = ChannelDelivery.Status


@dataclass(frozen=True)
class Outcome:
    """What one attempt on one channel gave: a ChannelDelivery status and the provider's
    error code and message (empty when sent)."""

    status: str
    code: str = ""
    detail: str = ""


@dataclass(frozen=True)
class Delivery:
    """What the channels did with an urgent notice: `log` channel → status (in the order
    tried), `accepted` when one channel accepted it, `waiting` when a channel waits for a
    retry (the notice is not finished)."""

    log: dict[str, str]
    accepted: bool
    waiting: bool


def _link(notification: Notification) -> str:
    url = notification.url
    return f"{settings.SITE_URL.rstrip('/')}{url}" if url.startswith("/") else url


def _text(notification: Notification, title: str) -> str:
    """The text of an application message or a robot post: title, message, link."""
    parts = [f"【平安校园】{title}", notification.display_body, _link(notification)]
    return "\n".join(part for part in parts if part)


def _from_error(error: providers.ChannelError) -> Outcome:
    return Outcome(Status.RETRY if error.retryable else Status.FAILED, error.code, error.detail)


def _email(notification: Notification, title: str, profile: ChannelProfile | None) -> Outcome:
    recipient = notification.recipient
    if not recipient.email:
        return Outcome(Status.NO_ADDRESS)
    text = render_to_string(
        "emails/notification.txt", {"notification": notification, "link": _link(notification)}
    )
    try:
        send_mail(f"【平安校园】{title}", text, None, [recipient.email])
    except OSError as error:  # the mail server refused or could not be reached
        return Outcome(Status.RETRY, "smtp", type(error).__name__)
    except Exception as error:
        return Outcome(Status.FAILED, "smtp", type(error).__name__)
    return Outcome(Status.SENT)


def sms_template_params(notification: Notification, title: str) -> dict[str, str]:
    """The named parameters of the notice's SMS template, in the order configured for its
    kind (SMS_TEMPLATE_PARAMS "kind=name|name", default "title"): "title" is the notice's
    title, "link" its address, any other name a parameter of the stored title message
    (e.g. school, summary, severity of an incident notice). Each value is cut to 35
    characters (the providers' limit for a variable)."""
    names = settings.SMS_TEMPLATE_PARAMS.get(notification.kind) or "title"
    stored = message_params(notification.message.get("title") or {})
    values = {"title": title, "link": _link(notification), **stored}
    return {name: str(values.get(name, ""))[:35] for name in names.split("|") if name}


def _sms(notification: Notification, title: str, profile: ChannelProfile | None) -> Outcome:
    phone = notification.recipient.phone
    if not phone:
        return Outcome(Status.NO_ADDRESS)
    if not is_mobile(phone):
        return Outcome(Status.INVALID_NUMBER)  # a landline cannot receive an SMS
    provider = providers.SMS_PROVIDERS.get(settings.SMS_PROVIDER)
    if provider is None:  # "log": the development backend (SMS_BACKEND), plain text
        try:
            import_string(settings.SMS_BACKEND)().send(phone, f"【平安校园】{title}")
        except Exception as error:
            return Outcome(Status.FAILED, "gateway", type(error).__name__)
        return Outcome(Status.SENT)
    templates = settings.SMS_TEMPLATES
    template = templates.get(notification.kind) or templates.get("default")
    if not template or not provider.configured():
        return Outcome(Status.FAILED, "not_configured", "no SMS template or keys for this kind")
    try:
        provider().send_template(
            phone, settings.SMS_SIGN_NAME, template, sms_template_params(notification, title)
        )
    except providers.ChannelError as error:
        return _from_error(error)
    return Outcome(Status.SENT)


def _platform(
    client_class: type[providers.WeCom] | type[providers.DingTalk], field: str
) -> Callable[[Notification, str, ChannelProfile | None], Outcome]:
    def send(notification: Notification, title: str, profile: ChannelProfile | None) -> Outcome:
        user_id = getattr(profile, field, "") if profile is not None else ""
        if not user_id:
            return Outcome(Status.NO_ADDRESS)
        if not client_class.configured():
            return Outcome(Status.FAILED, "not_configured", "the application's keys are missing")
        try:
            client_class().send_text(user_id, _text(notification, title))
        except providers.ChannelError as error:
            return _from_error(error)
        return Outcome(Status.SENT)

    return send


SENDERS: dict[str, Callable[[Notification, str, ChannelProfile | None], Outcome]] = {
    Channel.EMAIL: _email,
    Channel.SMS: _sms,
    Channel.WECOM: _platform(providers.WeCom, "wecom_user_id"),
    Channel.DINGTALK: _platform(providers.DingTalk, "dingtalk_user_id"),
}


def _attempt(
    notification: Notification,
    channel: str,
    records: dict[str, ChannelDelivery],
    title: str,
    final: bool,
) -> str:
    """Try `channel` unless it already finished; record and return its status."""
    record = records.get(channel)
    if record is not None and record.status != Status.RETRY:
        return record.status
    profile = selectors.profile_of(notification.recipient)
    outcome = SENDERS[channel](notification, title, profile)
    if record is None:
        record = ChannelDelivery(notification=notification, channel=channel)
    record.attempts += 1
    record.status, record.error_code, record.detail = (
        outcome.status,
        outcome.code,
        outcome.detail,
    )
    if outcome.status == Status.RETRY and (final or record.attempts > settings.CHANNEL_MAX_RETRIES):
        record.status = Status.FAILED
    record.save()
    records[channel] = record
    if record.status != Status.SENT and outcome.code:
        logger.warning(
            "Notice %s: %s did not accept it (%s %s)",
            notification.pk,
            channel,
            outcome.code,
            outcome.detail,
        )
    return record.status


def deliver_urgent_notice(notification: Notification, *, final: bool = False) -> Delivery:
    """Send an urgent notice by its recipient's urgent channels, then by the others when
    none accepted it (see the module's docstring). Precondition: the caller holds the
    notice's row lock (safety.notifications.deliver_urgent) and selected its recipient.
    `final`: the last try, a channel still rate-limited counts as failed. Raises nothing
    for a provider's refusal or a network fault (they are recorded)."""
    chosen, rest = selectors.urgent_plan(selectors.profile_of(notification.recipient))
    records = {record.channel: record for record in notification.channel_deliveries.all()}
    with translation.override(settings.LANGUAGE_CODE):
        title = notification.display_title
        log = {
            channel: _attempt(notification, channel, records, title, final) for channel in chosen
        }
        if Status.SENT not in log.values():
            for channel in rest:
                log[channel] = _attempt(notification, channel, records, title, final)
        accepted = Status.SENT in log.values()
        if accepted:
            post_to_duty_group(notification, title)
    return Delivery(log=log, accepted=accepted, waiting=Status.RETRY in log.values())


def delivery_status(delivery: Delivery) -> str:
    """The notice's DeliveryStatus for what the channels did."""
    if delivery.accepted:
        return DeliveryStatus.DELIVERED
    if delivery.waiting:
        return DeliveryStatus.PENDING
    if Status.FAILED in delivery.log.values():
        return DeliveryStatus.FAILED
    return DeliveryStatus.UNREACHABLE


# --- a unit's duty group (值班群) ------------------------------------------------------------


def _duty_robots(unit: Organisation | None) -> list[Callable[[str], None]]:
    """The senders of the group robots configured for `unit` (by its official code)."""
    if unit is None or not unit.code:
        return []
    found: list[Callable[[str], None]] = []
    key = settings.WECOM_ROBOT_KEYS.get(unit.code)
    if key:
        found.append(lambda text: providers.wecom_robot_send(key, text))
    robot = settings.DINGTALK_ROBOTS.get(unit.code)
    if robot:
        token, _sep, secret = robot.partition(":")
        found.append(lambda text: providers.dingtalk_robot_send(token, secret, text))
    return found


def post_to_duty_group(notification: Notification, title: str) -> int:
    """Post an urgent notice once to the duty group of its recipient's unit (a WeCom or
    DingTalk group robot configured for the unit's code). Several officials of one bureau
    receive the same notice: the first delivery posts, the others find the key (Django's
    cache, atomic `add`) and post nothing; a refused post frees the key so that the next
    delivery tries again. Returns the number of groups posted to."""
    robots = _duty_robots(notification.recipient.unit)
    notice_key = notification.dedup_key.rsplit(":", 1)[0]
    posted = 0
    for index, send in enumerate(robots):
        key = f"channels:duty:{notification.recipient.unit_id}:{index}:{notice_key}"[:250]
        if not cache.add(key, 1, timeout=7 * 24 * 3600):
            continue
        try:
            send(_text(notification, title))
        except providers.ChannelError as error:
            cache.delete(key)
            logger.warning("Duty group of unit %s: %s", notification.recipient.unit_id, error.code)
            continue
        posted += 1
    return posted


# --- routine notices: the daily digest ----------------------------------------------------


def send_digest_text(recipient: User, subject: str, text: str) -> str:
    """Send a digest by the recipient's routine channels in order until one accepts; the
    channel that accepted it, or "" when none could (no address on any). Raises when the
    mail server fails (the digest's transaction rolls back and the next run tries again)."""
    profile = selectors.profile_of(recipient)
    for channel in selectors.routine_plan(profile):
        if channel == Channel.EMAIL:
            if recipient.email:
                send_mail(subject, text, None, [recipient.email])
                return channel
            continue
        client_class, field = (
            (providers.WeCom, "wecom_user_id")
            if channel == Channel.WECOM
            else (providers.DingTalk, "dingtalk_user_id")
        )
        user_id = getattr(profile, field, "")
        if not user_id or not client_class.configured():
            continue
        try:
            client_class().send_text(user_id, f"{subject}\n{text}"[:2000])
        except providers.ChannelError as error:
            logger.warning(
                "Digest to account %s: %s refused (%s)", recipient.pk, channel, error.code
            )
            continue
        return channel
    return ""


# --- a person's channels -------------------------------------------------------------------


@audit.atomic
def channel_profile_update(
    *, actor: User, account: User, phone: str, fields: dict[str, object]
) -> ChannelProfile:
    """Save `account`'s channel identities and preferences (`fields`: wecom_user_id,
    dingtalk_user_id, urgent_channels, routine_channels, validated by the form) and its
    mobile number.

    Anyone may change their own; a unit administrator (MANAGE_ACCOUNTS) those of accounts in
    the jurisdiction, else `PermissionDenied`. Writes one audit row ("channels.profile")."""
    if actor.pk != account.pk:
        check_unit_permission(actor, roles.MANAGE_ACCOUNTS, account.unit)
    account = User.objects.select_for_update().get(pk=account.pk)
    profile, _created = ChannelProfile.objects.get_or_create(user=account)
    for name, value in fields.items():
        setattr(profile, name, value)
    profile.full_clean()
    profile.save()
    if account.phone != phone:
        account.phone = phone
        account.save(update_fields=["phone"])
    audit_record(
        actor=actor,
        action="channels.profile",
        target=profile,
        unit=account.unit,
    )
    return profile
