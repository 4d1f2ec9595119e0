"""Risk grading (风险分级管控, issue #20): risk points of a school in four colours, their
checks, the campus plan they are placed on, and the yellow-and-above list reported to the
county bureau. Registered under the `inspections` app (inspections/models.py imports them).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safety.models import Organisation, SafetyArea
from safety.responsibility.models import Post
from safety.scoping import ScopedQuerySet


class Level(models.TextChoices):
    """The four risk levels, most serious first (红橙黄蓝)."""

    RED = "red", _("Red · major")
    ORANGE = "orange", _("Orange · considerable")
    YELLOW = "yellow", _("Yellow · general")
    BLUE = "blue", _("Blue · low")


LEVEL_RANK = {Level.RED: 4, Level.ORANGE: 3, Level.YELLOW: 2, Level.BLUE: 1}
# Yellow and above are reported to the county bureau.
REPORTED_LEVELS = (Level.RED, Level.ORANGE, Level.YELLOW)
LEVEL_COLOURS = {
    Level.RED: "#d62728",
    Level.ORANGE: "#ff7f0e",
    Level.YELLOW: "#f2c500",
    Level.BLUE: "#1f77b4",
}


class Method(models.TextChoices):
    LS = "ls", _("L × S matrix")
    LEC = "lec", _("LEC method")


# The scales. L×S: likelihood and severity each 1–5. LEC (作业条件危险性分析法): the
# published values of likelihood L, exposure E and consequence C.
LS_SCALE = range(1, 6)
LEC_L_VALUES = (
    Decimal("0.1"),
    Decimal("0.2"),
    Decimal("0.5"),
    Decimal(1),
    Decimal(3),
    Decimal(6),
    Decimal(10),
)
LEC_E_VALUES = (Decimal("0.5"), Decimal(1), Decimal(2), Decimal(3), Decimal(6), Decimal(10))
LEC_C_VALUES = (Decimal(1), Decimal(3), Decimal(7), Decimal(15), Decimal(40), Decimal(100))

# Built-in defaults when no bureau above a school has its own settings.
DEFAULT_THRESHOLDS = {
    Method.LS: {Level.RED: 20, Level.ORANGE: 15, Level.YELLOW: 9},
    Method.LEC: {Level.RED: 320, Level.ORANGE: 160, Level.YELLOW: 70},
}
DEFAULT_INTERVALS = {Level.RED: 1, Level.ORANGE: 7, Level.YELLOW: 30, Level.BLUE: 120}


class RiskSettingsQuerySet(ScopedQuerySet):
    scope_lookup = "bureau"


class RiskSettings(models.Model):
    """A bureau's grading rules (the city sets them; a county may have its own): the
    method schools use, the score at which each level starts, and the check interval of
    each level. The nearest bureau above a school with a row wins."""

    bureau = models.OneToOneField(
        Organisation,
        verbose_name=_("bureau"),
        on_delete=models.CASCADE,
        related_name="+",
        limit_choices_to={"kind__in": ["city", "county"]},
    )
    method = models.CharField(_("method"), max_length=4, choices=Method.choices, default=Method.LS)
    ls_red = models.PositiveSmallIntegerField(_("L×S: red from"), default=20)
    ls_orange = models.PositiveSmallIntegerField(_("L×S: orange from"), default=15)
    ls_yellow = models.PositiveSmallIntegerField(_("L×S: yellow from"), default=9)
    lec_red = models.PositiveSmallIntegerField(_("LEC: red above"), default=320)
    lec_orange = models.PositiveSmallIntegerField(_("LEC: orange above"), default=160)
    lec_yellow = models.PositiveSmallIntegerField(_("LEC: yellow above"), default=70)
    red_interval_days = models.PositiveSmallIntegerField(
        _("red: check every (days)"), default=1, validators=[MinValueValidator(1)]
    )
    orange_interval_days = models.PositiveSmallIntegerField(
        _("orange: check every (days)"), default=7, validators=[MinValueValidator(1)]
    )
    yellow_interval_days = models.PositiveSmallIntegerField(
        _("yellow: check every (days)"), default=30, validators=[MinValueValidator(1)]
    )
    blue_interval_days = models.PositiveSmallIntegerField(
        _("blue: check every (days)"), default=120, validators=[MinValueValidator(1)]
    )

    objects = RiskSettingsQuerySet.as_manager()

    class Meta:
        verbose_name = _("risk grading settings")
        verbose_name_plural = _("risk grading settings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(red_interval_days__gte=1)
                & models.Q(orange_interval_days__gte=1)
                & models.Q(yellow_interval_days__gte=1)
                & models.Q(blue_interval_days__gte=1),
                name="risk_settings_interval_positive",
            )
        ]

    def __str__(self) -> str:
        return str(self.bureau)


class RiskPointQuerySet(ScopedQuerySet):
    scope_lookup = "school"

    def active(self) -> RiskPointQuerySet:
        return self.filter(is_active=True)


class RiskPoint(models.Model):
    """A risk point (风险点) of a school: a place or activity, what can go wrong, its
    grading and level, the control measures and the post that controls it, the check
    schedule, and its place on the campus plan."""

    school = models.ForeignKey(
        Organisation, verbose_name=_("school"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("place or activity"), max_length=100)
    area = models.ForeignKey(
        SafetyArea, verbose_name=_("safety area"), on_delete=models.PROTECT, related_name="+"
    )
    danger = models.TextField(_("what can go wrong"))
    method = models.CharField(_("method"), max_length=4, choices=Method.choices)
    likelihood = models.DecimalField(_("likelihood (L)"), max_digits=5, decimal_places=1)
    exposure = models.DecimalField(
        _("exposure (E)"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    severity = models.DecimalField(_("consequence (S/C)"), max_digits=5, decimal_places=1)
    score = models.DecimalField(_("score"), max_digits=8, decimal_places=1)
    level = models.CharField(pgettext_lazy("risk", "level"), max_length=8, choices=Level.choices)
    control_measures = models.TextField(_("control measures"), blank=True)
    post = models.ForeignKey(
        Post,
        verbose_name=_("controlling post"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"unit_kind": "school"},
    )
    check_interval_days = models.PositiveSmallIntegerField(_("check every (days)"))
    next_check_due = models.DateField(_("next check due"))
    last_checked_on = models.DateField(_("last checked on"), null=True, blank=True)
    reviewed_on = models.DateField(_("last reviewed on"), null=True, blank=True)
    # The point's place on the campus plan, as fractions of the image (0–1), empty until
    # placed.
    plan_x = models.FloatField(_("plan x"), null=True, blank=True)
    plan_y = models.FloatField(_("plan y"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # The due date a "check overdue" reminder was last sent for (once per due date).
    reminded_due = models.DateField(_("reminded for due date"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = RiskPointQuerySet.as_manager()

    class Meta:
        verbose_name = _("risk point")
        verbose_name_plural = _("risk points")
        ordering = ["school_id", "-score", "name", "id"]
        indexes = [
            models.Index(fields=["school", "level"], name="risk_point_school_level_idx"),
            models.Index(fields=["is_active", "next_check_due"], name="risk_point_due_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(check_interval_days__gte=1), name="risk_point_interval_positive"
            ),
            models.CheckConstraint(
                condition=~models.Q(level="red") | ~models.Q(control_measures=""),
                name="risk_point_red_has_measures",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school} · {self.name}"

    @property
    def colour(self) -> str:
        return LEVEL_COLOURS[self.level]

    @property
    def is_placed(self) -> bool:
        return self.plan_x is not None and self.plan_y is not None


class RiskTally(models.Model):
    """The active risk points of the schools of one bureau (their parent) at one level
    (issue #23): the risk register's level figures and its paginator total for a bureau
    without filters sum these rows below its path instead of counting every point (210,000
    for a province). Recounted per bureau by the risk services after a point is saved, and
    in full when a school moves to another bureau (`inspections.refresh_risk_tally`, run by
    `organisation_save`) or after a bulk load (the generated city)."""

    bureau = models.ForeignKey(
        Organisation, verbose_name=_("bureau"), on_delete=models.CASCADE, related_name="+"
    )
    level = models.CharField(pgettext_lazy("risk", "level"), max_length=8, choices=Level.choices)
    count = models.PositiveIntegerField(_("count"), default=0)

    class Meta:
        verbose_name = _("risk point tally")
        verbose_name_plural = _("risk point tallies")
        constraints = [
            models.UniqueConstraint(fields=["bureau", "level"], name="risk_tally_key"),
        ]

    def __str__(self) -> str:
        return f"{self.bureau_id} {self.level}: {self.count}"


class RiskCheckQuerySet(ScopedQuerySet):
    scope_lookup = "point__school"


class RiskCheck(models.Model):
    """One check of a risk point (on a phone): controlled or not, a note, a photo. Not
    controlled creates a hazard linked to the check (Hazard.risk_check)."""

    point = models.ForeignKey(
        RiskPoint, verbose_name=_("risk point"), on_delete=models.CASCADE, related_name="checks"
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    checked_on = models.DateField(_("check date"))
    controlled = models.BooleanField(_("controlled"))
    note = models.TextField(_("note"), blank=True)
    photo = models.FileField(_("photo"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = RiskCheckQuerySet.as_manager()

    class Meta:
        verbose_name = _("risk point check")
        verbose_name_plural = _("risk point checks")
        ordering = ["-checked_on", "-id"]

    def __str__(self) -> str:
        return f"{self.point} {self.checked_on}"


class CampusPlanQuerySet(ScopedQuerySet):
    scope_lookup = "school"


class CampusPlan(models.Model):
    """The school's own campus plan image (no online map), re-encoded on upload."""

    school = models.OneToOneField(
        Organisation, verbose_name=_("school"), on_delete=models.PROTECT, related_name="+"
    )
    image = models.FileField(_("plan image"), max_length=200)
    width = models.PositiveIntegerField(_("width (px)"))
    height = models.PositiveIntegerField(_("height (px)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now=True)

    objects = CampusPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("campus plan")
        verbose_name_plural = _("campus plans")

    def __str__(self) -> str:
        return str(self.school)


class RiskReportQuerySet(ScopedQuerySet):
    scope_lookup = "school"


class RiskReport(models.Model):
    """The school's yellow-and-above list as reported to the county bureau: a frozen copy
    of the points (`rows`) at the time of reporting, acknowledged by a county official.
    Reporting again makes a new version."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Reported")
        ACKNOWLEDGED = "acknowledged", pgettext_lazy("risk list", "Acknowledged")

    school = models.ForeignKey(
        Organisation, verbose_name=_("school"), on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=14, choices=Status.choices, default=Status.SUBMITTED
    )
    rows = models.JSONField(_("risk points"), default=list)
    red = models.PositiveIntegerField(_("red"), default=0)
    orange = models.PositiveIntegerField(_("orange"), default=0)
    yellow = models.PositiveIntegerField(_("yellow"), default=0)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("reported at"))
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    objects = RiskReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("yellow-and-above risk list")
        verbose_name_plural = _("yellow-and-above risk lists")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["school", "version"], name="risk_report_version")
        ]
        # The jurisdiction's lists, latest first, read from the index to the page (#23).
        indexes = [models.Index(fields=["-submitted_at", "-id"], name="risk_report_submitted_idx")]

    def __str__(self) -> str:
        return f"{self.school} v{self.version}"
