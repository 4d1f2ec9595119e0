"""Every change to the responsibility system goes through these functions.

Posts are a catalogue for system administrators; holders, certificates, assignments and
letters belong to a unit and are managed by those with MANAGE_RESPONSIBILITIES over it (the
school's leaders, the administrators of its bureaus). Each function takes the acting user
(`actor`; None only for system jobs and demo seeding), checks the permission with the core
guard (`safety.access.check_unit_permission`), changes rows inside one transaction and
records an AuditEvent.
"""

from __future__ import annotations

import datetime
import logging
import traceback
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from safety import audit, roles
from safety.access import check_unit_permission
from safety.exportjobs import job_failure_record
from safety.jobs import STALLED_AFTER, TRANSIENT_ERRORS, enqueue_on_commit
from safety.messages import Message
from safety.models import (
    Organisation,
    SafetyArea,
    User,
    current_school_year,
    is_school_year,
    school_year_bounds,
    school_year_of,
)
from safety.names import person_name_sort_key
from safety.notifications import notify
from safety.pdf import render_pdf
from safety.services import audit_record, field_changes
from safety.uploads import CleanUpload, generated_name

from . import gaps
from .models import (
    Assignment,
    Certificate,
    Holder,
    LetterEvent,
    LetterIssueRequest,
    Post,
    ResponsibilityLetter,
    ResponsibilitySettings,
)
from .selectors import first_responsible_names

logger = logging.getLogger(__name__)


@audit.atomic
def post_update(*, actor: User | None, post: Post, changed_fields: Iterable[str] = ()) -> Post:
    """Create or change a standard post (shared by the whole installation).

    Raises `PermissionDenied` unless the actor may manage posts (system administrators).
    Returns the saved post; writes "post.create"/"post.update" to the audit log.
    """
    if actor is not None:
        roles.require_permission(actor, roles.MANAGE_POSTS)
    creating = post.pk is None
    post.save()
    audit_record(
        actor=actor,
        action="post.create" if creating else "post.update",
        target=post,
        unit=None,
        changes=field_changes(post, changed_fields),
    )
    gaps.forget_below(None)  # every unit's required posts may have changed (#23)
    return post


@audit.atomic
def responsibility_settings_save(
    *, actor: User | None, settings_row: ResponsibilitySettings, changed_fields: Iterable[str] = ()
) -> ResponsibilitySettings:
    """Create or change a bureau's settings row; the city's row is everyone's default.

    Raises `ValidationError` when the row belongs to a school, `PermissionDenied` unless
    the actor may manage organisations within whose jurisdiction the bureau lies. Returns
    the saved row.
    """
    unit = settings_row.unit
    if not unit.is_bureau:
        raise ValidationError({"unit": _("Settings belong to a bureau.")})
    check_unit_permission(actor, roles.MANAGE_ORGANISATIONS, unit)
    creating = settings_row.pk is None
    settings_row.save()
    audit_record(
        actor=actor,
        action="responsibility_settings.create" if creating else "responsibility_settings.update",
        target=settings_row,
        unit=unit,
        changes=field_changes(settings_row, changed_fields),
    )
    gaps.forget_below(unit)  # the grace period of every unit below (#23)
    return settings_row


@audit.atomic
def holder_save(
    *, actor: User | None, holder: Holder, changed_fields: Iterable[str] = ()
) -> Holder:
    """Create or change a holder of the actor's jurisdiction.

    Raises `PermissionDenied` unless the actor may manage responsibilities at the holder's
    unit; `ValidationError` when the holder would move to another unit, is linked to an
    account of another unit, or has no name. Returns the saved holder.
    """
    check_unit_permission(actor, roles.MANAGE_RESPONSIBILITIES, holder.unit)
    if holder.pk:
        stored_unit = Holder.objects.select_related("unit").get(pk=holder.pk).unit
        if stored_unit.pk != holder.unit_id:
            raise ValidationError({"unit": _("A holder cannot move to another unit.")})
    if holder.user_id and holder.user.unit_id != holder.unit_id:
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
        unit=holder.unit,
        changes=field_changes(holder, changed_fields),
    )
    if not creating:
        gaps.refresh_unit(holder.unit_id)  # #23
    return holder


