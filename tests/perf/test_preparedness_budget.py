"""Emergency preparedness (issue #14): the bureaus' coverage view holds its query budget
whatever the number of schools, plans, drills and team members, read from the summaries or
(a summary stale) computed live."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from safety.models import Organisation
from safety.preparedness import services
from safety.preparedness.models import PreparednessSummary, Scenario
from safety.uploads import clean_document
from tests.factories import OrganisationFactory
from tests.pdfs import plain_pdf
from tests.safety.preparedness.builders import filed_plan, recorded_drill

from .test_query_budgets import PAGE_BUDGET

pytestmark = pytest.mark.django_db


def _grow(city, people, count: int) -> None:
    """`count` more schools in county A, each with a filed plan, a waiting plan and drills
    over the last months."""
    fire = Scenario.objects.get(key="fire")
    for index in range(count):
        school = OrganisationFactory(
            name=f"甲区第{index + 10}小学",
            parent=city.county_a,
            school_type=Organisation.SchoolType.PRIMARY if index % 2 else "kindergarten",
        )
        filed_plan(None, None, school, "overall")
        plan = services.plan_upload(
            actor=None, unit=school, scenario=fire, title="消防预案", document=_document()
        )
        services.plan_submit(actor=None, plan=plan)
        for back in range(3):
            day = timezone.localdate() - datetime.timedelta(days=30 * back)
            recorded_drill(None, school, day=day, seconds=150 + back, pupils=100)
        services.teams_set_up(actor=None, unit=school)


def _document():
    return clean_document(SimpleUploadedFile("预案.pdf", plain_pdf()))


def _count(client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("persona", ["county_official", "city_official"])
def test_coverage_view_query_count_is_flat_in_schools_and_drills(city, people, client_for, persona):
    client = client_for(persona)
    url = reverse("preparedness:coverage")
    _grow(city, people, 2)
    small = _count(client, url)
    _grow(city, people, 12)
    large = _count(client, url)
    filtered = _count(client, f"{url}?show=drills&school_type=primary&county={city.county_a.pk}")
    assert small == large == filtered, (small, large, filtered)
    assert large <= PAGE_BUDGET
    # #23: read from the schools' summaries of today; with any one stale (the nightly task
    # has not run yet) the view computes live, in the same number of queries.
    assert PreparednessSummary.objects.filter(on=timezone.localdate()).exists()
    PreparednessSummary.objects.filter(unit__parent=city.county_a).update(
        on=timezone.localdate() - datetime.timedelta(days=1)
    )
    stale = _count(client, url)
    stale_filtered = _count(client, f"{url}?show=drills&county={city.county_a.pk}")
    assert stale == stale_filtered == large, (stale, stale_filtered, large)
