"""Reminders: the right recipients on the right days, once, and never to units that
already submitted."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.management import call_command

from reporting.monthly import services
from reporting.monthly.services import REMINDER_KIND
from safety.models import Notification, Organisation

pytestmark = pytest.mark.django_db


def reminders():
    return Notification.objects.filter(kind=REMINDER_KIND)


def recipients(day: str) -> set[str]:
    return set(
        reminders().filter(dedup_key__contains=day).values_list("recipient__username", flat=True)
    )


@pytest.fixture
def reporters(city, people, leader_b):
    """School A has staff (alice) and a leader (henry); school A2 staff (bob); school B has a
    leader; the county bureaus have their officials."""
    return people, leader_b


def test_three_days_before_the_due_date_every_reporter_of_a_pending_school_is_reminded(
    city, reporters, submit_school
):
    people, _ = reporters
    submit_school(people.staff_a2)  # school A2 has submitted: nothing for bob

    services.reminder_pass(day=datetime.date(2026, 10, 28))

    assert recipients("2026-10-28") == {"alice", "henry", "ivy"}
    notice = reminders().get(recipient=people.staff_a)
    assert notice.dedup_key == (
        f"{REMINDER_KIND}:{city.school_a.pk}:2026-10-01:due_soon:2026-10-28:{people.staff_a.pk}"
    )
    assert notice.url == f"/monthly/unit/{city.school_a.pk}/2026-10/"
    assert "10月31日" in notice.title


def test_no_reminder_on_days_outside_the_schedule(city, reporters):
    for day in (27, 29, 30):
        services.reminder_pass(day=datetime.date(2026, 10, day))
    assert not reminders().exists()


def test_on_the_due_date_and_for_seven_days_after(city, reporters):
    services.reminder_pass(day=datetime.date(2026, 10, 31))
    assert reminders().filter(dedup_key__contains=":due_today:").count() == 4
    for day in range(1, 9):
        services.reminder_pass(day=datetime.date(2026, 11, day))
    overdue_days = {
        key.split(":")[4]
        for key in reminders()
        .filter(dedup_key__contains=":overdue:")
        .values_list("dedup_key", flat=True)
    }
    # #20: the daily overdue reminders skip the weekend (1 and 7 November 2026).
    assert overdue_days == {f"2026-11-0{day}" for day in range(2, 7)}


def test_after_the_due_date_the_bureau_above_is_told_which_units_are_missing(
    city, reporters, submit_school
):
    people, _ = reporters
    submit_school(people.staff_a)

    services.reminder_pass(day=datetime.date(2026, 11, 2))  # a Monday (#20: working days)

    to_county = reminders().get(recipient=people.county_official, dedup_key__contains="missing")
    assert to_county.body == "甲区第二中学"
    to_other = reminders().get(
        recipient=people.other_county_official, dedup_key__contains="missing"
    )
    assert to_other.body == "乙县中心小学"
    city_notice = reminders().get(recipient=people.city_official, dedup_key__contains="missing")
    assert city_notice.body == "测试市第一中学"  # the city-direct school
    assert not reminders().filter(recipient=people.administrator).exists()


def test_county_bureaus_are_reminded_of_their_own_report_before_the_tenth(city, reporters):
    people, _ = reporters
    services.reminder_pass(day=datetime.date(2026, 11, 7))
    due_soon = reminders().filter(dedup_key__contains=":due_soon:2026-11-07:")
    assert set(due_soon.values_list("recipient__username", flat=True)) == {"carol", "dave"}
    services.reminder_pass(day=datetime.date(2026, 11, 11))
    assert reminders().filter(recipient=people.city_official, dedup_key__contains="missing_county")


def test_running_the_pass_twice_sends_nothing_twice(city, reporters):
    day = datetime.date(2026, 11, 2)
    first = services.reminder_pass(day=day)
    count = reminders().count()
    second = services.reminder_pass(day=day)
    call_command("monthly_reminders", "--date", "2026-11-02", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert first == count > 0
    assert second == 0
    assert reminders().count() == count


def test_delivery_emails_each_reminder_once_in_chinese(
    city, reporters, django_capture_on_commit_callbacks
):
    people, ivy = reporters
    for user in (people.staff_a, ivy):
        user.email = f"{user.username}@example.cn"
        user.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        services.reminder_pass(day=datetime.date(2026, 10, 28))

    assert sorted(message.to[0] for message in mail.outbox) == [
        "alice@example.cn",
        "ivy@example.cn",
    ]
    assert "月报" in mail.outbox[0].subject
    assert "/monthly/unit/" in mail.outbox[0].body
    assert services.deliver_reminders() == 0
    assert len(mail.outbox) == 2
    assert not reminders().filter(emailed_at__isnull=True).exists()


def _bulk_schools(county: Organisation, count: int, start: int) -> None:
    """Schools and their reporters straight into the tables (the factories would take
    minutes for thousands); paths are set as the services would."""
    from safety.models import User

    schools = Organisation.objects.bulk_create(
        Organisation(
            name=f"批量学校{start + n}",
            code=f"88{start + n:08d}",
            kind=Organisation.Kind.SCHOOL,
            school_type="primary",
            parent=county,
            path=f"{county.path}b{start + n:07d}/",
        )
        for n in range(count)
    )
    User.objects.bulk_create(
        User(username=f"bulk{school.code}", unit=school, role="school_leader") for school in schools
    )


def test_the_pass_costs_the_same_number_of_queries_for_many_more_schools(
    city, people, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _bulk_schools(city.county_a, 30, 0)
    with CaptureQueriesContext(connection) as small:
        services.reminder_pass(day=datetime.date(2026, 11, 2))
    _bulk_schools(city.county_a, 300, 1000)
    with CaptureQueriesContext(connection) as large:
        services.reminder_pass(day=datetime.date(2026, 11, 3))

    assert reminders().filter(dedup_key__contains="2026-11-03").count() > 330
    assert len(large) == len(small) <= 15
