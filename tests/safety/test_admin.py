"""The admin site: administrators see and change only their jurisdiction."""

from __future__ import annotations

import pytest
from django.urls import reverse

from safety.models import AuditEvent, Organisation, SafetyArea, User


def changelist_ids(response) -> set[int]:
    return {obj.pk for obj in response.context["cl"].result_list}


def test_county_administrator_sees_only_county_units(city, client_for):
    response = client_for("county_admin").get(reverse("admin:safety_organisation_changelist"))
    assert response.status_code == 200
    assert changelist_ids(response) == {city.county_a.pk, city.school_a.pk, city.school_a2.pk}


def test_county_administrator_sees_only_county_accounts(city, people, client_for):
    response = client_for("county_admin").get(reverse("admin:safety_user_changelist"))
    expected = {
        people.staff_a,
        people.staff_a2,
        people.county_official,
        people.county_admin,
        people.leader_a,
        people.liaison,  # #17: county A's department liaison account
    }
    assert changelist_ids(response) == {user.pk for user in expected}


def test_admin_change_page_outside_the_jurisdiction_is_not_found(city, people, client_for):
    client = client_for("county_admin")
    url = reverse("admin:safety_user_change", args=[people.other_county_official.pk])
    response = client.get(url)
    # The admin redirects to its index with "doesn't exist" for objects outside the queryset.
    assert response.status_code == 302
    assert response.url == reverse("admin:index")


def test_admin_county_filter_offers_only_visible_counties(city, client_for):
    response = client_for("county_admin").get(reverse("admin:safety_organisation_changelist"))
    content = response.content.decode()
    assert "乙县教育局" not in content


def test_admin_parent_autocomplete_is_scoped(city, client_for):
    response = client_for("county_admin").get(
        reverse("admin:autocomplete"),
        {"app_label": "safety", "model_name": "organisation", "field_name": "parent", "term": ""},
    )
    ids = {int(item["id"]) for item in response.json()["results"]}
    assert city.school_b.pk not in ids
    assert city.county_a.pk in ids


def test_county_administrator_adds_a_school_through_the_admin(city, client_for):
    response = client_for("county_admin").post(
        reverse("admin:safety_organisation_add"),
        {
            "name": "甲区新建小学",
            "kind": "school",
            "parent": city.county_a.pk,
            "code": "3100000001",
            "is_active": "on",
            "school_type": "primary",
            "locality": "urban",
            "student_count": "300",
            "staff_count": "20",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    school = Organisation.objects.get(code="3100000001")
    assert school.path.startswith(city.county_a.path)
    assert AuditEvent.objects.filter(action="organisation.create", target_id=str(school.pk))


def test_admin_add_school_without_type_shows_the_error_and_keeps_input(city, client_for):
    response = client_for("county_admin").post(
        reverse("admin:safety_organisation_add"),
        {
            "name": "无类型学校",
            "kind": "school",
            "parent": city.county_a.pk,
            "code": "3100000002",
            "student_count": "0",
            "staff_count": "0",
        },
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "请选择学校类型" in content
    assert "无类型学校" in content
    assert not Organisation.objects.filter(code="3100000002").exists()


def test_county_administrator_creates_an_account_through_the_admin(city, client_for):
    response = client_for("county_admin").post(
        reverse("admin:safety_user_add"),
        {
            "username": "teacher.li",
            "full_name": "李老师",
            "unit": city.school_a.pk,
            "role": "school_staff",
            "password1": "Anquan-2026-xyz",
            "password2": "Anquan-2026-xyz",
        },
    )
    assert response.status_code == 302
    account = User.objects.get(username="teacher.li")
    assert account.unit == city.school_a
    assert AuditEvent.objects.filter(action="account.create", target_id=str(account.pk))


def test_admin_rejects_an_account_in_another_county(city, client_for):
    response = client_for("county_admin").post(
        reverse("admin:safety_user_add"),
        {
            "username": "teacher.wang",
            "unit": city.school_b.pk,
            "role": "school_staff",
            "password1": "Anquan-2026-xyz",
            "password2": "Anquan-2026-xyz",
        },
    )
    assert response.status_code == 200
    assert not User.objects.filter(username="teacher.wang").exists()


def test_admin_rejects_weak_passwords(city, client_for):
    response = client_for("county_admin").post(
        reverse("admin:safety_user_add"),
        {
            "username": "teacher.zhao",
            "unit": city.school_a.pk,
            "role": "school_staff",
            "password1": "12345678",
            "password2": "12345678",
        },
    )
    assert response.status_code == 200
    assert not User.objects.filter(username="teacher.zhao").exists()


@pytest.mark.parametrize("persona", ["staff_a", "leader_a", "county_official", "city_official"])
def test_non_administrators_cannot_use_the_admin(city, client_for, persona):
    response = client_for(persona).get(reverse("admin:safety_organisation_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response.url


def test_only_system_administrators_edit_safety_areas(city, client_for):
    area = SafetyArea.objects.get(key="fire")
    url = reverse("admin:safety_safetyarea_change", args=[area.pk])
    data = {
        "name_zh": "消防安全",
        "name_en": "Fire safety",
        "description": "",
        "order": 3,
        "is_active": "on",
    }
    assert client_for("county_admin").post(url, data).status_code == 403
    assert client_for("administrator").post(url, data).status_code == 302
    area.refresh_from_db()
    assert area.name_zh == "消防安全"
    assert AuditEvent.objects.filter(action="safety_area.update", target_id=str(area.pk))


def test_the_nine_safety_areas_are_loaded_in_order(db):
    keys = list(SafetyArea.objects.values_list("key", flat=True))
    assert keys == [
        "buildings",
        "teaching",
        "fire",
        "food",
        "property",
        "traffic",
        "surroundings",
        "psychological",
        "internet",
    ]
    assert SafetyArea.objects.get(key="fire").name_zh == "消防"
