"""The risk grading pages: grading on a form (Chinese errors, input kept, nothing saved),
a phone check that raises a hazard, the campus plan (upload checked like every upload,
placing, the PDF), the county's acknowledgement, and query counts flat in the rows."""

from __future__ import annotations

import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from inspections.models import Hazard
from inspections.risks.models import CampusPlan, RiskPoint, RiskReport
from safety.models import SafetyArea
from safety.responsibility.models import Post
from tests.builders import jpeg_upload


def form_data(**overrides):
    data = {
        "name": "锅炉房",
        "area": SafetyArea.objects.get(key="fire").pk,
        "danger": "锅炉超压爆炸",
        "method": "ls",
        "likelihood": "4",
        "severity": "5",
        "control_measures": "",
        "post": Post.objects.get(key="boiler_operator").pk,
    }
    data.update(overrides)
    return data


def test_a_leader_grades_a_red_point_and_sees_it_in_red(client_for):
    client = client_for("leader_a")
    refused = client.post(reverse("risks:point_new"), form_data())
    assert refused.status_code == 200
    html = refused.content.decode()
    assert "红色（重大）风险点必须填写管控措施" in html
    assert "锅炉超压爆炸" in html  # what was typed is kept
    assert not RiskPoint.objects.exists()
    response = client.post(reverse("risks:point_new"), form_data(control_measures="持证上岗"))
    point = RiskPoint.objects.get()
    assert response.url == reverse("risks:point_detail", args=[point.pk])
    page = client.get(response.url).content.decode()
    assert "红色·重大风险" in page and "每1天" in page


def test_a_value_off_the_scale_is_refused_in_chinese(client_for):
    client = client_for("leader_a")
    html = client.post(reverse("risks:point_new"), form_data(likelihood="7")).content.decode()
    assert "请从以下数值中选择：1、2、3、4、5" in html
    html = client.post(
        reverse("risks:point_new"),
        form_data(method="lec", likelihood="3", exposure="4", severity="7"),
    ).content.decode()
    assert "0.5、1、2、3、6、10" in html
    assert not RiskPoint.objects.exists()


def test_staff_check_on_a_phone_not_controlled_raises_a_hazard(client_for, make_point):
    point = make_point(4, 5)
    client = client_for("staff_a")
    page = client.get(reverse("risks:point_check", args=[point.pk]))
    assert "是否受控" in page.content.decode()
    refused = client.post(reverse("risks:point_check", args=[point.pk]), {"controlled": "no"})
    assert "请说明哪里失控" in refused.content.decode()
    response = client.post(
        reverse("risks:point_check", args=[point.pk]),
        {"controlled": "no", "note": "楼梯口无人值守", "photos": jpeg_upload()},
    )
    assert response.status_code == 302
    hazard = Hazard.objects.get(source=Hazard.Source.RISK)
    detail = client.get(reverse("risks:point_detail", args=[point.pk])).content.decode()
    assert reverse("inspections:hazard_detail", args=[hazard.pk]) in detail
    ledger = client.get(reverse("inspections:ledger")).content.decode()
    assert "楼梯口无人值守" in ledger
    back = client.get(reverse("inspections:hazard_detail", args=[hazard.pk])).content.decode()
    assert reverse("risks:point_detail", args=[point.pk]) in back and "风险点检查" in back


def _png(width=120, height=80) -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(buffer, format="PNG")
    buffer.seek(0)
    buffer.name = "平面图.png"
    return buffer


def test_the_plan_is_uploaded_checked_and_points_placed(client_for, make_point, city):
    point = make_point(4, 5)
    client = client_for("leader_a")
    plan_url = reverse("risks:plan", args=[city.school_a.pk])
    fake = io.BytesIO(b"<svg></svg>")
    fake.name = "plan.png"
    refused = client.post(reverse("risks:plan_upload", args=[city.school_a.pk]), {"image": fake})
    assert refused.status_code == 400
    assert "不是" in refused.content.decode() or "JPEG" in refused.content.decode()
    assert not CampusPlan.objects.exists()
    client.post(reverse("risks:plan_upload", args=[city.school_a.pk]), {"image": _png()})
    plan = CampusPlan.objects.get()
    assert (plan.width, plan.height) == (120, 80)
    place = reverse("risks:plan_place", args=[city.school_a.pk])
    outside = client.post(place, {"point": point.pk, "x": "1.2", "y": "0.5"})
    assert outside.status_code == 400
    assert "风险点必须标注在平面图范围内" in outside.content.decode()
    assert client.post(place, {"point": point.pk, "x": "0.25", "y": "0.5"}).status_code == 302
    html = client.get(plan_url).content.decode()
    assert 'data-level="red"' in html and "left: 25.00%" in html
    assert "图例" in html and "js/risk-plan.js" in html
    pdf = client.get(reverse("risks:plan_pdf", args=[city.school_a.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_another_schools_point_cannot_be_placed_on_this_plan(
    client_for, make_point, city, leader_b
):
    other = make_point(4, 5, school=city.school_b, actor=leader_b)
    CampusPlan.objects.create(
        school=city.school_a, image="p.png", width=1, height=1, uploaded_by=leader_b
    )
    response = client_for("leader_a").post(
        reverse("risks:plan_place", args=[city.school_a.pk]),
        {"point": other.pk, "x": "0.5", "y": "0.5"},
    )
    assert response.status_code == 404


def test_the_county_acknowledges_the_yellow_and_above_list(client_for, make_point):
    make_point(4, 5)
    make_point(3, 3)
    leader = client_for("leader_a")
    response = leader.post(reverse("risks:report_submit"))
    report = RiskReport.objects.get()
    assert response.url == reverse("risks:report_detail", args=[report.pk])
    county = client_for("county_official")
    page = county.get(reverse("risks:report_detail", args=[report.pk])).content.decode()
    assert "放学时段楼梯间" in page
    assert "确认接收清单" in page  # the button
    county.post(reverse("risks:report_acknowledge", args=[report.pk]), {"comment": "已收悉"})
    report.refresh_from_db()
    assert report.status == RiskReport.Status.ACKNOWLEDGED
    listing = county.get(reverse("risks:report_list") + "?status=acknowledged").content.decode()
    assert "已确认接收" in listing


def test_the_register_costs_the_same_queries_for_more_points(client_for, make_point, city):
    client = client_for("county_official")
    url = reverse("risks:point_list")
    make_point(4, 5)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for _ in range(12):
        make_point(3, 3)
    with CaptureQueriesContext(connection) as large:
        html = client.get(url).content.decode()
    assert html.count("list-group-item-action") == 13
    assert len(large) == len(small) <= 8
