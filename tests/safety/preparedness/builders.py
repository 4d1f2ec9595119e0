"""Builders of the preparedness tests: plans, drills and teams made through the services."""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from safety.preparedness import selectors, services
from safety.preparedness.models import Drill, Plan, Scenario
from safety.responsibility.models import Holder
from safety.uploads import clean_document
from tests.pdfs import plain_pdf
from tests.safety.responsibility.factories import assign


def scenario(key: str) -> Scenario:
    return Scenario.objects.get(key=key)


def pdf_upload(name: str = "消防预案.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, plain_pdf(), content_type="application/pdf")


def upload_plan(leader, unit, key: str = "fire", title: str = "消防安全应急预案") -> Plan:
    return services.plan_upload(
        actor=leader,
        unit=unit,
        scenario=scenario(key),
        title=title,
        document=clean_document(pdf_upload()),
    )


def filed_plan(leader, official, unit, key: str = "fire") -> Plan:
    plan = services.plan_submit(actor=leader, plan=upload_plan(leader, unit, key))
    return services.plan_acknowledge(actor=official, plan=plan)


def recorded_drill(  # noqa: PLR0913
    actor,
    unit,
    *,
    day: datetime.date | None = None,
    seconds: int | None = 150,
    pupils: int = 400,
    plan: Plan | None = None,
    plan_needs_review: bool = False,
) -> Drill:
    """A fire drill planned and recorded through the services (exercising `plan`, and
    flagging it for review with `plan_needs_review`)."""
    day = day or timezone.localdate()
    drill = services.drill_plan(
        actor=actor, unit=unit, scenario=scenario("fire"), planned_on=day, plan=plan
    )
    return services.drill_record(
        actor=actor,
        drill=drill,
        held_on=day,
        pupils=pupils,
        staff=30,
        evacuation_seconds=seconds,
        evaluation="秩序良好",
        plan_needs_review=plan_needs_review,
    )


def team_holder(unit, post_key: str = "class_teacher", name: str = "王老师") -> Holder:
    assignment = assign(unit, post_key, name)
    Holder.objects.filter(pk=assignment.holder_id).update(phone="13800138000")
    return Holder.objects.get(pk=assignment.holder_id)


def _snapshot(result) -> tuple:
    rows = [
        (
            row.school_id,
            row.name,
            row.county,
            row.school_type,
            row.requirement,
            row.held,
            row.missing_scenarios,
            row.overdue_reviews,
            row.waiting,
            row.trend,
            row.has_buses,
            row.bus_drills,
            row.drills_ok,
        )
        for row in result.rows[0 : result.count]
    ]
    totals = (result.missing_drills, result.missing_plans, result.overdue_reviews, result.waiting)
    return rows, result.count, totals, result.county_trend, result.waiting_for_me, result.months


def coverage_checked(user, filters: dict | None = None):
    """The coverage view's answer read from the summaries (`coverage_page`), after checking
    that every school it covers has a summary of today (so the summaries, not the live
    fallback, were read) and that it equals the live computation (`coverage`) in rows,
    totals, trend and waiting filings (#23)."""
    from safety.preparedness.models import PreparednessSummary  # noqa: PLC0415

    filters = filters or {}
    schools = selectors._schools(user, filters)
    today = timezone.localdate()
    kept = PreparednessSummary.objects.filter(unit__in=schools, on=today).count()
    assert kept == schools.count(), "a school of the view has no summary of today"
    page = selectors.coverage_page(user=user, filters=filters)
    assert _snapshot(page) == _snapshot(selectors.coverage(user=user, filters=filters))
    return page
