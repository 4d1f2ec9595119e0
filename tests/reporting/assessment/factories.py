"""Builders of the assessment tests (issue #19): a ready scheme, an open run, and records of
each kind the catalogue counts, made directly with the dates a test names."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from inspections.models import ChecklistTemplate, Hazard
from reporting.assessment import services
from reporting.assessment.models import (
    ON_SITE,
    CountyScoring,
    IndicatorScore,
    Run,
    Scheme,
    SchoolAssessment,
)
from reporting.incidents.models import Incident, SchoolVeto
from safety.models import Organisation, SafetyArea, User
from tests.builders import report_incident, shanghai

YEAR = 2026


def scheme(city: Organisation, official: User, *, year: int = YEAR, title: str = "") -> Scheme:
    """A ready scheme of 100 points: drills (computed, 40, target 2), overdue hazards
    (computed, 20, 5 points off each) and an on-site item of 40."""
    made = services.scheme_create(
        actor=official, city=city, year=year, title=title or f"{year}年度考核"
    )
    daily = services.group_add(actor=official, scheme=made, name="日常管理")
    site = services.group_add(actor=official, scheme=made, name="现场检查")
    services.indicator_add(
        actor=official,
        group=daily,
        name="应急演练",
        weight=Decimal("40"),
        rule="drills_held",
        target=Decimal("2"),
    )
    services.indicator_add(
        actor=official,
        group=daily,
        name="逾期隐患",
        weight=Decimal("20"),
        rule="overdue_hazards",
        deduction=Decimal("5"),
    )
    services.indicator_add(
        actor=official,
        group=site,
        name="校园安全现场",
        weight=Decimal("40"),
        rule=ON_SITE,
        guidance="现场查看门卫、消防通道",
    )
    return made


def open_run(city: Organisation, official: User, *, year: int = YEAR, title: str = "") -> Run:
    return services.run_open(actor=official, scheme=scheme(city, official, year=year, title=title))


def on_site(assessment: SchoolAssessment) -> IndicatorScore:
    return assessment.scores.get(indicator__rule="on_site")


def score_all(run: Run, official: User, points: Decimal = Decimal("30")) -> None:
    """The official's bureau scores each of its schools: `points` on site, computed as is."""
    for item in SchoolAssessment.objects.filter(run=run, scoring__county=official.unit):
        services.county_score(
            actor=official, assessment=item, entries={on_site(item).pk: (points, "")}
        )


def finish_run(run: Run, city, people) -> Run:
    """Every bureau scores all its schools (30 of 40 on site) and submits; the city publishes."""
    for official in (people.county_official, people.other_county_official, people.city_official):
        score_all(run, official)
        scoring = CountyScoring.objects.get(run=run, county=official.unit)
        services.scoring_submit(actor=official, scoring=scoring)
    return services.run_publish(actor=people.city_official, run=run)


def overdue_hazard(school: Organisation, reporter: User, deadline: datetime.date, **extra):
    return Hazard.objects.create(
        school=school,
        area=SafetyArea.objects.get(key="fire"),
        description="灭火器过期",
        source=Hazard.Source.AD_HOC,
        reporter=reporter,
        owner=reporter,
        status=extra.pop("status", Hazard.Status.IN_RECTIFICATION),
        deadline=deadline,
        created_at=shanghai(deadline.year, 1, 2, 9),
        **extra,
    )


def liability_veto(school_staff: User, official: User, *, year: int = YEAR) -> SchoolVeto:
    incident = report_incident(school_staff, summary="学生实验课烫伤")
    return SchoolVeto.objects.create(
        school=school_staff.unit, year=year, incident=incident, created_by=official
    )


def concealed_serious(school_staff: User, official: User) -> Incident:
    incident = report_incident(school_staff, severity="larger", summary="校车侧翻未上报")
    Incident.objects.filter(pk=incident.pk).update(
        concealed_at=timezone.now(), concealed_by=official, concealed_reason="未报告"
    )
    return incident


def checklist() -> ChecklistTemplate:
    return ChecklistTemplate.objects.get(area__key="fire")
