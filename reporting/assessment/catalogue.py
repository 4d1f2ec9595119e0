"""The catalogue of computed indicators (issue #19): each rule counts, for every school of a
run at once, one number from the records the product already keeps, and turns it into points.

Every rule is one grouped query over all the schools (flat in their number), reads the same
records for the same year and cut-off moment, and so gives the same number for the same data
(reproducible). The cut-off is the end of the assessed calendar year (Asia/Shanghai), or the
moment of computing when that comes first. The definitions below are shown to users on the
scheme page, the school's page and the catalogue page, and in docs/assessment.md.

Points: a rule with a *target* gives weight × min(value / target, 1) (a value of "nothing to
count", e.g. no hazard had a deadline in the year, gives the full weight); a rule with
*points off per item* gives max(0, weight − items × points off).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from inspections.campaigns.models import CampaignTask
from inspections.models import Hazard, Inspection
from reporting.incidents.models import Incident, late_q, missed_q
from reporting.monthly import selectors as monthly_selectors
from reporting.monthly.models import MonthlyReportVersion
from reporting.orders.models import OrderReply, RectificationOrder
from safety import workdays
from safety.education.models import EducationRecord
from safety.education.selectors import PUPIL_KINDS
from safety.guarding.models import HolidayPeriod, RollCall, Room
from safety.models import Organisation, school_year_of
from safety.preparedness.models import Drill
from safety.responsibility.models import ResponsibilityLetter

TENTH = Decimal("0.1")
HUNDREDTH = Decimal("0.01")


@dataclass(frozen=True)
class Period:
    """The assessed calendar year and the cut-off moment (an aware datetime)."""

    year: int
    cutoff: datetime.datetime

    @property
    def first_day(self) -> datetime.date:
        return datetime.date(self.year, 1, 1)

    @property
    def cutoff_day(self) -> datetime.date:
        return timezone.localtime(self.cutoff).date()


def year_start(year: int) -> datetime.datetime:
    """00:00 on 1 January of `year`, local time (Asia/Shanghai)."""
    return datetime.datetime(year, 1, 1, tzinfo=timezone.get_current_timezone())


def period_of(year: int, now: datetime.datetime | None = None) -> Period:
    """The year with its cut-off: 24:00 on 31 December local time, or `now` if earlier."""
    year_end = year_start(year + 1) - datetime.timedelta(microseconds=1)
    now = now or timezone.now()
    return Period(year=year, cutoff=min(now, year_end))


@dataclass(frozen=True)
class Measure:
    """One school's number: `value` (None: nothing to count) and how it was counted."""

    value: Decimal | None
    detail: str


def _ratio(done: int, total: int) -> Measure:
    if not total:
        return Measure(None, "0/0")
    percent = (Decimal(done) * 100 / Decimal(total)).quantize(HUNDREDTH, ROUND_HALF_UP)
    return Measure(percent, f"{done}/{total}")


def _count(value: int | Decimal) -> Measure:
    return Measure(Decimal(value).quantize(HUNDREDTH, ROUND_HALF_UP), str(value))


Schools = Sequence[Organisation]
Computer = Callable[[Schools, Period], dict[int, Measure]]


def _ids(schools: Schools) -> list[int]:
    return [school.pk for school in schools]


def letters_signed(schools: Schools, period: Period) -> dict[int, Measure]:
    rows = {
        row["assignment__unit_id"]: row
        for row in ResponsibilityLetter.objects.filter(
            assignment__unit_id__in=_ids(schools),
            school_year=school_year_of(period.cutoff_day),
            issued_at__lte=period.cutoff,
        )
        .values("assignment__unit_id")
        .annotate(
            total=Count("id"),
            signed=Count(
                "id",
                filter=Q(
                    status=ResponsibilityLetter.Status.SIGNED,
                    signed_on__lte=period.cutoff_day,
                ),
            ),
        )
        .order_by()
    }
    return {
        s.pk: _ratio(rows.get(s.pk, {}).get("signed", 0), rows.get(s.pk, {}).get("total", 0))
        for s in schools
    }


def _counted(queryset, field: str, schools: Schools) -> dict[int, Measure]:
    counts = dict(queryset.values(field).annotate(n=Count("id")).values_list(field, "n").order_by())
    return {s.pk: _count(counts.get(s.pk, 0)) for s in schools}


def self_inspections(schools: Schools, period: Period) -> dict[int, Measure]:
    queryset = Inspection.objects.filter(
        school_id__in=_ids(schools),
        kind__startswith="self_",
        status=Inspection.Status.SUBMITTED,
        inspected_on__gte=period.first_day,
        inspected_on__lte=period.cutoff_day,
    )
    return _counted(queryset, "school_id", schools)


