"""Accounts and roles: validation, who may manage whom, and what each role may do."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from safety import roles, services
from safety.models import AuditEvent, User
from tests.factories import TEST_PASSWORD

Role = User.Role


def test_school_accounts_cannot_take_bureau_roles(city):
    with pytest.raises(ValidationError) as error:
        services.user_create(
            actor=None,
            username="x",
            password=TEST_PASSWORD,
            unit=city.school_a,
            role=Role.BUREAU_OFFICIAL,
        )
    assert "学校账号的角色" in " ".join(error.value.message_dict["role"])


def test_bureau_accounts_cannot_take_school_roles(city):
    with pytest.raises(ValidationError) as error:
        services.user_create(
            actor=None,
            username="x",
            password=TEST_PASSWORD,
            unit=city.county_a,
            role=Role.SCHOOL_STAFF,
        )
    assert "教育局账号的角色" in " ".join(error.value.message_dict["role"])


def test_an_account_with_a_unit_needs_a_role(city):
    with pytest.raises(ValidationError) as error:
        services.user_create(
            actor=None, username="x", password=TEST_PASSWORD, unit=city.county_a, role=""
        )
    assert "role" in error.value.message_dict


def test_county_administrator_creates_a_school_account_with_audit(city, people):
    account = services.user_create(
        actor=people.county_admin,
        username="newstaff",
        password=TEST_PASSWORD,
        unit=city.school_a2,
        role=Role.SCHOOL_STAFF,
        full_name="新同事",
    )
    assert account.check_password(TEST_PASSWORD)
    assert not account.is_staff
    event = AuditEvent.objects.get(action="account.create", target_id=str(account.pk))
    assert event.actor == people.county_admin
    assert "password" not in event.changes


def test_county_administrator_cannot_create_accounts_in_another_county(city, people):
    with pytest.raises(PermissionDenied):
        services.user_create(
            actor=people.county_admin,
            username="intruder",
            password=TEST_PASSWORD,
            unit=city.school_b,
            role=Role.SCHOOL_STAFF,
        )
    assert not User.objects.filter(username="intruder").exists()


def test_county_administrator_cannot_take_over_an_account_of_another_county(city, people):
    account = people.other_county_official
    account.unit = city.county_a
    with pytest.raises(PermissionDenied):
        services.user_save(actor=people.county_admin, account=account)


def test_administrator_cannot_grant_superuser(city, people):
    account = people.staff_a
    account.is_superuser = True
    with pytest.raises(PermissionDenied):
        services.user_save(actor=people.county_admin, account=account)
    account.refresh_from_db()
    assert not account.is_superuser


def test_administrator_role_gives_admin_site_access(city, people):
    account = people.county_official
    account.role = Role.ADMINISTRATOR
    services.user_save(actor=people.administrator, account=account)
    account.refresh_from_db()
    assert account.is_staff


@pytest.mark.parametrize("persona", ["staff_a", "leader_a", "county_official", "city_official"])
def test_only_administrators_manage_accounts(city, people, persona):
    with pytest.raises(PermissionDenied):
        services.user_create(
            actor=getattr(people, persona),
            username="x",
            password=TEST_PASSWORD,
            unit=city.school_a,
            role=Role.SCHOOL_STAFF,
        )


@pytest.mark.parametrize(
    ("persona", "permission", "granted"),
    [
        ("staff_a", roles.FILE_INSPECTION, True),
        ("staff_a", roles.VERIFY_RECTIFICATION, False),
        ("staff_a", roles.MANAGE_ACCOUNTS, False),
        ("leader_a", roles.SUBMIT_MONTHLY_REPORT, True),
        ("leader_a", roles.REVIEW_MONTHLY_REPORT, False),
        ("county_official", roles.REVIEW_MONTHLY_REPORT, True),
        ("county_official", roles.CLOSE_INCIDENT, True),
        ("county_official", roles.MANAGE_ACCOUNTS, False),
        ("county_admin", roles.MANAGE_ACCOUNTS, True),
        ("county_admin", roles.MANAGE_SAFETY_AREAS, False),
        ("administrator", roles.MANAGE_SAFETY_AREAS, True),
        ("administrator", "safety.change_safetyarea", True),
        ("county_admin", "safety.change_safetyarea", False),
    ],
)
def test_roles_map_to_permissions(city, people, persona, permission, granted):
    assert getattr(people, persona).has_perm(permission) is granted


@pytest.mark.parametrize("persona", ["staff_a", "county_official", "administrator"])
def test_unknown_permission_is_denied(city, people, persona):
    assert not getattr(people, persona).has_perm("safety.launch_rockets")


def test_inactive_account_has_no_permissions(city, people):
    account = people.county_official
    account.is_active = False
    assert not account.has_perm(roles.REVIEW_MONTHLY_REPORT)


def test_login_and_logout(city, people, client):
    response = client.post(
        reverse("login"), {"username": "alice", "password": TEST_PASSWORD}, follow=True
    )
    assert response.context["user"] == people.staff_a
    response = client.post(reverse("logout"), follow=True)
    assert not response.context["user"].is_authenticated


def test_failed_login_says_so_in_chinese_and_keeps_the_username(city, people, client):
    response = client.post(reverse("login"), {"username": "alice", "password": "wrong"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "请输入一个正确的" in content
    assert 'value="alice"' in content


def test_interface_is_chinese_by_default_even_for_an_english_browser(city, client_for):
    response = client_for("staff_a").get(
        reverse("dashboards:home"), HTTP_ACCEPT_LANGUAGE="en-US,en"
    )
    assert response["Content-Language"] == "zh-hans"
    assert "退出登录" in response.content.decode()


def test_language_switcher_changes_to_english_and_back(city, client_for):
    client = client_for("staff_a")
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    content = client.get(reverse("dashboards:home")).content.decode()
    assert "Log out" in content
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert "退出登录" in client.get(reverse("dashboards:home")).content.decode()
