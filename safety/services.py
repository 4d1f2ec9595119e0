"""Every change to organisations and accounts goes through these functions.

Each takes the acting user (`actor`; None only for system jobs such as `seed_demo` and data
migrations), checks permission and jurisdiction, changes rows inside one transaction and
records an AuditEvent.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, models, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from pypinyin import Style, lazy_pinyin

from . import roles
from .models import (
    PATH_SEGMENT_WIDTH,
    Assignment,
    AuditEvent,
    Certificate,
    Holder,
    LetterEvent,
    Organisation,
    Post,
    ResponsibilityLetter,
    ResponsibilitySettings,
    SafetyArea,
    User,
    UserSession,
    current_school_year,
    is_school_year,
    school_year_bounds,
    school_year_of,
)
from .notifications import notify
from .surnames import COMPOUND_SURNAME_READINGS, SINGLE_SURNAME_READINGS
from .uploads import CleanUpload, generated_name

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


def name_sort_key(name: str) -> str:
    """A key that sorts Chinese names in pinyin order (Latin letters and digits kept)."""
    return " ".join(lazy_pinyin(name, style=Style.TONE3)).lower()


def person_name_sort_key(name: str) -> str:
    """A key that sorts people's names in pinyin order with the surname read as a surname:
    曾 zeng, 单 shan, 解 xie; a compound surname (欧阳, 尉迟, 万俟…) is the first two
    characters. The given name is read on its own, so no phrase spans the surname. A name that
    does not start with a Chinese character sorts as `name_sort_key` does."""
    name = name.strip()
    if not _HAN.match(name):
        return name_sort_key(name)
    if name[:2] in COMPOUND_SURNAME_READINGS:
        surname, given = list(COMPOUND_SURNAME_READINGS[name[:2]]), name[2:]
    elif name[0] in SINGLE_SURNAME_READINGS:
        surname, given = [SINGLE_SURNAME_READINGS[name[0]]], name[1:]
    else:
        surname, given = lazy_pinyin(name[0], style=Style.TONE3), name[1:]
    return " ".join([*surname, *lazy_pinyin(given, style=Style.TONE3)]).lower()


def audit_record(
    *,
    actor: User | None,
    action: str,
    target: models.Model,
    organisation: Organisation | None,
    changes: dict[str, Any] | None = None,
) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        organisation=organisation,
        action=action,
        target_type=ContentType.objects.get_for_model(target, for_concrete_model=False),
        target_id=str(target.pk),
        target_repr=str(target)[:200],
        changes=changes or {},
    )


def _field_changes(obj: models.Model, fields: Iterable[str]) -> dict[str, str]:
    return {name: str(getattr(obj, name, "")) for name in fields if name != "password"}


def _check_actor_may_manage(actor: User | None, permission: str, unit: Organisation) -> None:
    """The actor's role grants `permission` and `unit` lies within the actor's jurisdiction."""
    if actor is None:
        return
    roles.require_permission(actor, permission)
    if actor.is_superuser:
        return
    if actor.organisation is None or not unit.is_within(actor.organisation):
        raise PermissionDenied


def _path_segment(pk: int) -> str:
    return f"{pk:0{PATH_SEGMENT_WIDTH}d}/"


@transaction.atomic
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
            _check_actor_may_manage(actor, roles.MANAGE_ORGANISATIONS, organisation.parent)
        if organisation.kind != Organisation.Kind.SCHOOL and not roles.is_system_administrator(
            actor
        ):
            raise PermissionDenied
        if not creating:
            stored = Organisation.objects.get(pk=organisation.pk)
            _check_actor_may_manage(actor, roles.MANAGE_ORGANISATIONS, stored)
    organisation.name_sort_key = name_sort_key(organisation.name)
    if creating:
        # The path needs the id: insert with a unique placeholder, then set it.
        organisation.path = f"new-{organisation.code}"
        organisation.save()
        parent_path = organisation.parent.path if organisation.parent else ""
        organisation.path = parent_path + _path_segment(organisation.pk)
        Organisation.objects.filter(pk=organisation.pk).update(path=organisation.path)
        action = "organisation.create"
    else:
        old_path = Organisation.objects.values_list("path", flat=True).get(pk=organisation.pk)
        parent_path = organisation.parent.path if organisation.parent else ""
        new_path = parent_path + _path_segment(organisation.pk)
        organisation.path = new_path
        organisation.save()
        if new_path != old_path:
            Organisation.objects.filter(path__startswith=old_path).exclude(
                pk=organisation.pk
            ).update(path=Concat(Value(new_path), Substr(F("path"), len(old_path) + 1)))
        action = "organisation.update"
    audit_record(
        actor=actor,
        action=action,
        target=organisation,
        organisation=organisation,
        changes=_field_changes(organisation, changed_fields),
    )
    return organisation


def organisation_create(*, actor: User | None, **fields: Any) -> Organisation:
    organisation = Organisation(**fields)
    organisation.full_clean(exclude=["path"])
    return organisation_save(actor=actor, organisation=organisation, changed_fields=fields)


def _check_actor_may_grant(actor: User | None, account: User) -> None:
    if actor is None or actor.is_superuser:
        return
    if account.is_superuser or account.organisation is None:
        raise PermissionDenied


@transaction.atomic
def user_save(*, actor: User | None, account: User, changed_fields: Iterable[str] = ()) -> User:
    """Create or update an account within the actor's jurisdiction.

    Administrators get access to the admin site (`is_staff`) from their role; nobody but a
    superuser can make a superuser or place an account outside their own jurisdiction.
    """
    changed_fields = list(changed_fields)
    if actor is not None:
        if account.organisation is None and not actor.is_superuser:
            raise ValidationError({"organisation": _("Choose the unit this account belongs to.")})
        if account.organisation is not None:
            _check_actor_may_manage(actor, roles.MANAGE_ACCOUNTS, account.organisation)
        if account.pk:
            stored = User.objects.select_related("organisation").get(pk=account.pk)
            if stored.is_superuser and not actor.is_superuser:
                raise PermissionDenied
            if stored.organisation is not None:
                _check_actor_may_manage(actor, roles.MANAGE_ACCOUNTS, stored.organisation)
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
        organisation=account.organisation,
        changes=_field_changes(account, changed_fields),
    )
    return account


def user_create(*, actor: User | None, username: str, password: str | None, **fields: Any) -> User:
    account = User(username=username, **fields)
    if password:
        account.set_password(password)
    else:
        account.set_unusable_password()
    account.full_clean(exclude=["password"])
    return user_save(actor=actor, account=account, changed_fields=["username", *fields])


@transaction.atomic
def safety_area_save(
    *, actor: User | None, area: SafetyArea, changed_fields: Iterable[str] = ()
) -> SafetyArea:
    """Safety areas are shared by the whole installation: system administrators only."""
    if actor is not None:
        roles.require_permission(actor, roles.MANAGE_SAFETY_AREAS)
    creating = area.pk is None
    area.save()
    audit_record(
        actor=actor,
        action="safety_area.create" if creating else "safety_area.update",
        target=area,
        organisation=None,
        changes=_field_changes(area, changed_fields),
    )
    return area


def _end_sessions(account: User) -> int:
    from django.contrib.sessions.models import Session

    keys = list(UserSession.objects.filter(user=account).values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    UserSession.objects.filter(user=account).delete()
    return len(keys)


@transaction.atomic
def user_end_sessions(*, actor: User | None, account: User) -> int:
    """Sign an account out everywhere (a lost phone, a leaver). Returns the sessions ended."""
    if actor is not None and account.organisation is not None:
        _check_actor_may_manage(actor, roles.MANAGE_ACCOUNTS, account.organisation)
    elif actor is not None and not actor.is_superuser:
        raise PermissionDenied
    ended = _end_sessions(account)
    audit_record(
        actor=actor,
        action="account.end_sessions",
        target=account,
        organisation=account.organisation,
        changes={"sessions": str(ended)},
    )
    return ended


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
        organisation=account.organisation,
        changes={"ip": ip_address},
    )


def session_unregister(*, account: User | None, session_key: str | None, ip_address: str) -> None:
    if session_key:
        UserSession.objects.filter(session_key=session_key).delete()
    if account is not None:
        audit_record(
            actor=account,
            action="account.logout",
            target=account,
            organisation=account.organisation,
            changes={"ip": ip_address},
        )


# --- The responsibility system (安全责任制) ----------------------------------------------------
# Posts are a catalogue for system administrators; holders, certificates, assignments and
# letters belong to a unit and are managed by those with MANAGE_RESPONSIBILITIES over it
# (the school's leaders, the administrators of its bureaus).


def _check_may_manage_responsibilities(actor: User | None, unit: Organisation) -> None:
    _check_actor_may_manage(actor, roles.MANAGE_RESPONSIBILITIES, unit)


@transaction.atomic
def post_save(*, actor: User | None, post: Post, changed_fields: Iterable[str] = ()) -> Post:
    """Posts are shared by the whole installation: system administrators only."""
    if actor is not None:
        roles.require_permission(actor, roles.MANAGE_POSTS)
    creating = post.pk is None
    post.save()
    audit_record(
        actor=actor,
        action="post.create" if creating else "post.update",
        target=post,
        organisation=None,
        changes=_field_changes(post, changed_fields),
    )
    return post


@transaction.atomic
def responsibility_settings_save(
    *, actor: User | None, settings_row: ResponsibilitySettings, changed_fields: Iterable[str] = ()
) -> ResponsibilitySettings:
    """A bureau's administrators set its grace period; the city's row is everyone's default."""
    unit = settings_row.organisation
    if not unit.is_bureau:
        raise ValidationError({"organisation": _("Settings belong to a bureau.")})
    _check_actor_may_manage(actor, roles.MANAGE_ORGANISATIONS, unit)
    creating = settings_row.pk is None
    settings_row.save()
    audit_record(
        actor=actor,
        action="responsibility_settings.create" if creating else "responsibility_settings.update",
        target=settings_row,
        organisation=unit,
        changes=_field_changes(settings_row, changed_fields),
    )
    return settings_row


