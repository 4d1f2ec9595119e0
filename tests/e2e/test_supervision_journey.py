"""Bureau supervision in a real browser at phone size (issue #18): the city launches a
campaign that 江城区 forwards; the school completes it on a phone with one hazard; the city's
board shows it; the county sends a notice requiring a reply and returns the reply; an order is
issued from the hazard, replied to with evidence and accepted; another county gets 404s."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from inspections.models import Campaign, Hazard
from reporting.models import Notice, RectificationOrder
from safety.models import User
from tests.builders import jpeg_bytes

from .test_inspections_journey import PHONE, log_in


def day(offset: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=offset)).isoformat()


def fits(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def launch_and_forward(page: Page, base: str) -> Campaign:
    log_in(page, base, "city.official")
    page.goto(f"{base}/campaigns/new/")
    page.get_by_label("标题").fill("暑期防溺水专项检查")
    page.get_by_label("目的与要求").fill("排查校园周边水域风险")
    page.get_by_label("从检查表模板中选择").select_option(label="消防安全检查表")
    page.get_by_label("截止日期").fill(day(20))
    page.get_by_role("button", name="发起").click()
    expect(page.locator("h1")).to_have_text("暑期防溺水专项检查")
    campaign = Campaign.objects.get(title="暑期防溺水专项检查")

    log_in(page, base, "jc.official")
    page.goto(f"{base}/campaigns/{campaign.pk}/")
    page.get_by_role("link", name="转发至本区县学校").click()
    page.get_by_label("区县截止日期").fill(day(10))
    page.get_by_label("区县工作要求").fill("请于十日内完成")
    page.get_by_role("button", name="转发").click()
    expect(page.locator(".alert-info")).to_contain_text("本局已转发该专项行动")
    return campaign


def complete_on_phone(page: Page, base: str, tmp_path) -> Hazard:
    log_in(page, base, "school.staff")
    page.get_by_role("button", name="菜单").click()
    page.get_by_role("navigation").get_by_role("link", name="专项整治").click()
    page.get_by_role("link", name="暑期防溺水专项检查").click()
    expect(page.locator("main")).to_contain_text("请于十日内完成")
    page.get_by_role("button", name="开始专项检查").click()
    items = page.locator("[data-testid=item]")
    for index in range(items.count()):
        items.nth(index).locator("label", has_text="隐患" if index == 0 else "合格").first.click()
    items.nth(0).locator("summary").click()
    items.nth(0).locator("textarea").fill("校门外水塘护栏缺失")
    fits(page)
    page.get_by_role("button", name="提交检查").click()
    page.get_by_test_id("campaign-task-link").click()
    page.get_by_label("简要报告").fill("已完成检查，发现护栏缺失一处。")
    fits(page)
    page.get_by_role("button", name="提交专项报告").click()
    page.get_by_test_id("confirm").get_by_role("button", name="提交专项报告").click()
    expect(page.get_by_test_id("task-status")).to_have_text("已提交")
    return Hazard.objects.get(description__contains="校门外水塘护栏缺失")


def notice_returned(page: Page, base: str) -> None:
    log_in(page, base, "jc.official")
    page.goto(f"{base}/notices/new/")
    page.get_by_label("标题").fill("关于报送护栏排查情况的通知")
    page.get_by_label("正文").fill("请各校报送校园周边护栏排查情况。")
    page.get_by_label("要求回复日期").fill(day(5))
    page.get_by_role("button", name="发布").click()
    expect(page.locator("h1")).to_contain_text("关于报送护栏排查情况的通知")
    notice = Notice.objects.get(title="关于报送护栏排查情况的通知")

    log_in(page, base, "school.staff")
    page.goto(f"{base}/notices/")
    page.get_by_role("link", name="关于报送护栏排查情况的通知").click()
    page.locator("#id_text").fill("已排查，护栏缺失一处。")
    fits(page)
    page.get_by_role("button", name="提交回复").click()
    expect(page.get_by_test_id("reply-status")).to_have_text("已提交")

    log_in(page, base, "jc.official")
    page.goto(f"{base}/notices/{notice.pk}/")
    expect(page.get_by_test_id("notice-counts")).to_contain_text("已读1")
    page.get_by_role("link", name="江城区实验小学").click()
    page.get_by_label("备注").fill("请附整改计划。")
    page.get_by_role("button", name="附意见退回").click()
    expect(page.get_by_test_id("reply-status")).to_have_text("已退回")


def order_accepted(page: Page, base: str, hazard: Hazard, tmp_path) -> None:
    log_in(page, base, "jc.official")
    page.goto(f"{base}/hazards/{hazard.pk}/")
    page.get_by_role("link", name="下发整改通知书").click()
    page.get_by_label("整改期限").fill(day(7))
    leader = User.objects.get(username="school.leader")
    page.get_by_label("回复责任人").select_option(value=str(leader.pk))
    page.get_by_role("button", name="下发").click()
    expect(page.get_by_test_id("order-number")).to_contain_text("江教安督")
    order = RectificationOrder.objects.get(hazard=hazard)

    log_in(page, base, "school.leader")
    page.goto(f"{base}/orders/{order.pk}/")
    page.get_by_label("整改情况").fill("已加装护栏并设置警示标志。")
    photo = tmp_path / "护栏.jpg"
    photo.write_bytes(jpeg_bytes(size=(320, 240)))
    page.get_by_label("佐证材料").set_input_files(str(photo))
    fits(page)
    page.get_by_role("button", name="提交回复").click()
    expect(page.get_by_test_id("order-status")).to_have_text("已回复")

    log_in(page, base, "jc.official")
    page.goto(f"{base}/orders/{order.pk}/")
    page.get_by_role("button", name="整改验收通过").click()
    page.get_by_test_id("confirm").get_by_role("button", name="整改验收通过").click()
    expect(page.get_by_test_id("order-status")).to_have_text("已通过")

    log_in(page, base, "dh.official")
    response = page.goto(f"{base}/orders/{order.pk}/")
    assert response is not None and response.status == 404


@pytest.mark.browser_context_args(viewport=PHONE)
def test_campaign_notice_and_order(page: Page, live_server, demo_city, tmp_path):
    base = live_server.url
    campaign = launch_and_forward(page, base)
    hazard = complete_on_phone(page, base, tmp_path)
    assert hazard.campaign_id == campaign.pk

    log_in(page, base, "city.official")
    page.goto(f"{base}/campaigns/{campaign.pk}/")
    expect(page.get_by_test_id("hazards-found")).to_have_text("1")
    page.get_by_label("状态").select_option(value="submitted")
    page.get_by_role("button", name="筛选").click()
    expect(page.locator("main")).to_contain_text("江城区实验小学")
    fits(page)

    notice_returned(page, base)
    order_accepted(page, base, hazard, tmp_path)
