"""Daily guarding in a browser, in Chinese: the gatekeeper registers a visitor on a phone
(a whole identity number is refused and not kept), the dormitory manager marks a room at
bedtime and follows up the absence, and the county official sees the schools' counts (no
names) and acknowledges a holiday duty roster."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from safety.guarding.models import GateEntry
from safety.models import Organisation
from tests.e2e.test_journey import DESKTOP, PHONE, log_in

DAY_SCHOOL = "江城区实验小学"
BOARDING_SCHOOL = "江城区外国语学校"


def _open_guarding(page: Page) -> None:
    page.locator(".navbar-toggler").click()
    page.get_by_role("navigation").get_by_role("link", name="安全防范", exact=True).click()


@pytest.mark.browser_context_args(viewport=PHONE)
def test_gatekeeper_registers_a_visitor_on_a_phone(page: Page, live_server, demo_city):
    log_in(page, live_server.url, "gate.keeper")
    _open_guarding(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(DAY_SCHOOL)
    page.locator(".guarding-tabs").get_by_role("link", name="门卫登记").click()

    page.locator("#id_name").fill("欧阳明")
    page.locator("#id_id_last4").evaluate("(input) => input.removeAttribute('maxlength')")
    page.locator("#id_id_last4").fill("36080219800101123X")
    page.locator("#id_phone").fill("1380000")
    page.locator("#id_purpose").fill("维修多媒体设备")
    page.locator("#id_person_visited").fill("信息中心刘老师")
    page.get_by_role("button", name="登记", exact=True).click()
    expect(page.get_by_text("请勿输入完整证件号码：只登记证件号码后四位。")).to_be_visible()
    expect(page.get_by_text("电话号码格式不正确", exact=False)).to_be_visible()
    expect(page.locator("#id_id_last4")).to_have_value("")  # the number is not echoed back
    expect(page.locator("#id_name")).to_have_value("欧阳明")  # what was typed is kept

    page.locator("#id_id_last4").fill("123x")
    page.locator("#id_phone").fill("13800001234")
    page.get_by_role("button", name="登记", exact=True).click()
    expect(page.get_by_text("已登记。")).to_be_visible()
    visitor = page.locator("li", has_text="欧阳明").first
    expect(visitor).to_contain_text("维修多媒体设备")
    assert GateEntry.objects.get(name="欧阳明").id_last4 == "123X"
    visitor.get_by_role("button", name="已离开").click()
    expect(page.get_by_text("已记录离开时间。")).to_be_visible()
    assert GateEntry.objects.get(name="欧阳明").time_out is not None


@pytest.mark.browser_context_args(viewport=PHONE)
def test_dormitory_manager_marks_a_room_and_follows_up(page: Page, live_server, demo_city):
    log_in(page, live_server.url, "dorm.manager")
    _open_guarding(page)
    page.locator(".guarding-tabs").get_by_role("link", name="就寝点名").click()
    page.get_by_role("link", name="男生宿舍 101").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("就寝点名：男生宿舍 101")
    page.locator("select").first.select_option(label="原因不明")
    page.get_by_role("button", name="提交点名结果").click()
    expect(page.get_by_text("男生宿舍 101 已点名。")).to_be_visible()
    expect(page.get_by_role("link", name="男生宿舍 101")).to_contain_text("实到 4/5")

    absence = page.locator("li", has_text="男生宿舍 101").first
    expect(absence).to_contain_text("七年级（1）班")
    absence.get_by_label("已联系家长").check()
    absence.get_by_label("结果").select_option(label="在校内找到")
    absence.get_by_role("button", name="记录").click()
    expect(page.get_by_text("跟进情况已记录。")).to_be_visible()
    expect(page.get_by_text("待跟进的缺勤")).to_have_count(0)


@pytest.mark.browser_context_args(viewport=DESKTOP)
def test_county_official_sees_counts_and_acknowledges_a_holiday_roster(
    page: Page, live_server, demo_city
):
    log_in(page, live_server.url, "jc.official")
    page.get_by_role("navigation").get_by_role("link", name="安全防范", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("辖区日常安全防范")
    boarding = page.locator("tr", has_text=BOARDING_SCHOOL)
    expect(boarding).to_contain_text("未报值班表")
    expect(page.locator("main")).not_to_contain_text("黄秀兰")  # no names on the bureau view
    school = Organisation.objects.get(name=DAY_SCHOOL)
    page.goto(f"{live_server.url}/guarding/units/{school.pk}/rosters/")
    page.get_by_role("link", name="寒假").click()
    page.get_by_label("收悉").check()
    page.get_by_role("button", name="提交处理意见").click()
    expect(page.get_by_text("已处理该值班表。")).to_be_visible()
    expect(page.locator("main")).to_contain_text("已收悉")
    # The pupils' list stays closed to the county.
    boarding_school = Organisation.objects.get(name=BOARDING_SCHOOL)
    response = page.goto(f"{live_server.url}/guarding/units/{boarding_school.pk}/pupils/")
    assert response.status == 403