def unsigned_letter_grace_days(unit: Organisation) -> int:
    """The grace period set by the nearest bureau above (or at) `unit` that has one."""
    return grace_days_by_path(ResponsibilitySettings.objects.all())(unit.path)


def grace_days_by_path(settings_rows: Any) -> Any:
    """A function path → grace days, from the settings rows (a small table, read once)."""
    by_path = dict(settings_rows.values_list("organisation__path", "unsigned_letter_grace_days"))

    def lookup(path: str) -> int:
        best, best_length = ResponsibilitySettings.DEFAULT_GRACE_DAYS, -1
        for prefix, days in by_path.items():
            if path.startswith(prefix) and len(prefix) > best_length:
                best, best_length = days, len(prefix)
        return best

    return lookup


@transaction.atomic
def holder_save(
    *, actor: User | None, holder: Holder, changed_fields: Iterable[str] = ()
) -> Holder:
    """Create or update a holder of the actor's jurisdiction. A linked account must belong
    to the holder's unit."""
    _check_may_manage_responsibilities(actor, holder.unit)
    if holder.pk:
        stored_unit = Holder.objects.select_related("unit").get(pk=holder.pk).unit
        if stored_unit.pk != holder.unit_id:
            raise ValidationError({"unit": _("A holder cannot move to another unit.")})
    if holder.user_id and holder.user.organisation_id != holder.unit_id:
        raise ValidationError({"user": _("Choose an account of the same unit.")})
    holder.name = holder.name.strip()
    if not holder.name:
        raise ValidationError({"name": _("Enter the holder's name.")})
    holder.name_sort_key = person_name_sort_key(holder.name)
    creating = holder.pk is None
    holder.save()
    audit_record(
        actor=actor,
        action="holder.create" if creating else "holder.update",
        target=holder,
        organisation=holder.unit,
        changes=_field_changes(holder, changed_fields),
    )
    return holder


