"""Activities and school buses (issue #16): the approval of large and off-campus activities
(大型活动、校外活动审批制) with its frozen versions and computed approval chain, and the
school-bus register (校车: buses, drivers, escorts, routes)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safety.models import Organisation, TransitionEvent
from safety.responsibility.models import Holder
from safety.scoping import ScopedQuerySet
from safety.uploads import generated_name
from safety.validators import validate_phone
from safety.workdays import DayUnit


class ActivitySettingsQuerySet(ScopedQuerySet):
    scope_lookup = "bureau"


class ActivitySettings(models.Model):
    """A bureau's rules for activities, inherited down the tree (`nearest_unit_setting`):
    a school follows its county's row if the county has one, otherwise the city's, otherwise
    the defaults below."""

    bureau = models.OneToOneField(
        Organisation,
        verbose_name=_("bureau"),
        on_delete=models.CASCADE,
        related_name="+",
        limit_choices_to={"kind__in": ["city", "county"]},
    )
    large_threshold = models.PositiveIntegerField(
        _("size threshold (people)"),
        default=200,
        help_text=_(
            "An activity with more pupils and staff than this goes to the county bureau even "
            "when it stays on campus."
        ),
    )
    decide_days_before = models.PositiveSmallIntegerField(
        _("days before the start to decide"),
        default=3,
        help_text=_(
            "An application still undecided this many days before the activity starts is "
            "escalated to the approver's supervisor (once)."
        ),
    )
    # #20 working days: how decide_days_before counts its days.
    decide_unit = models.CharField(
        _("the days before the start count"),
        max_length=8,
        choices=DayUnit.choices,
        default=DayUnit.CALENDAR,
        help_text=_(
            "Working days follow the official holiday calendar (holidays and make-up working "
            "days); calendar days count every day."
        ),
    )
    bus_reminder_days = models.PositiveSmallIntegerField(
        _("bus document reminder (days)"),
        default=30,
        help_text=_("A bus or driver document expiring within this many days reminds the school."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ActivitySettingsQuerySet.as_manager()

    class Meta:
        verbose_name = _("activity settings")
        verbose_name_plural = _("activity settings")

    def __str__(self) -> str:
        return str(self.bureau)


class ActivityKind(models.TextChoices):
    STUDY_TOUR = "study_tour", _("Study tour")
    OUTING = "outing", _("Outing")
    SPORTS_MEET = "sports_meet", _("Sports meet")
    PERFORMANCE = "performance", _("Performance")
    SOCIAL_PRACTICE = "social_practice", _("Social practice")
    OTHER = "other", _("Other activity")


class Level(models.TextChoices):
    """Who approves at each step of the chain."""

    SCHOOL = "school", _("School leader")
    COUNTY = "county", _("County bureau")
    CITY = "city", _("City bureau")


class ActivityQuerySet(ScopedQuerySet):
    scope_lookup = "school"


def plan_document_path(activity: Activity, filename: str) -> str:
    """A generated name; the extension is the checked upload's (pdf, or the photo's)."""
    extension = filename.rsplit(".", 1)[-1].lower()
    return generated_name("activity-plans", extension if extension in PLAN_EXTENSIONS else "pdf")


PLAN_EXTENSIONS = ("pdf", "jpg", "jpeg", "png", "webp")


class Activity(models.Model):
    """One application for an activity. The fields hold the working draft; every submission
    freezes an ActivityVersion that the approvers decide on."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PENDING = "pending", _("Pending approval")
        RETURNED = "returned", _("Returned for changes")
        APPROVED = "approved", pgettext_lazy("activity", "Approved")
        REJECTED = "rejected", _("Rejected")
        HELD = "held", _("Held")

    class Transport(models.TextChoices):
        NONE = "none", _("No transport (on foot or on campus)")
        OWN_BUSES = "own_buses", _("The school's own buses")
        HIRED = "hired", _("A hired operator")

    class Outcome(models.TextChoices):
        AS_PLANNED = "as_planned", _("Held as planned")
        CHANGED = "changed", _("Held with changes")
        INCIDENTS = "incidents", _("Incidents occurred")

    school = models.ForeignKey(
        Organisation, verbose_name=_("school"), on_delete=models.PROTECT, related_name="activities"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ActivityKind.choices)
    title = models.CharField(_("title"), max_length=100)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("venue"), max_length=200)
    is_off_campus = models.BooleanField(_("off campus"), default=False)
    is_overnight = models.BooleanField(_("overnight"), default=False)
    is_outside_city = models.BooleanField(_("outside the city"), default=False)
    pupils = models.PositiveIntegerField(_("pupils taking part"))
    staff = models.PositiveIntegerField(_("staff taking part"))
    person_in_charge = models.ForeignKey(
        Holder, verbose_name=_("person in charge"), on_delete=models.PROTECT, related_name="+"
    )
    safety_officer = models.ForeignKey(
        Holder, verbose_name=_("safety officer"), on_delete=models.PROTECT, related_name="+"
    )
    safety_plan = models.TextField(_("safety plan"))
    emergency_measures = models.TextField(_("emergency measures"))
    plan_document = models.FileField(
        _("safety plan document"), upload_to=plan_document_path, blank=True
    )
    insurance = models.CharField(_("insurance"), max_length=200, blank=True)
    consent_count = models.PositiveIntegerField(_("parents' consents collected"), default=0)
    transport = models.CharField(
        _("transport"), max_length=12, choices=Transport.choices, default=Transport.NONE
    )
    operator_name = models.CharField(_("transport operator"), max_length=100, blank=True)
    operator_licence = models.CharField(_("operator licence number"), max_length=50, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    latest_version = models.ForeignKey(
        "ActivityVersion",
        verbose_name=_("latest version"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    awaiting_level = models.CharField(
        _("awaiting"), max_length=8, choices=Level.choices, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    held_at = models.DateTimeField(_("marked held at"), null=True, blank=True)
    summary_outcome = models.CharField(
        _("outcome"), max_length=12, choices=Outcome.choices, blank=True
    )
    summary_text = models.TextField(_("summary"), blank=True)
    summary_incident = models.ForeignKey(
        "reporting.Incident",
        verbose_name=_("incident report"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    summary_filed_at = models.DateTimeField(_("summary filed at"), null=True, blank=True)
    summary_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("summary filed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("activity application")
        verbose_name_plural = _("activity applications")
        ordering = ["-starts_at", "-id"]
        indexes = [
            models.Index(fields=["status", "starts_at"], name="activity_status_start_idx"),
            # The jurisdiction's list, latest first, read from the index to the page (#23).
            models.Index(fields=["-starts_at", "-id"], name="activity_starts_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="activity_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school} {self.title}"

    @property
    def participants(self) -> int:
        return (self.pupils or 0) + (self.staff or 0)

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)

    @property
    def is_over(self) -> bool:
        return self.ends_at <= timezone.now()


class ActivityVehicleQuerySet(ScopedQuerySet):
    scope_lookup = "activity__school"


class ActivityVehicle(models.Model):
    """A vehicle of the working draft: one of the school's buses or a hired one, its driver
    and the passengers it carries. Frozen into the version's data on submission."""

    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="vehicles"
    )
    bus = models.ForeignKey(
        "SchoolBus",
        verbose_name=_("school bus"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    driver = models.ForeignKey(
        "SchoolBusDriver",
        verbose_name=_("registered driver"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    plate = models.CharField(_("plate"), max_length=12)
    seats = models.PositiveSmallIntegerField(_("seats"))
    driver_name = models.CharField(_("driver"), max_length=50)
    licence_class = models.CharField(_("licence class"), max_length=8)
    passengers = models.PositiveSmallIntegerField(_("passengers"))

    objects = ActivityVehicleQuerySet.as_manager()

    class Meta:
        verbose_name = _("activity vehicle")
        verbose_name_plural = _("activity vehicles")
        ordering = ["activity", "id"]

    def __str__(self) -> str:
        return self.plate


class ActivityVersionQuerySet(ScopedQuerySet):
    scope_lookup = "activity__school"


class ActivityVersion(models.Model):
    """One submission, frozen (`data`: every field and vehicle as submitted): nothing an
    approver saw is overwritten. `levels` is the chain computed at submission."""

    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveSmallIntegerField(_("version"))
    data = models.JSONField(_("application as submitted"), default=dict)
    levels = models.JSONField(_("approval chain"), default=list)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"))
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)

    objects = ActivityVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("activity application version")
        verbose_name_plural = _("activity application versions")
        ordering = ["activity", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "number"], name="one_activity_version")
        ]

    def __str__(self) -> str:
        return f"{self.activity} v{self.number}"


class ApprovalQuerySet(ScopedQuerySet):
    scope_lookup = "version__activity__school"


class ActivityApproval(models.Model):
    """One step of a version's chain: the level, the unit that decides and its decision."""

    class Decision(models.TextChoices):
        APPROVED = "approved", pgettext_lazy("activity", "Approved")
        RETURNED = "returned", _("Returned")
        REJECTED = "rejected", _("Rejected")

    version = models.ForeignKey(
        ActivityVersion,
        verbose_name=_("version"),
        on_delete=models.CASCADE,
        related_name="approvals",
    )
    order = models.PositiveSmallIntegerField(_("step"))
    level = models.CharField(_("level"), max_length=8, choices=Level.choices)
    unit = models.ForeignKey(
        Organisation, verbose_name=_("approving unit"), on_delete=models.PROTECT, related_name="+"
    )
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("activity approval", "decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(
        pgettext_lazy("activity approval", "decided at"), null=True, blank=True
    )

    objects = ApprovalQuerySet.as_manager()

    class Meta:
        verbose_name = _("activity approval")
        verbose_name_plural = _("activity approvals")
        ordering = ["version", "order"]
        constraints = [
            models.UniqueConstraint(fields=["version", "order"], name="one_approval_per_step")
        ]

    def __str__(self) -> str:
        return f"{self.version} {self.get_level_display()}"


class ActivityEventQuerySet(ScopedQuerySet):
    scope_lookup = "activity__school"


class ActivityEvent(TransitionEvent):
    status_choices = Activity.Status

    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="events"
    )
    version = models.ForeignKey(
        ActivityVersion,
        verbose_name=_("version"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="events",
    )

    objects = ActivityEventQuerySet.as_manager()

    class Meta(TransitionEvent.Meta):
        verbose_name = _("activity event")
        verbose_name_plural = _("activity events")

    def __str__(self) -> str:
        return f"{self.activity}: {self.from_status_label()} → {self.to_status_label()}"


# --- The school-bus register (校车) ----------------------------------------------------------


class BusQuerySet(ScopedQuerySet):
    scope_lookup = "school"


class SchoolBus(models.Model):
    school = models.ForeignKey(
        Organisation, verbose_name=_("school"), on_delete=models.PROTECT, related_name="buses"
    )
    plate = models.CharField(_("plate"), max_length=12)
    seats = models.PositiveSmallIntegerField(_("seats"))
    permit_number = models.CharField(_("school-bus permit number"), max_length=50)
    permit_expires = models.DateField(_("permit valid until"))
    inspection_expires = models.DateField(_("inspection valid until"))
    insurance_expires = models.DateField(_("insurance valid until"))
    is_active = models.BooleanField(_("in service"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = BusQuerySet.as_manager()

    class Meta:
        verbose_name = _("school bus")
        verbose_name_plural = _("school buses")
        ordering = ["school", "plate"]
        constraints = [
            models.UniqueConstraint(fields=["school", "plate"], name="one_bus_per_plate")
        ]

    def __str__(self) -> str:
        return f"{self.plate}（{self.seats}座）"

    def documents(self) -> list[tuple[str, str, datetime.date]]:
        """(key, label, expiry) of each document the bus carries."""
        return [
            ("permit", str(_("school-bus permit")), self.permit_expires),
            ("inspection", str(_("vehicle inspection")), self.inspection_expires),
            ("insurance", str(_("insurance")), self.insurance_expires),
        ]

    def expired_on(self, day: datetime.date) -> list[str]:
        return [label for _key, label, expiry in self.documents() if expiry < day]


class SchoolBusDriver(models.Model):
    school = models.ForeignKey(
        Organisation, verbose_name=_("school"), on_delete=models.PROTECT, related_name="bus_drivers"
    )
    name = models.CharField(_("name"), max_length=50)
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[validate_phone])
    licence_class = models.CharField(
        _("licence class"), max_length=8, help_text=_("A school-bus driver needs A1, A3 or B1.")
    )
    licence_number = models.CharField(_("licence number"), max_length=30)
    licence_expires = models.DateField(_("licence valid until"))
    checked_on = models.DateField(_("checked on"), null=True, blank=True)
    check_record = models.TextField(
        _("check record"),
        blank=True,
        help_text=_("The background and health check: who checked, what was found."),
    )
    is_active = models.BooleanField(_("in service"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = BusQuerySet.as_manager()

    class Meta:
        verbose_name = _("school-bus driver")
        verbose_name_plural = _("school-bus drivers")
        ordering = ["school", "name"]

    def __str__(self) -> str:
        return f"{self.name}（{self.licence_class}）"


class BusEscort(models.Model):
    """照管人员: the adult who rides every run with the pupils."""

    school = models.ForeignKey(
        Organisation, verbose_name=_("school"), on_delete=models.PROTECT, related_name="bus_escorts"
    )
    name = models.CharField(_("name"), max_length=50)
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[validate_phone])
    is_active = models.BooleanField(_("in service"), default=True)

    objects = BusQuerySet.as_manager()

    class Meta:
        verbose_name = _("school-bus escort")
        verbose_name_plural = _("school-bus escorts")
        ordering = ["school", "name"]

    def __str__(self) -> str:
        return self.name


class BusRoute(models.Model):
    school = models.ForeignKey(
        Organisation, verbose_name=_("school"), on_delete=models.PROTECT, related_name="bus_routes"
    )
    name = models.CharField(_("route"), max_length=50)
    bus = models.ForeignKey(
        SchoolBus, verbose_name=_("school bus"), on_delete=models.PROTECT, related_name="routes"
    )
    driver = models.ForeignKey(
        SchoolBusDriver, verbose_name=_("driver"), on_delete=models.PROTECT, related_name="routes"
    )
    escort = models.ForeignKey(
        BusEscort, verbose_name=_("escort"), on_delete=models.PROTECT, related_name="routes"
    )
    stops = models.TextField(_("stops"), help_text=_("One stop a line, in the order served."))
    pupils = models.PositiveSmallIntegerField(_("pupils riding"))
    is_active = models.BooleanField(_("in service"), default=True)

    objects = BusQuerySet.as_manager()

    class Meta:
        verbose_name = _("school-bus route")
        verbose_name_plural = _("school-bus routes")
        ordering = ["school", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def stop_list(self) -> list[str]:
        return [line.strip() for line in self.stops.splitlines() if line.strip()]
