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