def hazards_on_time(schools: Schools, period: Period) -> dict[int, Measure]:
    rows = {
        row["school_id"]: row
        for row in Hazard.objects.filter(
            school_id__in=_ids(schools),
            deadline__gte=period.first_day,
            deadline__lt=period.cutoff_day,
        )
        .values("school_id")
        .annotate(
            total=Count("id"),
            done=Count("id", filter=Q(closed_at__date__lte=F("deadline"))),
        )
        .order_by()
    }
    return {
        s.pk: _ratio(rows.get(s.pk, {}).get("done", 0), rows.get(s.pk, {}).get("total", 0))
        for s in schools
    }


def overdue_hazards(schools: Schools, period: Period) -> dict[int, Measure]:
    queryset = Hazard.objects.filter(
        Q(closed_at__isnull=True) | Q(closed_at__gt=period.cutoff),
        school_id__in=_ids(schools),
        deadline__lt=period.cutoff_day,
        created_at__lte=period.cutoff,
    )
    return _counted(queryset, "school_id", schools)


def incidents_on_time(schools: Schools, period: Period) -> dict[int, Measure]:
    start = year_start(period.year)
    rows = {
        row["school_id"]: row
        for row in Incident.objects.filter(
            school_id__in=_ids(schools), occurred_at__gte=start, occurred_at__lte=period.cutoff
        )
        .values("school_id")
        .annotate(total=Count("id"), late=Count("id", filter=late_q(period.cutoff) | missed_q()))
        .order_by()
    }
    result = {}
    for s in schools:
        row = rows.get(s.pk, {"total": 0, "late": 0})
        result[s.pk] = _ratio(row["total"] - row["late"], row["total"])
    return result


def drills_held(schools: Schools, period: Period) -> dict[int, Measure]:
    queryset = Drill.objects.filter(
        unit_id__in=_ids(schools),
        status=Drill.Status.RECORDED,
        held_on__gte=period.first_day,
        held_on__lte=period.cutoff_day,
    )
    return _counted(queryset, "unit_id", schools)


def education_hours(schools: Schools, period: Period) -> dict[int, Measure]:
    sums = dict(
        EducationRecord.objects.filter(
            school_id__in=_ids(schools),
            kind__in=PUPIL_KINDS,
            held_on__gte=period.first_day,
            held_on__lte=period.cutoff_day,
        )
        .values("school_id")
        .annotate(pupil_hours=Sum(F("hours") * F("pupils")))
        .values_list("school_id", "pupil_hours")
        .order_by()
    )
    result = {}
    for s in schools:
        pupil_hours = Decimal(sums.get(s.pk) or 0)
        if not s.student_count:
            result[s.pk] = Measure(None, _("no pupils on record"))
            continue
        per_pupil = (pupil_hours / s.student_count).quantize(HUNDREDTH, ROUND_HALF_UP)
        result[s.pk] = Measure(per_pupil, f"{pupil_hours.normalize():f}/{s.student_count}")
    return result


def monthly_on_time(schools: Schools, period: Period) -> dict[int, Measure]:
    if not schools:
        return {}
    months = [
        datetime.date(period.year, month, 1)
        for month in range(1, 13)
        if monthly_selectors.is_due_passed(
            schools[0], datetime.date(period.year, month, 1), period.cutoff_day
        )
    ]
    counts = dict(
        MonthlyReportVersion.objects.filter(
            report__unit_id__in=_ids(schools),
            report__month__in=months,
            number=1,
            is_late=False,
            submitted_at__lte=period.cutoff,
        )
        .values("report__unit_id")
        .annotate(n=Count("id"))
        .values_list("report__unit_id", "n")
        .order_by()
    )
    return {s.pk: _ratio(counts.get(s.pk, 0), len(months)) for s in schools}


def campaigns_done(schools: Schools, period: Period) -> dict[int, Measure]:
    rows = {
        row["school_id"]: row
        for row in CampaignTask.objects.filter(
            school_id__in=_ids(schools),
            deadline__gte=period.first_day,
            deadline__lt=period.cutoff_day,
        )
        .values("school_id")
        .annotate(
            total=Count("id"),
            done=Count(
                "id",
                filter=Q(
                    status=CampaignTask.Status.SUBMITTED,
                    submitted_at__date__lte=F("deadline"),
                ),
            ),
        )
        .order_by()
    }
    return {
        s.pk: _ratio(rows.get(s.pk, {}).get("done", 0), rows.get(s.pk, {}).get("total", 0))
        for s in schools
    }


