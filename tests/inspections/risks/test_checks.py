"""Checking a point on a phone: the next check, "not controlled" becomes a hazard linked
to the point; placing on the plan; the county's list; the reminders, once."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from inspections.models import Hazard
from inspections.risks import selectors, services
from inspections.risks.models import CampusPlan, RiskReport
from safety.models import Notification
from tests.builders import clean_photo


def test_a_controlled_check_moves_the_next_check_by_the_interval(people, make_point):
    point = make_point(3, 5)  # orange: weekly
    day = datetime.date(2026, 11, 2)
    services.point_check(actor=people.staff_a, point=point, controlled=True, today=day)
    point.refresh_from_db()
    assert point.last_checked_on == day
    assert point.next_check_due == datetime.date(2026, 11, 9)
    assert not Hazard.objects.exists()


def test_not_controlled_creates_a_hazard_linked_to_the_point(people, make_point):
    point = make_point(4, 5)
    check = services.point_check(
        actor=people.staff_a,
        point=point,
        controlled=False,
        note="二楼楼梯口无教师值守",
        photos=[clean_photo()],
    )
    hazard = Hazard.objects.get()
    assert hazard.source == Hazard.Source.RISK
    assert hazard.risk_check == check and hazard.school == point.school
    assert hazard.severity == Hazard.Severity.MAJOR  # a red point
    assert "二楼楼梯口无教师值守" in hazard.description
    assert hazard.photos.count() == 1 and check.photo
    assert list(selectors.point_hazards(point)) == [hazard]
    # A major hazard alerts the county, as any major hazard does.
    assert Notification.objects.filter(recipient=people.county_official, kind="hazard_major")


def test_not_controlled_needs_a_note_and_a_yellow_point_gives_a_general_hazard(people, make_point):
    point = make_point(3, 3)
    with pytest.raises(ValidationError):
        services.point_check(actor=people.staff_a, point=point, controlled=False, note=" ")
    assert not Hazard.objects.exists()
    services.point_check(actor=people.staff_a, point=point, controlled=False, note="护栏松动")
    assert Hazard.objects.get().severity == Hazard.Severity.GENERAL


def test_checks_only_inside_the_jurisdiction(people, make_point, staff_b):
    point = make_point()
    with pytest.raises(PermissionDenied):
        services.point_check(actor=staff_b, point=point, controlled=True)
    with pytest.raises(PermissionDenied):
        services.point_check(actor=people.county_official, point=point, controlled=True)


def test_a_point_outside_the_plan_is_refused(people, make_point, city):
    point = make_point()
    with pytest.raises(ValidationError):
        services.point_place(actor=people.leader_a, point=point, x=0.5, y=0.5)  # no plan yet
    CampusPlan.objects.create(
        school=city.school_a, image="plans/x.jpg", width=100, height=80, uploaded_by=people.leader_a
    )
    for x, y in ((1.01, 0.5), (-0.01, 0.2), (0.5, 1.5)):
        with pytest.raises(ValidationError):
            services.point_place(actor=people.leader_a, point=point, x=x, y=y)
    services.point_place(actor=people.leader_a, point=point, x=1.0, y=0.25)
    point.refresh_from_db()
    assert (point.plan_x, point.plan_y) == (1.0, 0.25)


def test_the_yellow_and_above_list_is_reported_and_acknowledged_once(people, make_point, city):
    make_point(4, 5)  # red
    make_point(3, 3)  # yellow
    make_point(1, 2)  # blue: not reported
    report = services.report_submit(actor=people.leader_a, school=city.school_a)
    assert (report.red, report.orange, report.yellow, len(report.rows)) == (1, 0, 1, 2)
    assert Notification.objects.filter(recipient=people.county_official, kind="risk_report")
    with pytest.raises(ValidationError):  # one list waits at a time
        services.report_submit(actor=people.leader_a, school=city.school_a)
    with pytest.raises(PermissionDenied):
        services.report_acknowledge(actor=people.other_county_official, report=report)
    with pytest.raises(PermissionDenied):
        services.report_acknowledge(actor=people.leader_a, report=report)
    services.report_acknowledge(actor=people.county_official, report=report, comment="已收悉")
    report.refresh_from_db()
    assert report.status == RiskReport.Status.ACKNOWLEDGED
    assert report.acknowledged_by == people.county_official
    with pytest.raises(ValidationError):
        services.report_acknowledge(actor=people.county_official, report=report)
    assert services.report_submit(actor=people.leader_a, school=city.school_a).version == 2


def test_the_term_review_reminder_is_sent_once_per_term(people, make_point):
    point = make_point()
    day = datetime.date(2026, 9, 7)
    assert services.remind_term_review(day) == 1
    assert services.remind_term_review(day + datetime.timedelta(days=1)) == 0
    notice = Notification.objects.get(kind="risk_review")
    assert notice.recipient == people.leader_a
    services.point_review(actor=people.leader_a, point=point, today=day)
    assert services.remind_term_review(datetime.date(2027, 3, 2)) == 1  # the spring term


def test_overdue_check_reminders_once_and_not_on_holidays_unless_red(people, make_point):
    red = make_point(4, 5)
    yellow = make_point(3, 3)
    # Both overdue by National Day 2026 (3 October, a holiday).
    type(red).objects.filter(pk__in=[red.pk, yellow.pk]).update(
        next_check_due=datetime.date(2026, 9, 30)
    )
    holiday = datetime.date(2026, 10, 3)
    assert services.remind_due_checks(holiday) == 1  # the red one only: urgent
    assert services.remind_due_checks(holiday) == 0
    working = datetime.date(2026, 10, 8)
    assert services.remind_due_checks(working) == 1  # now the yellow one
    assert services.remind_due_checks(working) == 0
    notices = Notification.objects.filter(kind="risk_check_due", recipient=people.leader_a)
    assert notices.count() == 2
    assert notices.filter(urgent=True).count() == 1
