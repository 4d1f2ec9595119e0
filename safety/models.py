from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .scoping import ScopedQuerySet

PATH_SEGMENT_WIDTH = 8
SCHOOL_YEAR_START_MONTH = 9


class OrganisationQuerySet(ScopedQuerySet):
    scope_lookup = ""

    def schools(self) -> OrganisationQuerySet:
        return self.filter(kind=Organisation.Kind.SCHOOL)

    def bureaus(self) -> OrganisationQuerySet:
        return self.exclude(kind=Organisation.Kind.SCHOOL)

    def below(self, organisation: Organisation) -> OrganisationQuerySet:
        """The organisation and everything under it."""
        return self.filter(path__startswith=organisation.path)


class Organisation(models.Model):
    """A unit (单位): the city bureau, a county/district bureau or a school.

    `path` is a materialised path of zero-padded ids ("00000001/00000004/"), kept by the
    services in safety.services, so a subtree is one indexed `LIKE 'prefix%'` query.
    """

    class Kind(models.TextChoices):
        CITY = "city", _("City education bureau")
        COUNTY = "county", _("County/district education bureau")
        SCHOOL = "school", _("School")

    class SchoolType(models.TextChoices):
        KINDERGARTEN = "kindergarten", _("Kindergarten")
        PRIMARY = "primary", _("Primary school")
        JUNIOR_MIDDLE = "junior_middle", _("Junior middle school")
        SENIOR_MIDDLE = "senior_middle", _("Senior middle school")
        NINE_YEAR = "nine_year", _("Nine-year school")
        TWELVE_YEAR = "twelve_year", _("Twelve-year school")
        VOCATIONAL = "vocational", _("Vocational school")
        SPECIAL = "special", _("Special education school")

    class Locality(models.TextChoices):
        URBAN = "urban", _("Urban")
        RURAL = "rural", _("Rural")

    name = models.CharField(_("name"), max_length=100)
    name_sort_key = models.CharField(
        _("sort key"), max_length=400, editable=False, default="", db_index=True
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    path = models.CharField(_("path"), max_length=255, unique=True, editable=False)
    code = models.CharField(
        _("official code"),
        max_length=20,
        unique=True,
        help_text=_(
            "Schools: the 10-digit school identification code (学校标识码). "
            "Bureaus: the administrative division code."
        ),
    )
    school_type = models.CharField(
        _("school type"), max_length=20, choices=SchoolType.choices, blank=True
    )
    is_boarding = models.BooleanField(_("boarding school"), default=False)
    locality = models.CharField(
        _("urban/rural"), max_length=8, choices=Locality.choices, blank=True
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    student_count = models.PositiveIntegerField(_("students"), default=0)
    staff_count = models.PositiveIntegerField(_("staff"), default=0)
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive units are kept for history only.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name_sort_key", "id"]
        indexes = [
            # LIKE 'prefix%' on PostgreSQL needs the pattern operator class.
            models.Index(
                fields=["path"], name="org_path_prefix_idx", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["kind", "school_type"], name="org_kind_type_idx"),
            models.Index(fields=["parent", "kind"], name="org_parent_kind_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="city", parent__isnull=True)
                | (~Q(kind="city") & Q(parent__isnull=False)),
                name="org_only_city_is_root",
            ),
            models.CheckConstraint(
                condition=(Q(kind="school") & ~Q(school_type=""))
                | (~Q(kind="school") & Q(school_type="")),
                name="org_school_type_only_for_schools",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_school(self) -> bool:
        return self.kind == self.Kind.SCHOOL

    @property
    def is_bureau(self) -> bool:
        return self.kind != self.Kind.SCHOOL

    @property
    def depth(self) -> int:
        return self.path.count("/")

    def is_within(self, other: Organisation) -> bool:
        """True if this unit is `other` or lies below it."""
        return bool(other.path) and self.path.startswith(other.path)

    @property
    def ancestor_ids(self) -> list[int]:
        """The ids of this unit and every unit above it, the top (city/province) first."""
        return [int(segment) for segment in self.path.split("/") if segment]

    @property
    def ancestor_paths(self) -> list[str]:
        """The paths of this unit and every unit above it, the top first."""
        segments = [segment for segment in self.path.split("/") if segment]
        return ["".join(f"{s}/" for s in segments[: i + 1]) for i in range(len(segments))]

    def clean(self) -> None:
        errors: dict[str, str] = {}
        allowed_parents = {
            self.Kind.CITY: set(),
            self.Kind.COUNTY: {self.Kind.CITY},
            # City-direct schools (市直学校) hang off the city bureau itself.
            self.Kind.SCHOOL: {self.Kind.CITY, self.Kind.COUNTY},
        }.get(self.kind, set())
        if self.kind == self.Kind.CITY and self.parent_id:
            errors["parent"] = _("A city education bureau has no parent unit.")
        elif self.kind and self.kind != self.Kind.CITY:
            if self.parent is None:
                errors["parent"] = _("Choose the bureau this unit belongs to.")
            elif self.parent.kind not in allowed_parents:
                errors["parent"] = _("A %(kind)s cannot belong to a %(parent)s.") % {
                    "kind": self.get_kind_display(),
                    "parent": self.parent.get_kind_display(),
                }
            elif self.pk and self.parent.is_within(self):
                errors["parent"] = _("A unit cannot belong to itself or to a unit below it.")
        if self.kind == self.Kind.SCHOOL and not self.school_type:
            errors["school_type"] = _("Choose the school type.")
        if self.kind and self.kind != self.Kind.SCHOOL and self.school_type:
            errors["school_type"] = _("Only schools have a school type.")
        if errors:
            raise ValidationError(errors)


class UserQuerySet(ScopedQuerySet):
    scope_lookup = "organisation"


class ScopedUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    """An account. Belongs to one organisation with one role (see safety.roles)."""

    class Role(models.TextChoices):
        SCHOOL_STAFF = "school_staff", _("School staff")
        SCHOOL_LEADER = "school_leader", _("School leader")
        BUREAU_OFFICIAL = "bureau_official", _("Bureau official")
        ADMINISTRATOR = "administrator", _("Administrator")

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    title = models.CharField(
        _("job title"), max_length=50, blank=True, help_text=_("For example 校长 or 安全办主任.")
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    objects = ScopedUserManager()

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        ordering = ["username"]
        indexes = [models.Index(fields=["organisation", "role"], name="user_org_role_idx")]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.username})" if self.full_name else self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    @property
    def is_school_user(self) -> bool:
        return self.organisation is not None and self.organisation.is_school

    @property
    def is_bureau_user(self) -> bool:
        return self.organisation is not None and self.organisation.is_bureau

    def clean(self) -> None:
        super().clean()
        school_roles = {self.Role.SCHOOL_STAFF, self.Role.SCHOOL_LEADER}
        bureau_roles = {self.Role.BUREAU_OFFICIAL, self.Role.ADMINISTRATOR}
        if self.role and self.organisation is None:
            raise ValidationError({"organisation": _("Choose the unit this account belongs to.")})
        if self.organisation is not None and not self.role:
            raise ValidationError({"role": _("Choose a role for this account.")})
        if self.organisation is not None and self.role:
            if self.organisation.is_school and self.role not in school_roles:
                raise ValidationError(
                    {"role": _("A school account must be school staff or a school leader.")}
                )
            if self.organisation.is_bureau and self.role not in bureau_roles:
                raise ValidationError(
                    {"role": _("A bureau account must be a bureau official or an administrator.")}
                )


class SafetyArea(models.Model):
    """One of the nine areas of routine safety management (安全领域)."""

    key = models.SlugField(_("key"), max_length=32, unique=True)
    name_zh = models.CharField(_("Chinese name"), max_length=50)
    name_en = models.CharField(_("English name"), max_length=80)
    description = models.TextField(_("typical checks"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("safety area")
        verbose_name_plural = _("safety areas")
        ordering = ["order", "key"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        language = get_language() or settings.LANGUAGE_CODE
        return self.name_zh if language.startswith("zh") else self.name_en


class AuditEventQuerySet(ScopedQuerySet):
    scope_lookup = "organisation"

    def update(self, **kwargs: Any) -> int:
        raise TypeError("The audit log is append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError("The audit log is append-only.")


class AuditEvent(models.Model):
    """An append-only record of a change made through a service: who, what, when."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The unit whose jurisdiction the change belongs to."),
    )
    action = models.CharField(_("action"), max_length=64)
    target_type = models.ForeignKey(
        ContentType, verbose_name=_("object type"), on_delete=models.PROTECT, related_name="+"
    )
    target_id = models.CharField(_("object id"), max_length=64)
    target_repr = models.CharField(_("object"), max_length=200)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_target_idx")]

    def __str__(self) -> str:
        return f"{self.action} {self.target_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise TypeError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("The audit log is append-only.")


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user) -> NotificationQuerySet:
        """A notification is seen by its recipient only."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(recipient=user)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """A message to one user (消息通知), written in the same transaction as the change that
    caused it (transactional outbox). `dedup_key` is unique: writing the same notice twice
    (a retried task, a beat that fires twice) keeps one row. Delivery by e-mail and SMS is
    done by tasks from these rows only; see safety.notifications."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=64)
    dedup_key = models.CharField(_("de-duplication key"), max_length=255, unique=True)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    urgent = models.BooleanField(
        _("urgent"),
        default=False,
        help_text=_("Urgent notices are e-mailed (and sent by SMS) at once, not in the digest."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_inbox_idx"),
            models.Index(fields=["urgent", "emailed_at"], name="notification_outbox_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class EmailDigest(models.Model):
    """One row per recipient and day: at most one digest e-mail a day, whatever retries."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField()
    notification_count = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("e-mail digest")
        verbose_name_plural = _("e-mail digests")
        constraints = [
            models.UniqueConstraint(fields=["recipient", "day"], name="one_digest_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.recipient} {self.day}"


class UserSession(models.Model):
    """A signed-in session, recorded at login so an administrator can end it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="sessions",
    )
    session_key = models.CharField(_("session key"), max_length=40, unique=True)
    ip_address = models.CharField(_("IP address"), max_length=45, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("logged in at"), auto_now_add=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user} {self.created_at:%Y-%m-%d %H:%M}"


# --- The responsibility system (安全责任制) ----------------------------------------------------


class CertificateKind(models.TextChoices):
    ELECTRICIAN = "electrician", _("Electrician operation certificate")
    BOILER = "boiler", _("Boiler operator certificate")
    HEALTH = "health", _("Health certificate")
    SECURITY = "security", _("Security guard certificate")
    PSYCHOLOGY = "psychology", _("Psychological counselling certificate")
    OTHER = "other", _("Other certificate")


class Post(models.Model):
    """A standard safety post (岗位) of a kind of unit, with its default areas and duty text.

    A small catalogue shared by the whole installation (not scoped): seeded by a migration,
    edited by system administrators only.
    """

    class UnitKind(models.TextChoices):
        SCHOOL = "school", _("School")
        BUREAU = "bureau", _("Education bureau")

    class Level(models.TextChoices):
        FIRST = "first", _("First responsible person")
        SPECIFIC = "specific", _("Specific responsible person")
        POST = "post", _("Post responsibility")

    key = models.SlugField(_("key"), max_length=40, unique=True)
    name_zh = models.CharField(_("Chinese name"), max_length=50)
    name_en = models.CharField(_("English name"), max_length=80)
    unit_kind = models.CharField(_("kind of unit"), max_length=8, choices=UnitKind.choices)
    level = models.CharField(
        _("level of responsibility"), max_length=8, choices=Level.choices, default=Level.POST
    )
    default_areas = models.ManyToManyField(
        SafetyArea, verbose_name=_("safety areas covered by default"), blank=True, related_name="+"
    )
    is_required = models.BooleanField(
        _("required"), default=True, help_text=_("Every unit of this kind must fill this post.")
    )
    boarding_only = models.BooleanField(
        _("boarding schools only"),
        default=False,
        help_text=_("Day schools do not need this post."),
    )
    school_types = models.JSONField(
        _("school types"),
        default=list,
        blank=True,
        help_text=_("The school types that need this post; empty means every type."),
    )
    certificate_kind = models.CharField(
        _("certificate required"),
        max_length=20,
        choices=CertificateKind.choices,
        blank=True,
        help_text=_("Holders of this post must hold a valid certificate of this kind."),
    )
    duty_text = models.TextField(
        _("duty text"), help_text=_("The paragraph of safety duties written into the letter.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["unit_kind", "order", "key"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        language = get_language() or settings.LANGUAGE_CODE
        return self.name_zh if language.startswith("zh") else self.name_en

    def applies_to(self, unit: Organisation) -> bool:
        """Whether a unit of this kind, type and boarding status has this post at all."""
        if unit.is_school != (self.unit_kind == self.UnitKind.SCHOOL):
            return False
        if not unit.is_school:
            return True
        if self.boarding_only and not unit.is_boarding:
            return False
        return not self.school_types or unit.school_type in self.school_types

    def is_required_for(self, unit: Organisation) -> bool:
        return self.is_active and self.is_required and self.applies_to(unit)


class HolderQuerySet(ScopedQuerySet):
    scope_lookup = "unit"


class Holder(models.Model):
    """A person who holds safety posts at a unit (责任人). Many have no account."""

    unit = models.ForeignKey(
        Organisation, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="holders"
    )
    name = models.CharField(_("name"), max_length=50)
    name_sort_key = models.CharField(_("sort key"), max_length=200, editable=False, default="")
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    job_title = models.CharField(
        _("job title"), max_length=50, blank=True, help_text=_("For example 总务处主任.")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="holder_records",
        help_text=_("Optional: the person's account, if they have one."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = HolderQuerySet.as_manager()

    class Meta:
        verbose_name = _("responsibility holder")
        verbose_name_plural = _("responsibility holders")
        ordering = ["name_sort_key", "id"]
        indexes = [models.Index(fields=["unit", "name_sort_key"], name="holder_unit_name_idx")]

    def __str__(self) -> str:
        return self.name


class CertificateQuerySet(ScopedQuerySet):
    scope_lookup = "holder__unit"


class Certificate(models.Model):
    """A qualification some posts require (electrician, boiler operator …)."""

    Kind = CertificateKind

    holder = models.ForeignKey(
        Holder, verbose_name=_("holder"), on_delete=models.CASCADE, related_name="certificates"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    number = models.CharField(_("certificate number"), max_length=50)
    expires_on = models.DateField(_("valid until"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["holder", "kind", "-expires_on"]
        indexes = [models.Index(fields=["holder", "kind", "expires_on"], name="cert_valid_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


class AssignmentQuerySet(ScopedQuerySet):
    scope_lookup = "unit"

    def current(self, on: Any = None) -> AssignmentQuerySet:
        """Assignments in force on a day (today by default). The interval is half-open,
        [start_date, end_date): a handover ends one and starts the next on the same day."""
        from django.utils import timezone

        day = on or timezone.localdate()
        return self.filter(start_date__lte=day).filter(
            Q(end_date__isnull=True) | Q(end_date__gt=day)
        )


class Assignment(models.Model):
    """A holder in a post at a unit (责任分工), with the safety areas it covers."""

    unit = models.ForeignKey(
        Organisation, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="assignments"
    )
    post = models.ForeignKey(
        Post, verbose_name=_("post"), on_delete=models.PROTECT, related_name="assignments"
    )
    holder = models.ForeignKey(
        Holder, verbose_name=_("holder"), on_delete=models.PROTECT, related_name="assignments"
    )
    areas = models.ManyToManyField(
        SafetyArea, verbose_name=_("safety areas"), blank=True, related_name="assignments"
    )
    school_year = models.CharField(
        _("school year"), max_length=9, help_text=_("For example 2026-2027.")
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(
        _("end date"), null=True, blank=True, help_text=_("Empty while the assignment is in force.")
    )
    handed_over_from = models.OneToOneField(
        "self",
        verbose_name=_("handed over from"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="handed_over_to",
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["unit", "post__order", "start_date", "id"]
        indexes = [
            models.Index(fields=["unit", "end_date", "start_date"], name="assignment_current_idx"),
            models.Index(fields=["post", "unit"], name="assignment_post_unit_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="assignment_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.holder} · {self.post}"

    def is_current(self, on: Any = None) -> bool:
        from django.utils import timezone

        day = on or timezone.localdate()
        return self.start_date <= day and (self.end_date is None or self.end_date > day)


class LetterQuerySet(ScopedQuerySet):
    scope_lookup = "assignment__unit"


class ResponsibilityLetter(models.Model):
    """A responsibility letter (安全责任书) for one assignment and school year.

    The text is frozen when the letter is issued (names, duty text, areas): what the holder
    signed is never rewritten by a later change to the post or the holder.
    """

    class Status(models.TextChoices):
        ISSUED = "issued", _("Issued")
        SIGNED = "signed", _("Signed")

    assignment = models.ForeignKey(
        Assignment, verbose_name=_("assignment"), on_delete=models.PROTECT, related_name="letters"
    )
    school_year = models.CharField(_("school year"), max_length=9)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.ISSUED
    )
    unit_name = models.CharField(_("unit"), max_length=100)
    issuer_unit_name = models.CharField(_("issuing unit"), max_length=100)
    issuer_name = models.CharField(_("issued by"), max_length=50, blank=True)
    issuer_post_name = models.CharField(_("issuer's post"), max_length=50, blank=True)
    holder_name = models.CharField(_("holder"), max_length=50)
    post_name = models.CharField(_("post"), max_length=50)
    area_names = models.JSONField(_("safety areas"), default=list)
    duty_text = models.TextField(_("duty text"))
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    signed_scan = models.FileField(_("signed scan"), upload_to="letters/", blank=True)
    signed_scan_name = models.CharField(_("original file name"), max_length=200, blank=True)

    objects = LetterQuerySet.as_manager()

    class Meta:
        verbose_name = _("responsibility letter")
        verbose_name_plural = _("responsibility letters")
        ordering = ["-school_year", "assignment__unit", "assignment__post__order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "school_year"], name="one_letter_per_assignment_year"
            ),
            models.CheckConstraint(
                condition=Q(status="issued") | Q(signed_on__isnull=False),
                name="signed_letter_has_date",
            ),
        ]
        indexes = [models.Index(fields=["school_year", "status"], name="letter_year_status_idx")]

    def __str__(self) -> str:
        return f"{self.school_year} {self.unit_name} {self.post_name} {self.holder_name}"


class LetterEvent(models.Model):
    """An append-only step of a letter's workflow: who, when, from, to, comment."""

    letter = models.ForeignKey(
        ResponsibilityLetter, on_delete=models.CASCADE, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    from_status = models.CharField(max_length=8, blank=True)
    to_status = models.CharField(max_length=8)
    comment = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("letter event")
        verbose_name_plural = _("letter events")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"

    @property
    def from_label(self) -> str:
        return ResponsibilityLetter.Status(self.from_status).label if self.from_status else "—"

    @property
    def to_label(self) -> str:
        return ResponsibilityLetter.Status(self.to_status).label


class ResponsibilitySettingsQuerySet(ScopedQuerySet):
    scope_lookup = "organisation"


class ResponsibilitySettings(models.Model):
    """Per-bureau settings of the responsibility system; a school follows its nearest bureau
    that has a row (the city's row is the default for every county without its own)."""

    DEFAULT_GRACE_DAYS = 30

    organisation = models.OneToOneField(
        Organisation,
        verbose_name=_("bureau"),
        on_delete=models.CASCADE,
        related_name="responsibility_settings",
    )
    unsigned_letter_grace_days = models.PositiveSmallIntegerField(
        _("grace period for unsigned letters (days)"),
        default=DEFAULT_GRACE_DAYS,
        help_text=_(
            "A letter not signed this many days after the school year or the assignment "
            "started counts as a coverage gap."
        ),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ResponsibilitySettingsQuerySet.as_manager()

    class Meta:
        verbose_name = _("responsibility settings")
        verbose_name_plural = _("responsibility settings")

    def __str__(self) -> str:
        return str(self.organisation)


def school_year_of(day: datetime.date) -> str:
    """The school year (学年) a day belongs to: it starts on 1 September, so 2026-09-01 to
    2027-08-31 is "2026-2027". The one place this rule lives."""
    first = day.year if day.month >= SCHOOL_YEAR_START_MONTH else day.year - 1
    return f"{first}-{first + 1}"


def current_school_year() -> str:
    """The school year of today in the installation's time zone (Asia/Shanghai)."""
    from django.utils import timezone

    return school_year_of(timezone.localdate())


def school_year_bounds(school_year: str) -> tuple[datetime.date, datetime.date]:
    """First and last day of a school year written like "2026-2027"."""
    first = int(school_year[:4])
    return (
        datetime.date(first, SCHOOL_YEAR_START_MONTH, 1),
        datetime.date(first + 1, SCHOOL_YEAR_START_MONTH, 1) - datetime.timedelta(days=1),
    )


def is_school_year(value: str) -> bool:
    return (
        len(value) == 9
        and value[4] == "-"
        and value[:4].isdigit()
        and value[5:].isdigit()
        and int(value[5:]) == int(value[:4]) + 1
    )


class TransitionEvent(models.Model):
    """The shape every workflow timeline shares: one append-only row per transition.

    Hazards, incidents, monthly reports and letters extend it with a foreign key to their
    record and, where they need one, an `action` with its own choices. `actor` is empty only
    for transitions made by the system (a nightly job), never for a person's action.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    from_status = models.CharField(_("from"), max_length=24, blank=True)
    to_status = models.CharField(_("to"), max_length=24, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]
