"""No sequential scan of the hazard table when a ledger page loads (issue #9): the plans of
every query the ledger runs, on a generated city the planner sees (ANALYZE) as large enough
to prefer indexes. PostgreSQL only; CI runs it (SAFECAMPUS_REQUIRE_SERVICES=1)."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from demo.generator import Plan, generate
from inspections.selectors import ledger_queryset
from inspections.tables import HazardTable
from safety import tables
from safety.models import User

from .conftest import logged_in, planner_without, sorts_at_the_top

LEDGER_PAGES = [
    ("city.official", "/hazards/"),
    ("city.official", "/hazards/?severity=major&status=in_rectification"),
    ("city.official", "/hazards/?overdue=on"),
    ("c01.official", "/hazards/"),
    ("c01.official", "/hazards/?severity=general&status=closed"),
    ("c01.official", "/hazards/?page=3"),
    ("s00001.staff", "/hazards/"),
    ("s00001.staff", "/hazards/?status=reported"),
]


def plans_touching_hazards(
    persona: str, path: str, switched_off: tuple[str, ...] = ()
) -> list[str]:
    """The plans of the page's queries that read the hazard table, asked with the planner's
    `switched_off` strategies (e.g. "enable_seqscan") switched off for the EXPLAIN only."""
    client = logged_in(persona)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    plans = []
    with planner_without(*switched_off), connection.cursor() as cursor:
        for query in captured.captured_queries:
            sql = query["sql"]
            if "inspections_hazard" not in sql or not sql.lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute(f"EXPLAIN {sql}")
            plans.append("\n".join(row[0] for row in cursor.fetchall()))
    return plans


@pytest.mark.django_db
def test_ledger_pages_never_scan_the_whole_hazard_table(postgresql, generate_city):
    generate_city(schools=60, scale=1.0)  # about 5,000 hazards over 60 schools
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    scanned = {}
    for persona, path in LEDGER_PAGES:
        plans = plans_touching_hazards(persona, path)
        assert plans, (persona, path)
        seq = [plan for plan in plans if "Seq Scan on inspections_hazard " in plan + " "]
        if seq:
            scanned[(persona, path)] = seq
    assert not scanned, f"sequential scans of the hazard table: {scanned}"


@pytest.mark.django_db
def test_a_county_home_counts_overdue_hazards_per_school_from_the_partial_index(
    postgresql, generate_city
):
    """#23: the county home's ten schools with the most open overdue hazards are counted
    through hazard_open_overdue_school (index-only once vacuumed), not by reading each
    school's whole history through the school index."""
    generate_city(schools=60, scale=1.0)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE inspections_hazard")
    plans = plans_touching_hazards("c01.official", "/")
    assert any("hazard_open_overdue_school" in plan for plan in plans), plans


# The bureau home dashboards (issue #23): their hazard figures and trends come from the
# summaries the triggers keep; the one hazard query left (a county's overdue hazards per
# school) goes through the index on (is_overdue, status).
DASHBOARD_PAGES = [
    ("city.official", "/"),
    ("city.official", "/?period=year"),
    ("city.official", "/?county={county}"),  # the one-row query with a county's schools
    ("c01.official", "/"),
    ("c01.official", "/?period=quarter"),
    ("s00001.leader", "/"),  # a school's own hazards: its to-do list and its areas
]


@pytest.mark.django_db
def test_dashboards_never_scan_the_whole_hazard_table(postgresql, generate_city):
    generate_city(schools=60, scale=1.0)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    scanned = {}
    county = User.objects.get(username="c01.official").unit
    for persona, page in DASHBOARD_PAGES:
        path = page.format(county=county.pk)
        plans = plans_touching_hazards(persona, path)
        seq = [plan for plan in plans if "Seq Scan on inspections_hazard " in plan + " "]
        if seq:
            scanned[(persona, path)] = seq
    assert not scanned, f"sequential scans of the hazard table: {scanned}"


# Ledger text search (issue #23): `icontains` compiles to UPPER(column::text) LIKE UPPER(…) on
# PostgreSQL, and the trigram indexes of inspections migration 0016 are on exactly those
# expressions. On a test-sized table a sequential scan (or a walk of another index with the
# search as a filter) is legitimately cheaper than a GIN lookup, so the test switches those
# off and explains the search of the whole ledger (an administrator's: no other condition):
# the planner then finds the rows through the trigram indexes, or has no plan but a
# sequential scan if they do not serve the expressions the lookups compile to.
@pytest.mark.django_db
@pytest.mark.parametrize("query", ["电梯困人", "配电箱门锁", "fire"])
def test_ledger_search_is_served_by_the_trigram_indexes(postgresql, generate_city, query):
    generate_city(schools=5, scale=1.0)
    admin = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser(
        "plan.admin",
        password="x",  # noqa: S106
    )
    rows = ledger_queryset(user=admin, filters={"q": query}).values("id")
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE inspections_hazard")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Seq Scan on inspections_hazard" not in plan, plan
    assert "hazard_description_trgm" in plan, plan
    assert "hazard_location_trgm" in plan, plan


