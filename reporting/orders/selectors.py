"""Reads of the rectification orders (issue #18)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from safety import roles
from safety.access import access_object
from safety.models import Organisation, User

from .models import OrderEvidence, OrderReply
from .models import RectificationOrder as Order


def _related(queryset: QuerySet) -> QuerySet:
    return queryset.select_related("bureau", "school", "responder", "issued_by", "escalated_to")


def access_order(user: User, pk: Any, *, for_change: bool = False) -> Order:
    """The order (404 outside the jurisdiction). `for_change`: the school's own people who
    answer supervision (replying)."""
    order = access_object(
        _related(Order.objects),
        user,
        permission=roles.ANSWER_SUPERVISION if for_change else None,
        pk=pk,
    )
    if for_change and user.unit_id != order.school_id:
        raise PermissionDenied
    return order


def access_order_reply(user: User, pk: Any) -> OrderReply:
    """A reply to decide: officials of the issuing bureau or above (403 otherwise)."""
    reply = access_object(
        OrderReply.objects.select_related("order__bureau", "order__school"),
        user,
        permission=roles.SUPERVISE,
        pk=pk,
    )
    if user.unit is None or not reply.order.bureau.is_within(user.unit):
        raise PermissionDenied
    return reply


def access_evidence(user: User, pk: Any) -> OrderEvidence:
    item = OrderEvidence.objects.visible_to(user).filter(pk=pk).first()
    if item is None:
        raise Http404
    return item


def may_decide(user: User, order: Order) -> bool:
    return bool(user.has_perm(roles.SUPERVISE) and user.unit and order.bureau.is_within(user.unit))


STATUS_FILTERS = {
    "open": ~Q(status=Order.Status.ACCEPTED),
    "to_decide": Q(status=Order.Status.REPLIED),
    "overdue": Q(status__in=[Order.Status.ISSUED, Order.Status.RETURNED]),
    "accepted": Q(status=Order.Status.ACCEPTED),
    # The school's to-do (#18): issued or returned, its reply still due.
    "to_reply": Q(status__in=[Order.Status.ISSUED, Order.Status.RETURNED]),
}


def order_list(user: User, status: str = "") -> QuerySet[Order]:
    orders = _related(Order.objects.visible_to(user)).order_by("-issued_at", "-id")
    if status in STATUS_FILTERS:
        orders = orders.filter(STATUS_FILTERS[status])
    if status == "overdue":
        orders = orders.filter(deadline__lt=timezone.localdate())
    if status == "to_decide" and user.unit is not None and user.unit.is_bureau:
        # Only the replies the user may decide (`may_decide`): orders of the user's bureau
        # or below it, not those of a bureau above (the home's to-do links here, #18).
        orders = orders.filter(bureau__path__startswith=user.unit.path)
    return orders


def to_reply(user: User) -> QuerySet[Order]:
    """The orders of the user's own school waiting for its reply (the home's to-do)."""
    return Order.objects.filter(STATUS_FILTERS["to_reply"], school_id=user.unit_id)


def replies_to_decide(user: User) -> QuerySet[Order]:
    """Orders replied to and waiting for a decision the user may take (`may_decide`)."""
    if user.unit is None:
        return Order.objects.none()
    return Order.objects.filter(
        STATUS_FILTERS["to_decide"], bureau__path__startswith=user.unit.path
    )


# What the school page's panel shows of an order (number, status, deadline, bureau).
PANEL_FIELDS = ("id", "bureau_id", "school_id", "number", "status", "deadline", "accepted_at")


def school_orders(school: Organisation, *, fields: tuple[str, ...] = ()) -> QuerySet[Order]:
    """The school's orders, open ones first, at most 20 (the school page's panel): with
    their bureaus, or as `values(*fields)` rows when `fields` are given."""
    orders = Order.objects.filter(school=school).order_by("accepted_at", "-issued_at")
    orders = orders.values(*fields) if fields else orders.select_related("bureau")
    return orders[:20]


def responders(school: Organisation) -> QuerySet[User]:
    return User.objects.filter(
        unit=school,
        is_active=True,
        role__in=[User.Role.SCHOOL_LEADER, User.Role.SCHOOL_STAFF],
    )
