"""Query budgets of the supervision boards (issue #18): a campaign board, a notice's status
page and the coverage views make at most PAGE_BUDGET queries, the same number on a generated
city ten times larger (the per-county tables are grouped queries, the school rows paged)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from demo.generator import Plan, generate
from inspections.campaigns import services as campaign_services
from inspections.models import ChecklistTemplate
from reporting.notices import services as notice_services
from safety.models import Organisation, User

from .conftest import logged_in
from .test_query_budgets import PAGE_BUDGET


def _records() -> dict[str, int]:
    city = Organisation.objects.get(kind=Organisation.Kind.CITY)
    official = User.objects.get(username="city.official")
    deadline = timezone.localdate() + datetime.timedelta(days=10)
    campaign = campaign_services.campaign_launch(
        actor=official,
        bureau=city,
        title="开学安全检查",
        purpose="排查",
        deadline=deadline,
        filters={},
        template=ChecklistTemplate.objects.filter(is_active=True).first(),
    )
    notice = notice_services.notice_publish(
        actor=official,
        bureau=city,
        kind="notice",
        title="报送通知",
        body="请报送",
        filters={},
        include_counties=True,
        reply_due=deadline,
    )
    task = campaign.tasks.filter(school__members__username="s00001.staff").get()
    return {"campaign": campaign.pk, "notice": notice.pk, "task": task.pk}


PAGES = [
    ("city.official", "/campaigns/{campaign}/"),
    ("c01.official", "/campaigns/{campaign}/"),
    ("city.official", "/campaigns/{campaign}/?status=late"),
    ("city.official", "/notices/{notice}/"),
    ("c01.official", "/notices/{notice}/"),
    ("s00001.staff", "/notices/{notice}/"),
    ("s00001.staff", "/campaigns/tasks/{task}/"),
    ("city.official", "/campaigns/"),
    ("city.official", "/campaigns/coverage/"),
    ("c01.official", "/campaigns/coverage/"),
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
def test_supervision_boards_are_flat_in_schools():
    small = counts(Plan(schools=5, years=1, scale=1.0, seed=7))
    large = counts(Plan(schools=50, years=1, scale=1.0, seed=7))
    print("query counts (small, large):", {p: (small[p], large[p]) for p in small})
    # more queries on more schools is the fault; fewer (an empty list skips a query) is not
    grown = {page: (small[page], large[page]) for page in small if large[page] > small[page]}
    assert not grown, f"query count grew with the schools (small, large): {grown}"
    over = {page: n for page, n in large.items() if n > PAGE_BUDGET}
    assert not over, f"over the budget of {PAGE_BUDGET} queries: {over}"
