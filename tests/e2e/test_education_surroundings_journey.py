"""#17: a teacher records a lesson on a phone; a county official refers a spot to the police;
the police liaison account answers it; a member of the public reports through the QR form on
a phone and the school accepts it as a hazard."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from inspections.surroundings.selectors import poster_token
from safety.models import Organisation
from tests.e2e.test_journey import DESKTOP, PHONE, log_in

SCHOOL_CODE = "2136080201"


def open_menu_item(page: Page, name: str) -> None:
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()
    page.get_by_role("navigation").get_by_role("link", name=name, exact=True).click()


@pytest.mark.browser_context_args(viewport=PHONE)
def test_lesson_referral_answer_and_public_report(page: Page, live_server, demo_city, browser):
    # A teacher records a lesson on a phone.
    log_in(page, live_server.url, "school.staff")
    open_menu_item(page, "安全教育")
    expect(page.get_by_role("heading", level=1)).to_contain_text("江城区实验小学")
    page.get_by_role("link", name="记录教育活动").click()
    page.get_by_label("专题").select_option(label="防溺水")
    page.get_by_label("标题").fill("防溺水“六不”安全课")
    page.get_by_label("覆盖班级或年级").fill("一年级1班，一年级2班")
    page.get_by_label("受教育学生人数").fill("88")
    page.get_by_label("授课教师或主讲人").fill("李娜")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("status").first).to_contain_text("已记录")
    expect(page.get_by_role("heading", level=1)).to_contain_text("安全教育课 · 防溺水")
    expect(page.locator("main")).to_contain_text("一年级1班，一年级2班")

    # A county official refers the traffic spot at the gate to the police.
    official = browser.new_page(viewport=DESKTOP)
    log_in(official, live_server.url, "jc.official")
    open_menu_item(official, "周边环境")
    official.get_by_role("link", name=re.compile("校门口滨江路")).click()
    expect(official.get_by_test_id("spot-status").first).to_have_text("待处理")
    official.get_by_label("责任部门").select_option(label="公安")
    official.get_by_label("提请事项").fill("请派出所在上下学时段安排警力疏导交通。")
    official.get_by_role("button", name="移交", exact=True).click()
    expect(official.get_by_test_id("spot-status").first).to_have_text("已移交")
    spot_url = official.url
    official.close()

    # The police liaison account answers it and closes it as resolved.
    police = browser.new_page(viewport=PHONE)
    police.goto(f"{live_server.url}/accounts/login/")
    police.locator("#id_username").fill("jc.police")
    police.locator("#id_password").fill("SafeCampus@2026")
    police.locator("main").get_by_role("button").click()
    expect(police).to_have_url(re.compile(r"/surroundings/$"))
    police.goto(spot_url)
    police.get_by_label("部门答复内容").fill("已安排民警每日7:20—8:00在校门口执勤疏导。")
    police.get_by_label("已解决：办结该点位").check()
    police.get_by_role("button", name="提交答复").click()
    expect(police.get_by_test_id("spot-status").first).to_have_text("已解决")
    expect(police.get_by_test_id("answer")).to_contain_text("每日7:20")
    police.goto(f"{live_server.url}/hazards/")
    expect(police.get_by_role("heading", level=1)).not_to_contain_text("隐患")
    police.close()

    # A member of the public reports through the QR form on a phone.
    school = Organisation.objects.get(code=SCHOOL_CODE)
    public = browser.new_page(viewport=PHONE)
    public.goto(f"{live_server.url}/surroundings/r/{poster_token(school)}/")
    expect(public.get_by_test_id("school-name")).to_have_text("江城区实验小学")
    public.get_by_label("校内安全隐患").check()
    public.get_by_label("您看到了什么？在哪里？").fill("教学楼三楼东侧楼梯扶手松动，课间学生很多。")
    public.get_by_label("回访电话（可选）").fill("13979800000")
    public.get_by_role("button", name="提交举报").click()
    reference = public.get_by_test_id("reference").inner_text()
    assert reference.startswith("JB")
    public.close()

    # The school accepts it: it becomes a hazard with source "public".
    page.goto(f"{live_server.url}/surroundings/reports/")
    page.get_by_role("link", name=re.compile(reference)).click()
    expect(page.get_by_test_id("report-status")).to_have_text("待核实的群众举报")
    page.get_by_label("受理方式").select_option(label="转为安全隐患")
    page.get_by_label("安全领域（转隐患时）").select_option(label="校舍及教育教学设施设备")
    page.get_by_role("button", name="受理", exact=True).click()
    expect(page.locator("main")).to_contain_text("楼梯扶手松动")
    expect(page.locator("main")).to_contain_text("群众举报")
