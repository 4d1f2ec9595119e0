"""Every change to organisations and accounts goes through these functions.

Each takes the acting user (`actor`; None only for system jobs such as `seed_demo` and data
migrations), checks permission and jurisdiction, changes rows inside one transaction and
records an AuditEvent.
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from . import audit, jobs, roles
from .access import check_unit_permission
from .audit import stored_repr
from .models import (
    PATH_SEGMENT_WIDTH,
    AuditEvent,
    GapSummary,
    Organisation,
    SafetyArea,
    User,
    UserSession,
)
from .names import name_sort_key, person_name_sort_key  # noqa: F401 (public here too)


def audit_record(
    *,
    actor: User | None,
    action: str,
    target: models.Model,
    unit: Organisation | None,
    changes: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append a named AuditEvent for `target` (who, what, which unit). No permission check:
    the calling service has made it.

    Precondition: called inside the service's `audit.atomic` scope (else `RuntimeError`).
    The row is written when the scope ends and is the target's only row for this change:
    it takes over the old → new values the generic recorder collected for the target (its
    own `changes` entries for the same fields give way). Returns the (pending) event."""
    return audit.record_named(
        AuditEvent(
            actor=actor if actor is not None and actor.pk else None,
            unit=unit,
            action=action,
            target_type=ContentType.objects.get_for_model(target, for_concrete_model=False),
            target_id=str(target.pk),
            target_repr=stored_repr(target)[:200],
            changes=changes or {},
        )
    )


def field_changes(obj: models.Model, fields: Iterable[str]) -> dict[str, str]:
    """The audit row's `changes` for a form save: each changed field's new value as text
    (never the password hash)."""
    return {name: str(getattr(obj, name, "")) for name in fields if name != "password"}


def _path_segment(pk: int) -> str:
    return f"{pk:0{PATH_SEGMENT_WIDTH}d}/"


@audit.atomic
def organisation_save(
    *, actor: User | None, organisation: Organisation, changed_fields: Iterable[str] = ()
) -> Organisation:
    """Create or update a unit, keeping its path and its subtree's paths consistent.

    Precondition: `organisation` has been validated (full_clean) by the caller's form.
    Only a system administrator may create or move a city or county bureau; an administrator
    of a county manages the schools of that county.
    """
    creating = organisation.pk is None
    changed_fields = list(changed_fields)
    if actor is not None:
        if organisation.parent is None:
            if not roles.is_system_administrator(actor):
                raise PermissionDenied
        else:
            check_unit_permission(actor, roles.MANAGE_ORGANISATIONS, organisation.parent)
        if organisation.kind != Organisation.Kind.SCHOOL and not roles.is_system_administrator(
            actor
        ):
            raise PermissionDenied
        if not creating:
            stored = Organisation.objects.get(pk=organisation.pk)
            check_unit_permission(actor, roles.MANAGE_ORGANISATIONS, stored)
    organisation.name_sort_key = name_sort_key(organisation.name)
    if creating:
        # The path needs the id: insert with a unique placeholder, then set it.
        organisation.path = f"new-{organisation.code}"
        organisation.save()
        parent_path = organisation.parent.path if organisation.parent else ""
        organisation.path = parent_path + _path_segment(organisation.pk)
        Organisation.objects.filter(pk=organisation.pk).update(path=organisation.path)
        action, moved = "organisation.create", False
    else:
        old_path = Organisation.objects.values_list("path", flat=True).get(pk=organisation.pk)
        parent_path = organisation.parent.path if organisation.parent else ""
        new_path = parent_path + _path_segment(organisation.pk)
        organisation.path = new_path
        organisation.save()
        moved = new_path != old_path
        if moved:
            Organisation.objects.filter(path__startswith=old_path).exclude(
                pk=organisation.pk
            ).update(path=Concat(Value(new_path), Substr(F("path"), len(old_path) + 1)))
        action = "organisation.update"
    audit_record(
        actor=actor,
        action=action,
        target=organisation,
        unit=organisation,
        changes=field_changes(organisation, changed_fields),
    )
    if creating or moved or not changed_fields or DERIVED_FROM.intersection(changed_fields):
        _refresh_derived(organisation, moved=moved)
    return organisation


