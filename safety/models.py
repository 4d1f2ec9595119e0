from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .messages import render_message
from .scoping import ScopedQuerySet
from .validators import validate_phone

PATH_SEGMENT_WIDTH = 8
SCHOOL_YEAR_START_MONTH = 9


class DayUnit(models.TextChoices):
    """How a deadline setting counts its days (#20; safety.workdays re-exports it, defined
    here so the safety features' models can use it without an import cycle)."""

    WORKING = "working", _("working days")
    CALENDAR = "calendar", _("calendar days")


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
    """A unit (单位): the provincial education department, a city bureau, a county/district
    bureau or a school.

    The tree is (province →) city → county → school: an installation with only a city keeps
    the city as its root (parent empty); a province installation puts its cities under the
    province (issue #23). Any depth the path column allows (255 characters, 9 per level).

    `path` is a materialised path of zero-padded ids ("00000001/00000004/"), kept by the
    services in safety.services, so a subtree is one indexed `LIKE 'prefix%'` query.
    """

    class Kind(models.TextChoices):
        # #23: the provincial education department (省教育厅) above the city bureaus.
        PROVINCE = "province", _("Provincial education department")
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
    # Emergency preparedness (issue #14): kept by the school-bus register's services
    # (reporting.activities) so that safety reads it without importing reporting.
    has_school_buses = models.BooleanField(
        _("has school buses"),
        default=False,
        editable=False,
        help_text=_("Kept by the school-bus register: the school has at least one active bus."),
    )
    locality = models.CharField(
        _("urban/rural"), max_length=8, choices=Locality.choices, blank=True
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[validate_phone])
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
            # A province is always a root; a city is the root of a city installation or
            # belongs to a province (#23); every other unit has a parent.
            models.CheckConstraint(
                condition=Q(kind="province", parent__isnull=True)
                | Q(kind="city")
                | (~Q(kind__in=["city", "province"]) & Q(parent__isnull=False)),
                name="org_only_province_or_city_is_root",
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
            self.Kind.PROVINCE: set(),
            # #23: a city belongs to a province, or is the root of a city installation.
            self.Kind.CITY: {self.Kind.PROVINCE},
            self.Kind.COUNTY: {self.Kind.CITY},
            # City-direct schools (市直学校) hang off the city bureau itself.
            self.Kind.SCHOOL: {self.Kind.CITY, self.Kind.COUNTY},
        }.get(self.kind, set())
        if self.kind == self.Kind.PROVINCE and self.parent_id:
            errors["parent"] = _("A provincial education department has no parent unit.")
        elif self.kind == self.Kind.CITY and self.parent is not None:
            if self.parent.kind not in allowed_parents:
                errors["parent"] = _("A city education bureau belongs to a province or to no unit.")
        elif self.kind and self.kind not in (self.Kind.CITY, self.Kind.PROVINCE):
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
    scope_lookup = "unit"


class ScopedUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    """An account. Belongs to one organisation with one role (see safety.roles)."""

    class Role(models.TextChoices):
        SCHOOL_STAFF = "school_staff", _("School staff")
        SCHOOL_LEADER = "school_leader", _("School leader")
        BUREAU_OFFICIAL = "bureau_official", _("Bureau official")
        ADMINISTRATOR = "administrator", _("Administrator")
        # #17: a partner department's officer bound to a county bureau (see docs/surroundings.md).
        DEPARTMENT_LIAISON = "department_liaison", _("Department liaison")
        # #22: the service account an API client acts as (api.models.ApiClient): it cannot
        # sign in, sees its unit's jurisdiction and reports hazards and incidents.
        API_CLIENT = "api_client", _("API client")

    unit = models.ForeignKey(
        Organisation,
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        db_column="organisation_id",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    title = models.CharField(
        _("job title"), max_length=50, blank=True, help_text=_("For example 校长 or 安全办主任.")
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[validate_phone])

    objects = ScopedUserManager()

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        ordering = ["username"]
        indexes = [
            models.Index(fields=["unit", "role"], name="user_org_role_idx"),
            # #23: the accounts that urgent notices may not reach (channels' reach page)
            # start from those without an e-mail address, not from a province's 40,000.
            models.Index(
                fields=["unit"],
                name="user_without_email_idx",
                condition=models.Q(is_active=True, email=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.username})" if self.full_name else self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    @property
    def is_school_user(self) -> bool:
        return self.unit is not None and self.unit.is_school

    @property
    def is_bureau_user(self) -> bool:
        return self.unit is not None and self.unit.is_bureau

    def clean(self) -> None:
        super().clean()
        school_roles = {self.Role.SCHOOL_STAFF, self.Role.SCHOOL_LEADER}
        bureau_roles = {self.Role.BUREAU_OFFICIAL, self.Role.ADMINISTRATOR}
        if self.role == self.Role.DEPARTMENT_LIAISON:
            if self.unit is None or self.unit.kind != Organisation.Kind.COUNTY:
                raise ValidationError(
                    {"unit": _("A department liaison account belongs to a county bureau.")}
                )
            return
        if self.role == self.Role.API_CLIENT and self.unit is not None:
            return
        if self.role and self.unit is None:
            raise ValidationError({"unit": _("Choose the unit this account belongs to.")})
        if self.unit is not None and not self.role:
            raise ValidationError({"role": _("Choose a role for this account.")})
        if self.unit is not None and self.role:
            if self.unit.is_school and self.role not in school_roles:
                raise ValidationError(
                    {"role": _("A school account must be school staff or a school leader.")}
                )
            if self.unit.is_bureau and self.role not in bureau_roles:
                raise ValidationError(
                    {"role": _("A bureau account must be a bureau official or an administrator.")}
                )


class BilingualName:
    """A catalogue row named in Chinese and English (`name_zh`, `name_en`): `name` is the
    one of the active language."""

    name_zh: str
    name_en: str

    @property
    def name(self) -> str:
        language = get_language() or settings.LANGUAGE_CODE
        return self.name_zh if language.startswith("zh") else self.name_en


class SafetyArea(BilingualName, models.Model):
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


class AuditEventQuerySet(ScopedQuerySet):
    scope_lookup = "unit"
    audited = False  # the audit log does not audit itself

    def update(self, **kwargs: Any) -> int:
        raise TypeError("The audit log is append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError("The audit log is append-only.")


# Every action code written to the audit log, with the words a reader sees for it. A new
# code gets its label here (tests/test_translations.py finds every code in the product).
AUDIT_ACTION_LABELS = {
    "create": _("Created"),
    "change": _("Changed"),
    "bulk_change": _("Changed (bulk update)"),
    "delete": _("Deleted"),
    "account.create": _("Account created"),
    "account.update": _("Account changed"),
    "account.end_sessions": _("Sessions ended"),
    "account.login": _("Signed in"),
    "account.logout": _("Signed out"),
    "account.password_change": _("Password changed"),
    # #21 an identity-platform sign-in of an unknown person (SSO_UNKNOWN_USERS=create_inactive)
    "account.sso_create": _("Account created by the identity platform, waiting to be placed"),
    "organisation.create": _("Unit created"),
    "organisation.update": _("Unit changed"),
    "safety_area.create": _("Safety area created"),
    "safety_area.update": _("Safety area changed"),
    "post.create": _("Post created"),
    "post.update": _("Post changed"),
    "holder.create": _("Person responsible added"),
    "holder.update": _("Person responsible changed"),
    "certificate.create": _("Certificate added"),
    "certificate.update": _("Certificate changed"),
    "assignment.create": _("Responsibility assigned"),
    "assignment.end": _("Assignment ended"),
    "assignment.handover": _("Responsibility handed over"),
    "letters.issue_bulk": _("Responsibility letters issued"),
    "responsibility_settings.create": _("Responsibility settings created"),
    "responsibility_settings.update": _("Responsibility settings changed"),
    "checklist_publish": _("Checklist published"),
    "spot_check_draw": _("Spot-check draw"),
    "monthly_report.save_draft": _("Monthly report draft saved"),
    "monthly_report.submit": _("Monthly report submitted"),
    "monthly_report.approve": _("Monthly report approved"),
    "monthly_report.return": _("Monthly report returned"),
    "monthly_report.rerender_pdf": _("Monthly report PDF rendered again"),
    "reporting.veto": _("Safety veto recorded"),
    # Bureau supervision (issue #18).
    "campaign.launch": _("Special campaign launched"),
    "campaign.forward": _("Special campaign forwarded"),
    "campaign.remind": _("Campaign laggards reminded"),
    "campaign_task.submit": _("Campaign report submitted"),
    "notice.publish": _("Notice published"),
    "notice.reply": _("Notice reply submitted"),
    "notice.reply_accepted": _("Notice reply accepted"),
    "notice.reply_returned": _("Notice reply returned"),
    "notice.remind": _("Notice reminders sent"),
    "order.issue": _("Rectification order issued"),
    # #19 the year-end safe-campus assessment
    "assessment.scheme_create": _("Assessment scheme created"),
    "assessment.group_add": _("Indicator group added"),
    "assessment.indicator_add": _("Indicator added"),
    "assessment.indicator_remove": _("Indicator removed"),
    "assessment.run_open": _("Year's assessment opened"),
    "assessment.run_recompute": _("Assessment values computed again"),
    "assessment.self_assess": _("Self-assessment saved"),
    "assessment.county_score": _("School scored by the county"),
    "assessment.scoring_submit": _("County scoring submitted"),
    "assessment.scoring_return": _("County scoring returned"),
    "assessment.run_publish": _("Assessment results published"),
    "assessment.model_school": _("Model school named"),
    "order.reply": _("Rectification order replied to"),
    "order.accepted": _("Rectification order accepted"),
    "order.returned": _("Rectification order reply returned"),
    "order.escalate": _("Overdue rectification order escalated"),
    # activities and school buses (issue #16)
    "activity.save_draft": _("Activity application saved"),
    "activity.submit": _("Activity application submitted"),
    "activity.approve": _("Activity approved"),
    "activity.return": _("Activity application returned"),
    "activity.reject": _("Activity application rejected"),
    "activity.mark_held": _("Activity marked as held"),
    "activity.summary": _("Activity summary filed"),
    "activity.escalate": _("Activity approval escalated"),
    "bus_register.create": _("School-bus register entry added"),
    "bus_register.update": _("School-bus register entry changed"),
    # Emergency preparedness (issue #14)
    "plan.create": _("Emergency plan version uploaded"),
    "plan.submit": _("Emergency plan approved and filed"),
    "plan.acknowledge": _("Emergency plan filing acknowledged"),
    "plan.return": _("Emergency plan filing returned"),
    "plan.flag_review": _("Emergency plan flagged for review"),
    "team.create": _("Emergency teams set up"),
    "team.member_add": _("Emergency team member added"),
    "team.member_remove": _("Emergency team member removed"),
    "drill.plan": _("Drill planned"),
    "drill.record": _("Drill recorded"),
    "drill.problem_add": _("Drill problem recorded"),
    "drill.problem_hazard": _("Drill problem entered in the hazard ledger"),
    # Daily guarding (issue #15).
    "holiday_period.create": _("Holiday set"),
    "holiday_period.update": _("Holiday changed"),
    "duty_roster.create": _("Duty roster created"),
    "duty_shift.save": _("Duty day planned"),
    "duty_roster.submit": _("Holiday duty roster submitted"),
    "duty_roster.acknowledge": _("Holiday duty roster acknowledged"),
    "duty_roster.return": _("Holiday duty roster returned"),
    "duty_log.create": _("Duty log written"),
    "duty_log.update": _("Duty log changed"),
    "patrol_route.create": _("Patrol route created"),
    "patrol_route.update": _("Patrol route changed"),
    "patrol.checkpoint": _("Patrol checkpoint recorded"),
    "gate_entry.create": _("Gate register entry recorded"),
    "gate_entry.leave": _("Gate register time out recorded"),
    "gate_register.purge": _("Gate register entries deleted after the retention period"),
    "gate_duty.save": _("Gate duty recorded"),
    "dormitory.create": _("Dormitory added"),
    "room.create": _("Dormitory room added"),
    "pupil.create": _("Boarding pupil added"),
    "pupil.update": _("Boarding pupil changed"),
    "pupils.import": _("Boarding pupils imported"),
    "pupils.read": _("Boarding pupils' data read"),
    "pupils.export": _("Boarding pupils exported"),
    "leave.request": _("Leave requested"),
    "leave.approve": _("Leave approved"),
    "leave.refuse": _("Leave refused"),
    "leave.depart": _("Pupil left on leave"),
    "leave.return": _("Pupil back from leave"),
    "roll_call.mark": _("Roll call marked"),
    "absence.follow_up": _("Absence followed up"),
    # #17 education and surroundings
    "education.record": _("Education activity recorded"),
    # #21 delivery channels
    "channels.profile": _("Notification channels changed"),
    "education.plan": _("Education term plan saved"),
    "education.settings": _("Education minimum set"),
    "education.legal_vp_appoint": _("Legal vice-principal appointed"),
    "surroundings.record": _("Surroundings spot recorded"),
    "surroundings.refer": _("Surroundings spot referred"),
    "surroundings.answer": _("Department answered"),
    "surroundings.close": _("Surroundings spot closed"),
    "surroundings.meeting": _("Joint meeting recorded"),
    "surroundings.decision_done": _("Meeting decision done"),
    "public_report.receive": _("Public report received"),
    "public_report.accept": _("Public report accepted"),
    "public_report.dismiss": _("Public report dismissed"),
    # Emergency preparedness: school buses and incident flags (issue #14, part 2)
    "preparedness.school_buses": _("School-bus fact for drills and plans updated"),
}


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
    unit = models.ForeignKey(
        Organisation,
        verbose_name=_("unit"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The unit whose jurisdiction the change belongs to."),
        db_column="organisation_id",
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
        return f"{self.action_label()} {self.target_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise TypeError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("The audit log is append-only.")

    def action_label(self) -> str:
        """The action in the reader's words (an unknown code is shown as it is)."""
        return str(AUDIT_ACTION_LABELS.get(self.action, self.action))

    action_label.short_description = _("action")  # type: ignore[attr-defined]


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user) -> NotificationQuerySet:
        """A notification is seen by its recipient only."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(recipient=user)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    DELIVERED = "delivered", _("Delivered")
    UNREACHABLE = "unreachable", _("Unreachable: no e-mail address or mobile number")
    FAILED = "failed", _("Not delivered: every channel failed")


# What one channel did with a notice (Notification.delivery_log values).
CHANNEL_OUTCOMES = (
    ("sent", _("sent")),
    ("no_address", _("no address")),
    ("invalid_number", _("no valid number")),
    ("failed", _("failed")),
    ("retry", _("waiting to retry")),
)


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
    unit = models.ForeignKey(
        Organisation,
        verbose_name=_("unit"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_column="organisation_id",
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
    emailed_at = models.DateTimeField(
        _("handled at"),
        null=True,
        blank=True,
        help_text=_("When delivery was attempted (urgent notices) or the digest went out."),
    )
    message = models.JSONField(
        _("message id and parameters"),
        default=dict,
        blank=True,
        help_text=_("The title and message are rendered from these in the reader's language."),
    )
    delivery_status = models.CharField(
        _("delivery"), max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    delivered_at = models.DateTimeField(
        _("delivered at"),
        null=True,
        blank=True,
        help_text=_("When at least one channel (e-mail, SMS) accepted the notice."),
    )
    delivery_log = models.JSONField(
        _("delivery by channel"), default=dict, blank=True, help_text=_("What each channel did.")
    )

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_inbox_idx"),
            models.Index(fields=["urgent", "emailed_at"], name="notification_outbox_idx"),
            # #23: the undelivered urgent notices (channels' reach page): a province's count
            # and page read these few rows, not its every urgent notice.
            models.Index(
                fields=["-created_at", "-id"],
                name="notification_undelivered_idx",
                condition=models.Q(
                    urgent=True,
                    delivery_status__in=[DeliveryStatus.FAILED, DeliveryStatus.UNREACHABLE],
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        """The title in the active language (rows written before messages were stored keep
        the text they were written with)."""
        return render_message(self.message.get("title") or {}) or self.title

    @property
    def display_body(self) -> str:
        return render_message(self.message.get("body") or {}) or self.body

    def delivery_summary(self) -> str:
        """What each channel did, in the reader's words ("e-mail: sent; SMS: no number")."""
        labels = dict(CHANNEL_OUTCOMES)
        channels = {
            "email": _("e-mail"),
            "sms": _("SMS"),
            "wecom": _("WeCom"),
            "dingtalk": _("DingTalk"),
        }
        return "; ".join(
            f"{channels.get(channel, channel)}: {labels.get(outcome, outcome)}"
            for channel, outcome in (self.delivery_log or {}).items()
        )


class EmailDigest(models.Model):
    """One row per recipient and day: at most one digest e-mail a day, whatever retries."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    day = models.DateField(_("day"))
    notification_count = models.PositiveIntegerField(_("number of notifications"), default=0)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

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


def school_year_of(day: datetime.date) -> str:
    """The school year (学年) a day belongs to: it starts on 1 September, so 2026-09-01 to
    2027-08-31 is "2026-2027". The one place this rule lives."""
    first = day.year if day.month >= SCHOOL_YEAR_START_MONTH else day.year - 1
    return f"{first}-{first + 1}"


def current_school_year() -> str:
    """The school year of today in the installation's time zone (Asia/Shanghai)."""
    return school_year_of(timezone.localdate())


def school_year_bounds(school_year: str) -> tuple[datetime.date, datetime.date]:
    """First and last day of a school year written like "2026-2027"."""
    first = int(school_year[:4])
    return (
        datetime.date(first, SCHOOL_YEAR_START_MONTH, 1),
        datetime.date(first + 1, SCHOOL_YEAR_START_MONTH, 1) - datetime.timedelta(days=1),
    )


SECOND_SEMESTER_START_MONTH = 2


@dataclass(frozen=True)
class Semester:
    """A semester (学期) of the school year: the first from 1 September to the last day of
    January, the second from 1 February to 31 August. The one place this rule lives
    (campaign coverage, bus drills, education terms and risk reviews use it)."""

    school_year: str
    number: int
    start: datetime.date
    end: datetime.date

    @property
    def key(self) -> str:
        """ "2026-2027-1" for the first semester of 2026-2027."""
        return f"{self.school_year}-{self.number}"


def semester_of(day: datetime.date) -> Semester:
    """The semester `day` belongs to."""
    year = school_year_of(day)
    first_day, last_day = school_year_bounds(year)
    second_start = datetime.date(first_day.year + 1, SECOND_SEMESTER_START_MONTH, 1)
    if day < second_start:
        return Semester(year, 1, first_day, second_start - datetime.timedelta(days=1))
    return Semester(year, 2, second_start, last_day)


def semester_from_key(key: str) -> Semester | None:
    """ "2026-2027-1" → the first semester of 2026-2027; None for anything else."""
    try:
        first = int(key[:4])
        number = int(key[10:])
    except ValueError:
        return None
    if len(key) != 11 or key[4:10] != f"-{first + 1}-" or number not in (1, 2):
        return None
    start = datetime.date(first, SCHOOL_YEAR_START_MONTH, 1)
    if number == 2:
        start = datetime.date(first + 1, SECOND_SEMESTER_START_MONTH, 1)
    return semester_of(start)


def is_school_year(value: str) -> bool:
    return (
        len(value) == 9
        and value[4] == "-"
        and value[:4].isdigit()
        and value[5:].isdigit()
        and int(value[5:]) == int(value[:4]) + 1
    )


class ReviewedReply(models.Model):
    """A school's reply that its bureau accepts or returns with a comment, kept as numbered
    versions (a returned reply is answered by a new version; nothing a reviewer saw is
    overwritten). Concrete replies add their parent and their text."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned")
        ACCEPTED = "accepted", _("Accepted")

    version = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    comment = models.TextField(_("reviewer's comment"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-version"]


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

    # The status choices of the record (each subclass names its record's), so that "from" and
    # "to" are shown by their labels, never as raw codes.
    status_choices: Any = None

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]

    def status_label(self, value: str) -> str:
        labels = dict(self.status_choices.choices) if self.status_choices else {}
        return str(labels.get(value, value))

    def from_status_label(self) -> str:
        return self.status_label(self.from_status)

    def to_status_label(self) -> str:
        return self.status_label(self.to_status)

    from_status_label.short_description = _("from")  # type: ignore[attr-defined]
    to_status_label.short_description = _("to")  # type: ignore[attr-defined]


# The responsibility system's models live in their feature package; importing them here is
# how Django registers them under this app (label "safety", tables unchanged).
# Emergency preparedness (issue #14): its models live in safety/preparedness/.
# Daily guarding (issue #15): models in their feature package, registered under this app.
# #17 education: the education feature's models (term plans, records, legal vice-principals).
# #21 delivery channels: identities, preferences and per-channel delivery records.
from .channels.models import (  # noqa: E402, F401
    ChannelDelivery,
    ChannelProfile,
)
from .education.models import (  # noqa: E402, F401
    EducationRecord,
    EducationSettings,
    EducationTermSummary,
    LegalVicePrincipal,
    TermPlan,
)
from .guarding.models import (  # noqa: E402, F401
    Absence,
    BoardingPupil,
    Checkpoint,
    CheckpointRecord,
    Dormitory,
    DutyLog,
    DutyRoster,
    DutyRosterEvent,
    DutyShift,
    GateDuty,
    GateEntry,
    GuardingSettings,
    HolidayPeriod,
    Leave,
    LeaveEvent,
    ParentNotice,
    PatrolRound,
    PatrolRoute,
    RollCall,
    Room,
)
from .preparedness.models import (  # noqa: E402, F401
    Drill,
    DrillPhoto,
    DrillProblem,
    DrillSettings,
    Plan,
    PlanEvent,
    PreparednessSummary,
    Scenario,
    Team,
    TeamMember,
)
from .responsibility.models import (  # noqa: E402, F401
    Assignment,
    Certificate,
    CertificateKind,
    GapSummary,
    Holder,
    LetterEvent,
    LetterIssueRequest,
    Post,
    ResponsibilityLetter,
    ResponsibilitySettings,
)

# --- #20 working days: official calendar years the chinesecalendar package does not know ---


class CalendarYear(models.Model):
    """The official holidays and make-up working days (调休) of one year, entered by a city
    administrator from the State Council's notice, for a year the `chinesecalendar`
    package does not cover yet (safety.workdays). Days not listed follow the week: Monday
    to Friday work, Saturday and Sunday rest."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    source = models.CharField(
        _("source"),
        max_length=200,
        help_text=_(
            "The notice the days come from, e.g. 国务院办公厅关于2027年部分节假日安排的通知."
        ),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("holiday calendar year")
        verbose_name_plural = _("holiday calendar years")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """A day of a CalendarYear that differs from the week: a holiday on a weekday, or a
    make-up working day on a weekend."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Holiday (no work)")
        WORKDAY = "workday", _("Make-up working day")

    calendar = models.ForeignKey(
        CalendarYear, verbose_name=_("year"), on_delete=models.CASCADE, related_name="days"
    )
    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    name = models.CharField(_("holiday"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("holiday or make-up day")
        verbose_name_plural = _("holidays and make-up days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"

    def clean(self) -> None:
        if self.date is None or self.calendar_id is None:
            return
        if self.date.year != self.calendar.year:
            raise ValidationError(
                {
                    "date": _("The date must fall in the year %(year)s.")
                    % {"year": self.calendar.year}
                }
            )
        weekend = self.date.weekday() >= 5
        if self.kind == self.Kind.HOLIDAY and weekend:
            raise ValidationError(
                {
                    "date": _(
                        "A weekend is a rest day already: list only holidays that fall "
                        "on a weekday."
                    )
                }
            )
        if self.kind == self.Kind.WORKDAY and not weekend:
            raise ValidationError(
                {
                    "date": _(
                        "A weekday is a working day already: list only make-up working "
                        "days that fall on a weekend."
                    )
                }
            )


# #20 risk grading: the named audit actions of risk points, plans and reported lists.
AUDIT_ACTION_LABELS.update(
    {
        "risk_point.create": _("Risk point graded"),
        "risk_point.update": _("Risk point changed"),
        "risk_point.retire": _("Risk point retired"),
        "risk_point.review": _("Risk point reviewed"),
        "campus_plan.upload": _("Campus plan uploaded"),
        "risk_report.submit": _("Risk list reported to the county"),
        "risk_report.acknowledge": _("Risk list acknowledged"),
    }
)


# --- #23 exports as jobs, and the failures of background jobs --------------------------------


class ExportJob(models.Model):
    """A spreadsheet a user asked for, written by a background job (task "safety.build_export")
    to the media storage and kept for EXPORT_KEPT_FOR (one day); only its requester sees it
    (safety.exportjobs). `params` holds what the request named (the page's filters, the
    record's id); `progress` counts rows written of `total` (None: unknown)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")

    class Failure(models.TextChoices):
        ERROR = "error", _("error while writing the file")
        DENIED = "denied", _("no longer allowed")

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.CASCADE,
        related_name="export_jobs",
    )
    kind = models.CharField(_("kind"), max_length=80)
    params = models.JSONField(_("filters"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveIntegerField(_("rows written"), default=0)
    total = models.PositiveIntegerField(_("rows expected"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to="exports/%Y/%m/", blank=True, max_length=200)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    failure = models.CharField(
        _("kind of failure"), max_length=10, choices=Failure.choices, blank=True
    )
    error = models.TextField(_("error details"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("number of attempts"), default=0)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last progress at"), auto_now=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("kept until"))

    class Meta:
        verbose_name = _("export job")
        verbose_name_plural = _("export jobs")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["requester", "-created_at"], name="exportjob_requester_idx"),
            models.Index(fields=["status", "expires_at"], name="exportjob_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def is_document(self) -> bool:
        """A PDF (a document kind: its rows are not counted as they are written)."""
        return self.filename.endswith(".pdf")

    @property
    def percent(self) -> int | None:
        """Rows written as a whole percentage of the rows expected (None: not known yet)."""
        if self.status == self.Status.READY:
            return 100
        if not self.total:
            return None
        return min(99, self.progress * 100 // self.total)


class JobFailure(models.Model):
    """A background task that failed for good (its retries spent, or an error no retry
    mends), recorded by a Celery signal (safety.signals) so that administrators see it in
    /admin/ with its error; the sweeper of awaited jobs still queues the request again."""

    task = models.CharField(_("task name"), max_length=120)
    args = models.JSONField(_("task arguments"), default=list, blank=True)
    error = models.TextField(_("error details"))
    traceback = models.TextField(_("error traceback"), blank=True)
    failed_at = models.DateTimeField(_("failed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("failed background job")
        verbose_name_plural = _("failed background jobs")
        ordering = ["-failed_at", "-pk"]
        indexes = [models.Index(fields=["-failed_at"], name="jobfailure_failed_idx")]

    def __str__(self) -> str:
        return f"{self.task} {self.failed_at:%Y-%m-%d %H:%M}"
