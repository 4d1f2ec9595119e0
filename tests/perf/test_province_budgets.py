"""#23 query budgets of the province official's pages on a generated province (demo.generator
with `cities`): every page within the city page's budget (8), flat in the data, the home
dashboards of every level and role included (the province's, narrowed to a city, a city's
and a county's below the province, a school's)."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from demo.generator import Plan, generate
from safety.models import Organisation

from .conftest import counted_queries, logged_in
from .test_query_budgets import PAGE_BUDGET

PROVINCE_PAGES = [
    "/",
    "/?county={city}",  # the home narrowed to one city (the drill-down)
    "/?period=year&county={city}",
    "/monthly/console/",
    "/monthly/console/?county={city}",
    "/hazards/",
    "/hazards/?county={city}&overdue=on",
    "/incidents/",
    "/schools/",
    "/notifications/",
]
# The homes of the other roles and levels below the province: (persona, path).
HOMES_BELOW = [
    ("province.admin", "/"),
    ("city.official", "/"),
    ("city.official", "/?county={county}"),
    ("m02.official", "/"),
    ("c01.official", "/"),
    ("c01.admin", "/"),
    ("s00001.staff", "/"),
    ("s00001.leader", "/"),
]


def province_counts(plan: Plan) -> dict[tuple[str, str], int]:
    counts = {}
    with transaction.atomic():
        generate(plan)
        city = Organisation.objects.filter(kind="city").order_by("pk").first()
        county = Organisation.objects.filter(kind="county", parent=city).order_by("pk").first()
        pages = [("province.official", page) for page in PROVINCE_PAGES] + HOMES_BELOW
        clients = {persona: logged_in(persona) for persona, _page in pages}
        for persona, page in pages:
            path = page.format(city=city.pk, county=county.pk)
            clients[persona].get(path)  # first request: session and caches settle
            with CaptureQueriesContext(connection) as captured:
                response = clients[persona].get(path)
            assert response.status_code == 200, (persona, page, response.status_code)
            counts[(persona, page)] = counted_queries(response, captured)
        transaction.set_rollback(True)
    return counts


@pytest.mark.django_db
def test_province_pages_keep_the_city_budget_on_ten_times_the_data():
    small = province_counts(Plan(schools=6, years=1, cities=2, counties=4, seed=7))
    large = province_counts(Plan(schools=50, years=1, cities=3, counties=6, seed=7))
    print("province query counts (small, large):", {p: (small[p], large[p]) for p in small})
    # more queries on more data is the fault; fewer (an empty list skips its page query) is not
    grown = {page: (small[page], large[page]) for page in small if large[page] > small[page]}
    assert not grown, f"query count grew with the data (small, large): {grown}"
    over = {page: n for page, n in large.items() if n > PAGE_BUDGET}
    assert not over, f"province pages over budget: {over}"
