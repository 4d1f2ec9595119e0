"""The monthly report up the chain, in a real browser: school staff drafts and submits, the
county official returns it with a comment, the school resubmits, the county approves and
opens the PDF, and the county's own report shows the school as submitted."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from safety.models import Organisation

from .test_journey import log_in, log_out

DESKTOP = {"width": 1280, "height": 800}


@pytest.mark.browser_context_args(viewport=DESKTOP)
def test_monthly_report_goes_up_the_chain_and_back(page: Page, live_server, demo_city):
    base = live_server.url
    month = f"{timezone.localdate():%Y-%m}"
    school = Organisation.objects.get(code="2136080201")
    county = Organisation.objects.get(code="360802")

    # School staff drafts and submits this month's report.
    log_in(page, base, "school.staff")
    page.get_by_role("navigation").get_by_role("link", name="安全月报").click()
    page.get_by_role("link", name=month).click()
    expect(page.get_by_test_id("report-status")).to_have_text("未开始")
    page.get_by_label("本月主要工作").fill("开展消防疏散演练，排查隐患12处。")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_test_id("report-status")).to_have_text("草稿")
    page.get_by_role("button", name="报送上级教育局").click()
    page.get_by_test_id("confirm").get_by_role("button", name="报送上级教育局").click()
    expect(page.get_by_test_id("report-status")).to_have_text("按时报送")
    log_out(page)

    # The county official finds it in the queue and returns it with a comment.
    log_in(page, base, "jc.official")
    page.get_by_role("navigation").get_by_role("link", name="安全月报").click()
    expect(page).to_have_url(f"{base}/monthly/console/")
    page.get_by_test_id("review-queue").get_by_role(
        "link", name=f"江城区实验小学 · {month}"
    ).click()
    page.get_by_label("审核意见").fill("请补充隐患整改完成情况。")
    page.get_by_role("button", name="退回修改").click()
    expect(page.get_by_test_id("report-status")).to_have_text("已退回")
    log_out(page)

    # The school sees the comment, edits and resubmits (version 2).
    log_in(page, base, "school.staff")
    page.goto(f"{base}/monthly/unit/{school.pk}/{month}/")
    expect(page.get_by_role("status").filter(has_text="请补充隐患整改完成情况。")).to_be_visible()
    page.get_by_label("本月主要工作").fill("开展消防疏散演练，排查隐患12处，已整改10处。")
    page.get_by_role("button", name="报送上级教育局").click()
    page.get_by_test_id("confirm").get_by_role("button", name="报送上级教育局").click()
    expect(page.get_by_test_id("version-2")).to_be_visible()
    expect(page.get_by_test_id("version-1")).to_contain_text("请补充隐患整改完成情况。")
    log_out(page)

    # The county approves and opens the PDF.
    log_in(page, base, "jc.official")
    page.goto(f"{base}/monthly/unit/{school.pk}/{month}/")
    page.get_by_role("button", name="审核通过").click()
    expect(page.get_by_test_id("report-status")).to_have_text("已审核通过")
    pdf_link = page.get_by_test_id("version-2").get_by_role("link", name="PDF")
    expect(pdf_link).to_be_visible()
    response = page.request.get(base + pdf_link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")

    # The county's own report lists the school as submitted (approved).
    page.goto(f"{base}/monthly/unit/{county.pk}/{month}/")
    row = page.get_by_test_id("school-table").get_by_role("row").filter(has_text="江城区实验小学")
    expect(row).to_contain_text("已审核通过")