@transaction.atomic
def certificate_save(
    *, actor: User | None, certificate: Certificate, changed_fields: Iterable[str] = ()
) -> Certificate:
    unit = certificate.holder.unit
    _check_may_manage_responsibilities(actor, unit)
    creating = certificate.pk is None
    certificate.save()
    audit_record(
        actor=actor,
        action="certificate.create" if creating else "certificate.update",
        target=certificate,
        organisation=unit,
        changes=_field_changes(certificate, changed_fields),
    )
    return certificate


def _check_assignment(*, unit: Organisation, post: Post, holder: Holder) -> None:
    if holder.unit_id != unit.pk:
        raise ValidationError({"holder": _("The holder belongs to another unit.")})
    if not holder.is_active:
        raise ValidationError({"holder": _("This holder is no longer active.")})
    if not post.is_active or not post.applies_to(unit):
        raise ValidationError({"post": _("This post does not exist at this unit.")})


@transaction.atomic
def assignment_create(
    *,
    actor: User | None,
    unit: Organisation,
    post: Post,
    holder: Holder,
    start_date: datetime.date,
    areas: Iterable[SafetyArea] | None = None,
    school_year: str = "",
    end_date: datetime.date | None = None,
    note: str = "",
    handed_over_from: Assignment | None = None,
) -> Assignment:
    """Put a holder in a post at a unit. `areas` default to the post's default areas;
    `school_year` to the school year of `start_date`."""
    _check_may_manage_responsibilities(actor, unit)
    _check_assignment(unit=unit, post=post, holder=holder)
    if end_date is not None and end_date < start_date:
        raise ValidationError({"end_date": _("The end date is before the start date.")})
    school_year = school_year or school_year_of(start_date)
    if not is_school_year(school_year):
        raise ValidationError({"school_year": _("Write the school year like 2026-2027.")})
    duplicate = (
        Assignment.objects.current(start_date).filter(unit=unit, post=post, holder=holder).exists()
    )
    if duplicate:
        raise ValidationError(_("This person already holds this post."))
    assignment = Assignment.objects.create(
        unit=unit,
        post=post,
        holder=holder,
        school_year=school_year,
        start_date=start_date,
        end_date=end_date,
        note=note,
        handed_over_from=handed_over_from,
        created_by=actor if actor is not None and actor.pk else None,
    )
    assignment.areas.set(list(post.default_areas.all()) if areas is None else list(areas))
    audit_record(
        actor=actor,
        action="assignment.create",
        target=assignment,
        organisation=unit,
        changes={
            "post": post.key,
            "holder": holder.name,
            "start_date": start_date.isoformat(),
            "areas": sorted(a.key for a in assignment.areas.all()),
        },
    )
    return assignment


