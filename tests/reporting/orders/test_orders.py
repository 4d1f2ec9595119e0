"""Rectification orders (issue #18): numbering in the bureau's format, reply with evidence,
accept / return, escalation once, permissions and bad input, the school page."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from inspections import services as inspection_services
from reporting.monthly.figures import section_by_key
from reporting.orders import services
from reporting.orders.models import OrderSettings, RectificationOrder
from safety.models import AuditEvent, Notification, SafetyArea
from safety.uploads import clean_document
from tests.pdfs import plain_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def hazard(city, people):
    return inspection_services.hazard_report(
        actor=people.staff_a,
        school=city.school_a,
        area=SafetyArea.objects.get(key="fire"),
        description="消防通道堵塞",
    )


def issue(actor, hazard, responder, **extra):
    fields = {
        "problems": "消防通道堵塞",
        "legal_basis": "《中华人民共和国消防法》第二十八条",
        "deadline": timezone.localdate() + datetime.timedelta(days=7),
    }
    return services.order_issue(
        actor=actor, source="hazard", record=hazard, responder=responder, **(fields | extra)
    )


def evidence():
    return [clean_document(SimpleUploadedFile("整改照片.pdf", plain_pdf()))]


def test_numbers_follow_the_bureaus_format_per_year(city, people, hazard):
    OrderSettings.objects.create(
        bureau=city.county_a, prefix="甲教安", number_format="{prefix}督〔{year}〕{seq}号"
    )
    first = issue(people.county_official, hazard, people.leader_a)
    second = issue(people.county_official, hazard, people.leader_a)
    year = timezone.localdate().year
    assert first.number == f"甲教安督〔{year}〕001号"
    assert second.number == f"甲教安督〔{year}〕002号"
    city_order = issue(people.city_official, hazard, people.leader_a)
    assert city_order.sequence == 1
    assert city_order.number == f"测试市教育局督整〔{year}〕001号"
    assert Notification.objects.filter(kind="order_issued", urgent=True).count() == 3


def test_issue_refuses_other_counties_bad_deadline_and_outside_responder(city, people, hazard):
    with pytest.raises(PermissionDenied):
        issue(people.other_county_official, hazard, people.leader_a)
    with pytest.raises(PermissionDenied):
        issue(people.staff_a, hazard, people.leader_a)
    with pytest.raises(ValidationError):
        issue(
            people.county_official,
            hazard,
            people.leader_a,
            deadline=timezone.localdate() - datetime.timedelta(days=1),
        )
    with pytest.raises(ValidationError):
        issue(people.county_official, hazard, people.staff_a2)
    assert not RectificationOrder.objects.exists()


def test_reply_return_resubmit_accept(city, people, hazard):
    order = issue(people.county_official, hazard, people.leader_a)
    with pytest.raises(ValidationError):
        services.order_reply(actor=people.leader_a, order=order, text="已整改", evidence=[])
    with pytest.raises(PermissionDenied):
        services.order_reply(actor=people.staff_a2, order=order, text="x", evidence=evidence())
    first = services.order_reply(
        actor=people.leader_a, order=order, text="已清理", evidence=evidence()
    )
    services.order_return(actor=people.county_official, reply=first, comment="照片不清楚")
    order.refresh_from_db()
    assert order.status == "returned"
    second = services.order_reply(
        actor=people.leader_a, order=order, text="补拍照片", evidence=evidence()
    )
    with pytest.raises(PermissionDenied):
        services.order_accept(actor=people.other_county_official, reply=second)
    services.order_accept(actor=people.county_official, reply=second)
    order.refresh_from_db()
    assert order.status == "accepted"
    assert order.accepted_at is not None
    assert {"order.issue", "order.reply", "order.returned", "order.accepted"} <= set(
        AuditEvent.objects.values_list("action", flat=True)
    )


def test_overdue_orders_escalate_to_the_next_level_once(city, people, hazard):
    county_order = issue(people.county_official, hazard, people.leader_a)
    city_order = issue(people.city_official, hazard, people.leader_a)
    replied = issue(people.county_official, hazard, people.leader_a)
    services.order_reply(actor=people.leader_a, order=replied, text="已整改", evidence=evidence())
    later = timezone.localdate() + datetime.timedelta(days=8)
    assert services.order_escalate_overdue(today=later) == 2
    county_order.refresh_from_db()
    city_order.refresh_from_db()
    assert county_order.escalated_to == city.city
    assert city_order.escalated_to == city.city
    told = Notification.objects.filter(kind="order_escalated")
    assert set(told.values_list("recipient", flat=True)) == {people.city_official.pk}
    assert told.count() == 2
    assert services.order_escalate_overdue(today=later) == 0
    assert Notification.objects.filter(kind="order_escalated").count() == 2


def test_pages_school_panel_and_pdf(city, people, hazard, client_for):
    county = client_for("county_official")
    url = reverse("orders:new_from_hazard", args=[hazard.pk])
    response = county.post(
        url,
        {
            "problems": "",
            "legal_basis": "x",
            "deadline": "2000-01-01",
            "responder": people.leader_a.pk,
        },
    )
    assert response.status_code == 400
    assert "截止日期不能早于今天" in response.content.decode()
    deadline = (timezone.localdate() + datetime.timedelta(days=5)).isoformat()
    response = county.post(
        url,
        {
            "problems": "通道堵塞",
            "legal_basis": "消防法",
            "deadline": deadline,
            "responder": people.leader_a.pk,
        },
    )
    assert response.status_code == 302
    order = RectificationOrder.objects.get()
    assert client_for("other_county_official").get(url).status_code == 404
    assert client_for("staff_a").get(url).status_code == 403
    leader = client_for("leader_a")
    page = leader.get(reverse("school_detail", args=[city.school_a.pk])).content.decode()
    assert order.number in page
    response = leader.get(reverse("orders:pdf", args=[order.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    response = leader.post(
        reverse("orders:reply", args=[order.pk]),
        {
            "text": "已清理通道",
            "evidence": SimpleUploadedFile("证明.pdf", plain_pdf(), content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    reply = order.replies.get()
    url = reverse("orders:accept", args=[reply.pk])
    assert county.post(url, {"comment": ""}).status_code == 200  # asks once, changes nothing
    order.refresh_from_db()
    assert order.status == "replied"
    assert county.post(url, {"comment": "", "confirm": "yes"}).status_code == 302
    order.refresh_from_db()
    assert order.status == "accepted"


def test_monthly_figures_section_counts_orders(city, people, hazard):

    shanghai = timezone.get_default_timezone()
    october = datetime.date(2026, 10, 1)
    common = {
        "bureau": city.county_a,
        "school": city.school_a,
        "source": "hazard",
        "problems": "p",
        "legal_basis": "l",
        "responder": people.leader_a,
        "issued_by": people.county_official,
        "year": 2026,
    }

    def at(day):
        return datetime.datetime(2026, day[0], day[1], 10, tzinfo=shanghai)

    RectificationOrder.objects.create(
        sequence=1,
        number="1",
        issued_at=at((10, 3)),
        deadline=datetime.date(2026, 10, 20),
        **common,
    )
    RectificationOrder.objects.create(
        sequence=2,
        number="2",
        issued_at=at((10, 5)),
        accepted_at=at((10, 9)),
        status="accepted",
        deadline=datetime.date(2026, 10, 10),
        **common,
    )
    RectificationOrder.objects.create(
        sequence=3,
        number="3",
        issued_at=at((9, 5)),
        accepted_at=at((11, 2)),
        status="accepted",
        deadline=datetime.date(2026, 11, 10),
        **common,
    )
    RectificationOrder.objects.create(
        sequence=4,
        number="4",
        issued_at=at((11, 5)),
        deadline=datetime.date(2026, 11, 10),
        **common,
    )
    section = section_by_key("rectification_orders")
    rows = section.compute(city.school_a, october, at((11, 15)))["rows"]
    # issued 1 and 2; accepted 2; open at end 1 and 3; overdue (deadline before 31 Oct) 1.
    assert rows == [["", 2, 1, 2, 1]]
