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

Configuration and reference data (safety areas, posts, checklists, time limits, settings,
schedules) is not scoped: its models join the recorder through `register`, which the admin's
`AuditedModelAdmin` calls for every model it shows, so a change made anywhere (admin, service,
shell) is logged the same way.

One row per changed record: a service runs inside `audit.atomic` (a transaction plus a
recording scope). Inside the scope the generic recorder collects each record's changes (old
value of the first, new value of the last) instead of writing them; a service's named row
(`safety.services.audit_record`) takes over the collected changes of its target, so the
service's wording wins; what is left is written as generic rows when the outermost scope ends,
still inside the transaction. A nested scope that fails (a savepoint rolled back) leaves
nothing behind.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime
import decimal
import functools
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
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


def set_actor(user: Any) -> None:
    """Name `user` the actor for the rest of the request (#22: an API client's service
    account, known only once DRF has authenticated the token, after the middleware ran).
    AuditActorMiddleware restores the previous value when the request ends."""
    _actor.set(user)


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
# Configuration models joined by `register`, each with the bookkeeping fields it ignores.
_registered: dict[type, frozenset[str]] = {}


def register(model: type[models.Model], *, ignore: Iterable[str] = ()) -> None:
    """Record every change of `model` (configuration or reference data) like a domain record.
    `ignore`: fields whose changes are bookkeeping (a schedule's last run), never logged."""
    _registered[model] = frozenset(ignore)
    _audited.pop(model, None)


def is_audited(model: type[models.Model]) -> bool:
    """Domain records (models whose QuerySet says `audited`: every `ScopedQuerySet` except
    the audit log's own), registered configuration models, and models the current
    recording scope adds (`atomic(also=…)`)."""
    if model not in _audited:
        queryset = model._default_manager.get_queryset()
        _audited[model] = not model._meta.proxy and (
            model in _registered or getattr(queryset, "audited", False)
        )
    if _audited[model]:
        return True
    scope = _scope.get()
    return scope is not None and model in scope.models


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
    ignored = IGNORED_FIELDS | _registered.get(model, frozenset())
    return [
        field
        for field in model._meta.concrete_fields
        if field.name not in ignored and not field.primary_key
    ]


def _row(instance: models.Model) -> dict[str, Any]:
    return {
        field.attname: _value(getattr(instance, field.attname))
        for field in _audited_fields(type(instance))
    }


def _unit_id(instance: models.Model) -> int | None:
    """The unit the record belongs to, following its QuerySet's `scope_lookup`."""
    lookup = getattr(type(instance)._default_manager.get_queryset(), "scope_lookup", None)
    if lookup is None:
        return None  # configuration shared by the installation
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
    unit_id: int | None,
    label: str,
) -> models.Model:
    actor = current_actor()
    return _audit_event_model()(
        actor=actor if actor is not None and actor.pk else None,
        unit_id=unit_id,
        action=action,
        target_type=ContentType.objects.get_for_model(model),
        target_id=str(pk),
        target_repr=label[:200],
        changes=changes,
    )


def _write(events: Iterable[Any]) -> None:
    events = list(events)
    if not events:
        return
    scope = _scope.get()
    if scope is None:
        _audit_event_model().objects.bulk_create(events)
        return
    for event in events:
        scope.collect(event)


def _merge(first: dict[str, Any], then: dict[str, Any]) -> dict[str, Any]:
    """Two successive changes of one record as one: the old value of the first, the new
    value of the last; fields back where they started drop out."""
    merged = dict(first)
    for name, value in then.items():
        earlier = merged.get(name)
        if isinstance(earlier, list) and isinstance(value, list) and len(value) == 2:
            value = [earlier[0], value[1]]
        merged[name] = value
    return {
        name: value
        for name, value in merged.items()
        if not (isinstance(value, list) and len(value) == 2 and value[0] == value[1])
    }


def _key(event: Any) -> tuple[int, str]:
    return (event.target_type_id, event.target_id)


class _Scope:
    """The rows of one recording scope: the generic recorder's, one per record, and the
    services' named rows."""

    def __init__(self, extra_models: Iterable[type[models.Model]] = ()) -> None:
        self.models = frozenset(extra_models)
        self.generic: dict[tuple[int, str], Any] = {}
        self.named: list[Any] = []

    def collect(self, event: Any) -> None:
        key = _key(event)
        earlier = self.generic.get(key)
        if earlier is None:
            self.generic[key] = event
            return
        if earlier.action == "create" and event.action == "delete":
            del self.generic[key]  # created and deleted within one change: nothing to tell
            return
        event.changes = _merge(earlier.changes, event.changes)
        if earlier.action == "create" and event.action != "delete":
            event.action = "create"
        elif event.action == "bulk_change":
            event.action = "change"
        event.unit_id = event.unit_id or earlier.unit_id
        self.generic[key] = event

    def absorb(self, inner: _Scope) -> None:
        for event in inner.generic.values():
            self.collect(event)
        self.named.extend(inner.named)

    def events(self) -> list[Any]:
        """Named rows first, each taking over its target's collected changes (the named
        row's own entries for fields the recorder saw are replaced by old → new)."""
        rows = []
        for event in self.named:
            collected = self.generic.pop(_key(event), None)
            if collected is not None:
                event.changes = {**event.changes, **collected.changes}
                event.unit_id = event.unit_id or collected.unit_id
            rows.append(event)
        return rows + [event for event in self.generic.values() if event.changes]


