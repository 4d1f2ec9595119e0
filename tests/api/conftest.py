"""API clients of each unit level of the test city, with their tokens."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.test import Client

from api import services
from api.models import ApiClient


def register(people, unit, scope=ApiClient.Scope.REPORT, name="大屏") -> SimpleNamespace:
    """A client of `unit` registered by the city's administrator, and a test client that
    sends its token."""
    client, token = services.client_register(
        actor=people.administrator, unit=unit, name=name, scope=scope
    )
    http = Client(headers={"authorization": f"Bearer {token}"})
    return SimpleNamespace(record=client, token=token, http=http, account=client.account)


@pytest.fixture(autouse=True)
def _clear_throttle():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api_clients(city, people):
    """One report-scope client per unit level: the city, county A, school A."""
    return SimpleNamespace(
        city=register(people, city.city),
        county=register(people, city.county_a),
        school=register(people, city.school_a),
    )