def orders_on_time(schools: Schools, period: Period) -> dict[int, Measure]:
    replied_in_time = OrderReply.objects.filter(
        order=OuterRef("pk"), submitted_at__date__lte=OuterRef("deadline")
    )
    rows = {
        row["school_id"]: row
        for row in RectificationOrder.objects.filter(
            school_id__in=_ids(schools),
            deadline__gte=period.first_day,
            deadline__lt=period.cutoff_day,
        )
        .annotate(in_time=Exists(replied_in_time))
        .values("school_id")
        .annotate(total=Count("id"), done=Count("id", filter=Q(in_time=True)))
        .order_by()
    }
    return {
        s.pk: _ratio(rows.get(s.pk, {}).get("done", 0), rows.get(s.pk, {}).get("total", 0))
        for s in schools
    }


def _school_day(day: datetime.date) -> bool:
    """A working day on the official calendar (weekdays where the year has no calendar)."""
    try:
        return workdays.is_working_day(day)
    except workdays.CalendarYearMissing:
        return day.weekday() < 5  # noqa: PLR2004 - Monday to Friday


def roll_calls_done(schools: Schools, period: Period) -> dict[int, Measure]:
    """Boarding schools' bedtime roll calls: of the room-evenings expected (every dormitory
    room of the school × every evening before a school day — a working day on the official
    calendar, outside the holiday periods the school's bureaus set — from 1 January to the
    evening before the cut-off day), the share with a roll call marked. Three queries (rooms,
    holiday periods, roll calls by school and evening); a school without rooms has nothing to
    count."""
    ids = _ids(schools)
    rooms = dict(
        Room.objects.filter(dormitory__unit_id__in=ids)
        .values("dormitory__unit_id")
        .annotate(n=Count("id"))
        .values_list("dormitory__unit_id", "n")
        .order_by()
    )
    boarding = [s for s in schools if rooms.get(s.pk)]
    if not boarding:
        return {s.pk: _ratio(0, 0) for s in schools}
    evenings = []
    day = period.first_day
    while day < period.cutoff_day:
        if _school_day(day + datetime.timedelta(days=1)):
            evenings.append(day)
        day += datetime.timedelta(days=1)
    bureaus = {bureau for s in boarding for bureau in s.ancestor_ids}
    holidays = list(
        HolidayPeriod.objects.filter(
            unit_id__in=bureaus,
            end_date__gte=period.first_day,
            start_date__lte=period.cutoff_day + datetime.timedelta(days=1),
        ).values_list("unit_id", "start_date", "end_date")
    )
    marked: dict[int, dict[datetime.date, int]] = {}
    for unit_id, date, n in (
        RollCall.objects.filter(
            room__dormitory__unit_id__in=[s.pk for s in boarding],
            date__gte=period.first_day,
            date__lt=period.cutoff_day,
        )
        .values("room__dormitory__unit_id", "date")
        .annotate(n=Count("id"))
        .values_list("room__dormitory__unit_id", "date", "n")
        .order_by()
    ):
        marked.setdefault(unit_id, {})[date] = n
    result = {s.pk: _ratio(0, 0) for s in schools}
    for school in boarding:
        own = [(start, end) for unit_id, start, end in holidays if unit_id in school.ancestor_ids]
        expected = [
            day
            for day in evenings
            if not any(start <= day + datetime.timedelta(days=1) <= end for start, end in own)
        ]
        count = rooms[school.pk]
        done = sum(min(marked.get(school.pk, {}).get(day, 0), count) for day in expected)
        result[school.pk] = _ratio(done, count * len(expected))
    return result


TARGET = "target"
DEDUCTION = "deduction"


@dataclass(frozen=True)
class Rule:
    """One computed rule: what it counts (`definition`, shown to users), its one parameter
    (`target` or points off per item), the unit of its value and where its records are."""

    key: str
    label: Promise
    definition: Promise
    parameter: str
    unit: Promise
    compute: Computer
    percent: bool = False
    drill: Callable[[Organisation], str] | None = None

    def points(self, weight: Decimal, measure: Measure, *, target=None, deduction=None):
        """The points for `measure` under an indicator of `weight` (one decimal)."""
        if self.parameter == DEDUCTION:
            lost = (measure.value or 0) * (deduction or 0)
            return max(Decimal("0"), weight - lost).quantize(TENTH, ROUND_HALF_UP)
        if measure.value is None:
            return weight.quantize(TENTH)
        share = min(measure.value / target, Decimal("1")) if target else Decimal("1")
        return (weight * share).quantize(TENTH, ROUND_HALF_UP)


