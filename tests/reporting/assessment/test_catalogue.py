"""Every computed indicator of the catalogue against hand-built records (issue #19): the
number for school A counts only its records of the assessed year up to the cut-off; school
A2's records and other years' never leak into it; nothing to count gives the full weight."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from inspections import services as inspection_services
from inspections.campaigns.models import Campaign, CampaignTask
from inspections.models import Hazard, Inspection
from reporting.assessment import catalogue
from reporting.incidents.models import Incident
from reporting.monthly import selectors as monthly_selectors
from reporting.orders.models import OrderReply, RectificationOrder
from safety.education.models import EducationRecord
from safety.guarding.models import Dormitory, HolidayPeriod, RollCall, Room
from safety.models import Organisation
from safety.preparedness.models import Drill, Scenario
from safety.responsibility import services as responsibility_services
from safety.uploads import clean_document
from tests.builders import report_incident, shanghai, submit_monthly
from tests.pdfs import plain_pdf
from tests.safety.responsibility.factories import assign

from . import factories

pytestmark = pytest.mark.django_db

PERIOD = catalogue.Period(2026, shanghai(2026, 11, 30, 12))


def _measure(rule: str, city, school=None) -> catalogue.Measure:
    schools = [city.school_a, city.school_a2]
    return catalogue.RULES[rule].compute(schools, PERIOD)[(school or city.school_a).pk]


def _now_period() -> catalogue.Period:
    return catalogue.period_of(2026, timezone.now())


def test_period_ends_with_the_year_or_now():
    early = catalogue.period_of(2026, shanghai(2026, 6, 1, 8))
    assert early.cutoff == shanghai(2026, 6, 1, 8)
    late = catalogue.period_of(2025, shanghai(2026, 6, 1, 8))
    assert late.cutoff_day == datetime.date(2025, 12, 31)


def test_points_follow_the_target_and_the_deduction():
    drills = catalogue.RULES["drills_held"]
    assert drills.points(Decimal("10"), catalogue.Measure(Decimal("1"), "1"), target=4) == Decimal(
        "2.5"
    )
    assert drills.points(Decimal("10"), catalogue.Measure(Decimal("9"), "9"), target=4) == 10
    assert drills.points(Decimal("10"), catalogue.Measure(None, "0/0"), target=4) == 10
    overdue = catalogue.RULES["overdue_hazards"]
    three = catalogue.Measure(Decimal("3"), "3")
    assert overdue.points(Decimal("10"), three, deduction=Decimal("4")) == 0
    assert overdue.points(Decimal("10"), three, deduction=Decimal("2")) == Decimal("4.0")


def test_letters_signed(city, people):
    letters = [
        responsibility_services.letter_issue(actor=None, assignment=assign(city.school_a, key, n))
        for key, n in (("class_teacher", "李老师"), ("canteen_manager", "陈红"))
    ]
    responsibility_services.letter_sign(
        actor=None,
        letter=letters[0],
        signed_on=datetime.date(2026, 9, 10),
        scan=clean_document(SimpleUploadedFile("签字页.pdf", plain_pdf())),
    )
    responsibility_services.letter_issue(
        actor=None, assignment=assign(city.school_a2, "class_teacher", "周老师")
    )
    period = _now_period()
    measures = catalogue.RULES["letters_signed"].compute([city.school_a, city.school_a2], period)
    assert measures[city.school_a.pk] == catalogue.Measure(Decimal("50.00"), "1/2")
    assert measures[city.school_a2.pk] == catalogue.Measure(Decimal("0.00"), "0/1")


def test_self_inspections(city, people):
    template = factories.checklist()
    for day, kind, status in (
        (datetime.date(2026, 3, 2), "self_daily", "submitted"),
        (datetime.date(2026, 5, 2), "self_monthly", "submitted"),
        (datetime.date(2026, 5, 3), "self_monthly", "draft"),  # not submitted
        (datetime.date(2025, 12, 30), "self_daily", "submitted"),  # last year
    ):
        inspection = inspection_services.inspection_start(
            actor=people.staff_a, school=city.school_a, kind=kind, template=template
        )
        Inspection.objects.filter(pk=inspection.pk).update(status=status, inspected_on=day)
    assert _measure("self_inspections", city) == catalogue.Measure(Decimal("2.00"), "2")
    assert _measure("self_inspections", city, city.school_a2).value == 0


def test_hazards_on_time_and_overdue_at_the_cut_off(city, people):
    staff = people.staff_a
    factories.overdue_hazard(  # closed on time
        city.school_a,
        staff,
        datetime.date(2026, 4, 10),
        status=Hazard.Status.CLOSED,
        closed_at=shanghai(2026, 4, 9, 10),
    )
    factories.overdue_hazard(  # closed late
        city.school_a,
        staff,
        datetime.date(2026, 4, 10),
        status=Hazard.Status.CLOSED,
        closed_at=shanghai(2026, 4, 20, 10),
    )
    factories.overdue_hazard(city.school_a, staff, datetime.date(2026, 6, 1))  # still open
    factories.overdue_hazard(city.school_a, staff, datetime.date(2026, 12, 20))  # not yet due
    assert _measure("hazards_on_time", city) == catalogue.Measure(Decimal("33.33"), "1/3")
    # The late one was closed by the cut-off: only the open one is overdue.
    assert _measure("overdue_hazards", city) == catalogue.Measure(Decimal("1.00"), "1")
    assert _measure("hazards_on_time", city, city.school_a2) == catalogue.Measure(None, "0/0")


def test_incidents_on_time(city, people):
    on_time = report_incident(people.staff_a, occurred_at=shanghai(2026, 3, 1, 9))
    Incident.objects.filter(pk=on_time.pk).update(
        school_reported_at=shanghai(2026, 3, 1, 9, 30),
        written_reported_at=shanghai(2026, 3, 1, 20),
    )
    late = report_incident(people.staff_a, occurred_at=shanghai(2026, 4, 1, 9))
    Incident.objects.filter(pk=late.pk).update(
        school_reported_at=shanghai(2026, 4, 1, 15),
        written_reported_at=shanghai(2026, 4, 1, 20),
    )
    missed = report_incident(people.staff_a, occurred_at=shanghai(2026, 5, 1, 9))
    Incident.objects.filter(pk=missed.pk).update(source="bureau", school_reported_at=None)
    old = report_incident(people.staff_a, occurred_at=shanghai(2025, 5, 1, 9))
    Incident.objects.filter(pk=old.pk).update(school_reported_at=shanghai(2025, 5, 3, 9))
    assert _measure("incidents_on_time", city) == catalogue.Measure(Decimal("33.33"), "1/3")
    assert _measure("incidents_on_time", city, city.school_a2).value is None


def test_drills_held(city, people):
    fire = Scenario.objects.get(key="fire")
    for unit, day, status in (
        (city.school_a, datetime.date(2026, 3, 1), Drill.Status.RECORDED),
        (city.school_a, datetime.date(2026, 9, 1), Drill.Status.RECORDED),
        (city.school_a, datetime.date(2026, 12, 15), Drill.Status.RECORDED),  # after cut-off
        (city.school_a2, datetime.date(2026, 3, 1), Drill.Status.RECORDED),
    ):
        Drill.objects.create(unit=unit, scenario=fire, planned_on=day, status=status, held_on=day)
    Drill.objects.create(unit=city.school_a, scenario=fire, planned_on=datetime.date(2026, 5, 1))
    assert _measure("drills_held", city) == catalogue.Measure(Decimal("2.00"), "2")
    assert _measure("drills_held", city, city.school_a2).value == 1


def test_education_hours_per_pupil(city, people):
    Organisation.objects.filter(pk=city.school_a.pk).update(student_count=200)
    city.school_a.refresh_from_db()
    for kind, pupils, hours, day in (
        ("lesson", 100, Decimal("2"), datetime.date(2026, 3, 1)),
        ("themed_week", 200, Decimal("1"), datetime.date(2026, 6, 1)),
        ("staff_training", 50, Decimal("3"), datetime.date(2026, 6, 2)),  # not pupils
        ("lesson", 200, Decimal("5"), datetime.date(2025, 6, 2)),  # last year
    ):
        EducationRecord.objects.create(
            school=city.school_a,
            kind=kind,
            topic="fire",
            held_on=day,
            pupils=pupils,
            hours=hours,
        )
    assert _measure("education_hours", city) == catalogue.Measure(Decimal("2.00"), "400/200")
    city.school_a2.student_count = 0
    assert _measure("education_hours", city, city.school_a2).value is None


def test_monthly_reports_on_time(city, people):
    submit_monthly(people.staff_a, month=datetime.date(2026, 9, 1), when=shanghai(2026, 9, 30, 9))
    submit_monthly(people.staff_a, month=datetime.date(2026, 10, 1), when=shanghai(2026, 11, 20))
    due = sum(
        monthly_selectors.is_due_passed(city.school_a, datetime.date(2026, m, 1), PERIOD.cutoff_day)
        for m in range(1, 13)
    )
    measure = _measure("monthly_on_time", city)
    assert measure.detail == f"1/{due}"


def test_campaigns_completed(city, people):
    campaign = Campaign.objects.create(
        bureau=city.county_a,
        title="消防专项",
        purpose="排查",
        deadline=datetime.date(2026, 6, 30),
        checklist=factories.checklist().versions.first(),
        created_by=people.county_official,
    )
    CampaignTask.objects.create(
        campaign=campaign,
        school=city.school_a,
        deadline=datetime.date(2026, 6, 30),
        status=CampaignTask.Status.SUBMITTED,
        submitted_at=shanghai(2026, 6, 29, 10),
    )
    CampaignTask.objects.create(
        campaign=campaign,
        school=city.school_a2,
        deadline=datetime.date(2026, 6, 30),
        status=CampaignTask.Status.SUBMITTED,
        submitted_at=shanghai(2026, 7, 5, 10),
    )
    assert _measure("campaigns_done", city) == catalogue.Measure(Decimal("100.00"), "1/1")
    assert _measure("campaigns_done", city, city.school_a2) == catalogue.Measure(
        Decimal("0.00"), "0/1"
    )


def test_orders_answered_on_time(city, people):
    def order(deadline, replied_at=None):
        made = RectificationOrder.objects.create(
            bureau=city.county_a,
            school=city.school_a,
            year=2026,
            sequence=RectificationOrder.objects.count() + 1,
            number="x",
            source="hazard",
            problems="p",
            legal_basis="l",
            deadline=deadline,
            responder=people.staff_a,
            issued_by=people.county_official,
        )
        if replied_at:
            OrderReply.objects.create(
                order=made,
                version=1,
                submitted_by=people.staff_a,
                submitted_at=replied_at,
                text="已整改",
            )

    order(datetime.date(2026, 5, 10), shanghai(2026, 5, 9, 9))
    order(datetime.date(2026, 5, 10), shanghai(2026, 5, 12, 9))
    order(datetime.date(2026, 6, 10))
    order(datetime.date(2026, 12, 30))  # not yet due
    assert _measure("orders_on_time", city) == catalogue.Measure(Decimal("33.33"), "1/3")


def test_bedtime_roll_calls_done_in_boarding_schools(city, people):
    """2026 starts with the New Year holiday (1-3 January, Sunday the 4th a make-up working
    day): the evenings before a school day up to the cut-off day (10 January) are the 3rd to
    the 8th; the county's holiday period of 7-8 January takes the 6th and the 7th away. Two
    rooms × four evenings = eight room-evenings expected."""
    period = catalogue.Period(2026, shanghai(2026, 1, 10, 12))
    HolidayPeriod.objects.create(
        unit=city.county_a,
        holiday=HolidayPeriod.Holiday.OTHER,
        start_date=datetime.date(2026, 1, 7),
        end_date=datetime.date(2026, 1, 8),
        deadline=datetime.date(2026, 1, 5),
    )
    dormitory = Dormitory.objects.create(unit=city.school_a, name="男生宿舍")
    first = Room.objects.create(dormitory=dormitory, number="101", beds=6)
    second = Room.objects.create(dormitory=dormitory, number="102", beds=6)
    other = Room.objects.create(
        dormitory=Dormitory.objects.create(unit=city.school_b, name="女生宿舍"), number="1", beds=4
    )

    def mark(room, day):
        RollCall.objects.create(
            room=room,
            date=datetime.date(2026, 1, day),
            expected=4,
            present=4,
            marked_by=people.staff_a,
            marked_at=shanghai(2026, 1, day, 21),
        )

    for day in (3, 4, 5):
        mark(first, day)
    mark(second, 5)
    mark(second, 6)  # the evening before the county's holiday period: not expected
    mark(second, 10)  # after the cut-off
    mark(other, 4)  # another school's
    schools = [city.school_a, city.school_a2, city.school_b]
    measures = catalogue.RULES["roll_calls_done"].compute(schools, period)
    assert measures[city.school_a.pk] == catalogue.Measure(Decimal("50.00"), "4/8")
    assert measures[city.school_a2.pk] == catalogue.Measure(None, "0/0")  # no rooms
    # school B's county set no holiday: six evenings, one marked
    assert measures[city.school_b.pk] == catalogue.Measure(Decimal("16.67"), "1/6")


def test_the_same_records_give_the_same_numbers(city, people):
    factories.overdue_hazard(city.school_a, people.staff_a, datetime.date(2026, 6, 1))
    first = catalogue.compute([city.school_a], set(catalogue.RULES), PERIOD)
    again = catalogue.compute([city.school_a], set(catalogue.RULES), PERIOD)
    assert first == again


def test_every_rule_is_one_query_whatever_the_number_of_schools(
    city, people, django_assert_max_num_queries
):
    schools = list(Organisation.objects.schools())
    # one grouped query per rule; the roll-call rule three (rooms, holiday periods, calls)
    with django_assert_max_num_queries(len(catalogue.RULES) + 3):
        catalogue.compute(schools, set(catalogue.RULES), PERIOD)
