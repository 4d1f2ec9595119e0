"""Incident journey: school staff report on a phone, the county records the person dealt with
(a responsibility holder, #19) and closes it as a liability incident; the school page shows the
one-vote veto, the holder's page and the bureau's list the bar from honours."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from reporting.models import Incident, PersonDealtWith, SchoolVeto
from safety.models import Assignment, Notification

from .test_journey import PHONE, log_in

SUMMARY = "一名学生在实验室被试剂灼伤手指"


@pytest.mark.browser_context_args(viewport=PHONE)
def test_incident_from_phone_report_to_liability_closure_and_veto(
    page: Page, live_server, demo_city
):
    base = live_server.url
    # School staff, on a phone: the initial report.
    log_in(page, base, "school.staff")
    page.goto(f"{base}/incidents/")
    page.get_by_role("link", name="报告事故").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("报告安全事故（初报）")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    occurred = timezone.localtime() - datetime.timedelta(minutes=15)
    page.locator("#id_category").select_option("fire_electric_poisoning")
    page.locator("#id_severity").select_option("general")
    page.locator("#id_occurred_at").fill(occurred.strftime("%Y-%m-%dT%H:%M"))
    page.locator("#id_place").fill("实验楼二楼化学实验室")
    page.locator("#id_summary").fill(SUMMARY)
    page.locator("#id_injured").fill("1")
    page.locator("#id_what_happened").fill("化学实验课上一名学生不慎将稀硫酸溅到手指。")
    page.locator("#id_reporter_phone").fill("13900001111")
    page.get_by_role("button", name="立即报告").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(SUMMARY)
    expect(page.locator("[data-status]")).to_have_text("已上报")
    expect(page.get_by_test_id("flags")).to_contain_text("初报及时")
    incident = Incident.objects.get(summary=SUMMARY)
    alerted = Notification.objects.filter(
        kind="incident.reported", dedup_key__startswith=f"incident.reported:incident:{incident.pk}:"
    )
    assert list(alerted.values_list("recipient__username", flat=True)) == ["jc.official"]

    # A follow-up report, prefilled with what was reported.
    page.get_by_role("link", name="报送续报").click()
    expect(page.locator("#id_place")).to_have_value("实验楼二楼化学实验室")
    page.locator("#id_what_happened").fill("经校医冲洗处理后送医，诊断为轻度化学灼伤。")
    page.get_by_role("button", name="报送").click()
    expect(page.get_by_test_id("timeline")).to_contain_text("报送续报")
    assert incident.reports.count() == 2

    # The county official acknowledges, records the four items and closes it.
    page.context.clear_cookies()
    log_in(page, base, "jc.official")
    page.goto(f"{base}/incidents/{incident.pk}/")
    page.get_by_role("button", name="接报").click()
    expect(page.locator("[data-status]")).to_have_text("县区已接报")
    items = {
        "cause": {"text": "实验前未检查护目镜和手套佩戴情况"},
        "accountability": {"text": "对任课教师批评教育", "people": "化学教师"},
        "rectification": {"text": "实验室配齐防护用品，实验前逐人检查"},
        "education": {
            "text": "实验安全专题课",
            "people": "初三全体学生；教务处",
            "held_on": "2026-11-27",
        },
    }
    for kind, fields in items.items():
        card = page.get_by_test_id(f"closure-{kind}")
        card.locator("summary").last.click()  # the item's form (after the people dealt with)
        for name, value in fields.items():
            card.locator(f"#id_{kind}-{name}").fill(value)
        card.get_by_role("button", name="登记：").click()
        expect(page.get_by_test_id(f"closure-{kind}")).to_contain_text("已登记")
    holder = _record_person_dealt_with(page, incident)
    close_form = page.get_by_test_id("close-form")
    close_form.get_by_label("是：学校本年度实行一票否决").check()
    close_form.get_by_role("button", name="结案").click()
    # Closing cannot be undone: it asks once.
    page.get_by_test_id("confirm").get_by_role("button", name="结案").click()
    expect(page.locator("[data-status]")).to_have_text("已结案")
    expect(page.get_by_test_id("closed-note")).to_contain_text("认定为责任事故")

    # The school page shows the veto.
    page.get_by_role("link", name="江城区实验小学").click()
    veto = page.get_by_test_id("veto")
    expect(veto).to_contain_text(f"{timezone.localdate().year}年度一票否决")
    expect(veto).to_contain_text(SUMMARY)
    assert SchoolVeto.objects.filter(incident=incident).count() == 1

    # #19: the person dealt with is barred from honours this year: on the holder's page (on a
    # phone) and in the bureau's list.
    year = timezone.localdate().year
    page.goto(f"{base}/incidents/{incident.pk}/")
    expect(page.get_by_test_id("honours-bar-note")).to_be_visible()
    page.get_by_test_id("people-dealt-with").get_by_role("link", name=holder.name).click()
    expect(page.get_by_test_id("honours-barred")).to_contain_text(f"{year}年不得参加评优评先")
    expect(page.get_by_test_id("holder-accountability")).to_contain_text("诫勉谈话")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.goto(f"{base}/incidents/")
    page.get_by_role("link", name="评优评先限制名单").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{year}年评优评先限制名单")
    expect(page.get_by_test_id("honours-bar")).to_contain_text(holder.name)
    expect(page.get_by_test_id("honours-bar")).to_contain_text(SUMMARY)


def _record_person_dealt_with(page: Page, incident: Incident):
    """The county links the school's vice-principal in charge of safety with 诫勉谈话; a date
    in the future is refused first, keeping the choices."""
    holder = (
        Assignment.objects.current()
        .get(unit=incident.school, post__key="safety_vice_principal")
        .holder
    )
    box = page.get_by_test_id("people-dealt-with")
    box.locator("summary").click()
    box.locator("#id_dealt-holder").select_option(str(holder.pk))
    box.locator("#id_dealt-action").select_option(label="诫勉谈话")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    box.locator("#id_dealt-dealt_on").fill(tomorrow.isoformat())
    box.get_by_role("button", name="登记", exact=True).click()
    box = page.get_by_test_id("people-dealt-with")
    expect(box).to_contain_text("处理决定日期不能晚于今天。")
    expect(box.locator("#id_dealt-holder")).to_have_value(str(holder.pk))
    box.locator("#id_dealt-dealt_on").fill(timezone.localdate().isoformat())
    box.get_by_role("button", name="登记", exact=True).click()
    expect(page.get_by_text(f"已登记：{holder.name}，诫勉谈话。")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert PersonDealtWith.objects.filter(incident=incident, holder=holder).exists()
    return holder
