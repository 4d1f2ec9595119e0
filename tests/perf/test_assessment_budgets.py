"""Query budgets of the assessment pages (issue #19): the county's scoring page, the city's
review, a school's assessment and the published results make at most PAGE_BUDGET queries, the
same number on a generated city ten times larger (grouped queries, no per-school loop)."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from demo.generator import Plan, generate
from reporting.assessment.models import CountyScoring, Run, SchoolAssessment
from safety.models import User

from .conftest import logged_in
from .test_query_budgets import PAGE_BUDGET


def _records() -> dict[str, int]:
    """The generated city's runs (#23, demo/features/assessment.py): this year's open, last
    year's scored, submitted and published."""
    county = User.objects.get(username="c01.official").unit
    staff = User.objects.get(username="s00001.staff")
    run = Run.objects.get(city=county.parent, status=Run.Status.OPEN)
    past = Run.objects.get(city=county.parent, status=Run.Status.PUBLISHED)
    return {
        "run": run.pk,
        "scoring": CountyScoring.objects.get(run=run, county=county).pk,
        "item": SchoolAssessment.objects.get(run=run, school=staff.unit).pk,
        "past": past.pk,
    }


PAGES = [
    ("c01.official", "/assessment/scorings/{scoring}/"),
    ("city.official", "/assessment/scorings/{scoring}/"),
    ("city.official", "/assessment/runs/{run}/"),
    ("city.official", "/assessment/"),
    ("s00001.staff", "/assessment/schools/{item}/"),
    ("c01.official", "/assessment/schools/{item}/"),
    ("c01.official", "/assessment/runs/{past}/results/"),
]


def counts(plan: Plan) -> dict[tuple[str, str], int]:
    result = {}
    with transaction.atomic():
        generate(plan)
        ids = _records()
        for persona, template in PAGES:
            client = logged_in(persona)
            path = template.format(**ids)
            client.get(path)
            with CaptureQueriesContext(connection) as captured:
                response = client.get(path)
            assert response.status_code == 200, (persona, path, response.status_code)
            result[(persona, template)] = len(captured.captured_queries)
        transaction.set_rollback(True)
    return result


@pytest.mark.django_db
def test_assessment_pages_are_flat_in_schools():
    small = counts(Plan(schools=5, years=1, scale=1.0, seed=7))
    large = counts(Plan(schools=50, years=1, scale=1.0, seed=7))
    print("query counts (small, large):", {p: (small[p], large[p]) for p in small})
    # more queries on more schools is the fault; fewer (an empty list skips a query) is not
    grown = {page: (small[page], large[page]) for page in small if large[page] > small[page]}
    assert not grown, f"query count grew with the schools (small, large): {grown}"
    over = {page: n for page, n in large.items() if n > PAGE_BUDGET}
    assert not over, f"over the budget of {PAGE_BUDGET} queries: {over}"
