"""Helpers for the daily-guarding tests."""

from __future__ import annotations

import datetime

from safety.models import Holder, Post, User
from safety.responsibility import services as responsibility_services


def give_post(user: User, post_key: str, name: str) -> None:
    """Make `user` hold `post_key` at their unit: a holder linked to the account, assigned."""
    holder = responsibility_services.holder_save(
        actor=None, holder=Holder(unit=user.unit, name=name, user=user)
    )
    responsibility_services.assignment_create(
        actor=None,
        unit=user.unit,
        post=Post.objects.get(key=post_key),
        holder=holder,
        start_date=datetime.date(2020, 9, 1),
    )
