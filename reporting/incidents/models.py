"""Incident reports (issue #5).

An incident (安全事故) is reported upward at once: the school's initial report (初报), follow-up
reports (续报) and the written report (书面报告) are kept as frozen versions (`IncidentReport`);
the `Incident` row carries the current facts, the reporting clocks, the workflow status and the
flags (late 迟报, missed 漏报, concealed 瞒报). It is closed only when the four "not let go"
items (`ClosureItem`) are recorded; a liability closure puts the school under the one-vote veto
(`SchoolVeto`) for the calendar year. Depends on `safety` only (not on `inspections` yet).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Trunc
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safety.jobs import JobState, job_state
from safety.models import BilingualName, Holder, Organisation, TransitionEvent
from safety.scoping import ScopedQuerySet


class Severity(models.TextChoices):
    GENERAL = "general", _("General")
    LARGER = "larger", _("Larger")
    MAJOR = "major", _("Major")
    ESPECIALLY_MAJOR = "especially_major", _("Especially major")


# "Larger" and above reach the city at once, without waiting for the county.
CITY_AT_ONCE = frozenset({Severity.LARGER, Severity.MAJOR, Severity.ESPECIALLY_MAJOR})


class Category(models.TextChoices):
    """The ten categories the bureaus count (DOMAIN.md), plus "other"."""

    BUILDING_COLLAPSE = "building_collapse", _("Building collapse")
    CRUSH_STAMPEDE = "crush_stampede", _("Crush or stampede")
    TRAFFIC = "traffic", _("Traffic")
    SPORTS = "sports", _("Sports and PE")
    LABOUR = "labour", _("Labour and practical work")
    VIOLENCE = "violence", _("Intruders and violence")
    FIRE_ELECTRIC_POISONING = "fire_electric_poisoning", _("Fire, electric shock or poisoning")
    ILLNESS_PSYCHOLOGICAL = "illness_psychological", _("Special illness or psychological crisis")
    NATURAL_DISASTER = "natural_disaster", _("Natural disaster")
    ILLEGAL_VEHICLE = "illegal_vehicle", _("Illegal or overloaded vehicle")
    OTHER = "other", _("Other")


# Defaults of the reporting clocks, in minutes from the time of occurrence.
DEFAULT_LIMITS = {
    Severity.GENERAL: (120, 24 * 60),
    Severity.LARGER: (120, 24 * 60),
    Severity.MAJOR: (60, 24 * 60),
    Severity.ESPECIALLY_MAJOR: (60, 24 * 60),
}


class ReportingTimeLimit(models.Model):
    """How soon after an incident the reports are due, per severity (set by administrators).

    An incident keeps the deadlines computed when it was reported or its severity changed:
    changing a limit here applies to incidents reported afterwards.
    """

    severity = models.CharField(_("severity"), max_length=20, choices=Severity.choices, unique=True)
    initial_report_minutes = models.PositiveIntegerField(
        _("initial report within (minutes)"),
        help_text=_("Counted from the time of occurrence. 60 = one hour."),
    )
    written_report_minutes = models.PositiveIntegerField(
        _("written report within (minutes)"),
        help_text=_("Counted from the time of occurrence. 1440 = 24 hours."),
    )

    class Meta:
        verbose_name = _("reporting time limit")
        verbose_name_plural = _("reporting time limits")
        ordering = ["id"]

    def __str__(self) -> str:
        return str(self.get_severity_display())


class IncidentQuerySet(ScopedQuerySet):
    scope_lookup = "school"

    def late(self, now: datetime.datetime | None = None) -> IncidentQuerySet:
        """Initial or written report made after its deadline, or still missing past it."""
        now = now or timezone.now()
        return self.filter(late_q(now))

    def missed(self) -> IncidentQuerySet:
        return self.filter(missed_q())

    def concealed(self) -> IncidentQuerySet:
        return self.filter(concealed_q())


# The clock rule (docs/decisions.md): deadlines are shown to the minute ("截止 14:37"), so a
# report is on time through the end of the deadline's minute; late is counted in whole
# minutes from that minute. One rule for the flags, the list filter, the figures and the PDF.
MINUTE = datetime.timedelta(minutes=1)


def minute_of(moment: datetime.datetime) -> datetime.datetime:
    """The start of the minute `moment` falls in (the minute a page shows for it)."""
    return moment.replace(second=0, microsecond=0)


def late_from(deadline: datetime.datetime) -> datetime.datetime:
    """The first instant at which a report due at `deadline` is late."""
    return minute_of(deadline) + MINUTE


def late_q(now: datetime.datetime) -> Q:
    """Incidents whose initial or written report was late (`late_from`), or is missing at
    `now` past its deadline's minute: the database form of `Incident.is_late(now)`."""
    this_minute = minute_of(now)
    # Truncated in UTC: the same minute as local time (whole-minute offset), and the form
    # in which SQLite and PostgreSQL both compare it with a stored instant.
    initial_late = Q(
        school_reported_at__gte=Trunc("initial_deadline", "minute", tzinfo=datetime.UTC) + MINUTE
    ) | Q(school_reported_at__isnull=True, initial_deadline__lt=this_minute)
    written_late = Q(
        written_reported_at__gte=Trunc("written_deadline", "minute", tzinfo=datetime.UTC) + MINUTE
    ) | Q(written_reported_at__isnull=True, written_deadline__lt=this_minute)
    return initial_late | written_late


