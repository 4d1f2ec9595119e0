"""The year-end safe-campus assessment (平安校园创建考核, issue #19).

The city bureau defines a scheme for a year (`Scheme`: indicator groups and indicators with
their weight, each either computed from the product's own data by a rule of the catalogue
(reporting/assessment/catalogue.py) or scored on site), opens the year (`Run`), and every
school gets one `SchoolAssessment` with one `IndicatorScore` per indicator: the computed value
and points, the school's self-assessment with evidence, the county's score (a computed item is
adjusted only with a written reason). Each county (or the city for its own schools) submits its
scoring (`CountyScoring`); the city may return it, then publishes: final points, grade and the
one-vote veto are stored as rows and never move again. Model schools (平安校园示范校) are named
from the 优秀 schools of a published run.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safety.models import Organisation
from safety.scoping import ScopedQuerySet

POINTS = {"max_digits": 6, "decimal_places": 1}


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    GOOD = "good", _("Good")
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")


class SchemeQuerySet(ScopedQuerySet):
    scope_lookup = "city"


class Scheme(models.Model):
    """A city's assessment scheme for one year, in versions; frozen when its run opens."""

    city = models.ForeignKey(
        Organisation,
        verbose_name=_("city education bureau"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": "city"},
    )
    year = models.PositiveSmallIntegerField(_("year"))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    title = models.CharField(_("title"), max_length=100)
    total_points = models.DecimalField(_("total points"), default=Decimal("100"), **POINTS)
    excellent_from = models.DecimalField(_("excellent from"), default=Decimal("90"), **POINTS)
    good_from = models.DecimalField(_("good from"), default=Decimal("80"), **POINTS)
    pass_from = models.DecimalField(_("pass from"), default=Decimal("60"), **POINTS)
    frozen_at = models.DateTimeField(_("frozen at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = SchemeQuerySet.as_manager()

    class Meta:
        verbose_name = _("assessment scheme")
        verbose_name_plural = _("assessment schemes")
        ordering = ["-year", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["city", "year", "version"], name="assessment_scheme_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None

    def grade_for(self, total: Decimal) -> str:
        if total >= self.excellent_from:
            return Grade.EXCELLENT
        if total >= self.good_from:
            return Grade.GOOD
        if total >= self.pass_from:
            return Grade.PASS
        return Grade.FAIL


class IndicatorGroupQuerySet(ScopedQuerySet):
    scope_lookup = "scheme__city"


class IndicatorGroup(models.Model):
    scheme = models.ForeignKey(
        Scheme, verbose_name=_("scheme"), on_delete=models.CASCADE, related_name="groups"
    )
    name = models.CharField(_("group name"), max_length=60)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = IndicatorGroupQuerySet.as_manager()

    class Meta:
        verbose_name = _("indicator group")
        verbose_name_plural = _("indicator groups")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


ON_SITE = "on_site"


class IndicatorQuerySet(ScopedQuerySet):
    scope_lookup = "scheme__city"


class Indicator(models.Model):
    """One indicator: its weight is its maximum points; `rule` is a key of the catalogue
    (computed from the data) or "on_site" (scored by the county on site)."""

    scheme = models.ForeignKey(
        Scheme, verbose_name=_("scheme"), on_delete=models.CASCADE, related_name="indicators"
    )
    group = models.ForeignKey(
        IndicatorGroup,
        verbose_name=_("group"),
        on_delete=models.CASCADE,
        related_name="indicators",
    )
    name = models.CharField(_("indicator"), max_length=100)
    weight = models.DecimalField(_("weight (maximum points)"), **POINTS)
    rule = models.CharField(_("how it is scored"), max_length=32)
    target = models.DecimalField(_("target"), null=True, blank=True, max_digits=8, decimal_places=1)
    deduction = models.DecimalField(_("points off per item"), null=True, blank=True, **POINTS)
    guidance = models.TextField(_("scoring standard"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["group__order", "group_id", "order", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_on_site(self) -> bool:
        return self.rule == ON_SITE


class RunQuerySet(ScopedQuerySet):
    scope_lookup = "city"


class Run(models.Model):
    """The year's assessment of a city, opened on one frozen scheme version."""

    class Status(models.TextChoices):
        OPEN = "open", _("In progress")
        PUBLISHED = "published", _("Published")

    scheme = models.OneToOneField(
        Scheme, verbose_name=_("scheme"), on_delete=models.PROTECT, related_name="run"
    )
    city = models.ForeignKey(
        Organisation,
        verbose_name=_("city education bureau"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    # The data version: when the computed values were last taken from the records.
    computed_at = models.DateTimeField(_("values computed at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    objects = RunQuerySet.as_manager()

    class Meta:
        verbose_name = _("assessment run")
        verbose_name_plural = _("assessment runs")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["city", "year"], name="assessment_run_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.city} {self.year}"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class CountyScoringQuerySet(ScopedQuerySet):
    scope_lookup = "county"


class CountyScoring(models.Model):
    """A scoring bureau's work in a run: a county for its schools, or the city for the
    schools it runs directly."""

    class Status(models.TextChoices):
        SCORING = "scoring", _("Scoring")
        SUBMITTED = "submitted", _("Submitted to the city")
        RETURNED = "returned", _("Returned by the city")

    run = models.ForeignKey(
        Run, verbose_name=_("assessment run"), on_delete=models.CASCADE, related_name="scorings"
    )
    county = models.ForeignKey(
        Organisation,
        verbose_name=_("scoring bureau"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.SCORING
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    return_comment = models.TextField(_("reason for return"), blank=True)
    # #19 accountability: the county is flagged when its schools concealed a serious incident
    # in the year; stored at publication ({"incident", "school", "summary", "occurred_on"}
    # each), computed from the incidents until then (selectors.concealment_flags).
    concealed_incidents = models.JSONField(
        _("concealed serious incidents (frozen at publication)"), default=list, blank=True
    )

    objects = CountyScoringQuerySet.as_manager()

    class Meta:
        verbose_name = _("county scoring")
        verbose_name_plural = _("county scorings")
        ordering = ["county__name_sort_key", "id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "county"], name="assessment_scoring_once")
        ]

    def __str__(self) -> str:
        return f"{self.run} {self.county}"

    @property
    def may_score(self) -> bool:
        return self.status != self.Status.SUBMITTED and self.run.status == Run.Status.OPEN


class SchoolAssessmentQuerySet(ScopedQuerySet):
    scope_lookup = "school"

    def published_in_city_of(self, user) -> SchoolAssessmentQuerySet:
        """Published results of the user's city: visible to every unit in the city and to the
        province above it."""
        unit = getattr(user, "unit", None)
        if not getattr(user, "is_authenticated", False) or unit is None:
            return self.none()
        # The city above the unit, or (a province, #23) the cities below it.
        of_city = Q(run__city_id__in=unit.ancestor_ids) | Q(run__city__path__startswith=unit.path)
        return self.filter(of_city, run__status=Run.Status.PUBLISHED)


class SchoolAssessment(models.Model):
    """One school's assessment in a run."""

    class Status(models.TextChoices):
        SELF_ASSESSING = "self_assessing", _("Self-assessment in progress")
        SELF_SUBMITTED = "self_submitted", _("Self-assessment submitted")
        SCORED = "scored", _("Scored by the county")

    run = models.ForeignKey(
        Run, verbose_name=_("assessment run"), on_delete=models.CASCADE, related_name="schools"
    )
    school = models.ForeignKey(
        Organisation, verbose_name=_("school"), on_delete=models.PROTECT, related_name="+"
    )
    scoring = models.ForeignKey(
        CountyScoring,
        verbose_name=_("county scoring"),
        on_delete=models.CASCADE,
        related_name="assessments",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.SELF_ASSESSING
    )
    self_total = models.DecimalField(_("self-assessed points"), null=True, blank=True, **POINTS)
    county_total = models.DecimalField(_("county's points"), null=True, blank=True, **POINTS)
    self_submitted_at = models.DateTimeField(
        _("self-assessment submitted at"), null=True, blank=True
    )
    scored_at = models.DateTimeField(_("scored at"), null=True, blank=True)
    # Frozen at publication.
    total = models.DecimalField(_("total points"), null=True, blank=True, **POINTS)
    grade = models.CharField(_("grade"), max_length=12, choices=Grade.choices, blank=True)
    veto_reason = models.TextField(_("one-vote veto"), blank=True)
    rank_in_county = models.PositiveIntegerField(_("rank in the county"), null=True, blank=True)
    is_model_school = models.BooleanField(_("model school"), default=False)
    named_at = models.DateTimeField(_("named model school at"), null=True, blank=True)

    objects = SchoolAssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("school assessment")
        verbose_name_plural = _("school assessments")
        ordering = ["school__name_sort_key", "id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "school"], name="assessment_school_once"),
            models.CheckConstraint(
                condition=Q(is_model_school=False) | Q(grade="excellent"),
                name="assessment_model_school_is_excellent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school} {self.run.year}"


class IndicatorScoreQuerySet(ScopedQuerySet):
    scope_lookup = "assessment__school"


class IndicatorScore(models.Model):
    """One indicator of one school: computed value, self-assessment, county score, final."""

    assessment = models.ForeignKey(
        SchoolAssessment,
        verbose_name=_("school assessment"),
        on_delete=models.CASCADE,
        related_name="scores",
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="+"
    )
    computed_value = models.DecimalField(
        _("computed value"), null=True, blank=True, max_digits=10, decimal_places=2
    )
    computed_detail = models.CharField(_("how it was counted"), max_length=120, blank=True)
    computed_points = models.DecimalField(_("computed points"), null=True, blank=True, **POINTS)
    self_points = models.DecimalField(_("self-assessed points"), null=True, blank=True, **POINTS)
    self_note = models.TextField(_("self-assessment note"), blank=True)
    county_points = models.DecimalField(_("county's points"), null=True, blank=True, **POINTS)
    adjust_reason = models.TextField(_("reason for the adjustment"), blank=True)
    final_points = models.DecimalField(_("final points"), null=True, blank=True, **POINTS)

    objects = IndicatorScoreQuerySet.as_manager()

    class Meta:
        verbose_name = _("indicator score")
        verbose_name_plural = _("indicator scores")
        ordering = [
            "indicator__group__order",
            "indicator__group_id",
            "indicator__order",
            "indicator_id",
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "indicator"], name="assessment_score_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assessment} {self.indicator}"


class AssessmentEvidenceQuerySet(ScopedQuerySet):
    scope_lookup = "score__assessment__school"


class AssessmentEvidence(models.Model):
    score = models.ForeignKey(
        IndicatorScore,
        verbose_name=_("indicator score"),
        on_delete=models.CASCADE,
        related_name="evidence",
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

    objects = AssessmentEvidenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("assessment evidence")
        verbose_name_plural = _("assessment evidence")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name
