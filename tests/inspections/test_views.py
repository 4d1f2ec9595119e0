"""Ledger, detail, photos and export: scoping, filters, query budget, exact export rows."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from inspections.models import Hazard, Photo
from tests.builders import exported_file

from .conftest import clean_photo


@pytest.fixture
def hazards(make_hazard, city, crew):
    from inspections import services

    a_open = make_hazard("in_rectification")
    a_major = make_hazard(severity="major")
    a_closed = make_hazard("closed")
    b_hazard = make_hazard(school=city.school_b, reporter=crew.staff_b)
    services.hazard_report(
        actor=crew.staff_b,
        school=city.school_b,
        area=a_open.area,
        description="乙县照片",
        photos=[clean_photo()],
    )
    return {"open": a_open, "major": a_major, "closed": a_closed, "b": b_hazard}


def ids_in(response):
    return {hazard.pk for hazard in response.context["page"].object_list}


def test_ledger_is_scoped_to_jurisdiction(client_for, hazards):
    county = client_for("county_official").get("/hazards/")
    assert ids_in(county) == {hazards["open"].pk, hazards["major"].pk, hazards["closed"].pk}
    other = client_for("other_county_official").get("/hazards/")
    assert hazards["open"].pk not in ids_in(other)
    assert hazards["b"].pk in ids_in(other)
    city = client_for("city_official").get("/hazards/")
    assert len(ids_in(city)) == 5
    assert client_for("anonymous").get("/hazards/").status_code == 302


def test_ledger_filters_and_counts(client_for, hazards):
    client = client_for("county_official")
    response = client.get("/hazards/", {"severity": "major"})
    assert ids_in(response) == {hazards["major"].pk}
    response = client.get("/hazards/", {"status": "closed"})
    assert ids_in(response) == {hazards["closed"].pk}
    counts = {value: n for value, _label, n in response.context["counts"]}
    assert counts == {
        "reported": 1,
        "in_rectification": 1,
        "pending_verification": 0,
        "closed": 1,
    }
    assert response.context["page"].paginator.count == 1
    response = client.get("/hazards/", {"q": "压力"})
    assert len(ids_in(response)) == 3


def test_ledger_query_budget_does_not_grow_with_rows(
    client_for, make_hazard, django_assert_max_num_queries
):
    client = client_for("city_official")
    make_hazard()
    with django_assert_max_num_queries(9) as small:
        client.get("/hazards/")
    for _ in range(30):
        make_hazard("in_rectification")
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get("/hazards/", {"severity": "general"})
    assert response.status_code == 200


def test_detail_and_actions_are_scoped(client_for, hazards):
    url = f"/hazards/{hazards['open'].pk}/"
    assert client_for("county_official").get(url).status_code == 200
    assert client_for("other_county_official").get(url).status_code == 404
    assert client_for("staff_a2").get(url).status_code == 404
    response = client_for("other_county_official").post(f"{url}reopen/", {"reason": "x"})
    assert response.status_code == 404


def test_photos_are_served_only_inside_jurisdiction(client_for, hazards):
    photo = Photo.objects.filter(school=hazards["b"].school).first()
    url = f"/photos/{photo.pk}/thumb/"
    response = client_for("other_county_official").get(url)
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert client_for("county_official").get(url).status_code == 404
    assert client_for("staff_a").get(f"/photos/{photo.pk}/full/").status_code == 404


def test_export_contains_exactly_the_filtered_rows(
    client_for, hazards, django_capture_on_commit_callbacks
):
    response = exported_file(
        client_for("county_official"),
        "/hazards/export.xlsx?severity=general",
        django_capture_on_commit_callbacks,
    )
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(workbook.active.iter_rows(values_only=True))
    exported = {row[0] for row in rows[1:]}
    expected = set(
        Hazard.objects.filter(
            school__parent=hazards["open"].school.parent, severity="general"
        ).values_list("pk", flat=True)
    )
    assert exported == expected == {hazards["open"].pk, hazards["closed"].pk}


def test_export_is_scoped(client_for, hazards, django_capture_on_commit_callbacks):
    client = client_for("other_county_official")
    response = exported_file(client, "/hazards/export.xlsx", django_capture_on_commit_callbacks)
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    exported = {row[0] for row in list(workbook.active.iter_rows(values_only=True))[1:]}
    assert hazards["open"].pk not in exported
    assert hazards["b"].pk in exported


def test_every_ledger_filter_is_backed_by_an_index():
    indexed = {fields[0].lstrip("-") for fields in (i.fields for i in Hazard._meta.indexes)}
    indexed |= {"school"}  # the foreign key's own index and (school, status)
    for field in ("status", "is_overdue", "area", "severity", "kind", "source", "created_at"):
        assert field in indexed, field


def test_leader_assigns_through_the_detail_page(client_for, hazards, crew):
    hazard = hazards["major"]
    client = client_for("leader_a")
    page = client.get(f"/hazards/{hazard.pk}/")
    assert "assign" in page.context["actions"]
    response = client.post(
        f"/hazards/{hazard.pk}/assign/",
        {"owner": crew.owner.pk, "supervisor": crew.leader.pk},
    )
    assert response.status_code == 400  # a major hazard needs interim measures
    response = client.post(
        f"/hazards/{hazard.pk}/assign/",
        {"owner": crew.owner.pk, "supervisor": crew.leader.pk, "interim_measures": "封闭"},
    )
    assert response.status_code == 302
    assert Hazard.objects.get(pk=hazard.pk).status == Hazard.Status.IN_RECTIFICATION
