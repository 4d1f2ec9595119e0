"""Date deadlines at their boundaries, one day either side, everywhere they show.

Rectification deadlines (docs/decisions.md): a hazard due on day D is not overdue on D and is
overdue from D+1; the nightly job, the hazard's flag and "days" badge, the ledger's overdue
filter, the bureau dashboard's count and the dashboard's task list agree. Monthly reports:
a school's report for M is due on M's last day and is late from 00:00 the day after (one
second either side); the version's flag, the unit's status and the console's filter agree.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from inspections import services
from inspections.models import Hazard
from reporting.dashboards.forms import period_for
from reporting.dashboards.selectors import Scope, hazard_figures
from reporting.models import MonthlyReport
from reporting.monthly import services as monthly_services
from reporting.monthly.periods import UnitStatus, is_late, unit_status
from safety.responsibility.selectors import letter_is_overdue
from tests.reporting.conftest import SHANGHAI

DAY = datetime.timedelta(days=1)
SECOND = datetime.timedelta(seconds=1)


@pytest.mark.parametrize(("days_past", "overdue"), [(0, False), (1, True)])
def test_hazard_due_today_is_not_overdue_and_due_yesterday_is(
    make_hazard, crew, client_for, days_past, overdue
):
    today = timezone.localdate()
    hazard = make_hazard("in_rectification")
    Hazard.objects.filter(pk=hazard.pk).update(deadline=today - days_past * DAY)
    services.mark_overdue(today)
    hazard.refresh_from_db()
    client = client_for("county_official")
    ledger = client.get(reverse("inspections:ledger"), {"overdue": "1"}).context["page"]
    scope = Scope(user=crew.county, unit=crew.county.unit)
    figures = {f.key: f.value for f in hazard_figures(scope, period_for("this_month", today))}
    detail = client.get(reverse("inspections:hazard_detail", args=[hazard.pk])).content.decode()
    seen = {
        "flag": hazard.is_overdue,
        "days badge": hazard.days_left < 0,
        "css": hazard.status_css == "status-overdue",
        "ledger": hazard.pk in {row.pk for row in ledger.object_list},
        "dashboard": figures["overdue_hazards"] == 1,
        "page": "status-overdue" in detail,
    }
    assert seen == dict.fromkeys(seen, overdue), seen
    if overdue:
        assert hazard.overdue_since == today


@pytest.mark.parametrize(("offset", "late"), [(-SECOND, False), (datetime.timedelta(), True)])
def test_school_report_submitted_at_the_end_of_its_due_day(
    people, client_for, offset, late, settings
):
    school, month = people.staff_a.unit, datetime.date(2026, 10, 1)
    first_late = datetime.datetime(2026, 11, 1, tzinfo=SHANGHAI)
    monthly_services.monthly_report_save_draft(
        actor=people.staff_a,
        unit=school,
        month=month,
        work_done="检查了消防通道。",
        problems_found="",
        next_month_plans="",
    )
    version = monthly_services.monthly_report_submit(
        actor=people.staff_a, unit=school, month=month, now=first_late + offset
    )
    report = MonthlyReport.objects.get(pk=version.report_id)
    status = unit_status(school, month, report, first_late.date())
    console = client_for("county_official").get(
        reverse("monthly:console"), {"month": "2026-10", "status": UnitStatus.LATE}
    )
    seen = {
        "version": version.is_late,
        "rule": is_late(school, month, first_late + offset),
        "status": status == UnitStatus.LATE,
        "console": school in [row.unit for row in console.context["page"].object_list],
    }
    assert seen == dict.fromkeys(seen, late), seen


@pytest.mark.parametrize(
    ("today", "missing"), [(datetime.date(2026, 10, 31), False), (datetime.date(2026, 11, 1), True)]
)
def test_unsubmitted_school_report_is_missing_from_the_day_after_its_due_day(
    people, today, missing
):
    status = unit_status(people.staff_a.unit, datetime.date(2026, 10, 1), None, today)
    assert (status == UnitStatus.MISSING) is missing


@pytest.mark.parametrize(
    ("today", "gap"), [(datetime.date(2026, 10, 1), False), (datetime.date(2026, 10, 2), True)]
)
def test_unsigned_letter_becomes_a_gap_the_day_after_its_grace_period(today, gap):
    # 30 days from 1 September, the first day not counted (Civil Code art. 201): the grace
    # period ends with 1 October.
    overdue = letter_is_overdue(
        start_date=datetime.date(2026, 9, 1), school_year="2026-2027", grace_days=30, today=today
    )
    assert overdue is gap
