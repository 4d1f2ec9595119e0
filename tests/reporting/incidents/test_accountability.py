"""Accountability (责任追究, issue #19): the people dealt with after an incident are
responsibility holders with an action from the setting list; a liability incident bars them
from honours for the year of the incident, on their holder page and in the bureau's list."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from reporting.incidents import selectors, services
from reporting.models import AccountabilityAction, IncidentEvent, PersonDealtWith
from safety.models import Holder

TODAY = timezone.localdate


@pytest.fixture
def holders(city):
    return {
        "teacher": Holder.objects.create(unit=city.school_a, name="王值班", job_title="值班教师"),
        "principal": Holder.objects.create(unit=city.school_a, name="张校长"),
        "county": Holder.objects.create(unit=city.county_a, name="刘科长"),
        "other_school": Holder.objects.create(unit=city.school_a2, name="赵老师"),
        "other_county": Holder.objects.create(unit=city.school_b, name="钱老师"),
        "retired": Holder.objects.create(unit=city.school_a, name="孙老师", is_active=False),
    }


def action(key: str) -> AccountabilityAction:
    return AccountabilityAction.objects.get(key=key)


def deal(official, incident, holder, key="warning", **extra):
    return services.person_dealt_with_record(
        actor=official,
        incident=incident,
        holder=holder,
        action=action(key),
        dealt_on=extra.pop("dealt_on", TODAY()),
        **extra,
    )


def close(official, incident, *, liability=True):
    return services.incident_close(actor=official, incident=incident, is_liability=liability)


def test_the_standard_actions_are_seeded_mildest_first(db):
    names = list(AccountabilityAction.objects.values_list("name_zh", flat=True))
    assert names[:4] == ["批评教育", "责令书面检查", "通报批评", "诫勉谈话"]
    assert {"警告", "记过", "降级", "撤职", "免职", "调离岗位"} <= set(names)


def test_the_county_links_holders_with_the_action_and_the_timeline_says_so(
    people, holders, closable
):
    incident = closable()
    record = deal(people.county_official, incident, holders["teacher"], "circulated_criticism")
    note = "甲教〔2026〕3号"
    deal(people.county_official, incident, holders["county"], "admonition_talk", note=note)
    assert record.recorded_by == people.county_official
    assert [(p.holder.name, p.action.name_zh) for p in incident.people_dealt_with.all()] == [
        ("王值班", "通报批评"),
        ("刘科长", "诫勉谈话"),
    ]
    event = incident.events.filter(action=IncidentEvent.Action.PERSON_DEALT_WITH).first()
    assert event.comment == "王值班（甲区实验小学）：通报批评"
    # the free text of the item stays
    assert incident.closure_items.get(kind="accountability").people == "值班教师王某"


def test_refused_holders_actions_and_dates(people, holders, closable):
    incident = closable()
    official = people.county_official
    for holder in ("other_school", "other_county", "retired"):
        with pytest.raises(ValidationError) as error:
            deal(official, incident, holders[holder])
        assert "holder" in error.value.message_dict
    retired_action = action("expulsion")
    retired_action.is_active = False
    retired_action.save()
    with pytest.raises(ValidationError) as error:
        deal(official, incident, holders["teacher"], "expulsion")
    assert "action" in error.value.message_dict
    tomorrow = TODAY() + datetime.timedelta(days=1)
    before = timezone.localtime(incident.occurred_at).date() - datetime.timedelta(days=1)
    for day in (tomorrow, before, None):
        with pytest.raises(ValidationError) as error:
            deal(official, incident, holders["teacher"], dealt_on=day)
        assert "dealt_on" in error.value.message_dict
    deal(official, incident, holders["teacher"])
    with pytest.raises(ValidationError, match="已登记该人员"):
        deal(official, incident, holders["teacher"])
    assert PersonDealtWith.objects.count() == 1


def test_only_officials_of_the_jurisdiction_record_and_only_while_open(people, holders, closable):
    incident = closable()
    for actor in (people.staff_a, people.leader_a, people.other_county_official):
        with pytest.raises(PermissionDenied):
            deal(actor, incident, holders["teacher"])
    record = deal(people.county_official, incident, holders["teacher"])
    with pytest.raises(PermissionDenied):
        services.person_dealt_with_remove(actor=people.staff_a, record=record)
    close(people.county_official, incident)
    with pytest.raises(ValidationError):
        deal(people.county_official, incident, holders["principal"])
    with pytest.raises(ValidationError):
        services.person_dealt_with_remove(actor=people.county_official, record=record)
    assert PersonDealtWith.objects.count() == 1


def test_a_liability_incident_bars_the_people_from_honours_that_year(
    people, holders, closable, city
):
    liability, other = closable(), closable()
    deal(people.county_official, liability, holders["teacher"], "demerit")
    deal(people.county_official, other, holders["principal"], "criticism")
    year = timezone.localtime(liability.occurred_at).year
    # not yet closed: nobody barred
    assert not selectors.honours_barred(user=people.city_official, year=year).exists()
    close(people.county_official, liability, liability=True)
    close(people.county_official, other, liability=False)
    barred = selectors.honours_barred(user=people.city_official, year=year)
    assert [r.holder.name for r in barred] == ["王值班"]
    assert not selectors.honours_barred(user=people.city_official, year=year + 1).exists()
    # scoped by the person's unit: county B sees nobody; the county filter narrows the city's
    assert not selectors.honours_barred(user=people.other_county_official, year=year).exists()
    assert selectors.honours_barred(user=people.county_official, year=year).count() == 1
    by_b = selectors.honours_barred(user=people.city_official, year=year, county=city.county_b)
    assert not by_b.exists()
    records = selectors.holder_accountability(holders["teacher"])
    assert [r.bars_year for r in records] == [year]
    assert selectors.holder_accountability(holders["principal"])[0].bars_year is None


def test_a_person_recorded_by_mistake_is_removed(people, holders, closable):
    incident = closable()
    record = deal(people.county_official, incident, holders["teacher"])
    services.person_dealt_with_remove(actor=people.county_official, record=record)
    assert not incident.people_dealt_with.exists()
    assert incident.events.filter(action=IncidentEvent.Action.PERSON_DEALT_WITH_REMOVED).exists()


# --- pages ---------------------------------------------------------------------------------


def test_the_county_records_a_person_on_the_incident_page(people, holders, closable, client_for):
    incident = closable()
    client = client_for("county_official")
    page = client.get(incident.get_absolute_url())
    assert "王值班（甲区实验小学 · 值班教师）" in page.content.decode()
    assert "钱老师" not in page.content.decode()  # another county's holder is not offered
    url = reverse("incidents:person_dealt_with_record", args=[incident.pk])
    data = {
        "dealt-holder": holders["teacher"].pk,
        "dealt-action": action("warning").pk,
        "dealt-dealt_on": TODAY().isoformat(),
        "dealt-note": "甲教〔2026〕7号",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    assert incident.people_dealt_with.get().note == "甲教〔2026〕7号"
    shown = client.get(incident.get_absolute_url()).content.decode()
    assert "警告" in shown and "甲教〔2026〕7号" in shown


def test_bad_input_is_refused_in_chinese_and_kept(people, holders, closable, client_for):
    incident = closable()
    client = client_for("county_official")
    url = reverse("incidents:person_dealt_with_record", args=[incident.pk])
    future = (TODAY() + datetime.timedelta(days=3)).isoformat()
    data = {
        "dealt-holder": holders["other_county"].pk,
        "dealt-action": action("warning").pk,
        "dealt-dealt_on": future,
        "dealt-note": "留下的备注",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "选择一个有效的选项" in body  # a holder outside the list
    assert "留下的备注" in body
    data["dealt-holder"] = holders["teacher"].pk
    body = client.post(url, data).content.decode()
    assert "处理决定日期不能晚于今天" in body
    assert not PersonDealtWith.objects.exists()


def test_the_holder_page_shows_the_bar(people, holders, closable, client_for):
    incident = closable()
    deal(people.county_official, incident, holders["teacher"], "demerit")
    close(people.county_official, incident)
    year = timezone.localtime(incident.occurred_at).year
    page = client_for("county_admin").get(
        reverse("responsibility:holder_detail", args=[holders["teacher"].pk])
    )
    body = page.content.decode()
    assert f"{year}年不得参加评优评先" in body
    assert "记过" in body
    other = client_for("county_admin").get(
        reverse("responsibility:holder_detail", args=[holders["principal"].pk])
    )
    assert 'data-testid="honours-barred"' not in other.content.decode()


def test_the_honours_bar_list_and_its_export(people, holders, closable, client_for):
    incident = closable()
    deal(people.county_official, incident, holders["teacher"], "demerit", note="=HYPERLINK(1)")
    close(people.county_official, incident)
    year = timezone.localtime(incident.occurred_at).year
    city = client_for("city_official")
    page = city.get(reverse("incidents:honours_bar"), {"year": year})
    assert "王值班" in page.content.decode()
    assert (
        "王值班"
        not in client_for("other_county_official")
        .get(reverse("incidents:honours_bar"), {"year": year})
        .content.decode()
    )
    assert (
        "王值班"
        not in city.get(reverse("incidents:honours_bar"), {"year": year - 1}).content.decode()
    )
    bad = city.get(reverse("incidents:honours_bar"), {"year": "abc"})
    assert bad.status_code == 200 and "输入整数" in bad.content.decode()
    assert client_for("staff_a").get(reverse("incidents:honours_bar")).status_code == 403
    export = city.get(reverse("incidents:honours_bar_xlsx"), {"year": year})
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:4] == ("甲区实验小学", "王值班", "值班教师", "记过")
    assert rows[1][8] == "'=HYPERLINK(1)"


# --- query budgets -------------------------------------------------------------------------

PAGE_BUDGET = 8


def _queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(captured.captured_queries)


def _barred(people, holders, count: int, closable) -> None:
    for index in range(count):
        holder = Holder.objects.create(unit=holders["teacher"].unit, name=f"教师{index}")
        incident = closable()
        deal(people.county_official, incident, holder, "demerit")
        close(people.county_official, incident)


def test_the_honours_bar_list_and_holder_page_are_flat_in_the_records(
    people, holders, closable, client_for
):
    year = timezone.localdate().year
    client = client_for("city_official")
    list_url = reverse("incidents:honours_bar")
    holder_url = reverse("responsibility:holder_detail", args=[holders["teacher"].pk])
    _barred(people, holders, 1, closable)
    few = _queries(client, list_url, {"year": year}), _queries(client, holder_url)
    _barred(people, holders, 4, closable)
    for _ in range(3):
        deal(people.county_official, closable(), holders["teacher"], "criticism")
    more = _queries(client, list_url, {"year": year}), _queries(client, holder_url)
    assert more == few
    assert few[0] <= PAGE_BUDGET


def test_the_incident_page_is_flat_in_the_people_dealt_with(people, holders, closable, client_for):
    incident = closable()
    client = client_for("county_official")
    deal(people.county_official, incident, holders["teacher"])
    few = _queries(client, incident.get_absolute_url())
    for key in ("criticism", "demerit", "transfer"):
        deal(people.county_official, incident, holders["principal"], key)
    assert _queries(client, incident.get_absolute_url()) == few
