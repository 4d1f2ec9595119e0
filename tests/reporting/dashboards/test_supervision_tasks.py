"""The home page's to-do list for bureau supervision (issue #18): a school's open campaign
tasks, notices to reply to, unread notices and orders to reply to; a county's campaigns to
forward and the replies waiting for its decision. Each item shows for the right role and
unit only, disappears when done, and leads to a list showing the same count; the home page
pays no query for them (they share the query of the letters' / review queue's count), however
many records there are."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from inspections import services as inspection_services
from inspections.campaigns import services as campaign_services
from inspections.campaigns.models import CampaignTask
from inspections.models import ChecklistTemplate
from reporting.notices import services as notice_services
from reporting.orders import services as order_services
from safety.models import SafetyArea
from safety.uploads import clean_document
from tests.pdfs import plain_pdf

from .test_every_link import page_links, shown_count

pytestmark = pytest.mark.django_db

SCHOOL_ITEMS = ("campaigns", "notice-replies", "unread-notices", "orders")
BUREAU_ITEMS = ("campaigns-forward", "notice-decisions", "order-decisions")


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def todo(user) -> dict[str, int]:
    """The supervision items of the user's to-do list, with their counts; every link is
    followed and must show the same count."""
    client = client_of(user)
    response = client.get("/")
    assert response.status_code == 200
    items = {}
    for link in page_links(response.content):
        task = link.get("data-task", "")
        if task in SCHOOL_ITEMS + BUREAU_ITEMS:
            items[task] = int(link["data-count"])
            target = client.get(link["href"])
            assert target.status_code == 200, (user, link["href"])
            assert shown_count(target, link.get("data-count-key", "")) == items[task], task
    return items


def launch(actor, bureau, **extra):
    fields = {
        "title": "开学安全大检查",
        "purpose": "全面排查校园安全隐患",
        "deadline": timezone.localdate() + datetime.timedelta(days=20),
        "filters": {},
        "template": ChecklistTemplate.objects.get(area__key="fire"),
    }
    return campaign_services.campaign_launch(actor=actor, bureau=bureau, **(fields | extra))


def publish(actor, bureau, **extra):
    fields = {
        "kind": "notice",
        "title": "关于开展防溺水专项报送的通知",
        "body": "请于规定日期前报送。",
        "filters": {},
        "reply_due": timezone.localdate() + datetime.timedelta(days=5),
    }
    return notice_services.notice_publish(actor=actor, bureau=bureau, **(fields | extra))


def issue_order(actor, school, reporter, responder):
    hazard = inspection_services.hazard_report(
        actor=reporter,
        school=school,
        area=SafetyArea.objects.get(key="fire"),
        description="消防通道堵塞",
    )
    return order_services.order_issue(
        actor=actor,
        source="hazard",
        record=hazard,
        responder=responder,
        problems="消防通道堵塞",
        legal_basis="《中华人民共和国消防法》第二十八条",
        deadline=timezone.localdate() + datetime.timedelta(days=7),
    )


def evidence():
    return [clean_document(SimpleUploadedFile("整改照片.pdf", plain_pdf()))]


def test_campaign_task_shows_at_its_school_until_submitted(city, people, staff_b):
    launch(people.city_official, city.city)
    assert todo(people.staff_a) == {"campaigns": 1}
    assert todo(staff_b) == {"campaigns": 1}
    home = client_of(people.staff_a).get("/").content.decode()
    assert "待完成的专项整治任务" in home
    due = timezone.localdate() + datetime.timedelta(days=20)
    assert due.strftime("%Y") in home
    CampaignTask.objects.filter(school=city.school_a).update(
        status=CampaignTask.Status.SUBMITTED, report="已完成"
    )
    assert todo(people.staff_a) == {}
    assert todo(people.staff_a2) == {"campaigns": 1}  # its own task is still open
    assert todo(people.city_official) == {}  # officials have no school tasks


def test_county_sees_city_campaigns_to_forward_until_it_forwards(city, people):
    campaign = launch(people.city_official, city.city)
    assert todo(people.county_official) == {"campaigns-forward": 1}
    assert todo(people.other_county_official) == {"campaigns-forward": 1}
    assert todo(people.city_official) == {}
    campaign_services.campaign_forward(
        actor=people.county_official,
        campaign=campaign,
        county=city.county_a,
        deadline=timezone.localdate() + datetime.timedelta(days=10),
    )
    assert todo(people.county_official) == {}
    assert todo(people.other_county_official) == {"campaigns-forward": 1}


def test_campaigns_not_to_forward_are_left_out(city, people):
    launch(people.city_official, city.city, filters={"county": city.county_b.pk})
    launch(people.county_official, city.county_a)  # the county's own campaign
    assert todo(people.county_official) == {}
    assert todo(people.other_county_official) == {"campaigns-forward": 1}


def test_notice_reply_and_receipt_items_follow_the_reply(city, people, staff_b):
    notice = publish(people.county_official, city.county_a)
    assert todo(people.staff_a) == {"notice-replies": 1, "unread-notices": 1}
    assert todo(staff_b) == {}  # another county's school got nothing
    client_of(people.staff_a).get(f"/notices/{notice.pk}/")  # the read receipt
    assert todo(people.staff_a) == {"notice-replies": 1}
    assert todo(people.leader_a) == {"notice-replies": 1, "unread-notices": 1}
    recipient = notice.recipients.get(unit=city.school_a)
    reply = notice_services.notice_reply(actor=people.staff_a, recipient=recipient, text="已排查")
    assert todo(people.staff_a) == {}
    assert todo(people.county_official) == {"notice-decisions": 1}
    assert todo(people.other_county_official) == {}
    assert todo(people.city_official) == {}  # not its notice
    notice_services.notice_reply_return(actor=people.county_official, reply=reply, comment="缺数据")
    assert todo(people.staff_a) == {"notice-replies": 1}
    assert todo(people.county_official) == {}
    again = notice_services.notice_reply(actor=people.staff_a, recipient=recipient, text="补充")
    notice_services.notice_reply_accept(actor=people.county_official, reply=again)
    assert todo(people.staff_a) == {}
    assert todo(people.county_official) == {}


def test_notice_without_reply_is_only_unread(city, people):
    publish(people.county_official, city.county_a, kind="incident_bulletin", reply_due=None)
    assert todo(people.staff_a) == {"unread-notices": 1}


def test_order_reply_items_follow_the_order(city, people, staff_b):
    order = issue_order(people.county_official, city.school_a, people.staff_a, people.leader_a)
    assert todo(people.leader_a) == {"orders": 1}
    assert todo(people.staff_a) == {"orders": 1}  # the school's answer, any of its staff
    assert todo(people.staff_a2) == {}
    assert todo(staff_b) == {}
    reply = order_services.order_reply(
        actor=people.leader_a, order=order, text="已清理", evidence=evidence()
    )
    assert todo(people.leader_a) == {}
    assert todo(people.county_official) == {"order-decisions": 1}
    assert todo(people.city_official) == {"order-decisions": 1}  # may decide it too
    assert todo(people.other_county_official) == {}
    order_services.order_return(actor=people.county_official, reply=reply, comment="照片不清楚")
    assert todo(people.leader_a) == {"orders": 1}
    assert todo(people.county_official) == {}
    second = order_services.order_reply(
        actor=people.leader_a, order=order, text="补拍照片", evidence=evidence()
    )
    order_services.order_accept(actor=people.county_official, reply=second)
    assert todo(people.leader_a) == {}
    assert todo(people.county_official) == {}


def test_city_order_reply_is_not_the_countys_to_decide(city, people):
    order = issue_order(people.city_official, city.school_a, people.staff_a, people.leader_a)
    order_services.order_reply(
        actor=people.leader_a, order=order, text="已整改", evidence=evidence()
    )
    assert todo(people.county_official) == {}
    assert todo(people.city_official) == {"order-decisions": 1}


def home_queries(client) -> int:
    client.get("/")
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/").status_code == 200
    return len(captured.captured_queries)


def test_home_pays_no_extra_query_however_many_items(city, people):
    school, county = client_of(people.staff_a), client_of(people.county_official)
    before = home_queries(school), home_queries(county)
    launch(people.city_official, city.city)
    publish(people.county_official, city.county_a)
    issue_order(people.county_official, city.school_a, people.staff_a, people.leader_a)
    one = home_queries(school), home_queries(county)
    for _round in range(3):
        campaign = launch(people.city_official, city.city)
        notice = publish(people.county_official, city.county_a)
        notice_services.notice_reply(
            actor=people.staff_a,
            recipient=notice.recipients.get(unit=city.school_a),
            text="已排查",
        )
        order = issue_order(people.county_official, city.school_a, people.staff_a, people.leader_a)
        order_services.order_reply(
            actor=people.leader_a, order=order, text="已整改", evidence=evidence()
        )
        assert campaign.tasks.exists()
    assert one == before  # the same query whether the items are there or not
    assert (home_queries(school), home_queries(county)) == one
