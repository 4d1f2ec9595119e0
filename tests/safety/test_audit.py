"""The audit trail: creates, changes, deletes and bulk updates of domain records are logged
with who, when and what; officials read a record's history; nobody edits or deletes it."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from inspections import services as inspection_services
from inspections.models import Hazard
from safety.models import AuditEvent, Holder, SafetyArea
from tests.builders import report_incident
from tests.safety.responsibility.factories import holder

pytestmark = pytest.mark.django_db


def history_of(record) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            target_type=ContentType.objects.get_for_model(type(record)), target_id=str(record.pk)
        ).order_by("id")
    )


def report_hazard(people, city, description="灭火器压力不足"):
    return inspection_services.hazard_report(
        actor=people.staff_a,
        school=city.school_a,
        area=SafetyArea.objects.get(key="fire"),
        description=description,
    )


def test_a_record_created_through_a_form_is_logged_with_its_author(city, client_for):
    response = client_for("staff_a").post(
        reverse("inspections:hazard_new"),
        {
            "area": SafetyArea.objects.get(key="fire").pk,
            "description": "楼梯扶手松动",
            "kind": "tangible",
            "severity": "general",
        },
    )
    assert response.status_code == 302
    hazard = Hazard.objects.get()
    created = history_of(hazard)[0]
    assert created.action == "create"
    assert created.actor.username == "alice"
    assert created.unit == city.school_a
    assert created.changes["description"] == [None, "楼梯扶手松动"]
    assert created.created_at is not None


def test_a_change_records_old_and_new_values_only_for_what_changed(city, people):
    hazard = report_hazard(people, city)
    hazard.location = "食堂"
    hazard.save()
    change = history_of(hazard)[-1]
    assert change.action == "change"
    assert change.changes == {"location": ["", "食堂"]}


def test_a_bulk_update_is_logged_row_by_row(city, people):
    first, second = report_hazard(people, city), report_hazard(people, city, "电线裸露")
    updated = Hazard.objects.filter(pk__in=[first.pk, second.pk]).update(severity="major")
    assert updated == 2
    for hazard in (first, second):
        event = history_of(hazard)[-1]
        assert event.action == "bulk_change"
        assert event.changes == {"severity": ["general", "major"]}
        assert event.unit == city.school_a


def test_a_conditional_update_in_a_request_names_the_acting_user(city, people, client_for):
    """Services move workflows on with `filter(pk=…, status=old).update(…)`: the request's
    user is the actor of the logged change."""
    incident = report_incident(people.staff_a)
    response = client_for("county_official").post(
        reverse("incidents:incident_acknowledge", args=[incident.pk])
    )
    assert response.status_code == 302
    changes = [event for event in history_of(incident) if "status" in event.changes]
    assert changes, history_of(incident)
    assert changes[-1].actor == people.county_official
    assert changes[-1].changes["status"][1] == "acknowledged"


def test_a_delete_is_logged_with_what_was_deleted(city):
    record = holder(city.school_a, "张老师")
    pk = record.pk
    record.delete()
    deleted = AuditEvent.objects.filter(
        target_type=ContentType.objects.get_for_model(Holder), target_id=str(pk), action="delete"
    ).get()
    assert deleted.changes["name"] == ["张老师", None]
    assert deleted.unit == city.school_a


def test_passwords_are_never_logged(people):
    people.staff_a.set_password("Another-Secret-9")
    people.staff_a.save()
    for event in history_of(people.staff_a):
        assert "password" not in event.changes


def test_the_log_cannot_be_changed_or_deleted(city, people):
    hazard = report_hazard(people, city)
    event = history_of(hazard)[0]
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(pk=event.pk).update(action="forged")
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    event.action = "forged"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "create"


def test_the_admin_shows_the_log_read_only(people, rf):
    from django.contrib.admin.sites import site

    model_admin = site._registry[AuditEvent]
    request = rf.get("/")
    request.user = people.administrator
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


def test_an_official_reads_the_history_of_a_hazard(city, people, client_for):
    hazard = report_hazard(people, city)
    hazard.location = "二楼东侧"
    hazard.save()
    url = reverse("record_history", args=["hazard", hazard.pk])
    response = client_for("county_official").get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "二楼东侧" in page
    assert client_for("staff_a").get(url).status_code == 403
    assert client_for("other_county_official").get(url).status_code == 404


def test_the_history_page_costs_the_same_queries_for_many_rows(
    city, people, django_assert_max_num_queries
):
    hazard = report_hazard(people, city)
    for number in range(30):
        Hazard.objects.filter(pk=hazard.pk).update(location=f"位置{number}")
    client = Client()
    client.force_login(people.city_official)
    with django_assert_max_num_queries(8):  # #23: the linked records' names in one query
        response = client.get(reverse("record_history", args=["hazard", hazard.pk]))
    assert response.status_code == 200
    assert len(response.context["rows"]) > 20


def test_the_history_names_the_records_a_change_links_to(city, people, client_for):
    """The linked records of every model (area, school, accounts) are shown by name, read
    together in one query."""
    hazard = report_hazard(people, city)
    url = reverse("record_history", args=["hazard", hazard.pk])
    response = client_for("county_official").get(url)
    created = response.context["rows"][-1]["changes"]
    shown = {change.label: change.new for change in created}
    hazard.refresh_from_db()
    assert str(hazard.school) in shown.values()
    assert str(hazard.area) in shown.values()
    assert str(hazard.reporter) in shown.values()
    assert not any(str(value).startswith("#") for value in shown.values())
