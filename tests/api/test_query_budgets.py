"""Query budgets of the API (#22): every list and every detail of every resource at most 8
queries per call, and the same number on a generated city ten times larger (cursor pages: no
COUNT, one indexed range per page; coverage read from the kept gap summaries)."""

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
from tests.matrix.world import build_world

pytestmark = pytest.mark.django_db

BUDGET = 8
PERSONAS = ("city.official", "c01.official", "s00001.staff")
RESOURCES = [f"/api/v1/{prefix}/" for prefix, _viewset, _basename in router.registry]
FILTERED = [
    "/api/v1/hazards/?severity=general&status=reported",
    "/api/v1/hazards/?severity=general&area=fire",
    "/api/v1/hazards/?updated_since=2020-01-01T00:00:00%2B08:00&page_size=200",
    "/api/v1/incidents/?severity=general",
]


# The resources the city generator fills; the others' details: test_every_detail_… below.
GENERATED = ("units", "schools", "coverage", "hazards", "inspections", "incidents",
             "monthly-reports")  # fmt: skip


def counted_get(http: Client, path: str) -> tuple[int, object]:
    """The queries of a call made a second time (the first records the client's last use and
    settles the caches); the throttle's count starts afresh for each call."""
    cache.clear()
    http.get(path)
    with CaptureQueriesContext(connection) as captured:
        response = http.get(path)
    assert response.status_code == 200, (path, response.content[:300])
    return len(captured.captured_queries), response.json()


def query_counts(plan: Plan) -> dict[tuple[str, str], int]:
    """(persona, call) → queries, for every list (plain and filtered) and, where the persona's
    list has a row, the detail of its first row (keyed by the resource, not the id)."""
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
            for path in [*RESOURCES, *FILTERED]:
                counts[(persona, path)], body = counted_get(http, path)
                if path in RESOURCES and body["results"]:
                    first = body["results"][0]
                    detail = f"{path}{first.get('id', first.get('unit'))}/"
                    counts[(persona, f"{path}<id>/")], _body = counted_get(http, detail)
        transaction.set_rollback(True)
    return counts


def test_every_api_call_keeps_its_query_budget_on_ten_times_the_data():
    small = query_counts(Plan(schools=5, years=1, scale=1.0, seed=7))
    large = query_counts(Plan(schools=50, years=1, scale=1.0, seed=7))
    print("API query counts (small, large):", {p: (small.get(p), large[p]) for p in large})
    details = {path for _persona, path in large if path.endswith("<id>/")}
    assert details >= {f"/api/v1/{prefix}/<id>/" for prefix in GENERATED}, details
    grown = {call: (small[call], large[call]) for call in small.keys() & large.keys()}
    # more queries on more data is the fault; fewer (an empty list skips a query) is not
    grown = {call: pair for call, pair in grown.items() if pair[1] > pair[0]}
    assert not grown, f"query count grew with the data (small, large): {grown}"
    over = {call: count for call, count in {**small, **large}.items() if count > BUDGET}
    assert not over, f"API calls over the budget of {BUDGET} queries: {over}"


def test_every_detail_keeps_the_budget_on_a_record_of_every_resource(settings, tmp_path):
    """The permission matrix's world has a record of every resource (drills, orders, roll
    calls … that the generator does not make): each detail within the budget for a client
    of the city and of county A."""
    settings.MEDIA_ROOT = tmp_path
    world = build_world()
    over, called = {}, set()
    for unit, person in ((world.city.city, world.people.city_official),
                         (world.city.county_a, world.people.county_official)):  # fmt: skip
        _client, token = services.client_register(
            actor=world.people.administrator, unit=unit, name="预算"
        )
        http = Client(headers={"authorization": f"Bearer {token}"})
        for prefix, viewset, _basename in router.registry:
            rows = viewset.model.objects.visible_to(person)
            if prefix == "schools":
                rows = rows.filter(kind="school")
            record = rows.order_by("-pk").first()
            assert record is not None, f"the world has no {prefix} record for {person}"
            count, _body = counted_get(http, f"/api/v1/{prefix}/{record.pk}/")
            called.add(prefix)
            if count > BUDGET:
                over[(unit.name, prefix)] = count
    assert called == {prefix for prefix, _viewset, _basename in router.registry}
    assert not over, f"API details over the budget of {BUDGET} queries: {over}"