# What the features' derived rows read of a unit: a save that changes none of these (a name,
# an address, a phone) leaves them as they are. A save that does not say what it changed
# (`changed_fields` empty) rewrites them.
DERIVED_FROM = frozenset(
    {"kind", "school_type", "is_boarding", "is_active", "has_school_buses", "parent", "parent_id"}
)


def _refresh_derived(organisation: Organisation, *, moved: bool) -> None:
    """The features' rows derived from a unit saved (#23), in this transaction: its coverage
    gap summaries and those of its subtree (a new unit has every required post and area
    missing; its kind, type and boarding decide its required posts, its place its letters'
    grace period); likewise its preparedness summaries (its type and boarding decide its
    drill minimum and scenarios, its place the drill settings that apply); and, for a school
    moved to another bureau, the risk point tally kept per bureau of the school. A city's
    subtree is 2,000 schools (~1 s), a province's 20,000: `organisation_save` skips this for
    a change none of them reads (DERIVED_FROM)."""
    jobs.run_now("safety.refresh_gap_summaries", organisation.pk)
    jobs.run_now("safety.refresh_preparedness_summaries", organisation.pk)
    if moved and organisation.is_school:
        jobs.run_now("inspections.refresh_risk_tally")


def organisation_create(*, actor: User | None, **fields: Any) -> Organisation:
    """Validate and create a unit (see `organisation_save`). Raises `ValidationError` for
    invalid fields and `PermissionDenied` as `organisation_save`."""
    organisation = Organisation(**fields)
    organisation.full_clean(exclude=["path"])
    return organisation_save(actor=actor, organisation=organisation, changed_fields=fields)


def _check_actor_may_grant(actor: User | None, account: User) -> None:
    if actor is None or actor.is_superuser:
        return
    if account.is_superuser or account.unit is None:
        raise PermissionDenied


@audit.atomic
def user_save(*, actor: User | None, account: User, changed_fields: Iterable[str] = ()) -> User:
    """Create or update an account within the actor's jurisdiction.

    Administrators get access to the admin site (`is_staff`) from their role; nobody but a
    superuser can make a superuser or place an account outside their own jurisdiction.
    """
    changed_fields = list(changed_fields)
    if actor is not None:
        if account.unit is None and not actor.is_superuser:
            raise ValidationError({"unit": _("Choose the unit this account belongs to.")})
        if account.unit is not None:
            check_unit_permission(actor, roles.MANAGE_ACCOUNTS, account.unit)
        if account.pk:
            stored = User.objects.select_related("unit").get(pk=account.pk)
            if stored.is_superuser and not actor.is_superuser:
                raise PermissionDenied
            if stored.unit is not None:
                check_unit_permission(actor, roles.MANAGE_ACCOUNTS, stored.unit)
    account.is_staff = account.is_superuser or account.role == User.Role.ADMINISTRATOR
    _check_actor_may_grant(actor, account)
    creating = account.pk is None
    account.save()
    if not account.is_active:
        _end_sessions(account)
    audit_record(
        actor=actor,
        action="account.create" if creating else "account.update",
        target=account,
        unit=account.unit,
        changes=field_changes(account, changed_fields),
    )
    return account


def user_create(*, actor: User | None, username: str, password: str | None, **fields: Any) -> User:
    """Validate and create an account (no password: unusable). Raises `ValidationError` for
    invalid fields and `PermissionDenied` as `user_save`."""
    account = User(username=username, **fields)
    if password:
        account.set_password(password)
    else:
        account.set_unusable_password()
    account.full_clean(exclude=["password"])
    return user_save(actor=actor, account=account, changed_fields=["username", *fields])


