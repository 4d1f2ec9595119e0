"""Reads of the notices (issue #18): inbox, sent list, status per unit, access helpers."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404

from safety import roles
from safety.access import access_object
from safety.models import User
from safety.onerow import count_of
from safety.scoping import jurisdiction_path

from .models import Notice, NoticeAttachment, NoticeReceipt, NoticeRecipient, NoticeReply


def access_notice(user: User, pk: Any, *, for_change: bool = False) -> Notice:
    queryset = Notice.objects.select_related("bureau", "published_by")
    notice = access_object(
        queryset, user, permission=roles.SUPERVISE if for_change else None, pk=pk
    )
    if for_change and not notice.bureau.is_within(user.unit):
        raise PermissionDenied
    return notice


def access_recipient(user: User, pk: Any, *, for_change: bool = False) -> NoticeRecipient:
    """A recipient unit's thread. Reading: the unit itself and the bureaus above it;
    `for_change` (replying): the unit's own people who answer supervision."""
    queryset = NoticeRecipient.objects.select_related("notice__bureau", "unit")
    recipient = access_object(
        queryset, user, permission=roles.ANSWER_SUPERVISION if for_change else None, pk=pk
    )
    if for_change and user.unit_id != recipient.unit_id:
        raise PermissionDenied
    return recipient


def access_reply(user: User, pk: Any, *, for_change: bool = False) -> NoticeReply:
    queryset = NoticeReply.objects.select_related("recipient__notice__bureau", "recipient__unit")
    reply = access_object(queryset, user, permission=roles.SUPERVISE if for_change else None, pk=pk)
    if for_change and not reply.recipient.notice.bureau.is_within(user.unit):
        raise PermissionDenied
    return reply


def access_attachment(user: User, pk: Any) -> NoticeAttachment:
    """An attachment of a notice the user sees (404 otherwise); a reply's attachment only
    for those who see the reply (a sibling school that got the same notice does not)."""
    attachment = NoticeAttachment.objects.filter(pk=pk).first()
    if attachment is None:
        raise Http404
    access_notice(user, attachment.notice_id)
    if attachment.reply_id is not None:
        access_reply(user, attachment.reply_id)
    return attachment


# The inbox's filters (the home's to-do links, #18): a reply still to give (required, none
# submitted or the last one returned), notices the user has not opened.
TO_REPLY = Q(notice__reply_due__isnull=False, reply_status__in=["", "returned"])
INBOX_STATES = ("to_reply", "unread")


def inbox(user: User, state: str = "") -> QuerySet[NoticeRecipient]:
    """The notices addressed to the user's own unit, with whether the user opened each;
    `state`: one of INBOX_STATES (others ignored)."""
    mine = NoticeReceipt.objects.filter(recipient=OuterRef("pk"), user=user)
    rows = (
        NoticeRecipient.objects.filter(unit_id=user.unit_id)
        .select_related("notice__bureau")
        .annotate(read_by_me=Exists(mine))
        .order_by("-notice__published_at", "-id")
    )
    if state == "to_reply":
        rows = rows.filter(TO_REPLY)
    elif state == "unread":
        rows = rows.filter(read_by_me=False)
    return rows


def to_reply(user: User) -> QuerySet[NoticeRecipient]:
    """The notices of the user's unit still waiting for its reply (the home's to-do)."""
    return NoticeRecipient.objects.filter(TO_REPLY, unit_id=user.unit_id)


def replies_to_decide(user: User) -> QuerySet[Notice]:
    """Notices of the user's own bureau with a reply submitted and not yet decided."""
    waiting = NoticeRecipient.objects.filter(notice=OuterRef("pk"), reply_status="submitted")
    return Notice.objects.filter(Exists(waiting), bureau_id=user.unit_id)


def sent(user: User, state: str = "") -> QuerySet[Notice]:
    """Notices published by the user's bureau or below it, with recipient counts;
    `state="to_decide"`: only the bureau's own with replies waiting for its decision."""
    path = jurisdiction_path(user) or ""
    notices = Notice.objects.filter(bureau__path__startswith=path)
    if state == "to_decide":
        notices = notices.filter(pk__in=replies_to_decide(user).values("pk"))
    # #23: each count a subquery of the notice's own recipients, evaluated for the page's
    # rows only (a grouped COUNT over the join aggregated every recipient of every notice
    # in the jurisdiction before the page was cut: 2.2 s at a province's 20,000 schools)
    of_notice = NoticeRecipient.objects.filter(notice=OuterRef("pk"))
    return (
        notices.select_related("bureau")
        .annotate(
            unit_count=count_of(of_notice),
            read_count=count_of(of_notice.filter(first_read_at__isnull=False)),
            replied_count=count_of(of_notice.filter(reply_status__in=["submitted", "accepted"])),
        )
        .order_by("-published_at", "-id")
    )


STATUS_FILTERS = {
    "unread": Q(first_read_at__isnull=True),
    "read": Q(first_read_at__isnull=False),
    "no_reply": Q(reply_status__in=["", "returned"]),
    "replied": Q(reply_status="submitted"),
    "accepted": Q(reply_status="accepted"),
}


def recipients_of(user: User, notice: Notice, status: str = "") -> QuerySet[NoticeRecipient]:
    """The notice's recipient units in the user's jurisdiction, with the reader count."""
    rows = (
        NoticeRecipient.objects.visible_to(user)
        .filter(notice=notice)
        .select_related("unit__parent")
        .annotate(reader_count=Count("receipts"))
        .order_by("unit__parent__name_sort_key", "unit__name_sort_key", "id")
    )
    if status in STATUS_FILTERS:
        rows = rows.filter(STATUS_FILTERS[status])
    return rows


def status_counts(user: User, notice: Notice) -> dict[str, int]:
    return (
        NoticeRecipient.objects.visible_to(user)
        .filter(notice=notice)
        .aggregate(
            total=Count("id"),
            **{key: Count("id", filter=condition) for key, condition in STATUS_FILTERS.items()},
        )
    )


def unread(user: User) -> QuerySet[NoticeRecipient]:
    """Notices addressed to the user's unit that the user has not opened."""
    mine = NoticeReceipt.objects.filter(recipient=OuterRef("pk"), user=user)
    return NoticeRecipient.objects.filter(unit_id=user.unit_id).exclude(Exists(mine))


def unread_count(user: User) -> int:
    return unread(user).count()