@audit.atomic
def certificate_save(
    *, actor: User | None, certificate: Certificate, changed_fields: Iterable[str] = ()
) -> Certificate:
    """Create or change a holder's certificate.

    Raises `PermissionDenied` unless the actor may manage responsibilities at the holder's
    unit. Returns the saved certificate.
    """
    unit = certificate.holder.unit
    check_unit_permission(actor, roles.MANAGE_RESPONSIBILITIES, unit)
    creating = certificate.pk is None
    certificate.save()
    audit_record(
        actor=actor,
        action="certificate.create" if creating else "certificate.update",
        target=certificate,
        unit=unit,
        changes=field_changes(certificate, changed_fields),
    )
    gaps.refresh_unit(unit)  # #23
    return certificate


def _check_assignment(*, unit: Organisation, post: Post, holder: Holder) -> None:
    if holder.unit_id != unit.pk:
        raise ValidationError({"holder": _("The holder belongs to another unit.")})
    if not holder.is_active:
        raise ValidationError({"holder": _("This holder is no longer active.")})
    if not post.is_active or not post.applies_to(unit):
        raise ValidationError({"post": _("This post does not exist at this unit.")})


@audit.atomic
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
    `school_year` to the school year of `start_date`.

    Raises `PermissionDenied` unless the actor may manage responsibilities at `unit`;
    `ValidationError` when the holder is of another unit or inactive, the post does not
    exist at the unit, the dates or school year are wrong, or the holder already holds the
    post. Returns the new assignment.
    """
    check_unit_permission(actor, roles.MANAGE_RESPONSIBILITIES, unit)
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
        unit=unit,
        changes={
            "post": post.key,
            "holder": holder.name,
            "start_date": start_date.isoformat(),
            "areas": sorted(a.key for a in assignment.areas.all()),
        },
    )
    gaps.refresh_unit(unit)  # #23
    return assignment


def _lock_current_assignment(assignment: Assignment, on: datetime.date) -> Assignment:
    locked = Assignment.objects.select_for_update().select_related("unit").get(pk=assignment.pk)
    if locked.end_date is not None and locked.end_date <= on:
        raise ValidationError(_("This assignment has already ended."))
    if on < locked.start_date:
        raise ValidationError({"date": _("The date is before the assignment started.")})
    return locked


@audit.atomic
def assignment_end(
    *, actor: User | None, assignment: Assignment, end_date: datetime.date, note: str = ""
) -> Assignment:
    """End an assignment (the holder leaves the post); the row stays as history.

    Raises `PermissionDenied` unless the actor may manage responsibilities at its unit;
    `ValidationError` when it has already ended or `end_date` is before its start. Returns
    the ended assignment (locked and reloaded).
    """
    check_unit_permission(actor, roles.MANAGE_RESPONSIBILITIES, assignment.unit)
    locked = _lock_current_assignment(assignment, end_date)
    locked.end_date = end_date
    locked.save(update_fields=["end_date"])
    audit_record(
        actor=actor,
        action="assignment.end",
        target=locked,
        unit=locked.unit,
        changes={"end_date": end_date.isoformat(), "note": note},
    )
    gaps.refresh_unit(locked.unit)  # #23
    return locked


@audit.atomic
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
    same day, so the post is never without a holder. Areas default to the old ones.

    Raises `PermissionDenied` unless the actor may manage responsibilities at its unit;
    `ValidationError` when it has ended or was handed over already, `on` is before its
    start, or `new_holder` is the current holder (and as `assignment_create`). Returns the
    successor assignment.
    """
    check_unit_permission(actor, roles.MANAGE_RESPONSIBILITIES, assignment.unit)
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
        unit=locked.unit,
        changes={"to": new_holder.name, "on": on.isoformat(), "successor": successor.pk},
    )
    return successor


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
            with audit.atomic():
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
                title=Message(
                    gettext_lazy("A responsibility letter for you to sign: %(post)s, %(year)s"),
                    post=letter.post_name,
                    year=school_year,
                ),
                url=reverse("responsibility:assignment_detail", args=[assignment.pk]),
                unit=assignment.unit,
            )
        letters.append(letter)
    return letters


