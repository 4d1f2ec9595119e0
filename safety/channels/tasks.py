"""Channel jobs (thin: call a service)."""

from __future__ import annotations

from celery import shared_task

from . import digest


@shared_task(name="channels.reach_digests")
def reach_digests() -> int:
    """Daily (beat): the unit administrators' digest of undelivered notices and accounts
    that cannot be reached."""
    return digest.reach_digests()
