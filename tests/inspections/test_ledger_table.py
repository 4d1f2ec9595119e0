"""#20 the bureaus' desktop ledger: the hazard ledger as a sortable table (django-tables2),
filters kept in the sort links, the phone's cards unchanged, and a query count flat in
the number of rows."""

from __future__ import annotations

import datetime
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inspections.models import Hazard, HazardEvent


def hazards(city, crew, fire_area, count, *, start=0):
    made = []
    for n in range(start, start + count):
        hazard = Hazard.objects.create(
            school=city.school_a if n % 2 else city.school_a2,
            area=fire_area,
            location=f"教学楼{n}层",
            description=f"隐患{n:03d}",
            source=Hazard.Source.AD_HOC,
            status=Hazard.Status.IN_RECTIFICATION,
            reporter=crew.reporter,
            owner=crew.owner,
            supervisor=crew.leader,
            deadline=datetime.date(2026, 12, 1) + datetime.timedelta(days=(n * 7) % 30),
        )
        HazardEvent.objects.create(hazard=hazard, action="reported", actor=crew.reporter)
        made.append(hazard)
    return made


def table_descriptions(html: str) -> list[str]:
    table = html.split('id="ledger-table"', 1)[1].split("</table>", 1)[0]
    return re.findall(r">(隐患\d{3})<", table)


def test_a_bureau_official_sorts_the_ledger_table_by_deadline(client_for, city, crew, fire_area):
    made = hazards(city, crew, fire_area, 6)
    client = client_for("county_official")
    html = client.get(reverse("inspections:ledger") + "?sort=deadline&severity=general").content
    html = html.decode()
    by_deadline = [h.description for h in sorted(made, key=lambda h: (h.deadline, h.pk))]
    assert table_descriptions(html) == by_deadline
    # The header links keep the filters and turn the order around.
    assert "sort=-deadline" in html and "severity=general" in html
    html = client.get(reverse("inspections:ledger") + "?sort=-deadline").content.decode()
    assert table_descriptions(html) == [
        h.description for h in sorted(made, key=lambda h: (h.deadline, h.pk), reverse=True)
    ]
    for header in (
        "学校",
        "安全领域",
        "地点",
        "隐患描述",
        "等级",
        "状态",
        "整改期限",
        "整改责任人",
        "最近更新",
    ):
        assert header in html


def test_an_unknown_sort_is_ignored_and_schools_keep_their_cards(client_for, city, crew, fire_area):
    hazards(city, crew, fire_area, 2)
    response = client_for("county_official").get(reverse("inspections:ledger") + "?sort=password")
    assert response.status_code == 200
    school = client_for("leader_a").get(reverse("inspections:ledger")).content.decode()
    assert 'id="ledger-table"' not in school
    assert 'data-testid="ledger"' in school


def test_the_table_costs_the_same_queries_for_more_rows(client_for, city, crew, fire_area):
    client = client_for("city_official")
    url = reverse("inspections:ledger") + "?sort=-updated"
    hazards(city, crew, fire_area, 3)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    hazards(city, crew, fire_area, 30, start=3)
    with CaptureQueriesContext(connection) as large:
        html = client.get(url).content.decode()
    assert len(table_descriptions(html)) == 25  # a full page (PAGE_SIZE)
    assert len(large) == len(small) <= 8


def test_columns_no_index_orders_are_sortable_only_when_the_filters_leave_few_rows(
    client_for, city, crew, fire_area, monkeypatch
):
    """#23: a city's ledger sorted by description or last update made the database sort every
    hazard of the jurisdiction for one page; beyond SORT_ROWS_LIMIT rows those headers are
    plain text, their ?sort= is ignored and a note says how to sort by them (filter first)."""
    from safety import tables

    made = hazards(city, crew, fire_area, 6)
    client = client_for("county_official")
    monkeypatch.setattr(tables, "SORT_ROWS_LIMIT", 5)
    html = client.get(reverse("inspections:ledger") + "?sort=description").content.decode()
    offered = set(re.findall(r'data-sort="(\w+)"', html))
    assert {"school", "severity", "status", "deadline"} <= offered
    assert not offered & {"area", "location", "description", "owner", "updated"}
    newest_first = [h.description for h in sorted(made, key=lambda h: h.pk, reverse=True)]
    assert table_descriptions(html) == newest_first  # the ledger's own order, not the text's
    note = re.search(r'data-testid="sorting-limited">([^<]*)<', html).group(1)
    assert "隐患描述" in note and "最近更新" in note and "5条以内" in note, note
    # The same county's ledger filtered down to five rows: every column sorts again.
    monkeypatch.setattr(tables, "SORT_ROWS_LIMIT", 3)
    school = reverse("inspections:ledger") + f"?school={city.school_a.code}&sort=-description"
    html = client.get(school).content.decode()
    assert 'data-sort="description"' in html and "sorting-limited" not in html
    of_school = [h for h in made if h.school_id == city.school_a.pk]
    assert table_descriptions(html) == sorted((h.description for h in of_school), reverse=True)