@audit.atomic
def letter_issue(
    *, actor: User | None, assignment: Assignment, school_year: str = ""
) -> ResponsibilityLetter:
    """Issue the letter of one assignment for a school year (the current one by default).

    Raises `PermissionDenied` unless the actor may manage responsibilities at its unit;
    `ValidationError` when the assignment is not in force or the letter was already issued.
    Returns the new letter; its holder, if they have an account, is notified.
    """
    check_unit_permission(actor, roles.MANAGE_RESPONSIBILITIES, assignment.unit)
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


def _missing_letters(unit: Organisation, school_year: str) -> Any:
    """The assignments in force at `unit` and below (active units) without their letter for
    `school_year`, with what a letter freezes (one query and a prefetch)."""
    return (
        Assignment.objects.current()
        .filter(unit__path__startswith=unit.path, unit__is_active=True)
        .exclude(letters__school_year=school_year)
        .select_related("unit__parent", "post", "holder__user")
        .prefetch_related("areas")
        .order_by("unit__path", "post__order", "pk")
    )


@audit.atomic
def letters_issue_bulk(*, actor: User | None, unit: Organisation, school_year: str) -> int:
    """Issue the missing letters of every assignment in force at `unit` and below for a
    school year, in this transaction (a school's, in the request; a bureau's jurisdiction is
    a job: `letters_issue_bulk_queue`). Idempotent: assignments that already have their
    letter are skipped.

    Raises `PermissionDenied` unless the actor may manage responsibilities at `unit`;
    `ValidationError` for a malformed school year. Returns how many letters were issued.
    """
    check_unit_permission(actor, roles.MANAGE_RESPONSIBILITIES, unit)
    if not is_school_year(school_year):
        raise ValidationError({"school_year": _("Write the school year like 2026-2027.")})
    assignments = list(_missing_letters(unit, school_year))
    issued = len(_issue_letters(actor=actor, assignments=assignments, school_year=school_year))
    audit_record(
        actor=actor,
        action="letters.issue_bulk",
        target=unit,
        unit=unit,
        changes={"school_year": school_year, "issued": issued},
    )
    return issued


# --- #23 the bulk issue as a job that shows its progress -----------------------------------

ISSUE_TASK = "safety.issue_letters"
ISSUE = LetterIssueRequest.Status
ISSUE_OPEN = (ISSUE.QUEUED, ISSUE.RUNNING)
# Letters issued per transaction: each batch commits with the request's progress, so the
# request's page (polling) sees the count grow and a job that dies keeps what it committed.
LETTERS_PER_BATCH = 50


def letters_issue_bulk_queue(
    *, actor: User, unit: Organisation, school_year: str
) -> LetterIssueRequest:
    """The same for a bureau's whole jurisdiction, as a job queued after commit (task
    "safety.issue_letters", `letter_issue_request_run`); the actor follows it on the
    request's page and is notified when it is done.

    A request of the unit for that year still queued or running is reused (queued again:
    harmless, the job takes a request once), so a second click leads to the same page.
    Raises `PermissionDenied` and `ValidationError` at once, as `letters_issue_bulk`.
    Returns the request.
    """
    check_unit_permission(actor, roles.MANAGE_RESPONSIBILITIES, unit)
    if not is_school_year(school_year):
        raise ValidationError({"school_year": _("Write the school year like 2026-2027.")})
    request = (
        LetterIssueRequest.objects.filter(unit=unit, school_year=school_year, status__in=ISSUE_OPEN)
        .order_by("requested_at", "pk")
        .first()
    )
    if request is None:
        request = LetterIssueRequest.objects.create(
            unit=unit, school_year=school_year, requested_by=actor
        )
    enqueue_on_commit(ISSUE_TASK, request.pk)
    return request


def _claim_issue(request_id: int, attempt: str, now: datetime.datetime) -> bool:
    """Take the request for this job: queued; or running without progress for STALLED_AFTER
    (its worker died); or running under this same message (`attempt`, the Celery task id:
    redelivered because its worker died before acknowledging it). Never a request done or
    failed, nor one a live worker holds under another message."""
    claimable = Q(status=ISSUE.QUEUED) | Q(status=ISSUE.RUNNING, updated_at__lt=now - STALLED_AFTER)
    if attempt:
        claimable |= Q(status=ISSUE.RUNNING, attempt=attempt)
    return bool(
        LetterIssueRequest.objects.filter(claimable, pk=request_id).update(
            status=ISSUE.RUNNING, attempt=attempt, updated_at=now, failure="", error=""
        )
    )


