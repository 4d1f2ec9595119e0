"""Generated cities for the performance tests (reporting.generator, small sizes)."""

from __future__ import annotations

import pytest
from django.test import Client

from reporting.generator import Plan, generate


@pytest.fixture
def generate_city(db):
    """generate_city(schools=..., scale=...) fills the test database with a generated city."""

    def make(*, schools: int, scale: float, years: int = 1) -> dict[str, int]:
        return generate(Plan(schools=schools, years=years, scale=scale, seed=7))

    return make


def logged_in(username: str) -> Client:
    from safety.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    return client
