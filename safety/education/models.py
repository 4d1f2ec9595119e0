"""Safety and legal education (安全教育、法治教育): term plans, education records, the
bureau's per-term minimum, and the legal vice-principal (法制副校长) appointments.

A term (学期) is a semester of the school year (`safety.models.semester_of`: 1 September to
31 January, autumn; 1 February to 31 August, spring), keyed here as "2026-autumn" or
"2027-spring". Coverage is computed in `safety.education.selectors`; docs/education.md
defines every figure.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from safety.models import (
    SCHOOL_YEAR_START_MONTH,
    SECOND_SEMESTER_START_MONTH,
    Organisation,
    semester_of,
)
from safety.scoping import ScopedQuerySet
from safety.validators import validate_phone

AUTUMN_START_MONTH = SCHOOL_YEAR_START_MONTH
SPRING_START_MONTH = SECOND_SEMESTER_START_MONTH


def plan_class_names(classes: str) -> list[str]:
    """The classes of a term plan: one per line."""
    return [line.strip() for line in classes.splitlines() if line.strip()]


def record_class_names(classes: str) -> list[str]:
    """The classes an education record reached: separated by commas (either width), 、 or ;."""
    text = classes.replace("，", ",").replace("、", ",").replace(";", ",")
    return [part.strip() for part in text.split(",") if part.strip()]


@dataclass(frozen=True)
class Term:
    """One school term: its key ("2026-autumn"), first and last day."""

    key: str
    start: datetime.date
    end: datetime.date

    @property
    def label(self) -> str:
        year = int(self.key[:4])
        if self.key.endswith("autumn"):
            return _("%(first)s–%(second)s school year, autumn term") % {
                "first": year,
                "second": year + 1,
            }
        return _("%(first)s–%(second)s school year, spring term") % {
            "first": year - 1,
            "second": year,
        }

    def contains(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end


def term_of(day: datetime.date) -> Term:
    """The term a day belongs to: the semester of `safety.models.semester_of`, named by the
    calendar year it starts in and its season."""
    semester = semester_of(day)
    season = "autumn" if semester.number == 1 else "spring"
    return Term(f"{semester.start.year}-{season}", semester.start, semester.end)


def term_from_key(key: str) -> Term | None:
    """The term of a key like "2026-autumn" or "2027-spring", None for anything else."""
    year, _dash, season = key.partition("-")
    if not (year.isdigit() and len(year) == 4 and season in {"autumn", "spring"}):
        return None
    month = AUTUMN_START_MONTH if season == "autumn" else SPRING_START_MONTH
    return term_of(datetime.date(int(year), month, 1))


class Topic(models.TextChoices):
    DROWNING = "drowning", _("Drowning prevention")
    TRAFFIC = "traffic", _("Traffic safety")
    FIRE = "fire", _("Fire safety")
    FOOD = "food", _("Food safety")
    BULLYING = "bullying", _("Anti-bullying")
    INTERNET = "internet", _("Internet safety")
    PSYCHOLOGICAL = "psychological", _("Psychological health")
    LAW = "law", _("Law")


class EducationSettingsQuerySet(ScopedQuerySet):
    scope_lookup = "unit"


class EducationSettings(models.Model):
    """Per-bureau minimum of safety education per term; a school follows its nearest bureau
    that has a row (`nearest_unit_setting`), otherwise the defaults below."""

    DEFAULT_MIN_HOURS = Decimal("6")

    unit = models.OneToOneField(
        Organisation,
        verbose_name=_("bureau"),
        on_delete=models.CASCADE,
        related_name="education_settings",
        db_column="organisation_id",
    )
    min_hours_per_pupil = models.DecimalField(
        _("minimum hours of safety education per pupil per term"),
        max_digits=5,
        decimal_places=1,
        default=DEFAULT_MIN_HOURS,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_(
            "A school below this many lesson hours per pupil in a term is short of the minimum."
        ),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = EducationSettingsQuerySet.as_manager()

    class Meta:
        verbose_name = _("education settings")
        verbose_name_plural = _("education settings")

    def __str__(self) -> str:
        return str(self.unit)


class TermPlanQuerySet(ScopedQuerySet):
    scope_lookup = "school"


class TermPlan(models.Model):
    """A school's plan for one term: its classes (the ones coverage expects a lesson in), the
    planned lessons by topic, themed weeks, parent letters and staff training."""

    school = models.ForeignKey(
        Organisation, verbose_name=_("school"), on_delete=models.PROTECT, related_name="+"
    )
    term = models.CharField(_("term"), max_length=12)
    classes = models.TextField(
        _("classes"),
        help_text=_(
            "One class or grade per line, e.g. 三年级2班. Coverage lists the ones with no "
            "lesson yet."
        ),
    )
    planned_topics = models.JSONField(_("planned topics"), default=list, blank=True)
    planned_hours = models.DecimalField(
        _("planned hours per class"), max_digits=5, decimal_places=1, default=Decimal("0")
    )
    activities = models.TextField(
        _("themed weeks, parent letters and staff training planned"), blank=True
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = TermPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("term plan")
        verbose_name_plural = _("term plans")
        constraints = [
            models.UniqueConstraint(fields=["school", "term"], name="edu_plan_school_term_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.school} {self.term}"

    def class_names(self) -> list[str]:
        return plan_class_names(self.classes)


class OrganisationKind(models.TextChoices):
    POLICE = "police", _("Police station")
    COURT = "court", _("Court")
    PROCURATORATE = "procuratorate", _("Procuratorate")
    JUSTICE = "justice", _("Justice bureau")
    OTHER = "other", _("Other")


class LegalVicePrincipalQuerySet(ScopedQuerySet):
    scope_lookup = "school"

    def current(self, day: datetime.date) -> LegalVicePrincipalQuerySet:
        return self.filter(starts_on__lte=day, ends_on__gte=day)


class LegalVicePrincipal(models.Model):
    """An appointment of a legal vice-principal (法制副校长) to a school for a term of office:
    the person, the organisation they come from, and the dates."""

    school = models.ForeignKey(
        Organisation, verbose_name=_("school"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=50)
    organisation_kind = models.CharField(
        _("kind of organisation"), max_length=16, choices=OrganisationKind.choices
    )
    organisation = models.CharField(
        _("organisation"), max_length=100, help_text=_("For example 城关派出所.")
    )
    position = models.CharField(_("position"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[validate_phone])
    starts_on = models.DateField(_("term of office from"))
    ends_on = models.DateField(_("term of office until"))
    reminded_at = models.DateTimeField(_("term-end reminder sent"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("appointed by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = LegalVicePrincipalQuerySet.as_manager()

    class Meta:
        verbose_name = _("legal vice-principal")
        verbose_name_plural = _("legal vice-principals")
        ordering = ["-ends_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="edu_lvp_dates_order"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.organisation}）"


class EducationRecordQuerySet(ScopedQuerySet):
    scope_lookup = "school"

    def in_term(self, term: Term) -> EducationRecordQuerySet:
        return self.filter(held_on__gte=term.start, held_on__lte=term.end)


class EducationRecord(models.Model):
    """What was held: a lesson, a themed week, the safety-education day, a parent letter or a
    staff training session."""

    class Kind(models.TextChoices):
        LESSON = "lesson", _("Lesson")
        THEMED_WEEK = "themed_week", _("Themed week")
        SAFETY_DAY = "safety_day", _("National safety-education day")
        PARENT_LETTER = "parent_letter", _("Letter to parents")
        STAFF_TRAINING = "staff_training", _("Staff training")

    school = models.ForeignKey(
        Organisation, verbose_name=_("school"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.LESSON)
    topic = models.CharField(_("topic"), max_length=16, choices=Topic.choices)
    title = models.CharField(_("title"), max_length=100, blank=True)
    held_on = models.DateField(_("date"), db_index=True)
    classes = models.CharField(
        _("classes or grades reached"),
        max_length=300,
        blank=True,
        help_text=_("Separate several with a comma, e.g. 三年级1班，三年级2班."),
    )
    pupils = models.PositiveIntegerField(_("pupils reached"), default=0)
    hours = models.DecimalField(
        _("hours"),
        max_digits=4,
        decimal_places=1,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    teacher = models.CharField(_("teacher or speaker"), max_length=50, blank=True)
    legal_vice_principal = models.ForeignKey(
        LegalVicePrincipal,
        verbose_name=_("given by the legal vice-principal"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lessons",
    )
    letters_sent = models.PositiveIntegerField(_("letters sent"), default=0)
    receipts_returned = models.PositiveIntegerField(_("receipts returned"), default=0)
    notes = models.TextField(_("notes"), blank=True)
    material = models.FileField(_("photo or material"), upload_to="education/", blank=True)
    material_name = models.CharField(_("file name"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = EducationRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("education record")
        verbose_name_plural = _("education records")
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["school", "held_on"], name="edu_record_school_day_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(receipts_returned__lte=models.F("letters_sent")),
                name="edu_receipts_le_sent",
            )
        ]

    def __str__(self) -> str:
        return self.title or f"{self.get_topic_display()} {self.held_on}"

    def class_names(self) -> list[str]:
        return record_class_names(self.classes)


class EducationTermSummaryQuerySet(ScopedQuerySet):
    scope_lookup = "school"
    audited = False  # derived numbers, rewritten by the services (safety.education.summaries)


class EducationTermSummary(models.Model):
    """A school's safety education of one term in two numbers (#23): the pupil-hours of its
    lessons, themed weeks and safety-education days (hours × pupils reached, summed) and the
    topics they covered. The home dashboards sum them over a jurisdiction and the coverage
    page reads one row per school, instead of every record of the term (150,000 at a
    province's 20,000 schools). Written by `record_create` (records are never changed or
    deleted) through `safety.education.summaries.refresh`; a school without a row had no
    record in the term."""

    school = models.ForeignKey(
        Organisation,
        verbose_name=_("school"),
        on_delete=models.CASCADE,
        related_name="education_summaries",
    )
    term = models.CharField(_("term"), max_length=12)  # Term.key: "2026-autumn"
    pupil_hours = models.DecimalField(
        _("pupil-hours"), max_digits=14, decimal_places=1, default=Decimal("0")
    )
    topics = models.JSONField(_("topics covered"), default=list)  # Topic values, sorted
    topic_count = models.PositiveSmallIntegerField(_("number of topics covered"), default=0)

    objects = EducationTermSummaryQuerySet.as_manager()

    class Meta:
        verbose_name = _("term education summary")
        verbose_name_plural = _("term education summaries")
        constraints = [
            models.UniqueConstraint(fields=["school", "term"], name="edu_summary_once"),
        ]
        indexes = [models.Index(fields=["term", "school"], name="edu_summary_term_idx")]

    def __str__(self) -> str:
        return f"{self.school} {self.term}"
