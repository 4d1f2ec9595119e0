"""An off-campus activity up the approval chain, in a real browser: the school leader
applies on a phone (a 45-seat bus with 52 passengers is refused in Chinese, the input kept),
submits and signs the school step; the county official finds it in the to-do list at a
desktop and approves it; after the activity the school files its summary."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from reporting.activities.models import Activity

from .test_journey import log_in, log_out

PHONE = {"width": 375, "height": 800}


@pytest.mark.browser_context_args(viewport=PHONE)
def test_activity_applied_on_a_phone_approved_at_a_desktop_and_summarised(
    page: Page, live_server, demo_city
):
    base = live_server.url
    day = timezone.localdate() + datetime.timedelta(days=12)

    # The school leader applies on a phone.
    log_in(page, base, "school.leader")
    page.goto(f"{base}/activities/")
    page.get_by_test_id("apply").click()
    page.locator("#id_kind").select_option("study_tour")
    page.locator("#id_title").fill("四年级科技馆研学")
    page.locator("#id_starts_at").fill(f"{day:%Y-%m-%d}T08:30")
    page.locator("#id_ends_at").fill(f"{day:%Y-%m-%d}T16:00")
    page.locator("#id_place").fill("临江市科技馆")
    page.locator("#id_is_off_campus").check()
    page.locator("#id_pupils").fill("48")
    page.locator("#id_staff").fill("4")
    page.locator("#id_person_in_charge").select_option(label="张伟")
    page.locator("#id_safety_officer").select_option(label="李娜")
    page.locator("#id_safety_plan").fill("分组参观，每组一名教师。")
    page.locator("#id_emergency_measures").fill("随队校医；走失按预案报警。")
    page.locator("#id_consent_count").fill("48")
    page.locator("#id_transport_2").check()  # a hired operator
    page.locator("#id_operator_name").fill("临江顺达旅游客运有限公司")
    page.locator("#id_operator_licence").fill("赣交运管许可临字360400001号")
    page.locator("#id_vehicles-0-plate").fill("赣G·A7788")
    page.locator("#id_vehicles-0-seats").fill("45")
    page.locator("#id_vehicles-0-driver_name").fill("孙建华")
    page.locator("#id_vehicles-0-licence_class").fill("A1")
    page.locator("#id_vehicles-0-passengers").fill("52")
    page.get_by_role("button", name="保存申请").click()
    expect(page.get_by_text("车辆 赣G·A7788 核载 45 座，乘车 52 人，超载 7 人。")).to_be_visible()
    expect(page.locator("#id_title")).to_have_value("四年级科技馆研学")
    page.locator("#id_vehicles-0-passengers").fill("45")
    page.get_by_role("button", name="保存申请").click()
    expect(page.get_by_test_id("activity-status")).to_have_text("草稿")
    page.get_by_test_id("submit").click()
    page.get_by_test_id("confirm").get_by_role("button", name="提交审批").click()
    expect(page.get_by_test_id("activity-status")).to_contain_text("学校负责人")
    # The leader signs the school step; the county bureau decides next.
    page.get_by_test_id("approve").click()
    expect(page.get_by_test_id("activity-status")).to_contain_text("县（区）教育局")
    log_out(page)

    # The county official approves at a desktop, from the to-do list.
    page.set_viewport_size({"width": 1280, "height": 800})
    log_in(page, base, "jc.official")
    page.get_by_test_id("my-tasks").get_by_role("link", name="待您审批的活动申请").click()
    page.get_by_role("link", name="四年级科技馆研学").click()
    page.get_by_label("备注").fill("同意。注意乘车安全。")
    page.get_by_test_id("approve").click()
    expect(page.get_by_test_id("activity-status")).to_have_text("已批准")
    expect(page.get_by_test_id("chain")).to_contain_text("同意。注意乘车安全。")
    log_out(page)

    # The activity takes place; afterwards the school files the summary on a phone.
    activity = Activity.objects.get(title="四年级科技馆研学")
    zone = timezone.get_current_timezone()
    past = timezone.localdate() - datetime.timedelta(days=1)
    Activity.objects.filter(pk=activity.pk).update(
        starts_at=datetime.datetime.combine(past, datetime.time(8, 30), zone),
        ends_at=datetime.datetime.combine(past, datetime.time(16), zone),
    )
    page.set_viewport_size(PHONE)
    log_in(page, base, "school.leader")
    page.goto(f"{base}/activities/{activity.pk}/")
    page.get_by_test_id("file-summary").click()
    page.get_by_label("按计划举办").check()
    page.locator("#id_text").fill("按计划完成，学生全部安全返校。")
    page.get_by_role("button", name="填报总结").click()
    expect(page.get_by_test_id("activity-status")).to_have_text("已举办")
    expect(page.get_by_test_id("summary")).to_contain_text("按计划完成")


@pytest.mark.browser_context_args(viewport=PHONE)
def test_city_official_drills_from_the_weeks_counts_to_an_activity(
    page: Page, live_server, demo_city
):
    """At city level the calendar counts activities per county and day (#23); a number opens
    that county's day, where the activity is listed."""
    base = live_server.url
    activity = Activity.objects.filter(status=Activity.Status.APPROVED).select_related(
        "school__parent"
    )[0]
    day = timezone.localdate(activity.starts_at)
    log_in(page, base, "city.official")
    page.goto(f"{base}/activities/calendar/?day={day:%Y-%m-%d}")
    summary = page.get_by_test_id("calendar-summary")
    row = summary.locator(f'tr[data-unit="{activity.school.parent_id}"]')
    expect(row.get_by_role("rowheader")).to_contain_text(activity.school.parent.name)
    expect(page.get_by_text(activity.title)).to_have_count(0)
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    row.get_by_role("link", name=f"{activity.school.parent.name}，{day:%-m/%-d}：").click()
    expect(page.get_by_test_id("calendar-grid")).to_contain_text(activity.title)
    expect(page.get_by_test_id("calendar-summary")).to_have_count(0)
