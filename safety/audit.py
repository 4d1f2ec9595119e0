"""The audit trail: every create, change and delete of a domain record, bulk updates included.

Domain records are the models whose QuerySet is a `ScopedQuerySet` (everything that hangs off
a unit). Single saves and deletes are caught by model signals; `QuerySet.update()` (and
`bulk_update`, which goes through it) by `ScopedQuerySet.update`, which reads the old values,
updates, and writes one `AuditEvent` per row it changed. Rows are `AuditEvent`s, the same
append-only log the services already write with a named action, so one history page shows
both. docs/security.md ("Audit trail") says why this design and not database triggers.

Who acted: services take the actor explicitly; the generic recorder cannot, so the request
middleware below names the signed-in user for the duration of the request (a context
variable, read only here). Outside a request (jobs, the shell) the actor is empty: "system".
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime
import decimal
from collections.abc import Callable, Iterable
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F
from django.db.models.signals import post_delete, post_save, pre_save
from django.http import HttpRequest, HttpResponse
from django.utils import translation

_actor: contextvars.ContextVar[Any] = contextvars.ContextVar("audit_actor", default=None)

# Fields never written to the log: secrets, and bookkeeping that changes on every login.
IGNORED_FIELDS = frozenset({"password", "last_login"})
MAX_VALUE_LENGTH = 500


def stored_repr(value: Any) -> str:
    """How a record is named in the log: in the installation's language whatever the
    writer's, so every reader sees one language (labels inside a name are translated)."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(value)


def current_actor() -> Any:
    return _actor.get()


class AuditActorMiddleware:
    """Names the signed-in user as the actor of the changes made while serving a request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        token = _actor.set(user if user is not None and user.is_authenticated else None)
        try:
            return self.get_response(request)
        finally:
            _actor.reset(token)


_audited: dict[type, bool] = {}


def is_audited(model: type[models.Model]) -> bool:
    """Domain records: models whose QuerySet says `audited` (every `ScopedQuerySet` except
    the audit log's own)."""
    if model not in _audited:
        queryset = model._default_manager.get_queryset()
        _audited[model] = not model._meta.proxy and getattr(queryset, "audited", False)
    return _audited[model]


def _audit_event_model() -> type[models.Model]:
    # By label: safety.models imports this module (through safety.scoping) while it loads.
    return apps.get_model("safety", "AuditEvent")


def _value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, datetime.date | datetime.datetime | decimal.Decimal):
        return str(value)
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or None
    return str(value)[:MAX_VALUE_LENGTH]


def _audited_fields(model: type[models.Model]) -> list[models.Field]:
    return [
        field
        for field in model._meta.concrete_fields
        if field.name not in IGNORED_FIELDS and not field.primary_key
    ]


def _row(instance: models.Model) -> dict[str, Any]:
    return {
        field.attname: _value(getattr(instance, field.attname))
        for field in _audited_fields(type(instance))
    }


def _organisation_id(instance: models.Model) -> int | None:
    """The unit the record belongs to, following its QuerySet's `scope_lookup`."""
    lookup = type(instance)._default_manager.get_queryset().scope_lookup
    if not lookup:
        return instance.pk
    target: Any = instance
    *path, last = lookup.split("__")
    for step in path:
        target = getattr(target, step, None)
        if target is None:
            return None
    return getattr(target, f"{last}_id", None)


def _event(
    model: type[models.Model],
    pk: Any,
    action: str,
    changes: dict[str, Any],
    organisation_id: int | None,
    label: str,
) -> models.Model:
    actor = current_actor()
    return _audit_event_model()(
        actor=actor if actor is not None and actor.pk else None,
        organisation_id=organisation_id,
        action=action,
        target_type=ContentType.objects.get_for_model(model),
        target_id=str(pk),
        target_repr=label[:200],
        changes=changes,
    )


def _write(events: Iterable[Any]) -> None:
    events = list(events)
    if events:
        _audit_event_model().objects.bulk_create(events)


def _on_pre_save(
    sender: type[models.Model], instance: models.Model, raw: bool, update_fields=None, **kwargs
) -> None:
    if raw or not is_audited(sender):
        return
    previous = None
    if instance.pk is not None and not instance._state.adding:
        fields = [
            field.attname
            for field in _audited_fields(sender)
            if update_fields is None or {field.name, field.attname} & set(update_fields)
        ]
        previous = {}
        if fields:
            previous = sender._base_manager.filter(pk=instance.pk).values(*fields).first()
    instance._audit_previous = previous


def _on_post_save(
    sender: type[models.Model], instance: models.Model, created: bool, raw: bool, **kwargs
) -> None:
    if raw or not is_audited(sender):
        return
    now = _row(instance)
    previous = getattr(instance, "_audit_previous", None)
    if created or previous is None:
        changes = {name: [None, value] for name, value in now.items() if value not in (None, "")}
        action = "create"
    else:
        changes = {
            name: [_value(previous[name]), value]
            for name, value in now.items()
            if name in previous and _value(previous[name]) != value
        }
        action = "change"
        if not changes:
            return
    label = stored_repr(instance)
    _write([_event(sender, instance.pk, action, changes, _organisation_id(instance), label)])


def _on_post_delete(sender: type[models.Model], instance: models.Model, **kwargs) -> None:
    if not is_audited(sender):
        return
    changes = {
        name: [value, None] for name, value in _row(instance).items() if value not in (None, "")
    }
    organisation_id = None
    with contextlib.suppress(models.ObjectDoesNotExist):  # the parent went first in a cascade
        organisation_id = _organisation_id(instance)
    _write([_event(sender, instance.pk, "delete", changes, organisation_id, stored_repr(instance))])


def record_bulk_update(
    queryset: models.QuerySet, values: dict[str, Any], run: Callable[[], int]
) -> int:
    """Run `QuerySet.update(**values)` and log the rows it changed, old and new values.

    Two extra queries however many rows: the old values before, the new ones after (the
    update may use expressions, so the new values are read back).
    """
    model = queryset.model
    attnames = [model._meta.get_field(name).attname for name in values]
    attnames = [name for name in attnames if name not in IGNORED_FIELDS]
    lookup = queryset.scope_lookup
    unit = F(lookup) if lookup else F("pk")
    before = {row["pk"]: row for row in queryset.values("pk", *attnames, audit_unit=unit)}
    count = run()
    if not before or not attnames:
        return count
    after = model._base_manager.filter(pk__in=list(before)).values("pk", *attnames)
    label = stored_repr(model._meta.verbose_name)
    events = []
    for row in after:
        old = before[row["pk"]]
        changes = {
            name: [_value(old[name]), _value(row[name])]
            for name in attnames
            if _value(old[name]) != _value(row[name])
        }
        if changes:
            events.append(
                _event(
                    model,
                    row["pk"],
                    "bulk_change",
                    changes,
                    old["audit_unit"],
                    f"{label} #{row['pk']}",
                )
            )
    _write(events)
    return count


def connect() -> None:
    pre_save.connect(_on_pre_save, dispatch_uid="audit_pre_save")
    post_save.connect(_on_post_save, dispatch_uid="audit_post_save")
    post_delete.connect(_on_post_delete, dispatch_uid="audit_post_delete")
