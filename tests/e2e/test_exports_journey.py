"""Exports as background jobs (issue #23): on a phone, a city official asks for the ledger in
Excel, lands on the export's page and downloads the file; an export still being written
shows its progress and the page turns into the download by itself (htmx), no reload."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from safety import exportjobs
from safety.models import ExportJob, User
from tests.e2e.test_journey import PHONE, log_in


@pytest.mark.browser_context_args(viewport=PHONE)
def test_an_official_exports_the_ledger_and_the_page_updates_itself(
    page: Page, live_server, demo_city
):
    log_in(page, live_server.url, "city.official")
    page.goto(f"{live_server.url}/hazards/?severity=major")
    page.get_by_test_id("export").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("隐患台账")
    expect(page.get_by_test_id("export-status")).to_contain_text("文件已生成")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    with page.expect_download() as download:
        page.get_by_test_id("export-download").click()
    assert download.value.suggested_filename.endswith(".xlsx")

    # A job a worker has not finished yet: the page says so and polls its status.
    job = ExportJob.objects.create(
        requester=User.objects.get(username="city.official"),
        kind="inspections.exports:ledger",
        params={"get": {"severity": ["major"]}, "pk": None, "lang": "zh-hans"},
        expires_at=timezone.now() + datetime.timedelta(days=1),
    )
    page.goto(f"{live_server.url}/exports/{job.pk}/")
    expect(page.get_by_test_id("export-status")).to_contain_text("等待后台处理")
    assert exportjobs.export_build(job_id=job.pk) is True  # the worker, meanwhile
    expect(page.get_by_test_id("export-download")).to_be_visible(timeout=10_000)
    expect(page.get_by_test_id("export-status")).to_have_attribute("data-status", "ready")

    page.goto(f"{live_server.url}/exports/")
    expect(page.get_by_test_id("export-row")).to_have_count(2)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
