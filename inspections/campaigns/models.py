"""Special campaigns (专项整治行动) of the bureaus (issue #18): the campaign, a county's
forwarding of a city campaign with its own earlier deadline, and one task per covered school.

A campaign's checklist is a frozen `ChecklistVersion` (chosen from the templates or written for
the campaign as an inactive template of its own), so later edits never change what the
schools were asked. A school's work is an `Inspection` of kind "campaign"; the hazards it logs
carry the campaign (`Hazard.campaign`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safety.models import Organisation
from safety.scoping import ScopedQuerySet, jurisdiction_path


class CampaignQuerySet(ScopedQuerySet):
    """A campaign is visible to its bureau's jurisdiction and to every unit with a covered
    school below it (a county sees the city's campaign for its schools, a school its own)."""

    scope_lookup = "bureau"

    def visible_to(self, user) -> models.QuerySet:
        path = jurisdiction_path(user)
        if path is None:
            return self.none()
        if path == "":
            return self.all()
        covered = CampaignTask.objects.filter(
            campaign=OuterRef("pk"), school__path__startswith=path
        )
        return self.filter(Q(bureau__path__startswith=path) | Q(Exists(covered)))


class Campaign(models.Model):
    bureau = models.ForeignKey(
        Organisation, verbose_name=_("bureau"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=100)
    purpose = models.TextField(_("purpose"))
    checklist = models.ForeignKey(
        "inspections.ChecklistVersion",
        verbose_name=_("checklist version"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    filters = models.JSONField(_("target filters"), default=dict, blank=True)
    starts_on = models.DateField(_("start date"), default=timezone.localdate)
    deadline = models.DateField(_("deadline"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("launched by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("launched at"), auto_now_add=True)
    # Kept by the services (#23): the campaign list shows "submitted / tasks" of each
    # campaign; counting a province campaign's 20,000 tasks per row was most of the page.
    tasks_total = models.PositiveIntegerField(_("tasks"), default=0, db_default=0, editable=False)
    tasks_submitted = models.PositiveIntegerField(
        _("tasks submitted"), default=0, db_default=0, editable=False
    )

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("special campaign")
        verbose_name_plural = _("special campaigns")
        ordering = ["-created_at", "-id"]
        # The campaign list, newest first, read from the index to the page (#23).
        indexes = [models.Index(fields=["-created_at", "-id"], name="campaign_created_idx")]

    def __str__(self) -> str:
        return self.title


class CampaignForwardQuerySet(ScopedQuerySet):
    scope_lookup = "county"


class CampaignForward(models.Model):
    """A county bureau passes a city campaign on to its schools with its own deadline."""

    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("special campaign"),
        on_delete=models.CASCADE,
        related_name="forwards",
    )
    county = models.ForeignKey(
        Organisation,
        verbose_name=_("county bureau"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    deadline = models.DateField(_("county deadline"))
    note = models.TextField(_("county's requirements"), blank=True)
    forwarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("forwarded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("forwarded at"), auto_now_add=True)

    objects = CampaignForwardQuerySet.as_manager()

    class Meta:
        verbose_name = _("campaign forwarding")
        verbose_name_plural = _("campaign forwardings")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "county"], name="campaign_forward_once")
        ]

    def __str__(self) -> str:
        return f"{self.campaign} → {self.county}"


class CampaignTaskQuerySet(ScopedQuerySet):
    scope_lookup = "school"


class CampaignTask(models.Model):
    """One covered school's part of a campaign: its inspection and its short report."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        SUBMITTED = "submitted", _("Submitted")

    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("special campaign"),
        on_delete=models.CASCADE,
        related_name="tasks",
    )
    school = models.ForeignKey(
        Organisation, verbose_name=_("school"), on_delete=models.PROTECT, related_name="+"
    )
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.NOT_STARTED
    )
    inspection = models.OneToOneField(
        "inspections.Inspection",
        verbose_name=_("inspection"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="campaign_task",
    )
    report = models.TextField(_("short report"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reminded_on = models.DateField(_("last reminded on"), null=True, blank=True)

    objects = CampaignTaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("campaign task")
        verbose_name_plural = _("campaign tasks")
        ordering = ["school__name_sort_key", "id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "school"], name="campaign_task_once")
        ]
        indexes = [models.Index(fields=["campaign", "status"], name="campaign_task_status_idx")]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.school}"

    @property
    def is_late(self) -> bool:
        if self.status == self.Status.SUBMITTED:
            return self.submitted_at is not None and (
                timezone.localdate(self.submitted_at) > self.deadline
            )
        return self.deadline < timezone.localdate()

    @property
    def board_status(self) -> str:
        """not_started / in_progress / submitted / late (not submitted past the deadline)."""
        if self.status != self.Status.SUBMITTED and self.deadline < timezone.localdate():
            return "late"
        return self.status