def _lock_current_assignment(assignment: Assignment, on: datetime.date) -> Assignment:
    locked = Assignment.objects.select_for_update().select_related("unit").get(pk=assignment.pk)
    if locked.end_date is not None and locked.end_date <= on:
        raise ValidationError(_("This assignment has already ended."))
    if on < locked.start_date:
        raise ValidationError({"date": _("The date is before the assignment started.")})
    return locked


@transaction.atomic
def assignment_end(
    *, actor: User | None, assignment: Assignment, end_date: datetime.date, note: str = ""
) -> Assignment:
    """End an assignment (the holder leaves the post); the row stays as history."""
    _check_may_manage_responsibilities(actor, assignment.unit)
    locked = _lock_current_assignment(assignment, end_date)
    locked.end_date = end_date
    locked.save(update_fields=["end_date"])
    audit_record(
        actor=actor,
        action="assignment.end",
        target=locked,
        organisation=locked.unit,
        changes={"end_date": end_date.isoformat(), "note": note},
    )
    return locked


@transaction.atomic
def assignment_handover(
    *,
    actor: User | None,
    assignment: Assignment,
    new_holder: Holder,
    on: datetime.date,
    areas: Iterable[SafetyArea] | None = None,
    note: str = "",
) -> Assignment:
    """Hand a post over (交接): the old assignment ends on `on` and the new one starts the
    same day, so the post is never without a holder. Areas default to the old ones."""
    _check_may_manage_responsibilities(actor, assignment.unit)
    locked = _lock_current_assignment(assignment, on)
    if new_holder.pk == locked.holder_id:
        raise ValidationError({"new_holder": _("Choose another person to hand over to.")})
    if hasattr(locked, "handed_over_to"):
        raise ValidationError(_("This assignment has already been handed over."))
    old_areas = list(locked.areas.all())
    locked.end_date = on
    locked.save(update_fields=["end_date"])
    successor = assignment_create(
        actor=actor,
        unit=locked.unit,
        post=locked.post,
        holder=new_holder,
        start_date=on,
        areas=old_areas if areas is None else areas,
        note=note,
        handed_over_from=locked,
    )
    audit_record(
        actor=actor,
        action="assignment.handover",
        target=locked,
        organisation=locked.unit,
        changes={"to": new_holder.name, "on": on.isoformat(), "successor": successor.pk},
    )
    return successor


def first_responsible_names(units: Iterable[Organisation], on: datetime.date) -> dict[int, str]:
    """Unit id → the name of its current first responsible person (one query)."""
    rows = (
        Assignment.objects.current(on)
        .filter(unit__in=list(units), post__level=Post.Level.FIRST)
        .order_by("unit_id", "start_date", "id")
        .values_list("unit_id", "holder__name")
    )
    names: dict[int, str] = {}
    for unit_id, name in rows:
        names.setdefault(unit_id, name)
    return names


