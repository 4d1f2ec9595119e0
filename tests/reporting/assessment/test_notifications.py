"""Notifications of the assessment (issue #19): the schools' leaders and the bureaus'
officials of the city hear when the year opens and when the results are published; a
county's officials when the city returns their scoring."""

from __future__ import annotations

import pytest

from reporting.assessment import services
from reporting.assessment.models import CountyScoring
from safety.models import Notification

from . import factories

pytestmark = pytest.mark.django_db


def _recipients(kind: str) -> set[str]:
    rows = Notification.objects.filter(kind=kind)
    return set(rows.values_list("recipient__username", flat=True))


def test_opening_returning_and_publishing_are_notified(city, people, leader_b):
    run = factories.open_run(city.city, people.city_official)
    # leaders and officials below the city; not school staff, not the city bureau itself
    assert _recipients("assessment.opened") == {"henry", "ivy", "carol", "dave"}
    opened = Notification.objects.filter(kind="assessment.opened", recipient=people.leader_a).get()
    assert "2026" in opened.title and opened.url.endswith(f"/assessment/runs/{run.pk}/")
    for official in (people.county_official, people.other_county_official, people.city_official):
        factories.score_all(run, official)
        scoring = CountyScoring.objects.get(run=run, county=official.unit)
        services.scoring_submit(actor=official, scoring=scoring)
    scoring_a = CountyScoring.objects.get(run=run, county=city.county_a)
    services.scoring_return(actor=people.city_official, scoring=scoring_a, comment="请补充佐证")
    assert _recipients("assessment.scoring_returned") == {"carol"}
    returned = Notification.objects.get(kind="assessment.scoring_returned")
    assert "请补充佐证" in returned.title
    factories.score_all(run, people.county_official)
    services.scoring_submit(actor=people.county_official, scoring=scoring_a)
    services.run_publish(actor=people.city_official, run=run)
    assert _recipients("assessment.published") == {"henry", "ivy", "carol", "dave"}
    assert Notification.objects.filter(kind="assessment.opened").count() == 4  # once each
