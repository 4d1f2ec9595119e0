"""The responsibility system's records (安全责任制): standard posts, the people who hold
them, their certificates, assignments, the yearly responsibility letters and per-bureau
settings.

These models belong to the `safety` app (label and tables unchanged): `safety/models.py`
imports them so Django registers them.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safety.jobs import STALLED_AFTER
from safety.models import BilingualName, Organisation, SafetyArea, TransitionEvent
from safety.scoping import ScopedQuerySet
from safety.validators import validate_phone


class CertificateKind(models.TextChoices):
    ELECTRICIAN = "electrician", _("Electrician operation certificate")
    BOILER = "boiler", _("Boiler operator certificate")
    HEALTH = "health", _("Health certificate")
    SECURITY = "security", _("Security guard certificate")
    PSYCHOLOGY = "psychology", _("Psychological counselling certificate")
    OTHER = "other", _("Other certificate")


class Post(BilingualName, models.Model):
    """A standard safety post (岗位) of a kind of unit, with its default areas and duty text.

    A small catalogue shared by the whole installation (not scoped): seeded by a migration,
    edited by system administrators only.
    """

    class UnitKind(models.TextChoices):
        SCHOOL = "school", _("School")
        BUREAU = "bureau", _("Education bureau")

    class Level(models.TextChoices):
        FIRST = "first", _("First responsible person")
        SPECIFIC = "specific", _("Specific responsible person")
        POST = "post", _("Post responsibility")

    key = models.SlugField(_("key"), max_length=40, unique=True)
    name_zh = models.CharField(_("Chinese name"), max_length=50)
    name_en = models.CharField(_("English name"), max_length=80)
    unit_kind = models.CharField(_("kind of unit"), max_length=8, choices=UnitKind.choices)
    level = models.CharField(
        _("level of responsibility"), max_length=8, choices=Level.choices, default=Level.POST
    )
    default_areas = models.ManyToManyField(
        SafetyArea, verbose_name=_("safety areas covered by default"), blank=True, related_name="+"
    )
    is_required = models.BooleanField(
        _("required"), default=True, help_text=_("Every unit of this kind must fill this post.")
    )
    boarding_only = models.BooleanField(
        _("boarding schools only"),
        default=False,
        help_text=_("Day schools do not need this post."),
    )
    school_types = models.JSONField(
        _("school types"),
        default=list,
        blank=True,
        help_text=_("The school types that need this post; empty means every type."),
    )
    certificate_kind = models.CharField(
        _("certificate required"),
        max_length=20,
        choices=CertificateKind.choices,
        blank=True,
        help_text=_("Holders of this post must hold a valid certificate of this kind."),
    )
    duty_text = models.TextField(
        _("duty text"), help_text=_("The paragraph of safety duties written into the letter.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["unit_kind", "order", "key"]

    def __str__(self) -> str:
        return self.name

    def applies_to(self, unit: Organisation) -> bool:
        """Whether a unit of this kind, type and boarding status has this post at all."""
        if unit.is_school != (self.unit_kind == self.UnitKind.SCHOOL):
            return False
        if not unit.is_school:
            return True
        if self.boarding_only and not unit.is_boarding:
            return False
        return not self.school_types or unit.school_type in self.school_types

    def is_required_for(self, unit: Organisation) -> bool:
        return self.is_active and self.is_required and self.applies_to(unit)


class HolderQuerySet(ScopedQuerySet):
    scope_lookup = "unit"


class Holder(models.Model):
    """A person who holds safety posts at a unit (责任人). Many have no account."""

    unit = models.ForeignKey(
        Organisation, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="holders"
    )
    name = models.CharField(_("name"), max_length=50)
    name_sort_key = models.CharField(_("sort key"), max_length=200, editable=False, default="")
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[validate_phone])
    job_title = models.CharField(
        _("job title"), max_length=50, blank=True, help_text=_("For example 总务处主任.")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="holder_records",
        help_text=_("Optional: the person's account, if they have one."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = HolderQuerySet.as_manager()

    class Meta:
        verbose_name = _("responsibility holder")
        verbose_name_plural = _("responsibility holders")
        ordering = ["name_sort_key", "id"]
        indexes = [models.Index(fields=["unit", "name_sort_key"], name="holder_unit_name_idx")]

    def __str__(self) -> str:
        return self.name


class CertificateQuerySet(ScopedQuerySet):
    scope_lookup = "holder__unit"


class Certificate(models.Model):
    """A qualification some posts require (electrician, boiler operator …)."""

    Kind = CertificateKind

    holder = models.ForeignKey(
        Holder, verbose_name=_("holder"), on_delete=models.CASCADE, related_name="certificates"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    number = models.CharField(_("certificate number"), max_length=50)
    expires_on = models.DateField(_("valid until"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["holder", "kind", "-expires_on"]
        indexes = [models.Index(fields=["holder", "kind", "expires_on"], name="cert_valid_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


class AssignmentQuerySet(ScopedQuerySet):
    scope_lookup = "unit"

    def current(self, on: Any = None) -> AssignmentQuerySet:
        """Assignments in force on a day (today by default). The interval is half-open,
        [start_date, end_date): a handover ends one and starts the next on the same day."""
        day = on or timezone.localdate()
        return self.filter(start_date__lte=day).filter(
            Q(end_date__isnull=True) | Q(end_date__gt=day)
        )


class Assignment(models.Model):
    """A holder in a post at a unit (责任分工), with the safety areas it covers."""

    unit = models.ForeignKey(
        Organisation, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="assignments"
    )
    post = models.ForeignKey(
        Post, verbose_name=_("post"), on_delete=models.PROTECT, related_name="assignments"
    )
    holder = models.ForeignKey(
        Holder, verbose_name=_("holder"), on_delete=models.PROTECT, related_name="assignments"
    )
    areas = models.ManyToManyField(
        SafetyArea, verbose_name=_("safety areas"), blank=True, related_name="assignments"
    )
    school_year = models.CharField(
        _("school year"), max_length=9, help_text=_("For example 2026-2027.")
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(
        _("end date"), null=True, blank=True, help_text=_("Empty while the assignment is in force.")
    )
    handed_over_from = models.OneToOneField(
        "self",
        verbose_name=_("handed over from"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="handed_over_to",
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["unit", "post__order", "start_date", "id"]
        indexes = [
            models.Index(fields=["unit", "end_date", "start_date"], name="assignment_current_idx"),
            models.Index(fields=["post", "unit"], name="assignment_post_unit_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="assignment_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.holder} · {self.post}"

    def is_current(self, on: Any = None) -> bool:
        day = on or timezone.localdate()
        return self.start_date <= day and (self.end_date is None or self.end_date > day)


class LetterQuerySet(ScopedQuerySet):
    scope_lookup = "assignment__unit"


class ResponsibilityLetter(models.Model):
    """A responsibility letter (安全责任书) for one assignment and school year.

    The text is frozen when the letter is issued (names, duty text, areas): what the holder
    signed is never rewritten by a later change to the post or the holder.
    """

    class Status(models.TextChoices):
        ISSUED = "issued", _("Issued")
        SIGNED = "signed", _("Signed")

    assignment = models.ForeignKey(
        Assignment, verbose_name=_("assignment"), on_delete=models.PROTECT, related_name="letters"
    )
    school_year = models.CharField(_("school year"), max_length=9)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.ISSUED
    )
    unit_name = models.CharField(_("unit"), max_length=100)
    issuer_unit_name = models.CharField(_("issuing unit"), max_length=100)
    issuer_name = models.CharField(_("issued by"), max_length=50, blank=True)
    issuer_post_name = models.CharField(_("issuer's post"), max_length=50, blank=True)
    holder_name = models.CharField(_("holder"), max_length=50)
    post_name = models.CharField(_("post"), max_length=50)
    area_names = models.JSONField(_("safety areas"), default=list)
    duty_text = models.TextField(_("duty text"))
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    signed_scan = models.FileField(_("signed scan"), upload_to="letters/", blank=True)
    signed_scan_name = models.CharField(_("original file name"), max_length=200, blank=True)

    objects = LetterQuerySet.as_manager()

    class Meta:
        verbose_name = _("responsibility letter")
        verbose_name_plural = _("responsibility letters")
        ordering = ["-school_year", "assignment__unit", "assignment__post__order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "school_year"], name="one_letter_per_assignment_year"
            ),
            models.CheckConstraint(
                condition=Q(status="issued") | Q(signed_on__isnull=False),
                name="signed_letter_has_date",
            ),
        ]
        indexes = [models.Index(fields=["school_year", "status"], name="letter_year_status_idx")]

    def __str__(self) -> str:
        return f"{self.school_year} {self.unit_name} {self.post_name} {self.holder_name}"


class LetterIssueRequestQuerySet(ScopedQuerySet):
    scope_lookup = "unit"
    audited = False  # the job's bookkeeping (progress every batch); the letters are audited


class LetterIssueRequest(models.Model):
    """A bureau's request to bulk-issue its jurisdiction's letters for a school year, done by
    a job ("safety.issue_letters", services.letter_issue_request_run) that counts the letters
    as it goes (#23: the request's page shows "已签发 X / 共 Y 份" and polls for more).

    `total` is the number of assignments in force that lacked their letter when the job
    started (None until then); `progress` how many of them have their letter now. A job
    takes the row only while it is queued, or running without progress for
    safety.jobs.STALLED_AFTER (its worker died), or when it is the same Celery message
    redelivered (`attempt`: acks_late, the worker died before acknowledging); the sweeper
    (safety.jobs) queues a request again while it is queued or stalled. A failed request
    keeps the error for administrators; its page shows a fixed Chinese message."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Being issued")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    class Failure(models.TextChoices):
        DENIED = "denied", _("no longer allowed")
        ERROR = "error", _("error while issuing the letters")

    unit = models.ForeignKey(
        "safety.Organisation", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+"
    )
    school_year = models.CharField(_("school year"), max_length=9)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.QUEUED
    )
    total = models.PositiveIntegerField(_("letters to issue"), null=True, blank=True)
    progress = models.PositiveIntegerField(_("letters issued"), default=0)
    failure = models.CharField(
        _("kind of failure"), max_length=8, choices=Failure.choices, blank=True
    )
    error = models.TextField(_("error details"), blank=True)
    attempt = models.CharField(_("job message"), max_length=64, blank=True)
    updated_at = models.DateTimeField(_("last progress at"), default=timezone.now)
    done_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = LetterIssueRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("letter issue request")
        verbose_name_plural = _("letter issue requests")
        indexes = [
            models.Index(fields=["status", "updated_at"], name="letter_request_due_idx"),
            models.Index(fields=["unit", "status"], name="letter_request_unit_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.school_year}"

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def is_stalled(self) -> bool:
        """Running or queued without progress for safety.jobs.STALLED_AFTER: the sweeper will
        queue it again (the page says so instead of "being issued" forever)."""
        return self.is_running and timezone.now() - self.updated_at > STALLED_AFTER

    @property
    def percent(self) -> int | None:
        """Letters issued as a whole percentage of the letters to issue (None: not counted
        yet); 100 only once done."""
        if self.status == self.Status.DONE:
            return 100
        if not self.total:
            return None
        return min(99, self.progress * 100 // self.total)


class LetterEvent(TransitionEvent):
    """An append-only step of a letter's workflow: who, when, from, to, comment (the shared
    shape of safety.models.TransitionEvent)."""

    status_choices = ResponsibilityLetter.Status

    letter = models.ForeignKey(
        ResponsibilityLetter,
        verbose_name=_("responsibility letter"),
        on_delete=models.CASCADE,
        related_name="events",
    )

    class Meta(TransitionEvent.Meta):
        verbose_name = _("letter event")
        verbose_name_plural = _("letter events")

    def __str__(self) -> str:
        return f"{self.from_status_label()} → {self.to_status_label()}"

    @property
    def from_label(self) -> str:
        return ResponsibilityLetter.Status(self.from_status).label if self.from_status else "—"

    @property
    def to_label(self) -> str:
        return ResponsibilityLetter.Status(self.to_status).label


class ResponsibilitySettingsQuerySet(ScopedQuerySet):
    scope_lookup = "unit"


class ResponsibilitySettings(models.Model):
    """Per-bureau settings of the responsibility system; a school follows its nearest bureau
    that has a row (the city's row is the default for every county without its own)."""

    DEFAULT_GRACE_DAYS = 30

    unit = models.OneToOneField(
        Organisation,
        verbose_name=_("bureau"),
        on_delete=models.CASCADE,
        related_name="responsibility_settings",
        db_column="organisation_id",
    )
    unsigned_letter_grace_days = models.PositiveSmallIntegerField(
        _("grace period for unsigned letters (days)"),
        default=DEFAULT_GRACE_DAYS,
        help_text=_(
            "A letter not signed this many days after the school year or the assignment "
            "started counts as a coverage gap."
        ),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ResponsibilitySettingsQuerySet.as_manager()

    class Meta:
        verbose_name = _("responsibility settings")
        verbose_name_plural = _("responsibility settings")

    def __str__(self) -> str:
        return str(self.unit)


class GapSummaryQuerySet(ScopedQuerySet):
    scope_lookup = "unit"
    audited = False  # derived numbers, rewritten by the services and the nightly task


class GapSummary(models.Model):
    """A unit's coverage gaps by kind as of the day `on` (issue #23): the responsibility
    grid, the dashboards and the school pages read these rows instead of recomputing every
    unit's gaps per request. Rewritten by the responsibility services when a unit's posts,
    holders, certificates or letters change, and by `organisation_save` when a unit is created
    or changed (safety.responsibility.gaps.refresh_unit), and for
    every unit each night (the task "safety.refresh_gap_summaries": an unsigned letter becomes
    a gap when its grace period runs out, with no change to any row). A row not of today is
    stale: the readers count that unit's gaps live (correct, only slower). The emergency team
    gaps (#14: members who left) are kept too, refreshed by the preparedness services when a
    team's members change (before #23's eighth session the readers counted them per unit in
    every query: a third of a city home's SQL)."""

    unit = models.OneToOneField(
        Organisation,
        verbose_name=_("unit"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="gap_summary",
    )
    on = models.DateField(_("computed for"))
    covered_areas = models.JSONField(_("covered safety areas"), default=list)
    missing_posts = models.PositiveIntegerField(_("posts nobody holds"), default=0)
    missing_areas = models.PositiveIntegerField(_("areas nobody covers"), default=0)
    certificate_gaps = models.PositiveIntegerField(_("certificates missing"), default=0)
    letter_gaps = models.PositiveIntegerField(_("letters not signed"), default=0)
    team_gaps = models.PositiveIntegerField(_("team members who left"), default=0)
    gap_count = models.PositiveIntegerField(_("gaps"), default=0)  # the five above

    objects = GapSummaryQuerySet.as_manager()

    class Meta:
        verbose_name = _("coverage gap summary")
        verbose_name_plural = _("coverage gap summaries")

    def __str__(self) -> str:
        return f"{self.unit_id} {self.on}: {self.gap_count}"
