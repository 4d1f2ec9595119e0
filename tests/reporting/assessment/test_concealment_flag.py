"""Accountability in the city's assessment (issue #19): a county whose schools concealed a
serious incident (瞒报) in the year is flagged, with the incidents, on the city's review, the
county's scoring page and the published results; the flag is frozen at publication."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from reporting.assessment import selectors
from reporting.assessment.models import CountyScoring
from reporting.incidents.models import Incident
from tests.builders import report_incident

from . import factories

pytestmark = pytest.mark.django_db


def _concealed(staff, official, **overrides) -> Incident:
    incident = report_incident(staff, **overrides)
    Incident.objects.filter(pk=incident.pk).update(
        concealed_at=timezone.now(), concealed_by=official, concealed_reason="未报告"
    )
    return incident


def test_only_serious_concealed_incidents_of_the_year_flag_their_county(city, people):
    serious = factories.concealed_serious(people.staff_a2, people.county_official)
    _concealed(people.staff_a, people.county_official, summary="一般事故瞒报")  # general
    report_incident(people.staff_a, severity="major", summary="未瞒报")  # not concealed
    run = factories.open_run(city.city, people.city_official)
    flags = selectors.concealment_flags(run)
    assert list(flags) == [city.county_a.pk]
    assert flags[city.county_a.pk] == [
        {
            "incident": serious.pk,
            "school": city.school_a2.name,
            "summary": "校车侧翻未上报",
            "occurred_on": timezone.localtime(serious.occurred_at).date().isoformat(),
        }
    ]
    assert selectors.concealment_flags(run, city.county_b.pk) == {}
    last_year = factories.open_run(city.city, people.city_official, year=factories.YEAR - 1)
    assert selectors.concealment_flags(last_year) == {}


def test_the_flag_shows_on_the_review_the_scoring_page_and_the_results(
    client, city, people, staff_b
):
    serious = factories.concealed_serious(people.staff_a2, people.county_official)
    run = factories.open_run(city.city, people.city_official)
    client.force_login(people.city_official)
    review = client.get(reverse("assessment:run_detail", args=[run.pk])).content.decode()
    assert "校车侧翻未上报" in review
    assert reverse("incidents:incident_detail", args=[serious.pk]) in review
    scoring_a = CountyScoring.objects.get(run=run, county=city.county_a)
    scoring_b = CountyScoring.objects.get(run=run, county=city.county_b)
    page = client.get(reverse("assessment:scoring_detail", args=[scoring_a.pk])).content.decode()
    assert "瞒报" in page and "校车侧翻未上报" in page
    other = client.get(reverse("assessment:scoring_detail", args=[scoring_b.pk])).content.decode()
    assert 'data-testid="concealment-flag"' not in other
    run = factories.finish_run(run, city, people)
    client.force_login(staff_b)  # any unit of the city reads the published results
    results = client.get(reverse("assessment:results", args=[run.pk])).content.decode()
    assert 'data-testid="concealment-flags"' in results
    assert "甲区教育局" in results and "校车侧翻未上报" in results


def test_the_flag_is_frozen_at_publication(city, people, staff_b):
    factories.concealed_serious(people.staff_a2, people.county_official)
    run = factories.finish_run(factories.open_run(city.city, people.city_official), city, people)
    _concealed(staff_b, people.other_county_official, severity="major", summary="后来发现")
    flags = selectors.concealment_flags(run)
    assert list(flags) == [city.county_a.pk]  # the later mark does not move the results
    assert CountyScoring.objects.get(run=run, county=city.county_a).concealed_incidents