def letter_issue_request_run(*, request_id: int, attempt: str = "") -> int:
    """The job of a bulk issue request (task "safety.issue_letters"): issue the missing
    letters of the request's jurisdiction in batches of LETTERS_PER_BATCH, each batch in its
    own transaction with the request's progress, then mark the request done and tell the
    requester (a notice linking to the request's page). Letters are never issued twice: the
    job takes the request once (`_claim_issue`), skips assignments that have their letter and
    a letter issued meanwhile by someone else (the unique constraint); a second run after a
    crash continues where the first stopped.

    Transient errors (safety.jobs.TRANSIENT_ERRORS) put the request back in the queue and
    propagate, so the task retries; a lost right (PermissionDenied, ValidationError) or any
    other error marks the request failed with its error (and, for an error, a JobFailure row
    for administrators), and the requester is told. Returns how many letters this run issued
    (0 when the request was not taken)."""
    if not _claim_issue(request_id, attempt, timezone.now()):
        return 0
    request = LetterIssueRequest.objects.select_related("unit", "requested_by__unit").get(
        pk=request_id
    )
    issued = 0
    try:
        issued = _issue_in_batches(request)
    except TRANSIENT_ERRORS:
        _issue_requeue(request_id)
        raise
    except (PermissionDenied, ValidationError) as exc:
        _issue_fail(request, LetterIssueRequest.Failure.DENIED, f"{type(exc).__name__}: {exc}")
        return issued
    except Exception as exc:
        logger.exception("Letter issue request %s failed", request_id)
        trace = "".join(traceback.format_exception(exc))
        _issue_fail(request, LetterIssueRequest.Failure.ERROR, trace[-4000:])
        job_failure_record(
            task=ISSUE_TASK, args=[request_id], error=f"{type(exc).__name__}: {exc}", trace=trace
        )
        return issued
    _issue_finish(request, issued)
    return issued


def _issue_in_batches(request: LetterIssueRequest) -> int:
    actor, unit, school_year = request.requested_by, request.unit, request.school_year
    check_unit_permission(actor, roles.MANAGE_RESPONSIBILITIES, unit)
    if not is_school_year(school_year):
        raise ValidationError({"school_year": _("Write the school year like 2026-2027.")})
    assignments = list(_missing_letters(unit, school_year))
    # A run after a crash keeps the letters the earlier run counted.
    total = request.progress + len(assignments)
    LetterIssueRequest.objects.filter(pk=request.pk).update(total=total, updated_at=timezone.now())
    issued = 0
    for start in range(0, len(assignments), LETTERS_PER_BATCH):
        batch = assignments[start : start + LETTERS_PER_BATCH]
        with audit.atomic():
            letters = _issue_letters(actor=actor, assignments=batch, school_year=school_year)
            LetterIssueRequest.objects.filter(pk=request.pk).update(
                progress=F("progress") + len(batch), updated_at=timezone.now()
            )
        issued += len(letters)
    return issued


def _issue_requeue(request_id: int) -> None:
    try:
        LetterIssueRequest.objects.filter(pk=request_id, status=ISSUE.RUNNING).update(
            status=ISSUE.QUEUED
        )
    except TRANSIENT_ERRORS:  # the database itself is away: the sweeper finds it stalled
        logger.warning("Could not put letter issue %s back in the queue", request_id)


@audit.atomic
def _issue_finish(request: LetterIssueRequest, issued: int) -> None:
    unit, school_year = request.unit, request.school_year
    now = timezone.now()
    done = LetterIssueRequest.objects.filter(pk=request.pk, status=ISSUE.RUNNING).update(
        status=ISSUE.DONE, done_at=now, updated_at=now
    )
    if not done:  # another worker finished it first
        return
    request.refresh_from_db(fields=["progress", "total"])
    audit_record(
        actor=request.requested_by,
        action="letters.issue_bulk",
        target=unit,
        unit=unit,
        changes={"school_year": school_year, "issued": issued, "request": request.pk},
    )
    if request.progress:
        title = Message(
            ngettext_lazy(
                "%(count)s responsibility letter issued for %(unit)s, %(year)s",
                "%(count)s responsibility letters issued for %(unit)s, %(year)s",
                "count",
            ),
            count=request.progress,
            unit=unit.name,
            year=school_year,
        )
    else:
        title = Message(
            gettext_lazy("Every letter of %(unit)s for %(year)s had already been issued"),
            unit=unit.name,
            year=school_year,
        )
    _issue_tell(request, "letters_issued", title)


