"""#20 in a browser, in Chinese: a school leader grades a point red and places it on the
campus plan; a staff member checks it on a phone and finds it not controlled (a hazard
appears); the county acknowledges the yellow-and-above list; a hazard deadline of 5 working
days set on 2026-09-29 lands on 2026-10-12 after National Day; a bureau official sorts the
ledger table by deadline."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from inspections.models import Hazard
from inspections.risks.models import RiskPoint, RiskReport
from safety.models import Organisation

from .test_inspections_journey import PHONE, log_in, user_id

DESKTOP = {"width": 1280, "height": 900}


def test_risk_point_from_grading_to_the_county_and_the_ledger_table(
    page: Page, live_server, demo_city, monkeypatch
):
    base = live_server.url
    school = Organisation.objects.get(code="2136080201")

    # A school leader grades the boiler room red: refused without control measures first.
    page.set_viewport_size(DESKTOP)
    log_in(page, base, "school.leader")
    page.goto(f"{base}/risks/new/")
    form = page.get_by_test_id("point-form")
    form.get_by_label("场所或活动").fill("锅炉房")
    form.get_by_label("安全领域").select_option(label="消防")
    form.get_by_label("可能发生的事故").fill("锅炉超压爆炸、烫伤")
    form.get_by_label("可能性（L）").fill("4")
    form.get_by_label("后果严重性（S或C）").fill("5")
    form.get_by_label("管控岗位").select_option(label="锅炉工")
    form.get_by_role("button", name="保存并评级").click()
    expect(page.locator("main")).to_contain_text("红色（重大）风险点必须填写管控措施")
    expect(form.get_by_label("场所或活动")).to_have_value("锅炉房")
    form.get_by_label("管控措施").fill("锅炉工持证上岗，每日巡检压力表")
    form.get_by_role("button", name="保存并评级").click()
    expect(page.locator("h1")).to_contain_text("红色·重大风险")
    point = RiskPoint.objects.get(name="锅炉房")

    # …and places it on the campus plan: choose it, tap its place.
    page.get_by_role("link", name="校园平面图").click()
    page.get_by_test_id("place-choice").select_option(value=str(point.pk))
    page.locator("#risk-plan img").click(position={"x": 100, "y": 100})
    expect(page.locator(".alert-success")).to_contain_text("锅炉房")
    expect(page.locator(f"#risk-plan [data-point='{point.pk}']")).to_have_attribute(
        "data-level", "red"
    )
    expect(page.get_by_test_id("legend")).to_contain_text("红色·重大风险")
    point.refresh_from_db()
    assert point.is_placed and 0 < point.plan_x < 1

    # A staff member checks it on a phone: not controlled → a hazard in the ledger.
    page.set_viewport_size(PHONE)
    log_in(page, base, "school.staff")
    page.goto(f"{base}/risks/{point.pk}/")
    page.get_by_test_id("check-link").click()
    page.get_by_label("失控").check()
    page.get_by_label("备注").fill("压力表读数超过红线，无巡检记录")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.get_by_role("button", name="登记检查").click()
    expect(page.locator(".alert-warning")).to_contain_text("隐患台账")
    page.get_by_test_id("hazard-link").click()
    expect(page.locator("[data-testid=description]")).to_contain_text("压力表读数超过红线")
    expect(page.locator("main")).to_contain_text("风险点检查")
    assert Hazard.objects.filter(risk_check__point=point, severity="major").count() == 1

    # The county acknowledges the yellow-and-above list (the demo school reported one).
    page.set_viewport_size(DESKTOP)
    log_in(page, base, "jc.official")
    page.goto(f"{base}/risks/lists/?status=submitted")
    page.get_by_test_id("reports").get_by_role("link").first.click()
    expect(page.get_by_test_id("report-rows")).to_contain_text("放学时段教学楼楼梯间")
    page.get_by_test_id("acknowledge").click()
    expect(page.get_by_test_id("report-status")).to_have_text("已确认接收")
    assert RiskReport.objects.get(school=school).status == "acknowledged"

    # A deadline of 5 working days set on 29 September 2026 (江城区 counts working days).
    monkeypatch.setattr(timezone, "localdate", lambda *args: datetime.date(2026, 9, 29))
    hazard = Hazard.objects.get(description="【演示】食堂留样记录不全")
    log_in(page, base, "school.leader")
    page.goto(f"{base}/hazards/{hazard.pk}/")
    form = page.locator("[data-testid=action-assign]")
    form.get_by_label("整改责任人").select_option(value=str(user_id("school.staff")))
    form.get_by_label("督办人").select_option(value=str(user_id("school.leader")))
    form.get_by_role("button", name="交办整改").click()
    expect(page.locator("[data-testid=timeline]")).to_contain_text("2026-10-12")
    hazard.refresh_from_db()
    assert hazard.deadline == datetime.date(2026, 10, 12)
    monkeypatch.undo()

    # A bureau official sorts the ledger table by deadline.
    log_in(page, base, "jc.official")
    page.goto(f"{base}/hazards/?open=on")
    table = page.get_by_test_id("ledger-table")
    expect(table).to_be_visible()
    table.get_by_role("link", name="整改期限").click()
    expect(page).to_have_url(f"{base}/hazards/?open=on&sort=deadline")
    deadlines = [
        text.split(" ")[0]
        for text in table.locator("td[data-column=deadline]").all_inner_texts()
        if text.strip() != "—"
    ]
    assert deadlines == sorted(deadlines) and "2026-10-12" in deadlines
    expect(page.locator("th.asc")).to_contain_text("整改期限")


@pytest.mark.browser_context_args(viewport=PHONE)
def test_the_phone_keeps_the_ledger_cards(page: Page, live_server, demo_city):
    log_in(page, live_server.url, "jc.official")
    page.goto(f"{live_server.url}/hazards/")
    expect(page.get_by_test_id("ledger")).to_be_visible()
    expect(page.get_by_test_id("ledger-table")).to_be_hidden()