@audit.atomic
def safety_area_save(
    *, actor: User | None, area: SafetyArea, changed_fields: Iterable[str] = ()
) -> SafetyArea:
    """Safety areas are shared by the whole installation: system administrators only."""
    if actor is not None:
        roles.require_permission(actor, roles.MANAGE_SAFETY_AREAS)
    creating = area.pk is None
    changed_fields = list(changed_fields)
    area.save()
    if creating or "is_active" in changed_fields:
        # Every school has an area more or less to cover (#23): the gap summaries go stale
        # (the readers count live) until the job rewrites them after the commit.
        GapSummary.objects.all().delete()
        jobs.enqueue_on_commit("safety.refresh_gap_summaries", None)
    audit_record(
        actor=actor,
        action="safety_area.create" if creating else "safety_area.update",
        target=area,
        unit=None,
        changes=field_changes(area, changed_fields),
    )
    return area


def _end_sessions(account: User, *, keep: str | None = None) -> int:
    """End the account's registered sessions but `keep` through the session engine's store
    (SESSION_ENGINE): with a cached engine, deleting the rows alone would leave each session
    signed in from its cached copy until it expired. Sessions stay in the database only
    (not `cached_db`): every page must work with Redis stopped."""
    registered = UserSession.objects.filter(user=account).exclude(session_key=keep or "")
    keys = list(registered.values_list("session_key", flat=True))
    store = import_module(settings.SESSION_ENGINE).SessionStore
    for key in keys:
        store(session_key=key).delete()
    UserSession.objects.filter(session_key__in=keys).delete()
    return len(keys)


@audit.atomic
def user_end_sessions(*, actor: User | None, account: User) -> int:
    """Sign an account out everywhere (a lost phone, a leaver). Returns the sessions ended."""
    if actor is not None and account.unit is not None:
        check_unit_permission(actor, roles.MANAGE_ACCOUNTS, account.unit)
    elif actor is not None and not actor.is_superuser:
        raise PermissionDenied
    ended = _end_sessions(account)
    audit_record(
        actor=actor,
        action="account.end_sessions",
        target=account,
        unit=account.unit,
        changes={"sessions": str(ended)},
    )
    return ended


@audit.atomic
def user_password_change(*, account: User, new_password: str, session: SessionBase) -> int:
    """A signed-in user changes their own password.

    Preconditions: `account` is the signed-in user of `session` (the request's session store),
    and the caller has checked the old password and the password validators (Django's
    PasswordChangeForm). Every other session of the account ends (through the session
    register); the current one stays signed in under a new session key, so a copied cookie of
    it is signed out too. Records `account.password_change` with the number of sessions ended,
    never the password. Returns that number.
    """
    account.set_password(new_password)
    account.save(update_fields=["password"])
    old_key = session.session_key
    ended = _end_sessions(account, keep=old_key)
    session.cycle_key()
    session[HASH_SESSION_KEY] = account.get_session_auth_hash()
    UserSession.objects.filter(session_key=old_key).update(session_key=session.session_key)
    audit_record(
        actor=account,
        action="account.password_change",
        target=account,
        unit=account.unit,
        changes={"other_sessions_ended": str(ended)},
    )
    return ended


@audit.atomic
def session_register(*, account: User, session_key: str, ip_address: str, user_agent: str) -> None:
    """Record a new signed-in session (called on login)."""
    UserSession.objects.update_or_create(
        session_key=session_key,
        defaults={"user": account, "ip_address": ip_address, "user_agent": user_agent[:300]},
    )
    audit_record(
        actor=account,
        action="account.login",
        target=account,
        unit=account.unit,
        changes={"ip": ip_address},
    )


@audit.atomic
def session_unregister(*, account: User | None, session_key: str | None, ip_address: str) -> None:
    """Forget a session at logout and log the logout (an anonymous logout logs nothing)."""
    if session_key:
        UserSession.objects.filter(session_key=session_key).delete()
    if account is not None:
        audit_record(
            actor=account,
            action="account.logout",
            target=account,
            unit=account.unit,
            changes={"ip": ip_address},
        )
