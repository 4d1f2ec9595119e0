"""The one guard for "may this user do this to this unit", and the generic scoped fetch that
every feature's `access_<kind>` helper is built on.

Two questions, always asked in this order (ARCHITECTURE.md, "Scoping"):
1. *May the user see it?* `get_visible_object_or_404` (safety.scoping): outside the
   jurisdiction an object does not exist (404), so a 403 never confirms it.
2. *May the user do this to it?* `check_unit_permission`: the role grants the permission and
   the unit lies within the user's jurisdiction; otherwise `PermissionDenied` (403).

Services call `check_unit_permission` first thing; views call their feature's
`access_<kind>(user, pk, *, for_change=False)`, which calls `access_object` here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied

from . import roles
from .scoping import get_visible_object_or_404

if TYPE_CHECKING:
    from .models import Organisation, User


def check_within(actor: User | None, unit: Organisation) -> None:
    """Raise `PermissionDenied` unless `unit` is the actor's own unit or lies below it.

    `actor=None` is the system itself (a management command, a nightly job, demo seeding) and
    passes; superusers pass everywhere. An account without a unit passes nowhere.
    """
    if actor is None or actor.is_superuser:
        return
    own = actor.unit
    if own is None or not unit.is_within(own):
        raise PermissionDenied


def check_unit_permission(actor: User | None, permission: str, unit: Organisation) -> None:
    """Raise `PermissionDenied` unless the actor's role grants `permission` (an
    "app_label.codename" string from safety.roles) and `unit` lies in the actor's jurisdiction.

    `actor=None` is the system (see `check_within`). This is the only copy of the rule: every
    service that acts on a unit's records calls it before changing anything.
    """
    if actor is None:
        return
    roles.require_permission(actor, permission)
    check_within(actor, unit)


def access_object(
    queryset: Any,
    user: Any,
    *,
    permission: str | None = None,
    unit: Any = None,
    **lookups: Any,
) -> Any:
    """Fetch one object the user may see, scoped once; optionally check a permission on it.

    `queryset` is a model or a ScopedQuerySet (with `select_related` already applied by the
    caller). Raises `Http404` when the object does not exist or lies outside the user's
    jurisdiction, and — only when `permission` is given — `PermissionDenied` when the user's
    role lacks it. `unit` is a callable object → Organisation naming the unit the permission
    is checked against (default: the object's `scope_unit` attribute if it has one, otherwise
    only the role is checked: the scoped fetch already proved the jurisdiction).
    """
    obj = get_visible_object_or_404(queryset, user, **lookups)
    if permission is not None:
        roles.require_permission(user, permission)
        if unit is not None:
            check_within(user, unit(obj))
    return obj
