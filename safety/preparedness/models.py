"""Emergency preparedness records (应急预案与演练): scenarios, plans and their filing events,
the leading group and teams, drills with photos and problems, per-bureau drill settings.

These models belong to the `safety` app: `safety/models.py` imports them so Django registers
them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safety.models import BilingualName, Organisation, SafetyArea, TransitionEvent
from safety.responsibility.models import Holder
from safety.scoping import ScopedQuerySet


class Scenario(BilingualName, models.Model):
    """A kind of emergency a plan covers (总体预案, 火灾, 地震 …). A catalogue shared by the
    installation, seeded by a migration, edited by system administrators."""

    key = models.SlugField(_("key"), max_length=40, unique=True)
    name_zh = models.CharField(_("Chinese name"), max_length=50)
    name_en = models.CharField(_("English name"), max_length=80)
    is_overall = models.BooleanField(
        _("overall plan"), default=False, help_text=_("The school's overall emergency plan.")
    )
    is_required = models.BooleanField(
        _("required"), default=True, help_text=_("Every school it applies to needs a plan.")
    )
    boarding_only = models.BooleanField(_("boarding schools only"), default=False)
    buses_only = models.BooleanField(
        _("schools with buses only"),
        default=False,
        help_text=_(
            "Required only of schools with school buses, which also drill it (a bus evacuation) "
            "every semester."
        ),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("emergency scenario")
        verbose_name_plural = _("emergency scenarios")
        ordering = ["order", "key"]

    def __str__(self) -> str:
        return self.name

    def applies_to(self, unit: Organisation) -> bool:
        return self.is_active and (not self.boarding_only or unit.is_boarding)

    def is_required_for(self, unit: Organisation) -> bool:
        return (
            self.is_required
            and self.applies_to(unit)
            and (not self.buses_only or unit.has_school_buses)
        )


class PlanQuerySet(ScopedQuerySet):
    scope_lookup = "unit"


class Plan(models.Model):
    """One version of a unit's emergency plan for a scenario (应急预案): the document, who
    approved it, and its filing with the bureau above (备案). An acknowledged version is
    frozen; a change is a new version with a new filing."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Waiting for acknowledgement")
        ACKNOWLEDGED = "acknowledged", _("Filed (acknowledged)")
        RETURNED = "returned", _("Returned")

    unit = models.ForeignKey(
        Organisation, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    scenario = models.ForeignKey(
        Scenario, verbose_name=_("scenario"), on_delete=models.PROTECT, related_name="plans"
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    title = models.CharField(_("title"), max_length=120)
    document = models.FileField(_("document"), upload_to="preparedness/plans/")
    document_name = models.CharField(_("original file name"), max_length=200)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_comment = models.TextField(_("bureau's comment"), blank=True)
    next_review_on = models.DateField(
        _("next review"), help_text=_("At least once a year, and after a drill shows a flaw.")
    )
    review_flagged_at = models.DateTimeField(_("flagged for review at"), null=True, blank=True)
    review_flag_reason = models.CharField(_("reason for review"), max_length=200, blank=True)
    review_flag_key = models.CharField(
        _("flagged by"),
        max_length=60,
        blank=True,
        help_text=_("What flagged the plan (for example incident:12), so it flags it only once."),
    )
    review_flag_url = models.CharField(_("link to what flagged it"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("emergency plan")
        verbose_name_plural = _("emergency plans")
        ordering = ["unit", "scenario__order", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "scenario", "version"], name="plan_one_row_per_version"
            ),
        ]
        indexes = [models.Index(fields=["unit", "status"], name="plan_unit_status_idx")]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"

    @property
    def is_frozen(self) -> bool:
        return self.status == self.Status.ACKNOWLEDGED

    def is_review_due(self, today) -> bool:
        return self.review_flagged_at is not None or self.next_review_on < today


class PlanEvent(TransitionEvent):
    """One step of a plan version's filing (submitted, acknowledged, returned)."""

    status_choices = Plan.Status

    plan = models.ForeignKey(
        Plan, verbose_name=_("emergency plan"), on_delete=models.CASCADE, related_name="events"
    )

    class Meta(TransitionEvent.Meta):
        verbose_name = _("plan event")
        verbose_name_plural = _("plan events")

    def __str__(self) -> str:
        return f"{self.from_status_label()} → {self.to_status_label()}"


class TeamQuerySet(ScopedQuerySet):
    scope_lookup = "unit"


class Team(models.Model):
    """The emergency leading group (应急工作领导小组) or one of its working teams."""

    class Kind(models.TextChoices):
        LEADING = "leading", _("Emergency leading group")
        COMMUNICATION = "communication", _("Communication team")
        EVACUATION = "evacuation", _("Evacuation guidance team")
        FIRST_AID = "first_aid", _("First-aid team")
        SECURITY = "security", _("Security team")
        LOGISTICS = "logistics", _("Logistics team")
        OTHER = "other", _("Other team")

    unit = models.ForeignKey(
        Organisation, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=50)
    duties = models.TextField(_("duties"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = TeamQuerySet.as_manager()

    class Meta:
        verbose_name = _("emergency team")
        verbose_name_plural = _("emergency teams")
        ordering = ["unit", "order", "id"]

    def __str__(self) -> str:
        return self.name


class TeamMemberQuerySet(ScopedQuerySet):
    scope_lookup = "team__unit"


class TeamMember(models.Model):
    """A responsibility holder in a team; the phone is the holder's."""

    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.CASCADE, related_name="members"
    )
    holder = models.ForeignKey(
        Holder, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    is_leader = models.BooleanField(_("team leader"), default=False)
    duty = models.CharField(_("duty in the team"), max_length=100, blank=True)

    objects = TeamMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["team", "-is_leader", "id"]
        constraints = [
            models.UniqueConstraint(fields=["team", "holder"], name="team_member_once"),
        ]

    def __str__(self) -> str:
        return f"{self.team} · {self.holder}"


class DrillQuerySet(ScopedQuerySet):
    scope_lookup = "unit"


class Drill(models.Model):
    """An emergency drill (应急演练): planned, then recorded when it has been held."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        RECORDED = "recorded", _("Recorded")

    unit = models.ForeignKey(
        Organisation, verbose_name=_("school"), on_delete=models.PROTECT, related_name="+"
    )
    scenario = models.ForeignKey(
        Scenario, verbose_name=_("scenario"), on_delete=models.PROTECT, related_name="+"
    )
    plan = models.ForeignKey(
        Plan,
        verbose_name=_("plan exercised"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="drills",
    )
    planned_on = models.DateField(_("planned date"))
    announced = models.BooleanField(
        _("announced in advance"), default=True, help_text=_("Untick for an unannounced drill.")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    held_on = models.DateField(_("date held"), null=True, blank=True)
    pupils = models.PositiveIntegerField(_("pupils taking part"), null=True, blank=True)
    staff = models.PositiveIntegerField(_("staff taking part"), null=True, blank=True)
    evacuation_seconds = models.PositiveIntegerField(
        _("evacuation time (seconds)"),
        null=True,
        blank=True,
        help_text=_("From the signal until everyone is assembled."),
    )
    evaluation = models.TextField(_("evaluation"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("planned by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = DrillQuerySet.as_manager()

    class Meta:
        verbose_name = _("emergency drill")
        verbose_name_plural = _("emergency drills")
        ordering = ["-planned_on", "-id"]
        indexes = [
            models.Index(fields=["unit", "status", "held_on"], name="drill_unit_held_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="planned") | Q(held_on__isnull=False),
                name="drill_recorded_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scenario} {self.held_on or self.planned_on}"

    @property
    def day(self):
        return self.held_on or self.planned_on


class DrillPhotoQuerySet(ScopedQuerySet):
    scope_lookup = "drill__unit"


class DrillPhoto(models.Model):
    drill = models.ForeignKey(
        Drill, verbose_name=_("drill"), on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField(_("photo"), upload_to="preparedness/drills/")
    thumbnail = models.ImageField(_("thumbnail"), upload_to="preparedness/drills/thumbs/")
    original_name = models.CharField(_("original file name"), max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = DrillPhotoQuerySet.as_manager()

    class Meta:
        verbose_name = _("drill photo")
        verbose_name_plural = _("drill photos")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name


class DrillProblemQuerySet(ScopedQuerySet):
    scope_lookup = "drill__unit"


class DrillProblem(models.Model):
    """A problem seen in a drill; one step makes it a hazard in the ledger (inspections)."""

    drill = models.ForeignKey(
        Drill, verbose_name=_("drill"), on_delete=models.CASCADE, related_name="problems"
    )
    area = models.ForeignKey(
        SafetyArea, verbose_name=_("safety area"), on_delete=models.PROTECT, related_name="+"
    )
    location = models.CharField(_("location"), max_length=200, blank=True)
    description = models.TextField(_("problem seen"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = DrillProblemQuerySet.as_manager()

    class Meta:
        verbose_name = _("drill problem")
        verbose_name_plural = _("drill problems")
        ordering = ["drill", "id"]

    def __str__(self) -> str:
        return self.description[:40]


class DrillSettingsQuerySet(ScopedQuerySet):
    scope_lookup = "unit"


class DrillSettings(models.Model):
    """A bureau's minimum drill frequencies and evacuation targets; a school follows its
    nearest bureau with a row, and the national defaults (MOE drill guide, 2014) apply
    where no bureau has one."""

    unit = models.OneToOneField(
        Organisation,
        verbose_name=_("bureau"),
        on_delete=models.CASCADE,
        related_name="drill_settings",
    )
    school_per_month = models.PositiveSmallIntegerField(
        _("drills a month: primary and secondary schools"), default=1
    )
    kindergarten_per_quarter = models.PositiveSmallIntegerField(
        _("drills a quarter: kindergartens"), default=1
    )
    boarding_per_month = models.PositiveSmallIntegerField(
        _("drills a month: boarding schools"), default=2
    )
    special_per_month = models.PositiveSmallIntegerField(
        _("drills a month: special-education schools"), default=2
    )
    target_seconds_young = models.PositiveSmallIntegerField(
        _("evacuation target (seconds): kindergartens, primary and special schools"), default=180
    )
    target_seconds = models.PositiveSmallIntegerField(
        _("evacuation target (seconds): other schools"), default=120
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = DrillSettingsQuerySet.as_manager()

    class Meta:
        verbose_name = _("drill settings")
        verbose_name_plural = _("drill settings")

    def __str__(self) -> str:
        return str(self.unit)


class PreparednessSummaryQuerySet(ScopedQuerySet):
    scope_lookup = "unit"
    audited = False  # derived numbers, rewritten by the services and the nightly task


class PreparednessSummary(models.Model):
    """A school's row of the bureaus' coverage view as of the day `on` (issue #23): its drills
    this month or quarter, its bus evacuation this semester, the scenarios without a filed
    plan, plans due for review or waiting, and its evacuation times of the six months up to
    `on`. The coverage view pages and counts these rows in the database instead of computing
    every school's plans and drills per request (3.2 s for a province of 20,000 schools).

    Rewritten by the preparedness services in the transaction of each change to a school's
    plans, drills or buses, by `organisation_save` for a unit created, changed or moved (and
    its subtree), and for every school each night (the task
    "safety.refresh_preparedness_summaries": a new month or quarter, a review date passing).
    A change to the scenario catalogue or a bureau's drill settings deletes the rows it
    reaches and queues the task. A row not of today is stale: while any school of a view has
    one, the view computes every row live (correct, only slower)."""

    unit = models.OneToOneField(
        Organisation,
        verbose_name=_("school"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="preparedness_summary",
    )
    on = models.DateField(_("computed for"))
    period = models.CharField(_("drill period"), max_length=8)  # "month" or "quarter"
    required = models.PositiveSmallIntegerField(_("drills required in the period"))
    target_seconds = models.PositiveSmallIntegerField(_("evacuation target (seconds)"))
    held = models.PositiveIntegerField(_("drills held in the period"), default=0)
    has_buses = models.BooleanField(_("has school buses"), default=False)
    bus_drills = models.PositiveIntegerField(_("bus evacuation drills this semester"), default=0)
    drills_ok = models.BooleanField(_("drills done"), default=False)
    missing_scenarios = models.JSONField(_("scenarios without a filed plan"), default=list)
    missing_count = models.PositiveSmallIntegerField(
        _("number of scenarios without a filed plan"), default=0
    )
    overdue_reviews = models.PositiveIntegerField(_("plans due for review"), default=0)
    waiting = models.PositiveIntegerField(_("plans waiting for acknowledgement"), default=0)
    # The six months up to `on`, oldest first: the evacuation seconds and the number of timed
    # drills of each, a column a month (0: the oldest; selectors.TREND_MONTHS). The row's
    # averages and the county trend's are computed from them; summed over a province's 20,000
    # schools, reading them as JSON elements cost 50 ms.
    seconds_0 = models.PositiveIntegerField(_("evacuation seconds by month"), default=0)
    seconds_1 = models.PositiveIntegerField(_("evacuation seconds by month"), default=0)
    seconds_2 = models.PositiveIntegerField(_("evacuation seconds by month"), default=0)
    seconds_3 = models.PositiveIntegerField(_("evacuation seconds by month"), default=0)
    seconds_4 = models.PositiveIntegerField(_("evacuation seconds by month"), default=0)
    seconds_5 = models.PositiveIntegerField(_("evacuation seconds by month"), default=0)
    timed_0 = models.PositiveIntegerField(_("timed drills by month"), default=0)
    timed_1 = models.PositiveIntegerField(_("timed drills by month"), default=0)
    timed_2 = models.PositiveIntegerField(_("timed drills by month"), default=0)
    timed_3 = models.PositiveIntegerField(_("timed drills by month"), default=0)
    timed_4 = models.PositiveIntegerField(_("timed drills by month"), default=0)
    timed_5 = models.PositiveIntegerField(_("timed drills by month"), default=0)

    objects = PreparednessSummaryQuerySet.as_manager()

    class Meta:
        verbose_name = _("preparedness summary")
        verbose_name_plural = _("preparedness summaries")

    def __str__(self) -> str:
        return f"{self.unit_id} {self.on}"
