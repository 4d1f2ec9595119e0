"""Thin tasks of the rectification orders (issue #18)."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="orders.escalate_overdue")
def escalate_overdue_orders() -> int:
    return services.order_escalate_overdue()
