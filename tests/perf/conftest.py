"""Generated cities for the performance tests (demo.generator, small sizes)."""

from __future__ import annotations

import pytest
from django.test import Client

from demo.generator import Plan, generate
from safety.models import User


@pytest.fixture
def generate_city(db):
    """generate_city(schools=..., scale=...) fills the test database with a generated city."""

    def make(*, schools: int, scale: float, years: int = 1) -> dict[str, int]:
        return generate(Plan(schools=schools, years=years, scale=scale, seed=7))

    return make


def logged_in(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client
