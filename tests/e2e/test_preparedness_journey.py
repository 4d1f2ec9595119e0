"""Emergency preparedness (issue #14): on a phone, school staff plan and record a drill with
photos and enter a problem it showed in the hazard ledger; at a desk, the county official
reads the coverage view and acknowledges a plan filed by a school."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from inspections.models import Hazard
from tests.builders import jpeg_bytes
from tests.e2e.test_journey import DESKTOP, PHONE, log_in

SCHOOL = "江城区实验小学"
SCHOOL_CODE = "2136080201"


@pytest.mark.browser_context_args(viewport=PHONE)
def test_staff_record_a_drill_whose_problem_becomes_a_hazard(
    page: Page, live_server, demo_city, tmp_path
):
    photo = tmp_path / "疏散.jpg"
    photo.write_bytes(jpeg_bytes(size=(320, 240)))
    log_in(page, live_server.url, "school.staff")
    page.locator(".navbar-toggler").click()
    page.get_by_role("navigation").get_by_role("link", name="应急预案与演练").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(SCHOOL)

    page.get_by_role("link", name="计划或登记演练").click()
    page.get_by_label("预案类别").select_option(label="火灾")
    page.get_by_label("日期").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="计划演练").click()
    expect(page.get_by_test_id("drill-status")).to_have_text("计划")

    page.get_by_role("link", name="登记演练").click()
    expect(page.get_by_text("本校疏散目标用时：180 秒")).to_be_visible()
    page.get_by_label("参演学生人次").fill("99999")
    page.get_by_label("参演教职工人次").fill("110")
    page.get_by_label("疏散用时（秒）").fill("175")
    page.get_by_label("演练评估").fill("各班按路线有序撤离，东侧楼梯略拥堵。")
    page.get_by_label("照片").set_input_files(str(photo))
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.get_by_role("button", name="保存演练记录").click()
    expect(page.get_by_text("超过本校学生数 2150")).to_be_visible()
    expect(page.get_by_label("演练评估")).to_have_value("各班按路线有序撤离，东侧楼梯略拥堵。")
    page.get_by_label("参演学生人次").fill("2080")
    page.get_by_label("照片").set_input_files(str(photo))  # a browser never refills a file
    page.get_by_role("button", name="保存演练记录").click()

    expect(page.get_by_test_id("drill-status")).to_have_text("已登记")
    expect(page.get_by_test_id("evacuation")).to_contain_text("175 秒")
    expect(page.get_by_test_id("drill-photos").locator("img")).to_have_count(1)
    page.get_by_label("发现的问题").fill("东侧楼梯转角应急照明不亮")
    page.get_by_label("安全领域").select_option(index=1)
    page.get_by_label("位置").fill("教学楼东侧楼梯")
    page.get_by_role("button", name="添加问题").click()
    problem = page.get_by_test_id("drill-problems").locator("li").first
    expect(problem).to_contain_text("东侧楼梯转角应急照明不亮")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    problem.get_by_role("button", name="登记为隐患").click()

    hazard = Hazard.objects.get(description="东侧楼梯转角应急照明不亮")
    expect(page).to_have_url(f"{live_server.url}/hazards/{hazard.pk}/")
    expect(page.get_by_text("应急演练", exact=False).first).to_be_visible()
    page.get_by_test_id("hazard-drill").click()
    expect(page.get_by_test_id("problem-hazard")).to_contain_text(f"隐患 #{hazard.pk}")


@pytest.mark.browser_context_args(viewport=DESKTOP)
def test_county_official_reads_the_coverage_and_acknowledges_a_plan(
    page: Page, live_server, demo_city
):
    log_in(page, live_server.url, "jc.official")
    page.get_by_test_id("preparedness-card").get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("应急预案与演练")
    row = page.locator(f'[data-testid="preparedness-coverage"] tr[data-school="{SCHOOL_CODE}"]')
    expect(row.get_by_test_id("plans-state")).to_contain_text("1 项待确认")
    expect(page.get_by_test_id("county-trend")).to_contain_text("江城区")
    page.get_by_label("查看").select_option(label="本期演练未达标")
    page.get_by_role("button", name="筛选").click()
    expect(page.locator('[data-testid="drills-done"]').first).to_contain_text("未完成")

    page.get_by_test_id("waiting-plans").get_by_role("link").first.click()
    expect(page.get_by_test_id("plan-status")).to_have_text("待备案确认")
    page.get_by_role("button", name="确认备案").click()
    expect(page.get_by_test_id("confirm")).to_contain_text("确认后该版本不可再修改")
    page.get_by_test_id("confirm").get_by_role("button", name="确认备案").click()
    expect(page.get_by_test_id("plan-status")).to_have_text("已备案")
    expect(page.get_by_text("该版本已备案，不可修改")).to_be_visible()