# The whole jurisdiction's home (#23): a city's and a province's figures, trends and overdue
# breakdown come from the tally and the monthly rows, so no plan of the page reads the hazard
# table at all, by any path (the province's overdue hazards per city were grouped from the
# hazard table: 23 s at 20,000 schools).
WHOLE_JURISDICTION_HOMES = [
    ("province.official", "/"),
    ("province.official", "/?period=year"),
    ("city.official", "/"),
]


@pytest.mark.django_db
def test_whole_jurisdiction_homes_never_read_the_hazard_table(postgresql):
    generate(Plan(schools=8, years=1, cities=2, counties=4, seed=7))  # any path counts: small
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    reading = {}
    for persona, path in WHOLE_JURISDICTION_HOMES:
        plans = plans_touching_hazards(persona, path)
        nodes = [
            line.strip()
            for plan in plans
            for line in plan.splitlines()
            if " on inspections_hazard " in line + " "
        ]
        if nodes:
            reading[(persona, path)] = nodes
    assert not reading, f"home plans reading the hazard table: {reading}"


# #23 lists sorted on a whole jurisdiction: the inspection list counts each row's hazards by a
# subquery of the page's rows (a grouped join counted every hazard of the city first: 1.9 s
# at 2 million), and every column the ledger table offers to sort by, either way, is read in
# order from an index (the deadline: 0.8-3 s sorting the city's ledger). Columns no index
# orders are offered only below safety.tables.SORT_ROWS_LIMIT rows, here lowered so that the
# generated city and county are above it.
#
# Asked with sequential scans and sorting switched off, the planner takes an index wherever one
# serves, whatever the size of the test's data: a sequential scan of the hazard table left in
# the plan means no index can find the rows, a Sort at the top means no index gives the order.
# (Asked as is, the planner may read the generated city's 5,000 hazards once and keep them in
# memory rather than go through the school index 60 times: right for 5,000 rows, not for a
# city's 500,000; it did so in a full run, where earlier tests had left the table's rows out
# of school order.)
SORTED_LIST_PERSONAS = ["city.official", "c01.official"]
SWITCHED_OFF = ("enable_seqscan", "enable_sort")


def whole_table_reads(plan: str) -> bool:
    """Whether the plan scans the hazard table sequentially or sorts its rows at the top."""
    return "Seq Scan on inspections_hazard " in plan + " " or sorts_at_the_top(plan.splitlines())


def offered_sorts(persona: str, path: str) -> list[str]:
    html = logged_in(persona).get(path).content.decode()
    return re.findall(r'data-sort="(\w+)"', html)


@pytest.mark.django_db
def test_sorted_lists_never_scan_the_whole_hazard_table(postgresql, generate_city, monkeypatch):
    monkeypatch.setattr(tables, "SORT_ROWS_LIMIT", 100)
    generate_city(schools=60, scale=1.0)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    scanned, walked = {}, []
    for persona in SORTED_LIST_PERSONAS:
        sorts = offered_sorts(persona, "/hazards/")
        assert {"deadline", "status", "school"} <= set(sorts), sorts
        assert not set(sorts) & set(HazardTable.unindexed_sorts), sorts
        paths = ["/inspections/"] + [f"/hazards/?sort={d}{s}" for s in sorts for d in ("", "-")]
        for path in paths:
            plans = plans_touching_hazards(persona, path, SWITCHED_OFF)
            walked.append((persona, path))
            whole = [plan for plan in plans if whole_table_reads(plan)]
            if whole:
                scanned[(persona, path)] = whole
    assert not scanned, f"the hazard table read whole or sorted: {scanned}"
    assert len(walked) >= 2 * (1 + 2 * 4)
    # The check sees an order no index gives, once that order is allowed.
    monkeypatch.setattr(tables, "SORT_ROWS_LIMIT", 10**9)
    unindexed = plans_touching_hazards("city.official", "/hazards/?sort=-updated", SWITCHED_OFF)
    assert any(whole_table_reads(plan) for plan in unindexed), unindexed
