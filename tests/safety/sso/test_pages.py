"""#21 The sign-in pages' query budgets (tests/perf: every page ≤ 8 queries, flat)."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_sign_in_pages_stay_within_budget(settings, client, django_assert_max_num_queries):
    settings.SSO_PROTOCOL = "cas"
    settings.CAS_SERVER_URL = "https://cas.example.gov.cn/cas/"
    with django_assert_max_num_queries(2):
        assert client.get(reverse("login")).status_code == 200
    with django_assert_max_num_queries(5):  # the session row: read, write
        assert client.get(reverse("sso:refused")).status_code == 200
    with django_assert_max_num_queries(5):  # the session row: read, write
        assert client.get(reverse("sso:cas_login")).status_code == 302
