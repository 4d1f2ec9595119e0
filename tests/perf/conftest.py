"""Generated cities for the performance tests (demo.generator, small sizes)."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator

import pytest
from django.db import connection
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


def counted_queries(response, captured) -> int:
    """The queries of a counted request, for comparing one page across data sizes: a list
    page whose list is empty for its persona skips the page's row query (the paginator's
    count is 0), so it is counted as if the query ran. Whether a generated school has rows
    of a kind depends on the day the city is generated; the comparison is about growth with
    the data, not about emptiness."""
    count = len(captured.captured_queries)
    try:
        page = response.context["page"]
    except (KeyError, TypeError):
        return count
    paginator = getattr(page, "paginator", None)
    return count + 1 if paginator is not None and paginator.count == 0 else count


# A full sort node near the top of a plan (an incremental sort reads its input in order).
SORT_NODE = re.compile(r"^(\s*->)?\s*Sort\s+\(")


def sorts_at_the_top(plan: list[str]) -> bool:
    """Whether the plan's lines sort the rows above the first join (a Sort inside a SubPlan
    orders one row's related rows)."""
    return any(SORT_NODE.search(line) for line in plan[:4])


@contextlib.contextmanager
def planner_without(*settings: str) -> Iterator[None]:
    """The planner's strategies `settings` (e.g. "enable_sort") switched off on the test's
    connection while EXPLAINs are asked: it then takes an index wherever one serves, whatever
    the size of the test's data."""
    with connection.cursor() as cursor:
        for setting in settings:
            cursor.execute(f"SET {setting} = off")
        try:
            yield
        finally:
            for setting in settings:
                cursor.execute(f"RESET {setting}")
