"""#21: the undelivered-notices page and the channel pages stay within 8 queries, the same
with one and with several undeliverable notices and unreachable accounts."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from safety import notifications
from safety.models import User

BUDGET = 8


def grow(city, people, times: int, settings) -> None:
    """`times` more unreachable officials, each with an undelivered urgent notice."""
    settings.SAFECAMPUS_CHANNELS = ["email", "sms"]
    start = User.objects.count()
    for n in range(times):
        official = User.objects.create_user(
            f"perf{start}_{n}", unit=city.county_a, role=User.Role.BUREAU_OFFICIAL
        )
        notice = notifications.notify(
            recipient=official, kind="incident.reported", key=f"p{n}", title="事故", urgent=True
        )
        notifications.deliver_urgent(notice.pk)


def counts(city, people) -> dict[str, int]:
    pages = [
        ("county_admin", reverse("channels:reach")),
        ("administrator", reverse("channels:reach") + "?q=perf"),
        ("county_official", reverse("channels:mine")),
        ("county_admin", reverse("channels:account", args=[people.county_official.pk])),
    ]
    result = {}
    for persona, url in pages:
        client = Client()
        client.force_login(getattr(people, persona))
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, url
        result[f"{persona} {url}"] = len(captured.captured_queries)
    return result


def test_channel_pages_stay_within_budget_and_flat(city, people, settings):
    grow(city, people, 1, settings)
    small = counts(city, people)
    grow(city, people, 6, settings)
    large = counts(city, people)
    assert small == large, (small, large)
    over = {page: n for page, n in large.items() if n > BUDGET}
    assert over == {}
