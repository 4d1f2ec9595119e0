"""Rectification orders (整改通知书, issue #18): a bureau's formal order to a school, from a
hazard, an incident, a spot check or a campaign finding; numbered in the bureau's document
number format; replied to with evidence; accepted or returned; escalated once when overdue."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safety.models import Organisation, ReviewedReply
from safety.scoping import ScopedQuerySet
from safety.workdays import DayUnit

DEFAULT_NUMBER_FORMAT = "{prefix}督整〔{year}〕{seq}号"
# #20 working days: the rectification term offered when an order is issued.
DEFAULT_TERM_DAYS = 10


class OrderSettingsQuerySet(ScopedQuerySet):
    scope_lookup = "bureau"


class OrderSettings(models.Model):
    """A bureau's document number format (文号) for its rectification orders."""

    bureau = models.OneToOneField(
        Organisation,
        verbose_name=_("bureau"),
        on_delete=models.CASCADE,
        related_name="order_settings",
        limit_choices_to={"kind__in": ["city", "county"]},
    )
    prefix = models.CharField(
        _("issuer abbreviation"), max_length=20, help_text=_("For example 甲教安.")
    )
    number_format = models.CharField(
        _("document number format"),
        max_length=60,
        default=DEFAULT_NUMBER_FORMAT,
        help_text=_(
            "{prefix} is the abbreviation, {year} the year, {seq} the order's number in the "
            "year (three digits)."
        ),
    )
    # #20 working days: the deadline offered when issuing (the official may pick another).
    default_term = models.PositiveSmallIntegerField(
        _("default rectification term"),
        default=DEFAULT_TERM_DAYS,
        help_text=_("The deadline offered when an order is issued, counted from the issue date."),
    )
    term_unit = models.CharField(
        _("the term counts"),
        max_length=8,
        choices=DayUnit.choices,
        default=DayUnit.WORKING,
        help_text=_(
            "Working days follow the official holiday calendar (holidays and make-up working "
            "days); calendar days count every day."
        ),
    )

    objects = OrderSettingsQuerySet.as_manager()

    class Meta:
        verbose_name = _("rectification order settings")
        verbose_name_plural = _("rectification order settings")

    def __str__(self) -> str:
        return str(self.bureau)

    def clean(self) -> None:
        if "{seq}" not in (self.number_format or ""):
            raise ValidationError(
                {"number_format": _("The format must contain {seq}, the order's number.")}
            )


class OrderQuerySet(ScopedQuerySet):
    scope_lookup = "school"


class RectificationOrder(models.Model):
    class Status(models.TextChoices):
        ISSUED = "issued", _("Awaiting reply")
        REPLIED = "replied", _("Replied")
        RETURNED = "returned", _("Returned")
        ACCEPTED = "accepted", _("Accepted")

    class Source(models.TextChoices):
        HAZARD = "hazard", _("Hazard")
        INCIDENT = "incident", _("Incident")
        SPOT_CHECK = "spot_check", _("Spot check")
        CAMPAIGN = "campaign", _("Campaign finding")

    bureau = models.ForeignKey(
        Organisation,
        verbose_name=_("issuing bureau"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    school = models.ForeignKey(
        Organisation, verbose_name=_("school"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("number in the year"))
    number = models.CharField(_("document number"), max_length=80)
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    hazard = models.ForeignKey(
        "inspections.Hazard",
        verbose_name=_("hazard"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    incident = models.ForeignKey(
        "reporting.Incident",
        verbose_name=_("incident"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    inspection = models.ForeignKey(
        "inspections.Inspection",
        verbose_name=_("spot check"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    campaign_task = models.ForeignKey(
        "inspections.CampaignTask",
        verbose_name=_("campaign task"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    problems = models.TextField(_("problems found"))
    legal_basis = models.TextField(_("legal basis"))
    requirements = models.TextField(_("rectification requirements"), blank=True)
    deadline = models.DateField(_("rectification deadline"))
    responder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person to reply"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.ISSUED
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    escalated_to = models.ForeignKey(
        Organisation,
        verbose_name=_("escalated to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = OrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("rectification order")
        verbose_name_plural = _("rectification orders")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["bureau", "year", "sequence"], name="order_number_unique"
            )
        ]
        indexes = [
            models.Index(fields=["status", "deadline"], name="order_status_deadline_idx"),
            # The bureau's list, newest first, read from the index to the page (#23).
            models.Index(fields=["-issued_at", "-id"], name="order_issued_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.ACCEPTED

    @property
    def is_overdue(self) -> bool:
        return (
            self.is_open
            and self.status != self.Status.REPLIED
            and (self.deadline < timezone.localdate())
        )


class OrderReplyQuerySet(ScopedQuerySet):
    scope_lookup = "order__school"


class OrderReply(ReviewedReply):
    order = models.ForeignKey(
        RectificationOrder,
        verbose_name=_("rectification order"),
        on_delete=models.CASCADE,
        related_name="replies",
    )
    text = models.TextField(_("rectification done"))

    objects = OrderReplyQuerySet.as_manager()

    class Meta(ReviewedReply.Meta):
        verbose_name = _("rectification reply")
        verbose_name_plural = _("rectification replies")
        constraints = [
            models.UniqueConstraint(fields=["order", "version"], name="order_reply_version")
        ]

    def __str__(self) -> str:
        return f"{self.order} v{self.version}"


class OrderEvidenceQuerySet(ScopedQuerySet):
    scope_lookup = "reply__order__school"


class OrderEvidence(models.Model):
    reply = models.ForeignKey(
        OrderReply, verbose_name=_("reply"), on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(_("file"))
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=50)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = OrderEvidenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name
