"""Query budgets of the API's lists (#22): at most 8 queries per call, the same number on a
generated city ten times larger (cursor pages: no COUNT, one indexed range per page)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from api import services
from api.urls import router
from demo.generator import Plan, generate
from safety.models import User

BUDGET = 8
# The coverage list runs the responsibility grid's grouped queries for the units of a page
# (coverage_rows): flat in the data, over 8, like the grid page (docs/performance.md).
OVER_BUDGET = {"/api/v1/coverage/": 11}
PERSONAS = ("city.official", "c01.official", "s00001.staff")
EXTRA = [
    "/api/v1/hazards/?severity=general&status=reported",
    "/api/v1/hazards/?updated_since=2020-01-01T00:00:00%2B08:00&page_size=200",
    "/api/v1/incidents/?severity=general",
]
PATHS = [f"/api/v1/{prefix}/" for prefix, _viewset, _basename in router.registry] + EXTRA


def query_counts(plan: Plan) -> dict[tuple[str, str], int]:
    counts = {}
    with transaction.atomic():
        generate(plan)
        admin = User.objects.filter(is_superuser=True).first() or User.objects.create(
            username="api-budget-root", is_superuser=True
        )
        for persona in PERSONAS:
            unit = User.objects.get(username=persona).unit
            _client, token = services.client_register(actor=admin, unit=unit, name="预算")
            http = Client(headers={"authorization": f"Bearer {token}"})
            for path in PATHS:
                cache.clear()
                http.get(path)  # first call: last use recorded, caches settle
                with CaptureQueriesContext(connection) as captured:
                    response = http.get(path)
                assert response.status_code == 200, (persona, path, response.content[:300])
                counts[(persona, path)] = len(captured.captured_queries)
        transaction.set_rollback(True)
    return counts


@pytest.mark.django_db
def test_api_lists_keep_their_query_budget_on_ten_times_the_data():
    small = query_counts(Plan(schools=5, years=1, scale=1.0, seed=7))
    large = query_counts(Plan(schools=50, years=1, scale=1.0, seed=7))
    print("API query counts (small, large):", {p: (small[p], large[p]) for p in small})
    grown = {page: (small[page], large[page]) for page in small if large[page] != small[page]}
    assert not grown, f"query count grew with the data (small, large): {grown}"
    over = {
        page: count
        for page, count in large.items()
        if count > OVER_BUDGET.get(page[1].split("?")[0], BUDGET)
    }
    assert not over, f"API calls over the budget of {BUDGET} queries: {over}"
