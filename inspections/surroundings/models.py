"""The surroundings ledger (周边环境), joint meetings (联席会议) and public reports by QR code
(群众举报).

Spots and meetings are seen by the school's jurisdiction as usual and, besides, by a
department liaison account (a partner department's officer bound to a county bureau): the
querysets below widen `visible_to` for that one role to its county and nothing else, while
`safety.scoping.jurisdiction_path` gives the liaison nothing anywhere else.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safety.models import Organisation, TransitionEvent, User
from safety.scoping import ScopedQuerySet
from safety.validators import validate_phone


def liaison_path(user) -> str | None:
    """The county path a department liaison account sees, None for every other account."""
    if (
        user is None
        or not user.is_authenticated
        or not user.is_active
        or user.role != User.Role.DEPARTMENT_LIAISON
    ):
        return None
    unit = user.unit
    if unit is None or not unit.is_active:
        return None
    return unit.path


class LiaisonScopedQuerySet(ScopedQuerySet):
    """`visible_to` that also lets a department liaison see its county's rows."""

    def visible_to(self, user) -> models.QuerySet:
        path = liaison_path(user)
        if path is None:
            return super().visible_to(user)
        return self.filter(**{f"{self.scope_lookup}__path__startswith": path})


class Department(models.TextChoices):
    POLICE = "police", _("Police")
    MARKET = "market", _("Market regulation")
    CULTURE = "culture", _("Culture and tourism")
    TRAFFIC = "traffic", _("Traffic police")
    URBAN = "urban", _("Urban management")


class SpotQuerySet(LiaisonScopedQuerySet):
    scope_lookup = "school"

    def open(self) -> SpotQuerySet:
        return self.filter(status__in=SurroundingsSpot.OPEN_STATUSES)


class SurroundingsSpot(models.Model):
    """A problem spot near a school, the department responsible, what was asked of it and
    its answer."""

    class Kind(models.TextChoices):
        VENDOR = "vendor", _("Unlicensed vendor")
        INTERNET_CAFE = "internet_cafe", _("Internet café or game hall too close")
        HOSTEL = "hostel", _("Unlicensed hostel")
        TRAFFIC = "traffic", _("Traffic danger at the gate")
        LOITERERS = "loiterers", _("Loiterers")
        OTHER = "other", _("Other")

    class FoundBy(models.TextChoices):
        SCHOOL = "school", _("School")
        BUREAU = "bureau", _("Bureau")
        PUBLIC = "public", _("Public")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("surroundings spot", "Open")
        REFERRED = "referred", _("Referred")
        RESOLVED = "resolved", _("Resolved")
        UNRESOLVED = "unresolved", _("Unresolved")

    OPEN_STATUSES = (Status.OPEN, Status.REFERRED)

    school = models.ForeignKey(
        Organisation, verbose_name=_("school"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    place = models.CharField(_("place"), max_length=200)
    description = models.TextField(_("description"))
    found_by = models.CharField(
        _("found by"), max_length=8, choices=FoundBy.choices, default=FoundBy.SCHOOL
    )
    department = models.CharField(
        _("department responsible"), max_length=12, choices=Department.choices, blank=True
    )
    request_text = models.TextField(_("what was asked of the department"), blank=True)
    referred_at = models.DateTimeField(_("referred at"), null=True, blank=True)
    answer_text = models.TextField(_("the department's answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    photo = models.ImageField(_("photo"), upload_to="surroundings/", blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    public_report = models.OneToOneField(
        "inspections.PublicReport",
        verbose_name=_("public report"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="spot",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    objects = SpotQuerySet.as_manager()

    class Meta:
        verbose_name = _("surroundings spot")
        verbose_name_plural = _("surroundings spots")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["school", "status"], name="spot_school_status_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.place}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class SpotEvent(TransitionEvent):
    """One step of a spot: recorded, referred, answered, closed."""

    spot = models.ForeignKey(
        SurroundingsSpot, verbose_name=_("spot"), on_delete=models.CASCADE, related_name="events"
    )
    status_choices = SurroundingsSpot.Status

    class Meta(TransitionEvent.Meta):
        verbose_name = _("spot step")
        verbose_name_plural = _("spot steps")


class MeetingQuerySet(LiaisonScopedQuerySet):
    scope_lookup = "bureau"


class JointMeeting(models.Model):
    """A joint meeting (联席会议) of a county bureau with the departments."""

    bureau = models.ForeignKey(
        Organisation, verbose_name=_("bureau"), on_delete=models.PROTECT, related_name="+"
    )
    held_on = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=100)
    departments = models.JSONField(_("departments attending"), default=list)
    attendees = models.TextField(_("people attending"))
    spots = models.ManyToManyField(
        SurroundingsSpot, verbose_name=_("spots discussed"), blank=True, related_name="meetings"
    )
    minutes = models.FileField(_("minutes"), upload_to="meetings/", blank=True)
    minutes_name = models.CharField(_("file name"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("joint meeting")
        verbose_name_plural = _("joint meetings")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.held_on} {self.title}"

    def department_labels(self) -> list[str]:
        labels = dict(Department.choices)
        return [str(labels.get(key, key)) for key in self.departments]


class DecisionQuerySet(LiaisonScopedQuerySet):
    scope_lookup = "meeting__bureau"


class MeetingDecision(models.Model):
    """A decision of a joint meeting, with its owner and deadline, tracked to done."""

    meeting = models.ForeignKey(
        JointMeeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="decisions"
    )
    text = models.CharField(pgettext_lazy("joint meeting", "decision"), max_length=300)
    owner = models.CharField(_("owner"), max_length=100)
    due_on = models.DateField(_("deadline"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("marked done by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = DecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting decision")
        verbose_name_plural = _("meeting decisions")
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.text


def new_reference() -> str:
    """A reference number the public can quote by phone: JB + 8 characters without look-alikes."""
    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
    return "JB" + "".join(secrets.choice(alphabet) for _i in range(8))


class PublicReportQuerySet(ScopedQuerySet):
    scope_lookup = "school"


class PublicReport(models.Model):
    """A report from a member of the public through the school's QR form (群众举报). It waits
    unverified until school staff accept it (a hazard or a surroundings spot) or dismiss it."""

    class Category(models.TextChoices):
        HAZARD = "hazard", _("A hazard at the school")
        SURROUNDINGS = "surroundings", _("A problem near the school")

    class Status(models.TextChoices):
        UNVERIFIED = "unverified", _("Unverified public report")
        ACCEPTED = "accepted", pgettext_lazy("public report", "Accepted")
        DISMISSED = "dismissed", _("Dismissed")

    school = models.ForeignKey(
        Organisation, verbose_name=_("school"), on_delete=models.PROTECT, related_name="+"
    )
    reference = models.CharField(
        _("reference number"), max_length=12, unique=True, default=new_reference
    )
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    text = models.TextField(_("what was seen"))
    phone = models.CharField(
        _("phone for a call-back"), max_length=30, blank=True, validators=[validate_phone]
    )
    photo = models.ImageField(_("photo"), upload_to="public/", blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=Status.choices,
        default=Status.UNVERIFIED,
        db_index=True,
    )
    dismiss_reason = models.TextField(_("reason for dismissal"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("public report", "decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(
        pgettext_lazy("public report", "decided at"), null=True, blank=True
    )
    created_at = models.DateTimeField(_("received at"), auto_now_add=True, db_index=True)

    objects = PublicReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("public report")
        verbose_name_plural = _("public reports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.reference
