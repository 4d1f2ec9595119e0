"""The surroundings ledger: referral to a department, the liaison's answer and its scope,
joint meetings; public reports by QR code and their abuse controls."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from inspections.models import Hazard, JointMeeting, PublicReport, SafetyArea, SurroundingsSpot
from inspections.surroundings import selectors, services
from safety.models import Notification, User
from tests.builders import jpeg_upload
from tests.pdfs import plain_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def spot_of(actor, school, **fields):
    values = {"kind": "vendor", "place": "校门口东侧", "description": "流动摊贩售卖三无食品"}
    values.update(fields)
    return services.spot_record(actor=actor, school=school, fields=values)


def test_an_official_refers_a_spot_and_the_liaison_answers_it(city, people):
    spot = spot_of(people.staff_a, city.school_a)
    assert spot.found_by == "school" and spot.status == "open"
    spot = services.spot_refer(
        actor=people.county_official, spot=spot, department="police", request_text="请依法取缔"
    )
    assert spot.status == "referred" and spot.referred_at is not None
    notices = Notification.objects.filter(kind="spot_referred")
    assert [n.recipient for n in notices] == [people.liaison]
    spot = services.spot_answer(
        actor=people.liaison, spot=spot, answer_text="已取缔，将每日巡查", resolved=True
    )
    assert spot.status == "resolved" and spot.answered_by == people.liaison
    assert Notification.objects.filter(kind="spot_answered", recipient=people.staff_a).exists()
    assert [e.to_status for e in spot.events.all()] == ["open", "referred", "resolved"]
    with pytest.raises(ValidationError):
        services.spot_answer(actor=people.liaison, spot=spot, answer_text="再次", resolved=False)


def test_school_staff_may_not_refer_and_a_liaison_only_answers_in_its_county(city, people):
    spot_a = spot_of(people.staff_a, city.school_a)
    with pytest.raises(PermissionDenied):
        services.spot_refer(
            actor=people.staff_a, spot=spot_a, department="police", request_text="x"
        )
    with pytest.raises(PermissionDenied):
        services.spot_record(
            actor=people.liaison, school=city.school_a, fields={"kind": "vendor", "place": "x"}
        )


def test_the_liaison_sees_its_county_spots_and_meetings_and_nothing_else(city, people):
    spot_a = spot_of(people.staff_a, city.school_a)
    spot_b = spot_of(people.other_county_official, city.school_b)
    services.meeting_record(
        actor=people.other_county_official,
        bureau=city.county_b,
        fields={
            "title": "乙县联席会议",
            "held_on": datetime.date(2026, 10, 1),
            "departments": ["police"],
            "attendees": "张三",
        },
        spots=[spot_b],
        decisions=[],
    )
    assert list(SurroundingsSpot.objects.visible_to(people.liaison)) == [spot_a]
    assert not JointMeeting.objects.visible_to(people.liaison).exists()
    client = Client()
    client.force_login(people.liaison)
    assert client.get(reverse("surroundings:spot_detail", args=[spot_a.pk])).status_code == 200
    assert client.get(reverse("surroundings:spot_detail", args=[spot_b.pk])).status_code == 404
    for url in ("/hazards/", "/incidents/", "/monthly/", "/responsibility/", "/education/"):
        assert client.get(url).status_code == 404, url
    assert client.get(reverse("school_detail", args=[city.school_a.pk])).status_code == 404
    assert client.get("/").url == reverse("surroundings:spot_list")
    page = client.get(reverse("surroundings:spot_list")).content.decode()
    assert "校门口东侧" in page and "群众举报" not in page


def test_a_liaison_account_belongs_to_a_county(city):
    user = User(username="x", unit=city.school_a, role=User.Role.DEPARTMENT_LIAISON)
    with pytest.raises(ValidationError):
        user.clean()


def test_a_meeting_records_decisions_tracked_to_done(client, city, people):
    spot = spot_of(people.staff_a, city.school_a)
    client.force_login(people.county_official)
    response = client.post(
        reverse("surroundings:meeting_new"),
        {
            "title": "周边环境联席会议",
            "held_on": "2026-10-20",
            "departments": ["police", "market"],
            "attendees": "派出所张警官",
            "spots": [spot.pk],
            "decisions": (
                "取缔流动摊贩 | 城关派出所 | 2026-12-31\n增设护学岗 | 交警中队 | 2026-11-30"
            ),
            "minutes_file": SimpleUploadedFile("纪要.pdf", plain_pdf(), "application/pdf"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    meeting = JointMeeting.objects.get()
    assert list(meeting.spots.all()) == [spot] and meeting.minutes
    decisions = list(meeting.decisions.all())
    assert [d.owner for d in decisions] == ["交警中队", "城关派出所"]
    services.decision_done(actor=people.liaison, decision=decisions[0])
    with pytest.raises(ValidationError):
        services.decision_done(actor=people.liaison, decision=decisions[0])


def test_a_bad_decision_line_is_refused_and_kept(client, city, people):
    client.force_login(people.county_official)
    response = client.post(
        reverse("surroundings:meeting_new"),
        {
            "title": "会议",
            "held_on": "2026-10-20",
            "departments": ["police"],
            "attendees": "张警官",
            "decisions": "取缔摊贩 | 派出所",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "第 1 行" in page and "取缔摊贩 | 派出所" in page
    assert not JointMeeting.objects.exists()


# --- public reports -----------------------------------------------------------------------


def public_url(school):
    return reverse("surroundings:public_form", args=[selectors.poster_token(school)])


def report(client, school, **data):
    values = {"category": "surroundings", "text": "校门口有人兜售香烟", "phone": ""}
    values.update(data)
    return client.post(public_url(school), values, REMOTE_ADDR=data.pop("addr", "10.0.0.1"))


def test_a_member_of_the_public_reports_and_the_school_accepts_it_as_a_hazard(city, people):
    anonymous = Client()
    page = anonymous.get(public_url(city.school_a)).content.decode()
    assert city.school_a.name in page
    assert city.school_a.address not in page or not city.school_a.address
    response = report(anonymous, city.school_a, category="hazard", photo=jpeg_upload())
    assert response.status_code == 200
    item = PublicReport.objects.get()
    assert item.reference in response.content.decode()
    assert item.status == "unverified" and item.photo
    assert Notification.objects.filter(kind="public_report", recipient=people.staff_a).exists()
    client = Client()
    client.force_login(people.staff_a)
    area = SafetyArea.objects.get(key="surroundings")
    response = client.post(
        reverse("surroundings:report_accept", args=[item.pk]),
        {"as_kind": "hazard", "area": area.pk, "severity": "general", "place": "东门"},
    )
    assert response.status_code == 302
    hazard = Hazard.objects.get()
    assert hazard.source == Hazard.Source.PUBLIC and hazard.public_report == item
    assert hazard.photos.count() == 1
    item.refresh_from_db()
    assert item.status == "accepted" and item.decided_by == people.staff_a
    with pytest.raises(ValidationError):
        services.public_report_dismiss(actor=people.staff_a, report=item, reason="重复")


def test_a_report_accepted_as_a_spot_is_found_by_the_public(city, people):
    report(Client(), city.school_a)
    item = PublicReport.objects.get()
    spot = services.public_report_accept_as_spot(
        actor=people.leader_a, report=item, fields={"kind": "vendor", "place": "东门"}
    )
    assert spot.found_by == "public" and spot.public_report == item


def test_dismissal_asks_once_and_keeps_the_reason(city, people):
    report(Client(), city.school_a)
    item = PublicReport.objects.get()
    client = Client()
    client.force_login(people.staff_a)
    url = reverse("surroundings:report_dismiss", args=[item.pk])
    assert client.post(url, {"reason": "现场核实无此情况"}).status_code == 200
    item.refresh_from_db()
    assert item.status == "unverified"
    assert client.post(url, {"reason": "现场核实无此情况", "confirm": "yes"}).status_code == 302
    item.refresh_from_db()
    assert (item.status, item.dismiss_reason) == ("dismissed", "现场核实无此情况")
    client.force_login(people.staff_a2)
    assert client.get(reverse("surroundings:report_detail", args=[item.pk])).status_code == 404


def test_the_rate_limit_per_address_and_per_school(city, settings):
    settings.PUBLIC_REPORT_LIMITS = (2, 3)
    anonymous = Client()
    assert report(anonymous, city.school_a, addr="10.0.0.1").status_code == 200
    assert report(anonymous, city.school_a, addr="10.0.0.1").status_code == 200
    limited = report(anonymous, city.school_a, addr="10.0.0.1")
    assert limited.status_code == 429 and "请稍后再试" in limited.content.decode()
    assert report(anonymous, city.school_a, addr="10.0.0.2").status_code == 200
    # The school's three for the hour are used up, whatever the address.
    assert report(anonymous, city.school_a, addr="10.0.0.3").status_code == 429
    assert report(anonymous, city.school_b, addr="10.0.0.3").status_code == 200
    assert PublicReport.objects.filter(school=city.school_a).count() == 3


def test_the_honeypot_stores_nothing(city):
    response = report(Client(), city.school_a, website="http://spam.example")
    assert response.status_code == 200 and "JB" in response.content.decode()
    assert not PublicReport.objects.exists()


def test_bad_files_oversized_text_and_html_are_refused(city, settings):
    anonymous = Client()
    fake = SimpleUploadedFile("x.jpg", b"<?php echo 1; ?>", "image/jpeg")
    response = report(anonymous, city.school_a, photo=fake)
    assert response.status_code == 400 and "未能上传" in response.content.decode()
    response = report(anonymous, city.school_a, text="很" * 1001)
    assert response.status_code == 400 and "1000" in response.content.decode()
    response = report(anonymous, city.school_a, text="<script>alert(1)</script>门口有人")
    body = response.content.decode()
    assert response.status_code == 400 and "<script>alert(1)" not in body
    assert "不要包含HTML" in body
    response = report(anonymous, city.school_a, phone="abc")
    assert response.status_code == 400
    settings.UPLOAD_MAX_BYTES = 100
    response = report(anonymous, city.school_a, photo=jpeg_upload())
    assert response.status_code == 400
    assert not PublicReport.objects.exists()


def test_a_forged_or_unknown_token_is_a_404(city):
    anonymous = Client()
    token = selectors.poster_token(city.school_a)
    assert anonymous.get(f"/surroundings/r/{token}x/").status_code == 404
    assert anonymous.get("/surroundings/r/1.abc/").status_code == 404
    city.school_a.is_active = False
    city.school_a.save()
    assert anonymous.get(f"/surroundings/r/{token}/").status_code == 404


def test_the_poster_is_a_pdf_with_the_qr_address(client, city, people):
    client.force_login(people.staff_a)
    response = client.get(reverse("surroundings:poster", args=[city.school_a.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    client.force_login(people.staff_a2)
    assert client.get(reverse("surroundings:poster", args=[city.school_a.pk])).status_code == 404


def test_the_liaison_may_switch_language_and_its_menu_has_two_items(city, people):
    client = Client()
    client.force_login(people.liaison)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/surroundings/"})
    assert response.status_code == 302
    page = client.get(reverse("surroundings:spot_list"))
    labels = [item["label"] for item in page.context["nav_items"]]
    assert len(labels) == 2