def missed_q() -> Q:
    return Q(source="bureau", school_reported_at__isnull=True)


def concealed_q() -> Q:
    return Q(concealed_at__isnull=False)


class Incident(models.Model):
    """One incident at one school. Fields marked "current" are the latest report's facts."""

    class Status(models.TextChoices):
        REPORTED = "reported", _("Reported")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged by the county")
        FORWARDED = "forwarded", _("Forwarded to the city")
        CLOSED = "closed", pgettext_lazy("incident", "Closed")

    class Source(models.TextChoices):
        SCHOOL = "school", _("Reported by the school")
        BUREAU = "bureau", _("Recorded by a bureau")

    school = models.ForeignKey(
        Organisation,
        verbose_name=_("school"),
        on_delete=models.PROTECT,
        related_name="incidents",
        limit_choices_to={"kind": Organisation.Kind.SCHOOL},
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.REPORTED
    )
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    source_note = models.CharField(
        _("how the bureau learned of it"),
        max_length=200,
        blank=True,
        help_text=_("For example: informed by the county hospital."),
    )
    # Current facts (from the latest report).
    category = models.CharField(_("category"), max_length=32, choices=Category.choices)
    severity = models.CharField(_("severity"), max_length=20, choices=Severity.choices)
    occurred_at = models.DateTimeField(_("occurred at"))
    place = models.CharField(_("place"), max_length=200)
    deaths = models.PositiveIntegerField(_("deaths"), default=0)
    injured = models.PositiveIntegerField(_("injured"), default=0)
    missing = models.PositiveIntegerField(_("missing"), default=0)
    summary = models.CharField(_("summary"), max_length=200)
    # Clocks.
    initial_deadline = models.DateTimeField(_("initial report due"))
    written_deadline = models.DateTimeField(_("written report due"))
    school_reported_at = models.DateTimeField(
        _("school's initial report at"), null=True, blank=True
    )
    written_reported_at = models.DateTimeField(_("written report at"), null=True, blank=True)
    # Workflow.
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    forwarded_at = models.DateTimeField(_("forwarded at"), null=True, blank=True)
    closed_at = models.DateTimeField(pgettext_lazy("incident", "closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    is_liability = models.BooleanField(_("liability incident"), null=True, blank=True)
    # Concealment (瞒报), marked by an official.
    concealed_at = models.DateTimeField(_("marked concealed at"), null=True, blank=True)
    concealed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("marked concealed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    concealed_reason = models.TextField(_("what was withheld"), blank=True)
    # Bumped by every change; the stored incident file is current when its revision matches.
    revision = models.PositiveIntegerField(_("revision"), default=1)
    file_pdf = models.FileField(_("incident file (PDF)"), blank=True)
    file_pdf_revision = models.PositiveIntegerField(_("revision of the file PDF"), default=0)
    file_pdf_requested_at = models.DateTimeField(
        _("incident file requested at"), null=True, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = IncidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["school", "status"], name="incident_school_status_idx"),
            models.Index(fields=["occurred_at"], name="incident_occurred_idx"),
            models.Index(fields=["status", "severity"], name="incident_status_sev_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.school} {self.summary}"

    def get_absolute_url(self) -> str:
        return reverse("incidents:incident_detail", args=[self.pk])

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED

    @property
    def is_missed(self) -> bool:
        return self.source == self.Source.BUREAU and self.school_reported_at is None

    @property
    def is_concealed(self) -> bool:
        return self.concealed_at is not None

    @property
    def reaches_city_at_once(self) -> bool:
        return self.severity in CITY_AT_ONCE

    def initial_delay(self, now: datetime.datetime | None = None) -> datetime.timedelta | None:
        """How late the school's initial report was (or is, while missing); None if on time."""
        return _delay(self.school_reported_at, self.initial_deadline, now)

    def written_delay(self, now: datetime.datetime | None = None) -> datetime.timedelta | None:
        return _delay(self.written_reported_at, self.written_deadline, now)

    def is_late(self, now: datetime.datetime | None = None) -> bool:
        return self.initial_delay(now) is not None or self.written_delay(now) is not None

    @property
    def file_pdf_is_current(self) -> bool:
        return bool(self.file_pdf) and self.file_pdf_revision == self.revision

    @property
    def file_pdf_state(self) -> JobState:
        """ "ready" when the stored file shows the current revision; "preparing"/"stalled"
        while a requested rendering has not stored it; "none" when none was requested."""
        return job_state(self.file_pdf_requested_at, self.file_pdf_is_current)


def _delay(
    done_at: datetime.datetime | None,
    deadline: datetime.datetime,
    now: datetime.datetime | None,
) -> datetime.timedelta | None:
    """Whole minutes from the deadline's minute to the report's (or now's), from one minute
    up; None while on time (`late_from`)."""
    moment = done_at or now or timezone.now()
    if moment < late_from(deadline):
        return None
    return minute_of(moment) - minute_of(deadline)


class IncidentReportQuerySet(ScopedQuerySet):
    scope_lookup = "incident__school"


class IncidentReport(models.Model):
    """One submitted version of the report: frozen once saved."""

    class Kind(models.TextChoices):
        INITIAL = "initial", _("Initial report")
        FOLLOW_UP = "follow_up", _("Follow-up report")
        WRITTEN = "written", _("Written report")
        BUREAU_RECORD = "bureau_record", _("Recorded by a bureau")

    incident = models.ForeignKey(
        Incident, verbose_name=_("incident"), on_delete=models.CASCADE, related_name="reports"
    )
    number = models.PositiveIntegerField(_("version"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    category = models.CharField(_("category"), max_length=32, choices=Category.choices)
    severity = models.CharField(_("severity"), max_length=20, choices=Severity.choices)
    occurred_at = models.DateTimeField(_("occurred at"))
    place = models.CharField(_("place"), max_length=200)
    deaths = models.PositiveIntegerField(_("deaths"), default=0)
    injured = models.PositiveIntegerField(_("injured"), default=0)
    missing = models.PositiveIntegerField(_("missing"), default=0)
    pupils_involved = models.PositiveIntegerField(_("pupils involved"), default=0)
    staff_involved = models.PositiveIntegerField(_("staff involved"), default=0)
    summary = models.CharField(_("summary"), max_length=200)
    what_happened = models.TextField(_("what happened"))
    measures_taken = models.TextField(_("immediate measures taken"), blank=True)
    reporter_name = models.CharField(_("reporter"), max_length=50)
    reporter_phone = models.CharField(_("reporter's phone"), max_length=30)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"))

    objects = IncidentReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("incident report")
        verbose_name_plural = _("incident reports")
        ordering = ["incident", "number"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "number"], name="incident_report_version")
        ]

    def __str__(self) -> str:
        return f"{self.incident_id} #{self.number} {self.get_kind_display()}"


class ClosureItemQuerySet(ScopedQuerySet):
    scope_lookup = "incident__school"


class ClosureItem(models.Model):
    """One of the four "not let go" (四不放过) items; the latest record of each kind counts."""

    class Kind(models.TextChoices):
        CAUSE = "cause", _("Cause found")
        ACCOUNTABILITY = "accountability", _("Responsible people dealt with")
        RECTIFICATION = "rectification", _("Rectification in place")
        EDUCATION = "education", _("People concerned educated")

    incident = models.ForeignKey(
        Incident, verbose_name=_("incident"), on_delete=models.CASCADE, related_name="closure_items"
    )
    kind = models.CharField(_("item"), max_length=16, choices=Kind.choices)
    text = models.TextField(
        _("details"),
        help_text=_("The cause; the action taken; the rectification; or what was taught."),
    )
    people = models.CharField(
        _("people"),
        max_length=200,
        blank=True,
        help_text=_("Who was dealt with, or who was educated / who educated them."),
    )
    held_on = models.DateField(_("date"), null=True, blank=True)
    hazards = models.ManyToManyField(
        "inspections.Hazard",
        verbose_name=_("linked hazards"),
        blank=True,
        related_name="+",
        help_text=_("Rectification only: hazards of the same school's ledger."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = ClosureItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("closure item")
        verbose_name_plural = _("closure items")
        ordering = ["incident", "kind", "-recorded_at", "-id"]

    def __str__(self) -> str:
        return str(self.get_kind_display())


class IncidentAttachmentQuerySet(ScopedQuerySet):
    scope_lookup = "incident__school"


class IncidentAttachment(models.Model):
    """A photo or PDF attached to a report version or to a closure item (evidence)."""

    incident = models.ForeignKey(
        Incident, verbose_name=_("incident"), on_delete=models.CASCADE, related_name="attachments"
    )
    report = models.ForeignKey(
        IncidentReport,
        verbose_name=_("report"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
    )
    closure_item = models.ForeignKey(
        ClosureItem,
        verbose_name=_("closure item"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
    )
    file = models.FileField(_("file"))
    thumbnail = models.FileField(_("thumbnail"), blank=True)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=50)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = IncidentAttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class IncidentEventQuerySet(ScopedQuerySet):
    scope_lookup = "incident__school"


class IncidentEvent(TransitionEvent):
    """Append-only timeline row: one per report, acknowledgement, forward, mark and closure
    (who, when, from, to and comment come from TransitionEvent)."""

    status_choices = Incident.Status

    class Action(models.TextChoices):
        REPORTED = "reported", _("Initial report submitted")
        RECORDED = "recorded", _("Recorded by a bureau")
        FOLLOW_UP = "follow_up", _("Follow-up report submitted")
        WRITTEN = "written", _("Written report submitted")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged by the county")
        FORWARDED = "forwarded", _("Forwarded to the city")
        CONCEALED = "concealed", _("Marked as concealed")
        CLOSURE_ITEM = "closure_item", _("Closure item recorded")
        PERSON_DEALT_WITH = "person_dealt", _("Person dealt with recorded")
        PERSON_DEALT_WITH_REMOVED = "person_removed", _("Person dealt with removed")
        EXPLANATION_REQUESTED = "expl_requested", _("Explanation of the late report requested")
        EXPLANATION_SUBMITTED = "expl_submitted", _("Explanation of the late report submitted")
        EXPLANATION_ACCEPTED = "expl_accepted", _("Explanation of the late report accepted")
        EXPLANATION_RETURNED = "expl_returned", _("Explanation of the late report returned")
        CLOSED = "closed", pgettext_lazy("incident", "Closed")

    incident = models.ForeignKey(
        Incident, verbose_name=_("incident"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)

    objects = IncidentEventQuerySet.as_manager()

    class Meta(TransitionEvent.Meta):
        verbose_name = _("incident event")
        verbose_name_plural = _("incident events")

    def __str__(self) -> str:
        return f"{self.incident_id} {self.get_action_display()}"


class SchoolVetoQuerySet(ScopedQuerySet):
    scope_lookup = "school"


class SchoolVeto(models.Model):
    """The one-vote veto (一票否决): a school with a liability incident loses its year."""

    school = models.ForeignKey(
        Organisation, verbose_name=_("school"), on_delete=models.PROTECT, related_name="vetoes"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    incident = models.ForeignKey(
        Incident, verbose_name=_("incident"), on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = SchoolVetoQuerySet.as_manager()

    class Meta:
        verbose_name = _("one-vote veto")
        verbose_name_plural = _("one-vote vetoes")
        ordering = ["-year", "school"]
        constraints = [
            models.UniqueConstraint(fields=["school", "year"], name="one_veto_per_school_year")
        ]

    def __str__(self) -> str:
        return f"{self.school} {self.year}"


# --- accountability (责任追究, issue #19) -----------------------------------------------------


class AccountabilityAction(BilingualName, models.Model):
    """An action taken against a person held responsible (处理方式): criticism, a warning,
    removal from post… A setting list shared by the installation: the standard actions are
    seeded by a data migration; administrators add, rename, reorder or retire them in the
    admin (a retired action stays on the records that used it)."""

    key = models.SlugField(_("key"), max_length=40, unique=True)
    name_zh = models.CharField(_("Chinese name"), max_length=50)
    name_en = models.CharField(_("English name"), max_length=80)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(
        _("offered"), default=True, help_text=_("Retired actions are no longer offered.")
    )

    class Meta:
        verbose_name = _("accountability action")
        verbose_name_plural = _("accountability actions")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class PersonDealtWithQuerySet(ScopedQuerySet):
    """Scoped by the person's unit: a county sees the people of its bureau and schools."""

    scope_lookup = "holder__unit"

    def barring_honours(self, year: int) -> PersonDealtWithQuerySet:
        """The records that bar their person from honours (评优评先) in `year`: those of a
        liability incident (closed as 责任事故) that occurred in that calendar year (local
        time, the year of the school's one-vote veto)."""
        tz = timezone.get_current_timezone()
        start = datetime.datetime(year, 1, 1, tzinfo=tz)
        end = datetime.datetime(year + 1, 1, 1, tzinfo=tz)
        return self.filter(
            incident__status=Incident.Status.CLOSED,
            incident__is_liability=True,
            incident__occurred_at__gte=start,
            incident__occurred_at__lt=end,
        )


class PersonDealtWith(models.Model):
    """A responsibility holder dealt with after an incident (the structured part of the
    "responsible people dealt with" item of the four "not let go"; the item keeps its text).

    Once the incident is closed as a liability incident the person is barred from honours
    for the calendar year of the incident (`PersonDealtWithQuerySet.barring_honours`).
    """

    incident = models.ForeignKey(
        Incident,
        verbose_name=_("incident"),
        on_delete=models.CASCADE,
        related_name="people_dealt_with",
    )
    holder = models.ForeignKey(
        Holder,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="dealt_with",
    )
    action = models.ForeignKey(
        AccountabilityAction,
        verbose_name=_("action taken"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    dealt_on = models.DateField(_("decided on"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = PersonDealtWithQuerySet.as_manager()

    class Meta:
        verbose_name = _("person dealt with")
        verbose_name_plural = _("people dealt with")
        ordering = ["incident", "dealt_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "holder", "action"], name="person_dealt_with_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.holder} {self.action}"


class LateExplanationQuerySet(ScopedQuerySet):
    scope_lookup = "incident__school"

    def to_write(self) -> LateExplanationQuerySet:
        """Waiting for the school: requested and not yet submitted, or returned."""
        return self.filter(
            status__in=[LateExplanation.Status.REQUESTED, LateExplanation.Status.RETURNED]
        )

    def to_decide(self) -> LateExplanationQuerySet:
        """Submitted, waiting for the county's decision."""
        return self.filter(status=LateExplanation.Status.SUBMITTED)


class LateExplanation(models.Model):
    """The written explanation (情况说明) a school owes for a late report (迟报): a text and
    an optional scanned document, which the county accepts or returns with a comment (the
    school then revises and submits again). One per incident, requested by the first late
    report of the school."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested from the school")
        SUBMITTED = "submitted", _("Submitted, waiting for the county")
        RETURNED = "returned", _("Returned for revision")
        ACCEPTED = "accepted", _("Accepted")

    incident = models.OneToOneField(
        Incident,
        verbose_name=_("incident"),
        on_delete=models.CASCADE,
        related_name="late_explanation",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.REQUESTED
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    text = models.TextField(_("explanation"), blank=True)
    file = models.FileField(_("signed document"), blank=True)
    original_name = models.CharField(_("file name"), max_length=200, blank=True)
    content_type = models.CharField(_("content type"), max_length=50, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    comment = models.TextField(_("county's comment"), blank=True)

    objects = LateExplanationQuerySet.as_manager()

    class Meta:
        verbose_name = _("late-report explanation")
        verbose_name_plural = _("late-report explanations")
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["status"], name="late_explanation_status_idx")]

    def __str__(self) -> str:
        return f"{self.incident_id} {self.get_status_display()}"

    @property
    def awaits_school(self) -> bool:
        return self.status in (self.Status.REQUESTED, self.Status.RETURNED)
