"""#23 the channels' reach page counts and pages the undelivered urgent notices of a
jurisdiction through the partial index of those rows (`notification_undelivered_idx`): a
province has hundreds of thousands of urgent notices, almost all delivered, and the count read
each of them (2.9x the city's page). Its list of accounts that cannot be reached starts from
the accounts without an e-mail address (`user_without_email_idx`), not from every account."""

from __future__ import annotations

import pytest
from django.db import connection

from safety.channels.selectors import undeliverable_notices
from safety.models import DeliveryStatus, Notification, User
from safety.selectors import unreachable_accounts

pytestmark = pytest.mark.django_db


def _plan(sql: str, params) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_the_undelivered_notices_are_read_through_their_partial_index(
    postgresql,
    city,
    people,
):
    recipients = [
        people.staff_a,
        people.leader_a,
        people.county_official,
        people.other_county_official,
    ]
    Notification.objects.bulk_create(
        Notification(
            recipient=recipients[index % len(recipients)],
            kind="incident_urgent",
            dedup_key=f"plan-test:{index}",
            title="紧急通知",
            urgent=True,
            delivery_status=DeliveryStatus.FAILED if index % 1000 == 0 else "delivered",
        )
        for index in range(5000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE safety_notification")
    notices = undeliverable_notices(people.county_admin)
    assert notices.count() == 5  # the failed ones of the county's accounts
    count = notices.order_by().values("pk").query.sql_with_params()
    page = notices[:25].query.sql_with_params()
    for sql, params in (count, page):
        assert "notification_undelivered_idx" in _plan(sql, params)


def test_the_unreachable_accounts_start_from_those_without_an_e_mail_address(
    postgresql,
    city,
    people,
):
    User.objects.bulk_create(
        User(
            username=f"plan-test-{index}",
            unit=city.school_a,
            role=User.Role.SCHOOL_STAFF,
            email="" if index % 500 == 0 else f"staff{index}@example.cn",
        )
        for index in range(3000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE safety_user")
    accounts = unreachable_accounts(people.county_admin).order_by("unit__path", "username")
    assert set(accounts.values_list("username", flat=True)) >= {"plan-test-0", "plan-test-500"}
    sql, params = accounts[:26].query.sql_with_params()
    assert "user_without_email_idx" in _plan(sql, params)
