"""Monthly safety reports (issue #6): a unit's report for a month, its frozen versions, the
workflow events and the city overview PDF."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from safety.jobs import JobState, job_state
from safety.models import Organisation, TransitionEvent
from safety.scoping import ScopedQuerySet
from safety.uploads import generated_name


class MonthlyReportQuerySet(ScopedQuerySet):
    scope_lookup = "unit"


class MonthlyReport(models.Model):
    """The monthly report (安全工作月报) of one unit for one month: a school's report to its
    county bureau, or a county bureau's roll-up to the city bureau.

    The narrative fields hold the working draft. Every submission freezes a
    MonthlyReportVersion (figures, text, submitter, time); `latest_version` points at the
    newest one. `first_submitted_at` decides on time / late: a report returned and
    resubmitted keeps the timeliness of its first submission.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted to the bureau")
        RETURNED = "returned", _("Returned")
        APPROVED = "approved", _("Approved")

    unit = models.ForeignKey(
        Organisation,
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="monthly_reports",
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month reported on."))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    work_done = models.TextField(_("work done"), blank=True)
    problems_found = models.TextField(_("problems found"), blank=True)
    next_month_plans = models.TextField(_("plans for next month"), blank=True)
    latest_version = models.ForeignKey(
        "MonthlyReportVersion",
        verbose_name=_("latest version"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    first_submitted_at = models.DateTimeField(_("first submitted at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = MonthlyReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("monthly report")
        verbose_name_plural = _("monthly reports")
        ordering = ["-month", "unit__name_sort_key"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "month"], name="one_monthly_report_per_month"),
            models.CheckConstraint(
                condition=models.Q(month__day=1), name="monthly_report_month_first_day"
            ),
        ]
        indexes = [models.Index(fields=["month", "status"], name="monthly_report_month_idx")]

    def __str__(self) -> str:
        return f"{self.unit} {self.month:%Y-%m}"

    @property
    def pdf_state(self) -> JobState:
        return job_state(self.requested_at, bool(self.pdf) and self.pdf_rendered_at is not None)

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)


class MonthlyReportVersionQuerySet(ScopedQuerySet):
    scope_lookup = "report__unit"


def version_pdf_path(version: MonthlyReportVersion, filename: str) -> str:
    return generated_name("monthly-reports", "pdf")


class MonthlyReportVersion(models.Model):
    """One submission, frozen: nothing a reviewer saw is ever overwritten. The review of
    this version (approve or return, with a comment) is recorded on it."""

    class Decision(models.TextChoices):
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned")

    report = models.ForeignKey(
        MonthlyReport,
        verbose_name=_("monthly report"),
        on_delete=models.CASCADE,
        related_name="versions",
    )
    number = models.PositiveSmallIntegerField(_("version"))
    figures = models.JSONField(_("figures"), default=dict)
    work_done = models.TextField(_("work done"), blank=True)
    problems_found = models.TextField(_("problems found"), blank=True)
    next_month_plans = models.TextField(_("plans for next month"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"))
    is_late = models.BooleanField(_("late"), default=False)
    decision = models.CharField(_("review"), max_length=16, choices=Decision.choices, blank=True)
    review_comment = models.TextField(_("review comment"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    pdf = models.FileField(_("PDF"), upload_to=version_pdf_path, blank=True)
    pdf_requested_at = models.DateTimeField(_("PDF requested at"), null=True, blank=True)
    pdf_rendered_at = models.DateTimeField(_("PDF rendered at"), null=True, blank=True)

    objects = MonthlyReportVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("monthly report version")
        verbose_name_plural = _("monthly report versions")
        ordering = ["report", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="one_number_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.report} v{self.number}"

    @property
    def pdf_state(self) -> JobState:
        return job_state(self.pdf_requested_at, bool(self.pdf) and self.pdf_rendered_at is not None)


class MonthlyReportEventQuerySet(ScopedQuerySet):
    scope_lookup = "report__unit"


class MonthlyReportEvent(TransitionEvent):
    """Append-only: one row per workflow transition (who, when, from, to and comment come
    from TransitionEvent), tied to the version it concerns."""

    status_choices = MonthlyReport.Status

    report = models.ForeignKey(
        MonthlyReport,
        verbose_name=_("monthly report"),
        on_delete=models.CASCADE,
        related_name="events",
    )
    version = models.ForeignKey(
        MonthlyReportVersion,
        verbose_name=_("version"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="events",
    )

    objects = MonthlyReportEventQuerySet.as_manager()

    class Meta(TransitionEvent.Meta):
        verbose_name = _("monthly report event")
        verbose_name_plural = _("monthly report events")

    def __str__(self) -> str:
        return f"{self.report}: {self.from_status_label()} → {self.to_status_label()}"


class MonthlyOverviewQuerySet(ScopedQuerySet):
    scope_lookup = "unit"


class MonthlyOverview(models.Model):
    """The city overview of all counties for a month, rendered to PDF by a task on
    request (nobody submits it, so it is not a report version)."""

    unit = models.ForeignKey(
        Organisation, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField(_("month"))
    requested_at = models.DateTimeField(_("requested at"), auto_now=True)
    pdf = models.FileField(_("PDF"), upload_to=version_pdf_path, blank=True)
    pdf_rendered_at = models.DateTimeField(_("PDF rendered at"), null=True, blank=True)

    objects = MonthlyOverviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("monthly overview")
        verbose_name_plural = _("monthly overviews")
        constraints = [
            models.UniqueConstraint(fields=["unit", "month"], name="one_overview_per_month")
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.month:%Y-%m}"

    @property
    def pdf_state(self) -> JobState:
        return job_state(self.requested_at, bool(self.pdf) and self.pdf_rendered_at is not None)
