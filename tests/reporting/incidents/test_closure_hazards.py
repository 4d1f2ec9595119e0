"""The rectification closure item links hazards of the same school's ledger."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inspections import services as inspection_services
from reporting.incidents import services
from reporting.incidents.selectors import incident_file_context
from reporting.models import ClosureItem
from safety.models import SafetyArea
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def hazard(user, description="楼梯照明灯损坏"):
    return inspection_services.hazard_report(
        actor=user,
        school=user.unit,
        area=SafetyArea.objects.get(key="fire"),
        description=description,
    )


def post_rectification(client, incident, hazards):
    return client.post(
        reverse("incidents:closure_item_record", args=[incident.pk, "rectification"]),
        {
            "rectification-kind": "rectification",
            "rectification-text": "加装照明，错峰下楼",
            "rectification-hazards": [h.pk for h in hazards],
        },
    )


def test_linked_hazard_shows_on_the_detail_page_and_in_the_file(client_for, people, report):
    incident = report()
    own = hazard(people.staff_a)
    client = client_for("county_official")

    form_page = client.get(incident.get_absolute_url()).content.decode()
    assert "楼梯照明灯损坏" in form_page  # offered in the bounded list
    response = post_rectification(client, incident, [own])

    assert response.status_code == 302
    item = ClosureItem.objects.get(incident=incident, kind="rectification")
    assert list(item.hazards.all()) == [own]
    page = client_for("staff_a").get(incident.get_absolute_url()).content.decode()
    assert 'data-testid="linked-hazards"' in page
    assert reverse("inspections:hazard_detail", args=[own.pk]) in page
    items = [item for _label, item in incident_file_context(incident)["closure_items"] if item]
    assert [list(item.hazards.all()) for item in items] == [[own]]


def test_linking_a_hazard_of_another_school_is_refused(client_for, people, report, city):
    incident = report()
    foreign = hazard(people.staff_a2, "甲区第二中学的隐患")
    client = client_for("county_official")

    assert "甲区第二中学的隐患" not in client.get(incident.get_absolute_url()).content.decode()
    response = post_rectification(client, incident, [foreign])

    assert response.status_code == 400
    assert not ClosureItem.objects.filter(incident=incident).exists()
    with pytest.raises(ValidationError):
        services.closure_item_record(
            actor=people.county_official,
            incident=incident,
            kind="rectification",
            text="整改",
            hazards=[foreign],
        )
    assert not ClosureItem.objects.filter(incident=incident).exists()


def test_hazards_link_only_to_the_rectification_item(people, report):
    incident = report()
    with pytest.raises(ValidationError):
        services.closure_item_record(
            actor=people.county_official,
            incident=incident,
            kind="cause",
            text="照明不足",
            hazards=[hazard(people.staff_a)],
        )


def test_detail_page_query_count_does_not_grow_with_linked_hazards(client_for, people, report):
    incident = report()
    client = client_for("county_official")
    post_rectification(client, incident, [hazard(people.staff_a)])

    def count() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(incident.get_absolute_url()).status_code == 200
        return len(context.captured_queries)

    few = count()
    more = [hazard(UserFactory(unit=people.staff_a.unit)) for _ in range(5)]
    post_rectification(client, incident, more)
    assert count() == few


def test_the_detail_page_with_recorded_items_stays_within_eight_queries(client_for, people, report):
    """#23: the items' files and hazards, the events, the people dealt with and the forms'
    choices (holders, actions, linkable hazards) are read together: the page does not grow
    with what was recorded."""
    incident = report()
    own = hazard(people.staff_a)
    client = client_for("county_official")
    assert post_rectification(client, incident, [own]).status_code == 302
    client.get(incident.get_absolute_url())  # warm the session
    with CaptureQueriesContext(connection) as captured:
        response = client.get(incident.get_absolute_url())
    assert len(captured.captured_queries) <= 8, [q["sql"][:80] for q in captured]
    page = response.content.decode()
    assert 'data-testid="linked-hazards"' in page
    assert reverse("inspections:hazard_detail", args=[own.pk]) in page
    rectification = response.context["closure_rows"][2][3]
    assert [h.pk for h in rectification.fields["hazards"].shown] == [own.pk]
    assert f'value="{own.pk}"' in page  # still offered to link again
    dealt = response.context["dealt_form"]
    assert [str(label) for _v, label in dealt.fields["action"].choices][1:]