_scope: contextvars.ContextVar[_Scope | None] = contextvars.ContextVar("audit_scope", default=None)


@contextlib.contextmanager
def recording(also: Iterable[type[models.Model]] = ()) -> Iterator[None]:
    """A recording scope (see the module's docstring); models in `also` are recorded in it even
    if not audited elsewhere (logs the system writes, changed by hand in the admin). Use
    `atomic`, which opens the transaction the rows are written in."""
    outer = _scope.get()
    scope = _Scope([*also, *(outer.models if outer else ())])
    token = _scope.set(scope)
    try:
        yield
    finally:
        _scope.reset(token)
    # Reached only when the body did not raise: a failed scope's rows are dropped.
    if outer is not None:
        outer.absorb(scope)
    else:
        rows = scope.events()
        if len(rows) == 1:
            # A read recorded by a page (pupils' names shown): one INSERT, where bulk_create
            # would wrap it in BEGIN and COMMIT outside a transaction (two queries a page).
            rows[0].save(force_insert=True)
        elif rows:
            _audit_event_model().objects.bulk_create(rows)


def record_named(event: Any) -> Any:
    """A service's named row (built by `safety.services.audit_record`): written when the
    scope ends, with the changes the recorder collected for its target. Raises
    `RuntimeError` outside `atomic`: the generic rows already written for the target
    would double it."""
    scope = _scope.get()
    if scope is None:
        raise RuntimeError("audit_record() is called inside audit.atomic (a service's scope).")
    scope.named.append(event)
    return event


def atomic(func: Callable | None = None, *, also: Iterable[type[models.Model]] = ()) -> Any:
    """`transaction.atomic` with a recording scope inside it, as a decorator (`@atomic`) or a
    context manager (`with atomic():`). Every service that changes state runs in one."""

    @contextlib.contextmanager
    def scope() -> Iterator[None]:
        with transaction.atomic(), recording(also):
            yield

    if func is None:
        return scope()

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with scope():
            return func(*args, **kwargs)

    wrapper.audit_atomic = True
    return wrapper


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
    _write([_event(sender, instance.pk, action, changes, _unit_id(instance), label)])


def _on_post_delete(sender: type[models.Model], instance: models.Model, **kwargs) -> None:
    if not is_audited(sender):
        return
    changes = {
        name: [value, None] for name, value in _row(instance).items() if value not in (None, "")
    }
    unit_id = None
    with contextlib.suppress(models.ObjectDoesNotExist):  # the parent went first in a cascade
        unit_id = _unit_id(instance)
    _write([_event(sender, instance.pk, "delete", changes, unit_id, stored_repr(instance))])


def _pks(instance: models.Model, field: models.ManyToManyField) -> list[Any]:
    return sorted(getattr(instance, field.name).values_list("pk", flat=True))


def _on_m2m_changed(
    sender: type[models.Model], instance: models.Model, action: str, reverse: bool, **kwargs
) -> None:
    """A many-to-many field's change (a post's default areas, a group's permissions) as
    the list of linked ids before and after."""
    if reverse or not is_audited(type(instance)):
        return
    field = next(
        (f for f in type(instance)._meta.many_to_many if f.remote_field.through is sender), None
    )
    if field is None or field.name in IGNORED_FIELDS:
        return
    pending = instance.__dict__.setdefault("_audit_m2m", {})
    if action.startswith("pre_"):
        pending[field.name] = _pks(instance, field)
        return
    old, new = pending.pop(field.name, None), _pks(instance, field)
    if old is None or old == new:
        return
    event = _event(
        type(instance),
        instance.pk,
        "change",
        {field.name: [old, new]},
        _unit_id(instance),
        str(instance),
    )
    _write([event])


def record_bulk_update(
    queryset: models.QuerySet, values: dict[str, Any], run: Callable[[], int]
) -> int:
    """Run `QuerySet.update(**values)` and log the rows it changed, old and new values.

    Two extra queries however many rows: the old values before, the new ones after (the
    update may use expressions, so the new values are read back).
    """
    model = queryset.model
    audited = {field.attname for field in _audited_fields(model)}
    attnames = [model._meta.get_field(name).attname for name in values]
    attnames = [name for name in attnames if name in audited]
    lookup = getattr(queryset, "scope_lookup", None)
    unit = F(lookup) if lookup else F("pk")
    if lookup is None:  # configuration: no unit
        unit = models.Value(None, output_field=models.IntegerField())
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


_recording_classes: dict[type, type] = {}


def recording_updates(queryset: models.QuerySet) -> models.QuerySet:
    """`queryset` whose `update()` is logged row by row like a `ScopedQuerySet`'s (for the
    plain QuerySets of configuration models, e.g. a schedule admin's "enable" action)."""
    if hasattr(queryset, "scope_lookup"):
        return queryset
    base = type(queryset)
    if base not in _recording_classes:

        def update(self: models.QuerySet, **values: Any) -> int:
            return record_bulk_update(self, values, lambda: base.update(self, **values))

        _recording_classes[base] = type(f"Recording{base.__name__}", (base,), {"update": update})
    clone = queryset._chain()
    clone.__class__ = _recording_classes[base]
    return clone


def connect() -> None:
    pre_save.connect(_on_pre_save, dispatch_uid="audit_pre_save")
    post_save.connect(_on_post_save, dispatch_uid="audit_post_save")
    post_delete.connect(_on_post_delete, dispatch_uid="audit_post_delete")
    m2m_changed.connect(_on_m2m_changed, dispatch_uid="audit_m2m_changed")