def _issue_fail(request: LetterIssueRequest, failure: str, error: str) -> None:
    LetterIssueRequest.objects.filter(pk=request.pk).update(
        status=ISSUE.FAILED, failure=failure, error=error, done_at=timezone.now()
    )
    title = Message(
        gettext_lazy("Issuing the responsibility letters of %(unit)s, %(year)s failed"),
        unit=request.unit.name,
        year=request.school_year,
    )
    _issue_tell(request, "letters_issue_failed", title)


def _issue_tell(request: LetterIssueRequest, kind: str, title: Message) -> None:
    """The requester's notice (once per request and kind), linking to the request's page."""
    notify(
        recipient=request.requested_by,
        kind=kind,
        key=f"request:{request.pk}",
        title=title,
        url=reverse("responsibility:letter_issue_detail", args=[request.pk]),
        unit=request.unit,
    )


def letter_issue_request_of(*, actor_id: int, unit_id: int, school_year: str) -> int:
    """The request a message queued before #23 meant ("safety.issue_letters" with the actor,
    the unit and the year): the oldest open request of that actor, unit and year, else the
    latest one (done: the job does nothing), else a new one. Returns its id."""
    requests = LetterIssueRequest.objects.filter(
        requested_by_id=actor_id, unit_id=unit_id, school_year=school_year
    )
    found = requests.filter(status__in=ISSUE_OPEN).order_by("requested_at", "pk").first()
    found = found or requests.order_by("-requested_at", "-pk").first()
    if found is None:
        found = LetterIssueRequest.objects.create(
            requested_by_id=actor_id, unit_id=unit_id, school_year=school_year
        )
    return found.pk


def stalled_letter_issues(
    requested_before: datetime.datetime, requested_after: datetime.datetime
) -> list[tuple[int]]:
    """The bulk issues requested since `requested_after` still queued, or running without
    progress since `requested_before`: the arguments for "safety.issue_letters" (safety.jobs
    sweeps them; the job takes a request once)."""
    rows = LetterIssueRequest.objects.filter(
        status__in=ISSUE_OPEN,
        updated_at__lt=requested_before,
        requested_at__gte=requested_after,
    )
    return [(pk,) for pk in rows.values_list("pk", flat=True)]


@audit.atomic
def letter_sign(
    *,
    actor: User | None,
    letter: ResponsibilityLetter,
    signed_on: datetime.date,
    scan: CleanUpload,
) -> ResponsibilityLetter:
    """Record that a letter was signed, with the scan of the signed paper (PDF or photo).

    Raises `PermissionDenied` unless the actor may manage responsibilities at its unit;
    `ValidationError` when `signed_on` is in the future or the letter is already signed
    (the stored scan is then removed). Returns the letter, reloaded.
    """
    unit = letter.assignment.unit
    check_unit_permission(actor, roles.MANAGE_RESPONSIBILITIES, unit)
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
    gaps.refresh_unit(unit)  # #23
    letter.refresh_from_db()
    return letter


def letter_pdf(letter: ResponsibilityLetter) -> bytes:
    """The letter as a Chinese PDF (one or two pages: small enough to render on request)."""
    return render_pdf("safety/responsibility/pdf/letter.html", {"letter": letter})


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


@audit.atomic
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


@audit.atomic
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


def gap_summaries_refresh(below_id: int | None = None) -> int:
    """Rewrite the coverage gap summaries of every active unit (below the unit `below_id`, or
    everywhere) for today (issue #23; see safety.responsibility.gaps). For the nightly task,
    `manage.py refresh_gap_summaries` and the demo loaders. Returns the units written."""
    return gaps.refresh_all(below_id)


def gap_summary_refresh(unit: Organisation | int) -> None:
    """Rewrite one unit's coverage gap summary for today, in the caller's transaction, after
    a change to what its gaps count that another feature made (#23: a preparedness team's
    members, whose leavers are team gaps). Precondition: the change is saved."""
    gaps.refresh_unit(unit)