def _letter_for(
    assignment: Assignment, school_year: str, issuers: dict[int, str], actor: User | None
) -> ResponsibilityLetter:
    unit = assignment.unit
    post = assignment.post
    # The first responsible person signs with the bureau above; everyone else with them.
    issuer_unit = unit.parent if post.level == Post.Level.FIRST and unit.parent else unit
    with translation.override("zh-hans"):
        issuer_post = _("Bureau director") if issuer_unit.is_bureau else _("Principal")
        return ResponsibilityLetter(
            assignment=assignment,
            school_year=school_year,
            unit_name=unit.name,
            issuer_unit_name=issuer_unit.name,
            issuer_name=issuers.get(issuer_unit.pk, ""),
            issuer_post_name=str(issuer_post),
            holder_name=assignment.holder.name,
            post_name=post.name_zh,
            area_names=[area.name_zh for area in assignment.areas.all()],
            duty_text=post.duty_text,
            issued_by=actor if actor is not None and actor.pk else None,
        )


def _issue_letters(
    *, actor: User | None, assignments: list[Assignment], school_year: str
) -> list[ResponsibilityLetter]:
    today = timezone.localdate()
    units = {a.unit_id: a.unit for a in assignments}
    units.update({a.unit.parent_id: a.unit.parent for a in assignments if a.unit.parent_id})
    issuers = first_responsible_names(units.values(), today)
    letters = []
    for assignment in assignments:
        letter = _letter_for(assignment, school_year, issuers, actor)
        try:
            with transaction.atomic():
                letter.save()
        except IntegrityError:
            continue  # issued meanwhile by someone else
        LetterEvent.objects.create(
            letter=letter,
            actor=letter.issued_by,
            from_status="",
            to_status=ResponsibilityLetter.Status.ISSUED,
        )
        holder_user = assignment.holder.user
        if holder_user is not None:
            notify(
                recipient=holder_user,
                kind="letter_issued",
                key=f"letter:{letter.pk}",
                title=_("A responsibility letter for you to sign: %(post)s, %(year)s")
                % {"post": letter.post_name, "year": school_year},
                url=reverse("assignment_detail", args=[assignment.pk]),
                organisation=assignment.unit,
            )
        letters.append(letter)
    return letters


@transaction.atomic
def letter_issue(
    *, actor: User | None, assignment: Assignment, school_year: str = ""
) -> ResponsibilityLetter:
    """Issue the letter of one assignment for a school year (the current one by default)."""
    _check_may_manage_responsibilities(actor, assignment.unit)
    school_year = school_year or current_school_year()
    if not assignment.is_current() and not assignment.is_current(
        school_year_bounds(school_year)[0]
    ):
        raise ValidationError(_("This assignment is not in force: no letter can be issued."))
    if ResponsibilityLetter.objects.filter(assignment=assignment, school_year=school_year).exists():
        raise ValidationError(_("The letter for this school year has already been issued."))
    assignment = (
        Assignment.objects.select_related("unit__parent", "post", "holder__user")
        .prefetch_related("areas")
        .get(pk=assignment.pk)
    )
    letters = _issue_letters(actor=actor, assignments=[assignment], school_year=school_year)
    if not letters:
        raise ValidationError(_("The letter for this school year has already been issued."))
    return letters[0]


@transaction.atomic
def letters_issue_bulk(
    *, actor: User | None, unit: Organisation, school_year: str, notify_actor: bool = False
) -> int:
    """Issue the missing letters of every assignment in force at `unit` and below for a
    school year. Idempotent: assignments that already have their letter are skipped."""
    _check_may_manage_responsibilities(actor, unit)
    if not is_school_year(school_year):
        raise ValidationError({"school_year": _("Write the school year like 2026-2027.")})
    assignments = list(
        Assignment.objects.current()
        .filter(unit__path__startswith=unit.path, unit__is_active=True)
        .exclude(letters__school_year=school_year)
        .select_related("unit__parent", "post", "holder__user")
        .prefetch_related("areas")
    )
    letters = _issue_letters(actor=actor, assignments=assignments, school_year=school_year)
    issued = len(letters)
    audit_record(
        actor=actor,
        action="letters.issue_bulk",
        target=unit,
        organisation=unit,
        changes={"school_year": school_year, "issued": issued},
    )
    # A job redelivered after it committed issues nothing and says nothing; the key names the
    # batch by its first letter, so one batch is announced once.
    if notify_actor and actor is not None and letters:
        notify(
            recipient=actor,
            kind="letters_issued",
            key=f"{unit.pk}:{school_year}:{min(letter.pk for letter in letters)}",
            title=_("%(count)s responsibility letters issued for %(unit)s, %(year)s")
            % {"count": issued, "unit": unit.name, "year": school_year},
            url=reverse("letter_list") + f"?year={school_year}",
            organisation=unit,
        )
    return issued


