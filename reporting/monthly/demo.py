"""Demo monthly reports: the last three months and the current one, in every status
(approved, submitted on time and late, returned and resubmitted, returned, draft, missing).
Idempotent: a unit and month that already has a report is left alone."""

from __future__ import annotations

import datetime

from django.utils import timezone

from safety import services as safety_services
from safety.models import Organisation, User

from . import selectors, services
from .models import MonthlyReport
from .periods import add_months, due_date

DEMO_REPORTER_NAME = "月报填报员"
WORK = "组织开展校园安全隐患排查，检查消防设施、食堂和校车；开展防溺水、交通安全主题教育。"
PROBLEMS = "部分教学楼应急照明损坏，已报修；校门口上下学时段交通拥堵。"
PLANS = "完成应急照明更换；联合交警开展护学岗；组织一次疏散演练。"

# What happens to a school's report of last month, by the school's position in its county.
LAST_MONTH_PLAN = ["approved", "on_time", "late", "returned", "missing", "draft"]


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _reporter(unit: Organisation) -> User:
    """A unit's reporter for the demo; units without a demo account get one that cannot
    log in (so the reports have a real submitter)."""
    existing = selectors.reporters([unit.pk]).order_by("role", "pk").first()
    if existing is not None:
        return existing
    role = User.Role.SCHOOL_LEADER if unit.is_school else User.Role.BUREAU_OFFICIAL
    return safety_services.user_create(
        actor=None,
        username=f"monthly.{unit.code}",
        password=None,
        full_name=DEMO_REPORTER_NAME,
        unit=unit,
        role=role,
    )


def _reviewer(unit: Organisation) -> User:
    return selectors.reviewers([unit.parent_id]).order_by("username").first() or _reporter(
        unit.parent
    )


def _submit(unit: Organisation, month: datetime.date, *, late: bool, text: str = WORK):
    actor = _reporter(unit)
    services.monthly_report_save_draft(
        actor=actor,
        unit=unit,
        month=month,
        work_done=text,
        problems_found=PROBLEMS,
        next_month_plans=PLANS,
    )
    due = due_date(unit, month)
    when = _at(due + datetime.timedelta(days=3)) if late else _at(due - datetime.timedelta(2))
    when = min(when, timezone.now())
    return services.monthly_report_submit(
        actor=actor, unit=unit, month=month, now=when, queue_pdf=False
    )


def _seed_unit_month(unit: Organisation, month: datetime.date, plan: str) -> None:
    if plan in ("missing", "none"):
        return
    if plan == "draft":
        services.monthly_report_save_draft(
            actor=_reporter(unit),
            unit=unit,
            month=month,
            work_done=WORK,
            problems_found="",
            next_month_plans="",
        )
        return
    version = _submit(unit, month, late=plan in ("late", "late_approved"))
    report = version.report
    if plan == "late_approved":
        plan = "approved"
    if plan in ("returned", "resubmitted_approved"):
        services.monthly_report_return(
            actor=_reviewer(unit), report=report, comment="请补充本月隐患整改完成情况。"
        )
        if plan == "resubmitted_approved":
            _submit(unit, month, late=False, text=WORK + "已补充隐患整改情况。")
            plan = "approved"
    if plan == "approved":
        services.monthly_report_approve(actor=_reviewer(unit), report=report)


def seed() -> None:
    city = Organisation.objects.filter(code="360800").first()
    if city is None:
        return
    today = timezone.localdate()
    current = today.replace(day=1)
    last = add_months(current, -1)
    counties = list(Organisation.objects.filter(parent=city, kind=Organisation.Kind.COUNTY))
    done = set(MonthlyReport.objects.values_list("unit_id", "month"))
    schools_by_parent: dict[int, list[Organisation]] = {}
    for school in Organisation.objects.filter(
        path__startswith=city.path, kind=Organisation.Kind.SCHOOL, is_active=True
    ).order_by("code"):
        schools_by_parent.setdefault(school.parent_id, []).append(school)

    for back in range(3, 0, -1):
        month = add_months(current, -back)
        for schools in schools_by_parent.values():
            for index, school in enumerate(schools):
                if (school.pk, month) in done:
                    continue
                if month == last:
                    plan = LAST_MONTH_PLAN[index % len(LAST_MONTH_PLAN)]
                elif back == 2 and index == 1:
                    plan = "resubmitted_approved"
                else:
                    plan = "late_approved" if index == 2 else "approved"
                _seed_unit_month(school, month, plan)
        for index, county in enumerate(counties):
            if (county.pk, month) in done:
                continue
            if month == last:
                plan = ["on_time", "late", "returned", "missing"][index % 4]
                if due_date(county, month) >= today and plan in ("late", "missing"):
                    plan = "draft"
            else:
                plan = "approved"
            _seed_unit_month(county, month, plan)

    # This month: a few drafts and one early submission; 江城区实验小学 is left for the
    # browser journey (school.staff drafts and submits it).
    for schools in schools_by_parent.values():
        for index, school in enumerate(schools):
            if (school.pk, current) in done or school.code == "2136080201":
                continue
            if index == 1:
                _seed_unit_month(school, current, "draft")
            elif index == 2:
                _seed_unit_month(school, current, "on_time")
