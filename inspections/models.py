"""Checklist templates, inspections, hazards and their rectification (issue #4).

Depends on `safety` only; never imports `reporting`. State changes live in the services
package, reads shared by views in selectors.py.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safety.models import Organisation, SafetyArea, TransitionEvent
from safety.scoping import ScopedQuerySet
from safety.workdays import DayUnit


class ChecklistTemplate(models.Model):
    """A checklist (检查表模板) for one safety area. Its items live in versions: editing
    publishes a new version, and an inspection keeps the version it was filed with."""

    area = models.ForeignKey(
        SafetyArea, verbose_name=_("safety area"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=100)
    is_active = models.BooleanField(_("active"), default=True)
    current_version = models.ForeignKey(
        "ChecklistVersion",
        verbose_name=_("current version"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    class Meta:
        verbose_name = _("checklist template")
        verbose_name_plural = _("checklist templates")
        ordering = ["area__order", "name"]

    def __str__(self) -> str:
        return self.name


class ChecklistVersion(models.Model):
    template = models.ForeignKey(
        ChecklistTemplate,
        verbose_name=_("checklist template"),
        on_delete=models.CASCADE,
        related_name="versions",
    )
    number = models.PositiveIntegerField(_("version"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("checklist version")
        verbose_name_plural = _("checklist versions")
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="checklist_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.template} v{self.number}"


class ChecklistItem(models.Model):
    version = models.ForeignKey(
        ChecklistVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="items"
    )
    order = models.PositiveSmallIntegerField(_("order"))
    text = models.CharField(_("check"), max_length=300)

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.text


class SpotCheckDrawQuerySet(ScopedQuerySet):
    scope_lookup = "bureau"


class SpotCheckDraw(models.Model):
    """A random draw of schools for a city spot check (抽查), recorded so that anyone can
    redo it: `random.Random(seed).sample(candidate_ids, count)` gives `drawn_ids`."""

    bureau = models.ForeignKey(
        Organisation,
        verbose_name=_("jurisdiction"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("drawn by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("drawn at"), auto_now_add=True)
    seed = models.BigIntegerField(_("random seed"))
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    count = models.PositiveIntegerField(_("number of schools"))
    candidate_ids = models.JSONField(_("candidate schools"), default=list)
    drawn_ids = models.JSONField(_("drawn schools"), default=list)

    objects = SpotCheckDrawQuerySet.as_manager()

    class Meta:
        verbose_name = _("spot-check draw")
        verbose_name_plural = _("spot-check draws")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.bureau} {self.created_at:%Y-%m-%d %H:%M}"


class InspectionQuerySet(ScopedQuerySet):
    scope_lookup = "school"


class Inspection(models.Model):
    """One inspection of one school against one checklist version (安全检查登记)."""

    class Kind(models.TextChoices):
        SELF_DAILY = "self_daily", _("Self-inspection (daily)")
        SELF_WEEKLY = "self_weekly", _("Self-inspection (weekly)")
        SELF_MONTHLY = "self_monthly", _("Self-inspection (monthly)")
        SELF_TERM_START = "self_term_start", _("Self-inspection (start of term)")
        SELF_TERM_END = "self_term_end", _("Self-inspection (end of term)")
        COUNTY = "county", _("County supervisory inspection")
        SPOT_CHECK = "spot_check", _("City spot check")
        # Special campaigns (issue #18): started from the school's campaign task only.
        CAMPAIGN = "campaign", _("Special campaign")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    school = models.ForeignKey(
        Organisation, verbose_name=_("school"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    checklist = models.ForeignKey(
        ChecklistVersion,
        verbose_name=_("checklist version"),
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("inspector"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    inspected_on = models.DateField(_("inspection date"), default=timezone.localdate)
    summary = models.TextField(_("summary"), blank=True)
    spot_check_draw = models.ForeignKey(
        SpotCheckDraw,
        verbose_name=_("spot-check draw"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspections",
    )
    # Special campaigns (issue #18).
    campaign = models.ForeignKey(
        "Campaign",
        verbose_name=_("special campaign"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspections",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    objects = InspectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-inspected_on", "-id"]
        indexes = [
            models.Index(fields=["school", "inspected_on"], name="inspection_school_idx"),
            # The inspection list, newest first (#23): read from the index to the page's rows
            # instead of sorting the jurisdiction's inspections.
            models.Index(fields=["-created_at", "-id"], name="inspection_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.school} {self.get_kind_display()} {self.inspected_on}"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class HazardQuerySet(ScopedQuerySet):
    scope_lookup = "school"

    def open(self) -> HazardQuerySet:
        return self.exclude(status=Hazard.Status.CLOSED)


class Hazard(models.Model):
    """A safety hazard (安全隐患) in the ledger, tracked until it is verified and closed."""

    class Status(models.TextChoices):
        REPORTED = "reported", _("Reported")
        IN_RECTIFICATION = "in_rectification", _("In rectification")
        PENDING_VERIFICATION = "pending_verification", _("Pending verification")
        CLOSED = "closed", _("Closed")

    class Kind(models.TextChoices):
        TANGIBLE = "tangible", _("Tangible")
        MANAGERIAL = "managerial", _("Managerial")

    class Severity(models.TextChoices):
        GENERAL = "general", _("General")
        MAJOR = "major", _("Major")

    class Source(models.TextChoices):
        SELF_INSPECTION = "self_inspection", _("Self-inspection")
        COUNTY_INSPECTION = "county_inspection", _("County inspection")
        SPOT_CHECK = "spot_check", _("Spot check")
        AD_HOC = "ad_hoc", _("Ad hoc report")
        # Special campaigns (issue #18).
        CAMPAIGN = "campaign", _("Special campaign")
        DRILL = "drill", _("Emergency drill")  # emergency preparedness (issue #14)
        # Daily guarding (issue #15): a problem found at a night-patrol checkpoint.
        PATROL = "patrol", _("Night patrol")
        # #17 surroundings: a public report by QR code accepted by the school.
        PUBLIC = "public", _("Public report")
        RISK = "risk", _("Risk point check")  # #20 risk grading

    school = models.ForeignKey(
        Organisation, verbose_name=_("school"), on_delete=models.PROTECT, related_name="+"
    )
    area = models.ForeignKey(
        SafetyArea, verbose_name=_("safety area"), on_delete=models.PROTECT, related_name="+"
    )
    location = models.CharField(_("location"), max_length=200, blank=True)
    description = models.TextField(_("description"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.TANGIBLE)
    severity = models.CharField(
        _("severity"), max_length=8, choices=Severity.choices, default=Severity.GENERAL
    )
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    # #17 surroundings: the public report this hazard was accepted from.
    public_report = models.OneToOneField(
        "inspections.PublicReport",
        verbose_name=_("public report"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hazard",
    )
    status = models.CharField(
        _("status"), max_length=24, choices=Status.choices, default=Status.REPORTED
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reporter"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    inspection = models.ForeignKey(
        Inspection,
        verbose_name=_("inspection"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hazards",
    )
    # Daily guarding (issue #15): the checkpoint record a night patrol made it from.
    patrol_record = models.OneToOneField(
        "safety.CheckpointRecord",
        verbose_name=_("night patrol record"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hazard",
    )
    item_result = models.OneToOneField(
        "ItemResult",
        verbose_name=_("checklist item result"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hazard",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rectification owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("supervisor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Emergency preparedness (issue #14): the drill problem this hazard was entered from.
    drill_problem = models.OneToOneField(
        "safety.DrillProblem",
        verbose_name=_("drill problem"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hazard",
    )
    deadline = models.DateField(_("rectification deadline"), null=True, blank=True)
    interim_measures = models.TextField(_("interim control measures"), blank=True)
    needs_professional_assessment = models.BooleanField(
        _("needs professional assessment"), default=False
    )
    rectification = models.TextField(_("rectification measures"), blank=True)
    fixed_on_spot = models.BooleanField(_("fixed on the spot"), default=False)
    extension_until = models.DateField(_("extension requested until"), null=True, blank=True)
    extension_reason = models.TextField(_("extension reason"), blank=True)
    is_overdue = models.BooleanField(_("overdue"), default=False)
    overdue_since = models.DateField(_("overdue since"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    # Never cleared (an extension lifts `is_overdue`, not the history): once a hazard has been
    # overdue, its extensions are decided by the county bureau (guards.check_extension_decider).
    first_overdue_on = models.DateField(_("first overdue on"), null=True, blank=True)
    # Special campaigns (issue #18): the campaign whose inspection found it.
    campaign = models.ForeignKey(
        "Campaign",
        verbose_name=_("special campaign"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hazards",
    )
    created_at = models.DateTimeField(_("reported at"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # #20 risk grading: the check of a risk point that found it not controlled.
    risk_check = models.OneToOneField(
        "RiskCheck",
        verbose_name=_("risk point check"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hazard",
    )

    objects = HazardQuerySet.as_manager()

    class Meta:
        verbose_name = _("hazard")
        verbose_name_plural = _("hazards")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["school", "status"], name="hazard_school_status_idx"),
            models.Index(fields=["school", "severity", "status"], name="hazard_school_sev_idx"),
            models.Index(fields=["status", "deadline"], name="hazard_status_deadline_idx"),
            models.Index(fields=["is_overdue", "status"], name="hazard_overdue_idx"),
            # #23: a county home's ten schools with the most open overdue hazards, counted
            # from this index alone (the school index read each school's whole history: 78 ms
            # for a county of the 4x city; 15-27 ms with this).
            models.Index(
                fields=["school", "id"],
                condition=Q(is_overdue=True) & ~Q(status="closed"),
                name="hazard_open_overdue_school",
            ),
            models.Index(fields=["area", "status"], name="hazard_area_idx"),
            models.Index(fields=["severity", "status"], name="hazard_severity_idx"),
            models.Index(fields=["kind", "status"], name="hazard_kind_idx"),
            models.Index(fields=["source", "status"], name="hazard_source_idx"),
            models.Index(fields=["-created_at", "-id"], name="hazard_created_idx"),
            # The ledger table sorted by deadline, either way (tables.HazardTable, #23):
            # hazard_deadline_idx and hazard_deadline_desc_idx, PostgreSQL only (NULLS LAST),
            # created by migration 0017.
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="reported") | Q(fixed_on_spot=True) | Q(owner__isnull=False),
                name="hazard_owner_once_assigned",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school} · {self.description[:40]}"

    @property
    def is_major(self) -> bool:
        return self.severity == self.Severity.MAJOR

    @property
    def days_left(self) -> int | None:
        if self.deadline is None or self.status == self.Status.CLOSED:
            return None
        return (self.deadline - timezone.localdate()).days

    @property
    def status_css(self) -> str:
        if self.status == self.Status.CLOSED:
            return "status-closed"
        if self.is_overdue:
            return "status-overdue"
        left = self.days_left
        if left is not None and left <= 3:
            return "status-due-soon"
        return "status-in-progress"


class ItemResultQuerySet(ScopedQuerySet):
    scope_lookup = "inspection__school"


class ItemResult(models.Model):
    class Result(models.TextChoices):
        PASS = "pass", _("Pass")
        HAZARD = "hazard", _("Hazard")
        NOT_APPLICABLE = "na", _("Not applicable")

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("inspection"), on_delete=models.CASCADE, related_name="results"
    )
    item = models.ForeignKey(
        ChecklistItem, verbose_name=_("check"), on_delete=models.PROTECT, related_name="+"
    )
    result = models.CharField(_("result"), max_length=8, choices=Result.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    severity = models.CharField(
        _("severity"),
        max_length=8,
        choices=Hazard.Severity.choices,
        default=Hazard.Severity.GENERAL,
    )

    objects = ItemResultQuerySet.as_manager()

    class Meta:
        verbose_name = _("item result")
        verbose_name_plural = _("item results")
        constraints = [
            models.UniqueConstraint(fields=["inspection", "item"], name="item_result_unique")
        ]

    def __str__(self) -> str:
        return f"{self.item}: {self.result}"


# Built-in defaults when no bureau above a school has its own settings.
DEFAULT_DEADLINE_DAYS = {Hazard.Severity.GENERAL: 7, Hazard.Severity.MAJOR: 30}
DEFAULT_ESCALATION_DAYS = 3


class InspectionSettingsQuerySet(ScopedQuerySet):
    scope_lookup = "bureau"


class InspectionSettings(models.Model):
    """Per-bureau rectification rules; the nearest bureau above a school with a row wins."""

    bureau = models.OneToOneField(
        Organisation,
        verbose_name=_("bureau"),
        on_delete=models.CASCADE,
        related_name="inspection_settings",
        limit_choices_to={"kind__in": ["city", "county"]},
    )
    general_deadline_days = models.PositiveSmallIntegerField(
        _("deadline for general hazards (days)"),
        default=DEFAULT_DEADLINE_DAYS[Hazard.Severity.GENERAL],
    )
    major_deadline_days = models.PositiveSmallIntegerField(
        _("deadline for major hazards (days)"), default=DEFAULT_DEADLINE_DAYS[Hazard.Severity.MAJOR]
    )
    escalation_days = models.PositiveSmallIntegerField(
        _("escalate to the county bureau after (days overdue)"),
        default=DEFAULT_ESCALATION_DAYS,
    )
    # #20 working days: how the two deadlines above count their days.
    deadline_unit = models.CharField(
        _("deadlines count"),
        max_length=8,
        choices=DayUnit.choices,
        default=DayUnit.CALENDAR,
        help_text=_(
            "Working days follow the official holiday calendar (holidays and make-up working "
            "days); calendar days count every day."
        ),
    )

    objects = InspectionSettingsQuerySet.as_manager()

    class Meta:
        verbose_name = _("rectification settings")
        verbose_name_plural = _("rectification settings")

    def __str__(self) -> str:
        return str(self.bureau)


class HazardEvent(TransitionEvent):
    """One append-only row per workflow transition (safety.models.TransitionEvent); the
    hazard's timeline."""

    status_choices = Hazard.Status

    class Action(models.TextChoices):
        REPORTED = "reported", _("Reported")
        FIXED_ON_SPOT = "fixed_on_spot", _("Fixed on the spot")
        ASSIGNED = "assigned", _("Assigned for rectification")
        SUBMITTED = "submitted", _("Rectification submitted")
        RETURNED = "returned", _("Returned")
        CLOSED = "closed", _("Closed")
        EXTENSION_REQUESTED = "extension_requested", _("Extension requested")
        EXTENSION_GRANTED = "extension_granted", _("Extension granted")
        EXTENSION_REFUSED = "extension_refused", _("Extension refused")
        EXTENSION_CLOSED = "extension_closed", _("Extension request closed")
        OVERDUE = "overdue", _("Overdue")
        ESCALATED = "escalated", _("Escalated to the county bureau")
        REOPENED = "reopened", _("Re-opened")

    hazard = models.ForeignKey(
        Hazard, verbose_name=_("hazard"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("action"), max_length=24, choices=Action.choices)

    class Meta(TransitionEvent.Meta):
        verbose_name = _("hazard event")
        verbose_name_plural = _("hazard events")

    def __str__(self) -> str:
        return f"{self.hazard_id} {self.get_action_display()}"


class BureauHazardCount(models.Model):
    """What the hazard counts kept by triggers share (inspections/tally.py): a number of
    hazards of the schools directly under a bureau, per safety area, severity and overdue
    flag (and per whatever else the concrete table adds). Never written by Django."""

    bureau = models.ForeignKey(
        Organisation,
        verbose_name=_("bureau"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    area = models.ForeignKey(
        SafetyArea,
        verbose_name=_("safety area"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    severity = models.CharField(_("severity"), max_length=8)
    is_overdue = models.BooleanField(_("overdue"))
    count = models.IntegerField(_("count"), default=0)

    class Meta:
        abstract = True


class HazardTallyQuerySet(ScopedQuerySet):
    scope_lookup = "bureau"


class HazardTally(BureauHazardCount):
    """How many hazards the schools directly under each bureau have, per value of the
    ledger's equality filters. Kept by PostgreSQL triggers on the hazard table and on a
    school's move to another bureau (see inspections/tally.py), so the ledger's status badges
    and paginator total at bureau level sum a few thousand rows, however large the ledger.
    Never written by Django. Not used on SQLite (no triggers there): the ledger counts the
    hazards directly."""

    kind = models.CharField(_("kind"), max_length=12)
    source = models.CharField(_("source"), max_length=20)
    status = models.CharField(_("status"), max_length=24)

    objects = HazardTallyQuerySet.as_manager()

    class Meta:
        verbose_name = _("hazard tally")
        verbose_name_plural = _("hazard tallies")
        constraints = [
            models.UniqueConstraint(
                fields=["bureau", "area", "severity", "kind", "source", "status", "is_overdue"],
                name="hazard_tally_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.bureau_id} {self.status} {self.count}"


class HazardOpenQuerySet(ScopedQuerySet):
    scope_lookup = "bureau"


class HazardOpen(BureauHazardCount):
    """The open hazards (not closed) of the schools directly under each bureau, per safety
    area, severity and overdue flag: the hazard tally's open rows without its kind, source
    and status (issue #23). The dashboards' figures of open hazards summed the tally's open
    rows, 42,500 for a province (106 ms of its home); these are about a sixth. Kept by a
    PostgreSQL trigger on the hazard tally itself (inspections/tally.py), so whatever keeps
    the tally keeps it: a hazard's change, a school's move, a rebuild. Never written by
    Django; not used on SQLite."""

    objects = HazardOpenQuerySet.as_manager()

    class Meta:
        verbose_name = _("open hazard tally")
        verbose_name_plural = _("open hazard tallies")
        constraints = [
            models.UniqueConstraint(
                fields=["bureau", "area", "severity", "is_overdue"], name="hazard_open_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.bureau_id} {self.severity} {self.count}"


class HazardMonthQuerySet(ScopedQuerySet):
    scope_lookup = "bureau"


class HazardMonth(models.Model):
    """How many hazards the schools directly under each bureau found and closed in each
    month (local time, settings.TIME_ZONE): the dashboards' twelve-month trends and the
    "found in the period" figure sum these rows instead of scanning the hazard table. Kept,
    like the tally, by PostgreSQL triggers on every insert, update and delete of a hazard and
    on a school's move (inspections/tally.py); rebuilt with `tally.rebuild()`. A hazard counts
    as closed in the month of its `closed_at` while its status is closed (a reopened hazard
    leaves that month). Never written by Django; not kept on SQLite, where the dashboards count
    the hazards directly."""

    bureau = models.ForeignKey(
        Organisation,
        verbose_name=_("bureau"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    month = models.DateField(_("month"))  # the first day of the month
    found = models.IntegerField(_("found"), default=0)
    closed = models.IntegerField(_("closed"), default=0)

    objects = HazardMonthQuerySet.as_manager()

    class Meta:
        verbose_name = _("hazards of a month")
        verbose_name_plural = _("hazards of a month")
        constraints = [
            models.UniqueConstraint(fields=["bureau", "month"], name="hazard_month_key"),
        ]

    def __str__(self) -> str:
        return f"{self.bureau_id} {self.month:%Y-%m}: {self.found}/{self.closed}"


class PhotoQuerySet(ScopedQuerySet):
    scope_lookup = "school"


class Photo(models.Model):
    """A re-encoded photo (see safety.uploads) of an inspection item, a hazard or a
    rectification step; served only through the scoped photo view."""

    school = models.ForeignKey(
        Organisation, verbose_name=_("school"), on_delete=models.PROTECT, related_name="+"
    )
    item_result = models.ForeignKey(
        ItemResult,
        verbose_name=_("checklist item result"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="photos",
    )
    hazard = models.ForeignKey(
        Hazard,
        verbose_name=_("hazard"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="photos",
    )
    event = models.ForeignKey(
        HazardEvent,
        verbose_name=_("rectification step"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="photos",
    )
    image = models.FileField(_("photo"), max_length=200)
    thumbnail = models.FileField(_("thumbnail"), max_length=200)
    original_name = models.CharField(_("original file name"), max_length=200, blank=True)
    content_type = models.CharField(_("file type"), max_length=40)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = PhotoQuerySet.as_manager()

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name or self.image.name


# Special campaigns (issue #18) live in their feature package; importing them here registers
# them under this app.
from .campaigns.models import Campaign, CampaignForward, CampaignTask  # noqa: E402, F401

# #20 risk grading: the risk points' models live in their feature package.
from .risks.models import (  # noqa: E402, F401
    CampusPlan,
    RiskCheck,
    RiskPoint,
    RiskReport,
    RiskSettings,
    RiskTally,
)

# #17 surroundings: the surroundings ledger, joint meetings and public reports live in their
# feature package; importing them here registers them under this app.
from .surroundings.models import (  # noqa: E402, F401
    JointMeeting,
    MeetingDecision,
    PublicReport,
    SpotEvent,
    SurroundingsSpot,
)