def letters_issue_bulk_queue(*, actor: User, unit: Organisation, school_year: str) -> None:
    """The same for a bureau's whole jurisdiction, as a job: the actor is notified when done."""
    _check_may_manage_responsibilities(actor, unit)
    if not is_school_year(school_year):
        raise ValidationError({"school_year": _("Write the school year like 2026-2027.")})
    from .tasks import enqueue_on_commit, issue_letters

    enqueue_on_commit(issue_letters, actor.pk, unit.pk, school_year)


@transaction.atomic
def letter_sign(
    *,
    actor: User | None,
    letter: ResponsibilityLetter,
    signed_on: datetime.date,
    scan: CleanUpload,
) -> ResponsibilityLetter:
    """Record that a letter was signed, with the scan of the signed paper (PDF or photo)."""
    unit = letter.assignment.unit
    _check_may_manage_responsibilities(actor, unit)
    if signed_on > timezone.localdate():
        raise ValidationError({"signed_on": _("The signing date cannot be in the future.")})
    extension = (
        "pdf" if scan.content_type == "application/pdf" else scan.content.name.rsplit(".", 1)[-1]
    )
    name = default_storage.save(generated_name("letters", extension), scan.content)
    updated = ResponsibilityLetter.objects.filter(
        pk=letter.pk, status=ResponsibilityLetter.Status.ISSUED
    ).update(
        status=ResponsibilityLetter.Status.SIGNED,
        signed_on=signed_on,
        signed_scan=name,
        signed_scan_name=scan.original_name,
    )
    if not updated:
        default_storage.delete(name)
        raise ValidationError(_("This letter has already been signed."))
    LetterEvent.objects.create(
        letter=letter,
        actor=actor if actor is not None and actor.pk else None,
        from_status=ResponsibilityLetter.Status.ISSUED,
        to_status=ResponsibilityLetter.Status.SIGNED,
        comment=str(signed_on),
    )
    letter.refresh_from_db()
    return letter


def letter_pdf(letter: ResponsibilityLetter) -> bytes:
    """The letter as a Chinese PDF (one or two pages: small enough to render on request)."""
    from .pdf import render_pdf

    return render_pdf("safety/pdf/letter.html", {"letter": letter})


def _new_holder(*, actor: User | None, unit: Organisation, fields: dict[str, str]) -> Holder:
    return holder_save(
        actor=actor,
        holder=Holder(
            unit=unit,
            name=fields.get("name", ""),
            phone=fields.get("phone", ""),
            job_title=fields.get("job_title", ""),
        ),
        changed_fields=["name", "phone", "job_title"],
    )


@transaction.atomic
def assignment_create_with_holder(
    *,
    actor: User | None,
    unit: Organisation,
    holder: Holder | None,
    new_holder: dict[str, str] | None = None,
    **fields: Any,
) -> Assignment:
    """`assignment_create` for an existing holder, or for a new person created with it."""
    if holder is None:
        holder = _new_holder(actor=actor, unit=unit, fields=new_holder or {})
    return assignment_create(actor=actor, unit=unit, holder=holder, **fields)


@transaction.atomic
def assignment_handover_with_holder(
    *,
    actor: User | None,
    assignment: Assignment,
    new_holder: Holder | None,
    new_holder_fields: dict[str, str] | None = None,
    **fields: Any,
) -> Assignment:
    """`assignment_handover` to an existing holder, or to a new person created with it."""
    if new_holder is None:
        new_holder = _new_holder(actor=actor, unit=assignment.unit, fields=new_holder_fields or {})
    return assignment_handover(actor=actor, assignment=assignment, new_holder=new_holder, **fields)
