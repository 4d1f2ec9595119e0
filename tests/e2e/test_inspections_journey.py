"""At phone size: staff file an inspection with a photo and one hazard, a leader assigns
it, the owner submits evidence, a verifier closes it; the county sees it, another county 404s."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from inspections.models import Hazard
from safety.demo import DEMO_PASSWORD
from safety.models import User
from tests.builders import jpeg_bytes

PHONE = {"width": 375, "height": 812}


def log_in(page: Page, base_url: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base_url}/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("main").get_by_role("button").click()
    expect(page).to_have_url(f"{base_url}/")
    # Bootstrap's script (the menu toggler) runs at the end of the page: under load a click
    # on the toggler could otherwise land before it is wired up.
    page.wait_for_load_state("load")


def user_id(username: str) -> int:
    return User.objects.get(username=username).pk


def jpeg(tmp_path):
    path = tmp_path / "灭火器.jpg"
    path.write_bytes(jpeg_bytes(size=(320, 240)))
    return path


@pytest.mark.browser_context_args(viewport=PHONE)
def test_hazard_from_phone_inspection_to_closure(page: Page, live_server, demo_city, tmp_path):
    base = live_server.url
    log_in(page, base, "school.staff")
    page.get_by_role("button", name="菜单").click()
    page.get_by_role("navigation").get_by_role("link", name="安全检查").click()
    page.get_by_role("link", name="新建检查").click()
    page.get_by_label("检查表").select_option(label="消防安全检查表")
    page.get_by_role("button", name="开始").click()

    items = page.locator("[data-testid=item]")
    for index in range(items.count()):
        item = items.nth(index)
        item.locator("label", has_text="隐患" if index == 0 else "合格").first.click()
    first = items.nth(0)
    first.locator("summary").click()
    first.locator("textarea").fill("三楼东侧灭火器压力不足")
    first.locator("input[type=file]").set_input_files(str(jpeg(tmp_path)))
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.get_by_role("button", name="提交检查").click()
    expect(page.locator(".alert-success")).to_contain_text("1")

    hazard = Hazard.objects.get(description__contains="三楼东侧灭火器压力不足")
    assert hazard.photos.count() == 1

    log_in(page, base, "school.leader")
    page.goto(f"{base}/hazards/{hazard.pk}/")
    form = page.locator("[data-testid=action-assign]")
    form.get_by_label("整改责任人").select_option(value=str(user_id("school.staff")))
    form.get_by_label("督办人").select_option(value=str(user_id("school.leader")))
    form.get_by_role("button", name="交办整改").click()
    expect(page.locator("[data-testid=timeline]")).to_contain_text("已交办整改")

    log_in(page, base, "school.staff")
    page.goto(f"{base}/hazards/{hazard.pk}/")
    form = page.locator("[data-testid=action-submit]")
    form.locator("textarea").fill("已更换合格灭火器")
    form.locator("input[type=file]").set_input_files(str(jpeg(tmp_path)))
    form.get_by_role("button", name="提交整改").click()
    expect(page.locator("[data-testid=timeline]")).to_contain_text("已更换合格灭火器")

    log_in(page, base, "jc.official")
    page.goto(f"{base}/hazards/{hazard.pk}/")
    form = page.locator("[data-testid=action-verify]")
    form.get_by_role("button", name="验收通过并销号").click()
    page.get_by_test_id("confirm").get_by_role("button", name="验收通过并销号").click()
    expect(page.locator("h1")).to_contain_text("已销号")
    page.goto(f"{base}/hazards/?status=closed")
    expect(page.locator("[data-testid=ledger]")).to_contain_text("三楼东侧灭火器压力不足")

    log_in(page, base, "dh.official")
    response = page.goto(f"{base}/hazards/{hazard.pk}/")
    assert response is not None and response.status == 404
