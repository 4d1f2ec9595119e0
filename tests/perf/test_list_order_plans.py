"""#23 a list never sorts its whole jurisdiction to show one page: every paged query of every
page the benchmark measures (bench.pages, the city's, the county's, the province's and the
schools' personas) reads its rows in order from an index. Found as one page at a time (the
inspection list sorted a city's 118,000 inspections, the rectification orders and the activity
applications theirs: 0.1-1.9 s, growing with the years); this walks them all.

PostgreSQL is asked for each page query's plan with sorting switched off (`enable_sort`): the
planner then orders through an index wherever one can give the order, whatever the size of the
test's data, and a Sort left at the top of the plan means no index can. Lists whose rows are
bounded by something other than time are listed in BOUNDED with the reason."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench import measure
from bench.pages import ANONYMOUS, PAGES, PROVINCE_PAGES
from demo.generator import Plan, generate
from safety.models import User
from tests.conftest import require_postgresql

from .conftest import planner_without, sorts_at_the_top

pytestmark = pytest.mark.django_db

# Table the paged query reads from → why sorting its rows is bounded (not the jurisdiction's
# history): these may sort, everything else must be read in order from an index.
BOUNDED = {
    "safety_organisation": "units: at most the jurisdiction's schools, no history",
    "safety_safetyarea": "the nine safety areas",
    "safety_holder": "a unit's post holders: a few per school, replaced rather than kept",
    "reporting_monthlyreport": "one month's reports: at most one per school",
    "inspections_campaigntask": "one campaign's tasks: at most one per school",
    "reporting_noticerecipient": "one notice's recipients, or the notices a unit received",
    "inspections_spotcheckdraw": "a bureau's spot-check draws: a few a term",
    "inspections_jointmeeting": "a bureau's joint meetings with the police: a few a year",
    "safety_notification": "one account's inbox, read and pruned",
    "reporting_incident": "one school's open incidents (its home's to-do list)",
    "inspections_inspection": "one school's spot-check results (the list of all is indexed)",
    "inspections_riskcheck": "one risk point's checks",
    "safety_dutyroster": "one school's holiday rosters: a few a year",
    "safety_patrolround": "one school's patrol rounds of the listed weeks",
    "safety_boardingpupil": "one school's boarding pupils, by class",
    "safety_leave": "one school's boarding pupils' leave",
    "safety_drill": "one school's drills: a few a term",
}
PAGED = re.compile(r"ORDER BY .* LIMIT (\d+)( OFFSET \d+)?$", re.S)


def _outer_table(sql: str) -> str:
    """The table the outer query reads from (subqueries in its columns removed)."""
    while re.search(r"\([^()]*\)", sql):
        sql = re.sub(r"\([^()]*\)", "", sql)
    return re.search(r'FROM "(\w+)"', sql).group(1)


def _sorted_page_queries(sql_list: list[str]) -> list[tuple[str, str]]:
    """(table, plan) of each paged query whose plan still sorts with sorting switched off."""
    found = []
    with planner_without("enable_sort"), connection.cursor() as cursor:
        for sql in sql_list:
            match = PAGED.search(sql)
            if not sql.startswith("SELECT") or not match or int(match.group(1)) <= 1:
                continue
            cursor.execute(f"EXPLAIN {sql}")
            plan = [row[0] for row in cursor.fetchall()]
            if sorts_at_the_top(plan):
                found.append((_outer_table(sql), "\n".join(plan[:8])))
    return found


def test_every_paged_list_reads_its_page_in_order_from_an_index():
    require_postgresql("query plans are checked on PostgreSQL")
    generate(Plan(schools=12, years=1, cities=2, scale=8, seed=7))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    ids = measure.reference_ids()
    clients: dict[str, Client] = {}
    sorting, walked = [], 0
    for _key, title, persona, path, _admin in PAGES + PROVINCE_PAGES:
        if persona == ANONYMOUS or persona.startswith("api:") or path.startswith("/bench"):
            continue  # the API's own budgets (tests/api), the bench's own pages
        try:
            url = path.format(**ids)
        except KeyError:
            continue
        if persona not in clients:
            clients[persona] = Client()
            clients[persona].force_login(User.objects.get(username=persona))
        with CaptureQueriesContext(connection) as captured:
            response = clients[persona].get(url)
        assert response.status_code == 200, (title, persona, url, response.status_code)
        walked += 1
        queries = [query["sql"] for query in captured.captured_queries]
        for table, plan in _sorted_page_queries(queries):
            if table not in BOUNDED:
                sorting.append(f"{title} [{persona}] {url}: sorts {table}\n{plan}")
    assert walked > 150
    assert not sorting, "\n\n".join(sorting)
