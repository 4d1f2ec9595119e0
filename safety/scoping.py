"""The jurisdiction scoping rule, in one place.

A user belongs to one organisation and sees that organisation and everything below it
(属地管理: whoever manages it is responsible). Organisations keep a materialised path, so
"everything below this unit" is one indexed prefix query. Every model that hangs off an
organisation gets its QuerySet from `ScopedQuerySet` and names the organisation it hangs off
in `scope_lookup`; views fetch objects only through `visible_to(user)` or
`get_visible_object_or_404`, so an object outside the jurisdiction is a 404, never a 403
that confirms it exists. tests/safety/test_scoping_lint.py enforces this for every view.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.http import Http404

from . import audit

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from .models import User


class ScopedQuerySet(models.QuerySet):
    # Lookup from this model to the Organisation it belongs to; "" for Organisation itself.
    scope_lookup = "unit"
    # Rows of scoped models are domain records: every change is audited (safety.audit).
    audited = True

    def update(self, **kwargs: Any) -> int:
        """`QuerySet.update` that also writes the audit trail (safety.audit)."""
        run = super().update
        if not audit.is_audited(self.model):
            return run(**kwargs)
        return audit.record_bulk_update(self, kwargs, lambda: run(**kwargs))

    def visible_to(self, user: User | AnonymousUser) -> models.QuerySet:
        path = jurisdiction_path(user)
        if path is None:
            return self.none()
        if path == "":
            return self.all()
        field = f"{self.scope_lookup}__path" if self.scope_lookup else "path"
        return self.filter(**{f"{field}__startswith": path})


def jurisdiction_path(user: Any) -> str | None:
    """The path prefix a user may see: "" for everything, None for nothing.

    Inactive and anonymous users see nothing; so does an account without an organisation
    unless it is a superuser (the installation's technical owner).
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return ""
    if getattr(user, "role", "") == "department_liaison":
        # #17: a department liaison sees no unit's records through this rule; the
        # surroundings querysets open its county's spots and meetings to it.
        return None
    unit = getattr(user, "unit", None)
    if unit is None or not unit.is_active:
        return None
    return unit.path


def get_visible_object_or_404(queryset: Any, user: Any, **lookups: Any) -> Any:
    """Fetch one object the user may see, or raise Http404 (also for objects that exist
    outside the user's jurisdiction). `queryset` is a model or a ScopedQuerySet."""
    if isinstance(queryset, type) and issubclass(queryset, models.Model):
        queryset = queryset._default_manager.all()
    try:
        return queryset.visible_to(user).get(**lookups)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def nearest_unit_setting(queryset: Any, unit: Any, *, unit_field: str = "bureau") -> Any:
    """The settings row of the nearest unit at or above `unit` that has one, or None.

    Per-bureau settings (rectification deadlines, letter grace periods, …) are inherited down
    the tree: a school follows its county's row if the county has one, otherwise the city's.
    `queryset` holds the settings rows (any model with a foreign key `unit_field` to
    Organisation); one query.
    """
    ancestor_ids = unit.ancestor_ids
    rows = {
        getattr(row, f"{unit_field}_id"): row
        for row in queryset.filter(**{f"{unit_field}_id__in": ancestor_ids})
    }
    for ancestor_id in reversed(ancestor_ids):
        if ancestor_id in rows:
            return rows[ancestor_id]
    return None
