"""The pages a user relies on: the PDF in Chinese with the approvals and their dates, the
calendar and its Excel export, the monthly figures section against hand-built data, the
dashboard tiles and the approver's to-do."""

from __future__ import annotations

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from reporting.activities import selectors, services
from reporting.activities.models import Activity, ActivityApproval
from reporting.monthly.figures import compile_school_figures
from tests.builders import exported_file

from .factories import bus, draft, starts_in

pytestmark = pytest.mark.django_db
Decision = ActivityApproval.Decision


def _approved(city, people, **overrides) -> Activity:
    activity = draft(people.staff_a, city.school_a, is_off_campus=True, **overrides)
    services.activity_submit(actor=people.staff_a, activity=activity)
    services.activity_decide(actor=people.leader_a, activity=activity, decision=Decision.APPROVED)
    services.activity_decide(
        actor=people.county_official,
        activity=activity,
        decision=Decision.APPROVED,
        comment="同意",
    )
    activity.refresh_from_db()
    return activity


def test_the_application_pdf_is_chinese_with_the_approvals_and_their_dates(
    city, people, client_for
):
    activity = _approved(city, people)
    response = client_for("county_official").get(reverse("activities:pdf", args=[activity.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    compact = text.replace(" ", "").replace("\n", "")
    assert "活动申请审批表" in compact
    assert "春季植物园研学" in compact
    assert "学校负责人" in compact and "县（区）教育局" in compact
    assert "已批准" in compact and "同意" in compact
    assert f"{timezone.localdate():%Y}年" in compact


def test_the_calendar_shows_the_week_and_exports_it(
    city, people, client_for, django_capture_on_commit_callbacks
):
    # Two days in one week (Monday to Sunday): from a Friday, two days ahead is a Sunday.
    ahead = 3 if (timezone.localdate() + datetime.timedelta(days=2)).weekday() == 6 else 2
    activity = _approved(city, people, starts_at=starts_in(ahead), ends_at=starts_in(ahead + 1, 12))
    draft(people.staff_a, city.school_a, title="未提交的草稿", starts_at=starts_in(ahead))
    day = timezone.localdate(activity.starts_at)
    client = client_for("city_official")
    week = client.get(
        reverse("activities:calendar") + f"?day={day:%Y-%m-%d}&county={city.county_a.pk}"
    )
    assert {a.title for d in week.context["days"] for a in d.activities} == {"春季植物园研学"}
    # Two days long: shown on both days of the grid.
    assert (
        sum("春季植物园研学" in [a.title for a in d.activities] for d in week.context["days"]) == 2
    )
    url = reverse("activities:calendar_export") + f"?day={day:%Y-%m-%d}"
    export = exported_file(client, url, django_capture_on_commit_callbacks)
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    rows = list(sheet.values)
    assert rows[0][:3] == ("学校", "活动", "类别")
    assert rows[1][:3] == ("甲区实验小学", "春季植物园研学", "春秋游")
    other = client_for("other_county_official").get(
        reverse("activities:calendar") + f"?day={day:%Y-%m-%d}"
    )
    assert all(not d.activities for d in other.context["days"])


def test_the_monthly_section_counts_approved_returned_unapproved_and_expired(city, people):
    month = timezone.localdate().replace(day=1)
    _approved(city, people)
    returned = draft(people.staff_a, city.school_a, title="退回的")
    services.activity_submit(actor=people.staff_a, activity=returned)
    services.activity_decide(
        actor=people.leader_a, activity=returned, decision=Decision.RETURNED, comment="补充"
    )
    late = draft(people.staff_a, city.school_a, title="未批先办")
    services.activity_submit(actor=people.staff_a, activity=late)
    # Held earlier today, inside this month whatever the hour (at 00:40 three hours ago is
    # last month).
    now = timezone.now()
    month_start = timezone.make_aware(datetime.datetime.combine(month, datetime.time()))
    started = max(now - datetime.timedelta(hours=3), month_start + datetime.timedelta(seconds=1))
    Activity.objects.filter(pk__in=[returned.pk, late.pk]).update(
        starts_at=started, ends_at=started + (now - started) / 2
    )
    bus(city.school_a, insurance_expires=timezone.localdate() - datetime.timedelta(days=1))
    figures = compile_school_figures(city.school_a, month)
    row = figures["sections"]["activities"]["rows"][0]
    approved_this_month = int(timezone.localdate(starts_in(14)).replace(day=1) == month)
    assert row == ["", approved_this_month, 1, 2, 1]


def test_the_to_do_and_the_tiles_show_what_waits(city, people, client_for):
    activity = draft(people.staff_a, city.school_a, is_off_campus=True)
    services.activity_submit(actor=people.staff_a, activity=activity)
    leader_home = client_for("leader_a").get(reverse("dashboards:home"))
    assert leader_home.context["tasks"].activities == 1
    services.activity_decide(actor=people.leader_a, activity=activity, decision=Decision.APPROVED)
    county_home = client_for("county_official").get(reverse("dashboards:home"))
    assert county_home.context["tasks"].activities == 1
    assert "待您审批的活动申请" in county_home.content.decode()
    mine = client_for("county_official").get(reverse("activities:list") + "?mine=on")
    assert mine.context["page"].paginator.count == 1
    city_home = client_for("city_official").get(reverse("dashboards:home"))
    assert city_home.context["tasks"].activities == 0
    assert selectors.awaiting_count(people.other_county_official) == 0


def test_a_bureau_cannot_apply_and_a_school_cannot_approve_another_school(city, people, client_for):
    assert client_for("county_official").get(reverse("activities:create")).status_code == 403
    activity = draft(people.staff_a2, city.school_a2)
    services.activity_submit(actor=people.staff_a2, activity=activity)
    url = reverse("activities:approve", args=[activity.pk])
    assert client_for("leader_a").post(url).status_code == 404  # another school: unseen
    edit = reverse("activities:edit", args=[activity.pk])
    assert client_for("county_official").get(edit).status_code == 403