def _ledger(**extra: str) -> Callable[[Organisation], str]:
    def url(school: Organisation) -> str:
        return reverse("inspections:ledger") + "?" + urlencode({"school": school.name, **extra})

    return url


def _incidents(school: Organisation) -> str:
    return reverse("incidents:incident_list") + "?" + urlencode({"q": school.name})


def _drills(school: Organisation) -> str:
    return reverse("preparedness:unit", args=[school.pk])


def _education(school: Organisation) -> str:
    return reverse("education:coverage_school", args=[school.pk])


RULES: dict[str, Rule] = {
    rule.key: rule
    for rule in (
        Rule(
            "letters_signed",
            _("Responsibility letters signed"),
            _(
                "Share (%) of the school's responsibility letters of the school year in "
                "progress at the cut-off that are signed by the cut-off."
            ),
            TARGET,
            _("%"),
            letters_signed,
            percent=True,
        ),
        Rule(
            "self_inspections",
            _("Self-inspections done"),
            _(
                "Number of self-inspections (daily, weekly, monthly, start and end of term) "
                "submitted with an inspection date in the year, against the planned number."
            ),
            TARGET,
            _("inspections"),
            self_inspections,
        ),
        Rule(
            "hazards_on_time",
            _("Hazards rectified within the deadline"),
            _(
                "Of the hazards whose rectification deadline fell in the year before the "
                "cut-off, the share (%) closed on or before their deadline."
            ),
            TARGET,
            _("%"),
            hazards_on_time,
            percent=True,
            drill=_ledger(),
        ),
        Rule(
            "overdue_hazards",
            _("Overdue hazards at year end"),
            _(
                "Number of hazards past their rectification deadline and not closed at the "
                "cut-off; each costs the points set."
            ),
            DEDUCTION,
            _("hazards"),
            overdue_hazards,
            drill=_ledger(overdue="on"),
        ),
        Rule(
            "incidents_on_time",
            _("Incidents reported on time"),
            _(
                "Of the incidents that occurred in the year, the share (%) whose initial and "
                "written reports were both made by their deadlines (not late, not missed)."
            ),
            TARGET,
            _("%"),
            incidents_on_time,
            percent=True,
            drill=_incidents,
        ),
        Rule(
            "drills_held",
            _("Drills held"),
            _("Number of emergency drills recorded as held in the year, against the minimum."),
            TARGET,
            _("drills"),
            drills_held,
            drill=_drills,
        ),
        Rule(
            "education_hours",
            _("Safety education hours per pupil"),
            _(
                "Lesson hours × pupils reached of the year's lessons, themed weeks and "
                "safety-education days, divided by the school's number of pupils."
            ),
            TARGET,
            _("hours per pupil"),
            education_hours,
            drill=_education,
        ),
        Rule(
            "monthly_on_time",
            _("Monthly reports on time"),
            _(
                "Of the year's months whose monthly report was due before the cut-off, the "
                "share (%) first submitted on time."
            ),
            TARGET,
            _("%"),
            monthly_on_time,
            percent=True,
        ),
        Rule(
            "campaigns_done",
            _("Special campaigns completed"),
            _(
                "Of the campaign tasks whose deadline fell in the year before the cut-off, the "
                "share (%) submitted on or before their deadline."
            ),
            TARGET,
            _("%"),
            campaigns_done,
            percent=True,
        ),
        Rule(
            "orders_on_time",
            _("Rectification orders answered on time"),
            _(
                "Of the rectification orders whose deadline fell in the year before the "
                "cut-off, the share (%) replied to on or before their deadline."
            ),
            TARGET,
            _("%"),
            orders_on_time,
            percent=True,
        ),
        Rule(
            "roll_calls_done",
            _("Bedtime roll calls done (boarding schools)"),
            _(
                "Of the room-evenings expected — every dormitory room × every evening before a "
                "school day (a working day on the official calendar, outside the holiday "
                "periods set by the school's bureaus) in the year before the cut-off day — the "
                "share (%) with a bedtime roll call marked. Schools without dormitory rooms "
                "have nothing to count."
            ),
            TARGET,
            _("%"),
            roll_calls_done,
            percent=True,
        ),
    )
}


def compute(schools: Schools, rule_keys: set[str], period: Period) -> dict[str, dict[int, Measure]]:
    """Every rule in `rule_keys` for every school: one grouped query per rule (the roll-call
    rule three), whatever the number of schools."""
    return {key: RULES[key].compute(schools, period) for key in sorted(rule_keys)}
