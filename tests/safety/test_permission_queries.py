"""A role's permissions come from the role map alone: checking them costs no query for the
accounts that use the product; staff accounts keep their technical (admin) permissions."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from safety import roles
from safety.models import User


@pytest.mark.django_db
def test_role_permission_checks_cost_no_query(people):
    official = User.objects.select_related("unit").get(pk=people.county_official.pk)
    with CaptureQueriesContext(connection) as captured:
        assert official.has_perm(roles.REVIEW_MONTHLY_REPORT)
        assert not official.has_perm("safety.delete_organisation")
    assert len(captured.captured_queries) == 0


def _staff_official(people) -> User:
    """The county official made a staff account with one technical permission of its own."""
    account = people.county_official
    account.is_staff = True
    account.save()
    account.user_permissions.add(Permission.objects.get(codename="view_auditevent"))
    return account


@pytest.mark.django_db
def test_staff_accounts_keep_their_technical_permissions(people):
    account = User.objects.get(pk=_staff_official(people).pk)
    assert account.has_perm("safety.view_auditevent")
    assert account.has_perm(roles.REVIEW_MONTHLY_REPORT)


@pytest.mark.django_db
def test_technical_permissions_of_a_non_staff_account_are_ignored(people):
    account = people.staff_a
    account.user_permissions.add(Permission.objects.get(codename="view_auditevent"))
    account = User.objects.get(pk=account.pk)
    assert not account.has_perm("safety.view_auditevent")


@pytest.mark.django_db
def test_technical_permissions_cost_one_query_and_come_from_groups_too(people):
    """#23: a staff account's own and group permissions are read together, once a request."""
    from django.contrib.auth.models import Group

    account = _staff_official(people)
    group = Group.objects.create(name="auditors")
    group.permissions.add(Permission.objects.get(codename="view_organisation"))
    account.groups.add(group)
    account = User.objects.select_related("unit").get(pk=account.pk)
    with CaptureQueriesContext(connection) as captured:
        assert account.has_perm("safety.view_auditevent")
        assert account.has_perm("safety.view_organisation")
        assert not account.has_perm("safety.delete_organisation")
        assert account.has_perm(roles.REVIEW_MONTHLY_REPORT)
    assert len(captured.captured_queries) == 1


@pytest.mark.django_db
def test_the_signed_in_staff_account_comes_with_its_technical_permissions(people):
    """#23: the request's account is read with its technical permissions (own and groups'),
    so the administrators' menu costs no query; a change shows on the next request."""
    from django.contrib.auth.models import Group

    account = _staff_official(people)
    group = Group.objects.create(name="auditors")
    group.permissions.add(Permission.objects.get(codename="view_organisation"))
    account.groups.add(group)
    backend = roles.RolePermissionBackend()
    with CaptureQueriesContext(connection) as captured:
        loaded = backend.get_user(account.pk)
        assert loaded.unit == account.unit
        assert loaded.has_perm("safety.view_auditevent")
        assert loaded.has_perm("safety.view_organisation")
        assert not loaded.has_perm("safety.delete_organisation")
        assert loaded.has_perm(roles.REVIEW_MONTHLY_REPORT)
    assert len(captured.captured_queries) == 1
    account.user_permissions.add(Permission.objects.get(codename="delete_organisation"))
    group.permissions.remove(Permission.objects.get(codename="view_organisation"))
    reloaded = backend.get_user(account.pk)
    assert reloaded.has_perm("safety.delete_organisation")
    assert not reloaded.has_perm("safety.view_organisation")


@pytest.mark.django_db
def test_the_signed_in_account_without_technical_permissions_reads_none(people):
    """A product account's (and a superuser's) technical permissions are not read with it:
    the role map answers, and a superuser is granted everything by `has_perm` unasked."""
    account = people.staff_a
    account.user_permissions.add(Permission.objects.get(codename="view_auditevent"))
    loaded = roles.RolePermissionBackend().get_user(account.pk)
    assert not hasattr(loaded, "_perm_cache")
    assert not loaded.has_perm("safety.view_auditevent")
    superuser = User.objects.create_superuser("root", "root@example.org", "x-Secret-12345")
    loaded = roles.RolePermissionBackend().get_user(superuser.pk)
    assert loaded.has_perm("safety.delete_organisation")
    assert "safety.delete_organisation" in loaded.get_all_permissions()
