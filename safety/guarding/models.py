"""Daily guarding's records (日常安全防范): duty rosters and logs, night patrols, the gate
register, arrival/dismissal duty (护学岗), dormitories with their boarding pupils, leave
(请销假) and bedtime roll call (就寝点名).

These models belong to the `safety` app (label "safety"): `safety/models.py` imports them.
docs/guarding.md explains every rule.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safety.models import DayUnit, Organisation, TransitionEvent
from safety.scoping import ScopedQuerySet
from safety.validators import validate_phone

ID_LAST4 = RegexValidator(
    r"^[0-9A-Za-z]{4}$",
    _("Enter only the last four characters of the document number."),
    code="id_last4",
)


class UnitQuerySet(ScopedQuerySet):
    scope_lookup = "unit"


class GuardingSettings(models.Model):
    """Per-bureau settings of daily guarding; a school follows its nearest bureau that has a
    row (safety.scoping.nearest_unit_setting), else the defaults below."""

    DEFAULT_RETENTION_DAYS = 180
    DEFAULT_FOLLOW_UP_MINUTES = 30
    DEFAULT_ROSTER_LEAD_DAYS = 3

    unit = models.OneToOneField(
        Organisation,
        verbose_name=_("bureau"),
        on_delete=models.CASCADE,
        related_name="guarding_settings",
    )
    gate_retention_days = models.PositiveSmallIntegerField(
        _("gate register retention (days)"),
        default=DEFAULT_RETENTION_DAYS,
        validators=[MinValueValidator(7), MaxValueValidator(1095)],
        help_text=_("Gate register entries older than this are deleted by the nightly job."),
    )
    follow_up_minutes = models.PositiveSmallIntegerField(
        _("roll-call follow-up time limit (minutes)"),
        default=DEFAULT_FOLLOW_UP_MINUTES,
        validators=[MinValueValidator(5), MaxValueValidator(240)],
        help_text=_(
            "An unexplained absence not followed up within this time notifies the leader on duty."
        ),
    )
    # #20 working days: a holiday's roster deadline left empty is this many days before it.
    roster_lead_days = models.PositiveSmallIntegerField(
        _("roster deadline before a holiday"),
        default=DEFAULT_ROSTER_LEAD_DAYS,
        validators=[MaxValueValidator(60)],
        help_text=_(
            "A holiday set without a deadline gets one this many days before its first day."
        ),
    )
    roster_lead_unit = models.CharField(
        _("the roster deadline counts"),
        max_length=8,
        choices=DayUnit.choices,
        default=DayUnit.WORKING,
        help_text=_(
            "Working days follow the official holiday calendar (holidays and make-up working "
            "days); calendar days count every day."
        ),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("guarding settings")
        verbose_name_plural = _("guarding settings")

    def __str__(self) -> str:
        return str(self.unit)


# --- duty rosters (值班) ---------------------------------------------------------------------


class HolidayPeriod(models.Model):
    """A holiday a bureau asks its schools to file a duty roster for (dates editable): the
    schools below the bureau submit their roster by the deadline."""

    class Holiday(models.TextChoices):
        SPRING_FESTIVAL = "spring_festival", _("Spring Festival")
        NATIONAL_DAY = "national_day", _("National Day")
        SUMMER = "summer", _("Summer holiday")
        WINTER = "winter", _("Winter holiday")
        OTHER = "other", _("Other holiday")

    unit = models.ForeignKey(
        Organisation,
        verbose_name=_("bureau"),
        on_delete=models.PROTECT,
        related_name="holiday_periods",
    )
    holiday = models.CharField(_("holiday"), max_length=20, choices=Holiday.choices)
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    deadline = models.DateField(_("submit by"))

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("holiday period")
        verbose_name_plural = _("holiday periods")
        ordering = ["start_date", "id"]

    def __str__(self) -> str:
        return f"{self.get_holiday_display()} {self.start_date:%Y-%m-%d}–{self.end_date:%m-%d}"


class DutyRoster(models.Model):
    """A unit's duty roster for a week or a holiday. Holiday rosters are filings: submitted to
    the parent bureau before the deadline, then acknowledged or returned."""

    class Kind(models.TextChoices):
        WEEK = "week", _("Weekly roster")
        HOLIDAY = "holiday", _("Holiday roster")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        RETURNED = "returned", _("Returned")

    unit = models.ForeignKey(
        Organisation, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="duty_rosters"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.WEEK)
    period = models.ForeignKey(
        HolidayPeriod,
        verbose_name=_("holiday"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rosters",
    )
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    status = models.CharField(
        _("status"), max_length=14, choices=Status.choices, default=Status.DRAFT
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    review_comment = models.TextField(_("review comment"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("duty roster")
        verbose_name_plural = _("duty rosters")
        ordering = ["-start_date", "-id"]
        indexes = [models.Index(fields=["unit", "start_date"], name="roster_unit_start_idx")]
        constraints = [
            models.UniqueConstraint(fields=["unit", "period"], name="one_roster_per_holiday")
        ]

    def __str__(self) -> str:
        label = self.get_kind_display()
        return f"{label} {self.start_date:%Y-%m-%d}–{self.end_date:%m-%d}"

    @property
    def is_holiday(self) -> bool:
        return self.kind == self.Kind.HOLIDAY

    @property
    def is_editable(self) -> bool:
        return self.status in {self.Status.DRAFT, self.Status.RETURNED}

    def days(self) -> list[datetime.date]:
        count = (self.end_date - self.start_date).days + 1
        return [self.start_date + datetime.timedelta(days=n) for n in range(max(count, 0))]


class DutyRosterEvent(TransitionEvent):
    roster = models.ForeignKey(
        DutyRoster, verbose_name=_("duty roster"), on_delete=models.CASCADE, related_name="events"
    )
    status_choices = DutyRoster.Status

    class Meta(TransitionEvent.Meta):
        verbose_name = _("duty roster event")
        verbose_name_plural = _("duty roster events")


class DutyShiftQuerySet(ScopedQuerySet):
    scope_lookup = "roster__unit"


class DutyShift(models.Model):
    """One day of a roster: the leader on duty (领导带班) and the duty staff, with phones."""

    roster = models.ForeignKey(
        DutyRoster, verbose_name=_("duty roster"), on_delete=models.CASCADE, related_name="shifts"
    )
    date = models.DateField(_("date"))
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("leader on duty"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    leader_phone = models.CharField(_("leader's phone"), max_length=30, validators=[validate_phone])
    staff_name = models.CharField(_("duty staff"), max_length=100)
    staff_phone = models.CharField(
        _("duty staff's phone"), max_length=30, validators=[validate_phone]
    )

    objects = DutyShiftQuerySet.as_manager()

    class Meta:
        verbose_name = _("duty shift")
        verbose_name_plural = _("duty shifts")
        ordering = ["date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["roster", "date"], name="duty_shift_one_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.staff_name}"


class DutyLog(models.Model):
    """The duty person's log of one day (值班记录): events, visitors of note, handover."""

    unit = models.ForeignKey(
        Organisation, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="duty_logs"
    )
    date = models.DateField(_("date"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("duty person"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    events = models.TextField(_("events"), help_text=_("What happened during the duty."))
    visitors = models.TextField(_("visitors of note"), blank=True)
    handover = models.TextField(_("handover"), help_text=_("What the next person must know."))
    is_normal = models.BooleanField(_("all normal"), default=True)
    written_at = models.DateTimeField(_("written at"), auto_now=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("duty log")
        verbose_name_plural = _("duty logs")
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "date"], name="duty_log_one_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d}"


# --- night patrols (夜间巡查) ----------------------------------------------------------------


class PatrolRoute(models.Model):
    """A boarding school's patrol route: its checkpoints in order and the times of its rounds."""

    unit = models.ForeignKey(
        Organisation,
        verbose_name=_("school"),
        on_delete=models.PROTECT,
        related_name="patrol_routes",
    )
    name = models.CharField(_("name"), max_length=50)
    round_times = models.JSONField(
        _("round times"), default=list, help_text=_("Times of the nightly rounds, such as 22:00.")
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("patrol route")
        verbose_name_plural = _("patrol routes")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class CheckpointQuerySet(ScopedQuerySet):
    scope_lookup = "route__unit"


class Checkpoint(models.Model):
    class Kind(models.TextChoices):
        DORMITORY = "dormitory", _("Dormitory")
        CANTEEN = "canteen", _("Canteen")
        BOILER = "boiler", _("Boiler room")
        GATE = "gate", _("Gate")
        OTHER = "other", _("Other")

    route = models.ForeignKey(
        PatrolRoute, verbose_name=_("route"), on_delete=models.CASCADE, related_name="checkpoints"
    )
    name = models.CharField(_("name"), max_length=50)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.OTHER)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    objects = CheckpointQuerySet.as_manager()

    class Meta:
        verbose_name = _("checkpoint")
        verbose_name_plural = _("checkpoints")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class PatrolRoundQuerySet(ScopedQuerySet):
    scope_lookup = "route__unit"


class PatrolRound(models.Model):
    """One scheduled round of a route; created nightly from the route's round times."""

    route = models.ForeignKey(
        PatrolRoute, verbose_name=_("route"), on_delete=models.CASCADE, related_name="rounds"
    )
    scheduled_at = models.DateTimeField(_("scheduled at"))
    expected_count = models.PositiveSmallIntegerField(_("checkpoints to pass"), default=0)
    patroller = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("patrolled by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    objects = PatrolRoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("patrol round")
        verbose_name_plural = _("patrol rounds")
        ordering = ["-scheduled_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["route", "scheduled_at"], name="patrol_round_unique")
        ]

    def __str__(self) -> str:
        return f"{self.route} {self.scheduled_at:%Y-%m-%d %H:%M}"


class CheckpointRecordQuerySet(ScopedQuerySet):
    scope_lookup = "round__route__unit"


class CheckpointRecord(models.Model):
    """A checkpoint as it was passed on a round: time, normal or a problem, note, photo."""

    class Result(models.TextChoices):
        NORMAL = "normal", _("Normal")
        PROBLEM = "problem", _("Problem")

    round = models.ForeignKey(
        PatrolRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="records"
    )
    checkpoint = models.ForeignKey(
        Checkpoint, verbose_name=_("checkpoint"), on_delete=models.PROTECT, related_name="+"
    )
    passed_at = models.DateTimeField(_("passed at"))
    result = models.CharField(_("result"), max_length=8, choices=Result.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    photo = models.FileField(_("photo"), upload_to="patrols/%Y/%m/", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = CheckpointRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("checkpoint record")
        verbose_name_plural = _("checkpoint records")
        ordering = ["passed_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "checkpoint"], name="checkpoint_once_a_round")
        ]

    def __str__(self) -> str:
        return f"{self.checkpoint} {self.passed_at:%H:%M}"

    @property
    def unit(self) -> Organisation:
        return self.round.route.unit


# --- the gate register (门卫登记) -------------------------------------------------------------


class GateEntryQuerySet(ScopedQuerySet):
    scope_lookup = "unit"
    # Personal data: the generic recorder would copy names into the audit trail (and keep
    # them past the retention period). Services write named rows without them instead.
    audited = False


class GateEntry(models.Model):
    """A visitor, a parent collecting a pupil or a delivery at the gate. Only the last four
    characters of an identity document are kept; entries are deleted after the retention."""

    class Kind(models.TextChoices):
        VISITOR = "visitor", _("Visitor")
        PICKUP = "pickup", _("Parent collecting a pupil")
        DELIVERY = "delivery", _("Delivery")

    class IdType(models.TextChoices):
        RESIDENT_ID = "resident_id", _("Resident identity card")
        PASSPORT = "passport", _("Passport")
        HK_MACAO_TAIWAN = "hmt", _("Travel permit (HK, Macao, Taiwan)")
        DRIVER = "driver", _("Driving licence")
        OTHER = "other", _("Other document")
        NONE = "none", _("No document shown")

    unit = models.ForeignKey(
        Organisation,
        verbose_name=_("school"),
        on_delete=models.PROTECT,
        related_name="gate_entries",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.VISITOR)
    name = models.CharField(_("name"), max_length=50)
    id_type = models.CharField(
        _("identity document"), max_length=12, choices=IdType.choices, default=IdType.RESIDENT_ID
    )
    id_last4 = models.CharField(
        _("last four characters of the document number"),
        max_length=4,
        blank=True,
        validators=[ID_LAST4],
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[validate_phone])
    purpose = models.CharField(pgettext_lazy("gate register", "purpose"), max_length=100)
    person_visited = models.CharField(_("person visited"), max_length=50, blank=True)
    time_in = models.DateTimeField(_("time in"))
    time_out = models.DateTimeField(_("time out"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = GateEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("gate register entry")
        verbose_name_plural = _("gate register entries")
        ordering = ["-time_in", "-id"]
        indexes = [models.Index(fields=["unit", "time_in"], name="gate_unit_time_idx")]

    def __str__(self) -> str:
        # Never the name: this text is what the audit trail keeps.
        return f"{self.get_kind_display()} #{self.pk}"


class GateDuty(models.Model):
    """Arrival or dismissal gate duty (护学岗) of one day: who stood at the gate, from when."""

    class Period(models.TextChoices):
        ARRIVAL = "arrival", _("Arrival")
        DISMISSAL = "dismissal", _("Dismissal")

    unit = models.ForeignKey(
        Organisation, verbose_name=_("school"), on_delete=models.PROTECT, related_name="gate_duties"
    )
    date = models.DateField(_("date"))
    period = models.CharField(_("period"), max_length=10, choices=Period.choices)
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("until"))
    staff_names = models.CharField(_("staff at the gate"), max_length=200)
    with_police = models.BooleanField(_("with traffic police"), default=False)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("gate duty")
        verbose_name_plural = _("gate duties")
        ordering = ["-date", "period"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "date", "period"], name="gate_duty_once")
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_period_display()}"


# --- boarding pupils (寄宿生) -----------------------------------------------------------------


class Dormitory(models.Model):
    unit = models.ForeignKey(
        Organisation, verbose_name=_("school"), on_delete=models.PROTECT, related_name="dormitories"
    )
    name = models.CharField(_("name"), max_length=50)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("dormitory")
        verbose_name_plural = _("dormitories")
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["unit", "name"], name="dormitory_unique")]

    def __str__(self) -> str:
        return self.name


class RoomQuerySet(ScopedQuerySet):
    scope_lookup = "dormitory__unit"


class Room(models.Model):
    dormitory = models.ForeignKey(
        Dormitory, verbose_name=_("dormitory"), on_delete=models.PROTECT, related_name="rooms"
    )
    number = models.CharField(_("room"), max_length=20)
    beds = models.PositiveSmallIntegerField(
        _("beds"), validators=[MinValueValidator(1), MaxValueValidator(24)]
    )

    objects = RoomQuerySet.as_manager()

    class Meta:
        verbose_name = _("dormitory room")
        verbose_name_plural = _("dormitory rooms")
        ordering = ["dormitory__name", "number"]
        constraints = [models.UniqueConstraint(fields=["dormitory", "number"], name="room_unique")]

    def __str__(self) -> str:
        return f"{self.dormitory.name} {self.number}"


class BoardingPupil(models.Model):
    """A boarding pupil with a bed (name, class, a parent's phone)."""

    unit = models.ForeignKey(
        Organisation, verbose_name=_("school"), on_delete=models.PROTECT, related_name="pupils"
    )
    name = models.CharField(_("name"), max_length=50)
    class_name = models.CharField(_("class"), max_length=30)
    parent_phone = models.CharField(_("parent's phone"), max_length=30, validators=[validate_phone])
    room = models.ForeignKey(
        Room, verbose_name=_("room"), on_delete=models.PROTECT, related_name="pupils"
    )
    bed = models.PositiveSmallIntegerField(_("bed"), validators=[MinValueValidator(1)])
    is_active = models.BooleanField(_("boarding"), default=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("boarding pupil")
        verbose_name_plural = _("boarding pupils")
        ordering = ["class_name", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["room", "bed"], condition=models.Q(is_active=True), name="one_pupil_a_bed"
            )
        ]

    def __str__(self) -> str:
        return f"{self.class_name} #{self.pk}"


class LeaveQuerySet(ScopedQuerySet):
    scope_lookup = "pupil__unit"


class Leave(models.Model):
    """A boarding pupil's leave (请销假): requested, approved by the class teacher (the parent
    is informed), departure and return recorded; overdue when not back by the expected time."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")
        AWAY = "away", _("Away")
        RETURNED = "returned", _("Returned")

    pupil = models.ForeignKey(
        BoardingPupil, verbose_name=_("pupil"), on_delete=models.PROTECT, related_name="leaves"
    )
    reason = models.CharField(_("reason"), max_length=200)
    leaves_at = models.DateTimeField(_("leaves at"))
    returns_by = models.DateTimeField(_("back by"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("leave", "decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    departed_at = models.DateTimeField(_("departed at"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = LeaveQuerySet.as_manager()

    class Meta:
        verbose_name = _("leave")
        verbose_name_plural = _("leaves")
        ordering = ["-leaves_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_status_display()} #{self.pk}"


class LeaveEvent(TransitionEvent):
    leave = models.ForeignKey(
        Leave, verbose_name=_("leave"), on_delete=models.CASCADE, related_name="events"
    )
    status_choices = Leave.Status

    class Meta(TransitionEvent.Meta):
        verbose_name = _("leave event")
        verbose_name_plural = _("leave events")


class ParentNoticeQuerySet(ScopedQuerySet):
    scope_lookup = "unit"
    audited = False  # a parent's phone and the pupil's name: named audit rows instead


class ParentNotice(models.Model):
    """An SMS to a parent's phone (outbox): written with the change, sent by a task after
    commit; `sent_at` set only once the gateway accepted it."""

    unit = models.ForeignKey(
        Organisation, verbose_name=_("school"), on_delete=models.PROTECT, related_name="+"
    )
    leave = models.ForeignKey(
        Leave, verbose_name=_("leave"), on_delete=models.CASCADE, related_name="notices"
    )
    phone = models.CharField(_("phone"), max_length=30, validators=[validate_phone])
    text = models.CharField(_("text"), max_length=300)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    objects = ParentNoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("parent notice")
        verbose_name_plural = _("parent notices")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["leave"], name="parent_notice_once")]

    def __str__(self) -> str:
        return f"#{self.pk}"


class RollCallQuerySet(ScopedQuerySet):
    scope_lookup = "room__dormitory__unit"


class RollCall(models.Model):
    """A room's bedtime roll call (就寝点名) of one evening."""

    room = models.ForeignKey(
        Room, verbose_name=_("room"), on_delete=models.PROTECT, related_name="roll_calls"
    )
    date = models.DateField(_("evening of"))
    expected = models.PositiveSmallIntegerField(_("pupils assigned"))
    present = models.PositiveSmallIntegerField(_("present"))
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("marked by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    marked_at = models.DateTimeField(_("marked at"))

    objects = RollCallQuerySet.as_manager()

    class Meta:
        verbose_name = _("roll call")
        verbose_name_plural = _("roll calls")
        ordering = ["-date", "room"]
        constraints = [models.UniqueConstraint(fields=["room", "date"], name="roll_call_once")]

    def __str__(self) -> str:
        return f"{self.room} {self.date:%Y-%m-%d}"


class AbsenceQuerySet(ScopedQuerySet):
    scope_lookup = "roll_call__room__dormitory__unit"


class Absence(models.Model):
    """A pupil absent at roll call, and why. An unexplained absence is followed up the same
    evening (parent contacted, outcome); one not followed up in time notifies the leader on
    duty, once (`escalated_at`)."""

    class Reason(models.TextChoices):
        LEAVE = "leave", _("On approved leave")
        SICK = "sick", _("In the infirmary or hospital")
        UNEXPLAINED = "unexplained", _("Unexplained")

    class Outcome(models.TextChoices):
        HOME = "home", _("Safe at home")
        FOUND = "found", _("Found on campus")
        RETURNED = "returned", _("Came back")
        MISSING = "missing", _("Still missing: reported")

    roll_call = models.ForeignKey(
        RollCall, verbose_name=_("roll call"), on_delete=models.CASCADE, related_name="absences"
    )
    pupil = models.ForeignKey(
        BoardingPupil, verbose_name=_("pupil"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=12, choices=Reason.choices)
    parent_contacted = models.BooleanField(_("parent contacted"), default=False)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    follow_up_note = models.CharField(_("follow-up note"), max_length=300, blank=True)
    followed_up_at = models.DateTimeField(_("followed up at"), null=True, blank=True)
    followed_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("followed up by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    escalated_at = models.DateTimeField(_("leader on duty notified at"), null=True, blank=True)

    objects = AbsenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        ordering = ["roll_call", "id"]
        constraints = [models.UniqueConstraint(fields=["roll_call", "pupil"], name="absence_once")]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} #{self.pk}"

    @property
    def needs_follow_up(self) -> bool:
        return self.reason == self.Reason.UNEXPLAINED and self.followed_up_at is None
