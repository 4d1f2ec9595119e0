"""#21 LDAP bind against Debian's slapd (a real process with a throwaway directory): a school
user signs in with the directory's password on the login form, unknown users are refused,
lockout holds, and a directory password is not a SafeCampus password."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from safety.models import User, UserSession
from tests.factories import TEST_PASSWORD
from tests.safety.sso.conftest import DIRECTORY_PASSWORD

pytestmark = pytest.mark.django_db


def sign_in(client: Client, username: str, password: str = DIRECTORY_PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_a_school_user_signs_in_through_ldap(ldap_directory, people, caplog):
    client = Client()
    with caplog.at_level("INFO", logger="safecampus.security"):
        response = sign_in(client, "bob")
    assert response.status_code == 302 and response["Location"] == reverse("dashboards:home")
    assert int(client.session["_auth_user_id"]) == people.staff_a2.pk
    assert UserSession.objects.filter(user=people.staff_a2).count() == 1
    assert any("login user=bob" in r.getMessage() for r in caplog.records)
    assert client.get(reverse("dashboards:home")).status_code == 200
    # The directory never changes SafeCampus's account: unit, role, name and password stay.
    people.staff_a2.refresh_from_db()
    assert people.staff_a2.check_password(TEST_PASSWORD)
    assert people.staff_a2.role == User.Role.SCHOOL_STAFF


def test_a_wrong_directory_password_is_a_wrong_password(ldap_directory, people):
    response = sign_in(Client(), "bob", "not-the-password")
    assert response.status_code == 200
    assert "正确的用户名和密码" in response.content.decode()


def test_an_unknown_directory_user_is_refused(ldap_directory, people):
    client = Client()
    response = sign_in(client, "stranger")
    assert response["Location"] == reverse("sso:refused")
    assert "还没有您的账号" in client.get(response["Location"]).content.decode()
    assert not User.objects.filter(username="stranger").exists()


def test_an_account_is_matched_by_a_directory_attribute(ldap_directory, people, settings):
    settings.SSO_CLAIM = "employeeNumber"
    settings.SSO_MATCH_FIELD = "username"
    people.staff_a.username = "T0001"  # SafeCampus keeps staff numbers as user names here
    people.staff_a.save(update_fields=["username"])
    client = Client()
    assert sign_in(client, "alice").status_code == 302
    assert int(client.session["_auth_user_id"]) == people.staff_a.pk


def test_lockout_holds_across_the_form_and_the_directory(ldap_directory, people, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "bob", "wrong")
    assert sign_in(client, "bob").status_code == 429
    assert "_auth_user_id" not in client.session


def test_local_passwords_off_leaves_the_directory(ldap_directory, people, settings):
    settings.SSO_LOCAL_PASSWORDS = False
    assert sign_in(Client(), "bob").status_code == 302  # the directory's password
    response = sign_in(Client(), "bob", TEST_PASSWORD)  # SafeCampus's: refused
    assert response.status_code == 200
