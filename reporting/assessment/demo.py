"""Demo assessment (run by seed_demo, issue #19): last year's assessment finished and
published (grades, rankings, a model school) and this year's open, with computed values and
江城区实验小学's self-assessment submitted."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from safety.models import Organisation, User

from . import services
from .models import ON_SITE, CountyScoring, Grade, Scheme, SchoolAssessment

INDICATORS = [
    ("组织保障", "安全责任书签订", "10", "letters_signed", "100", None),
    ("日常管理", "学校自查", "10", "self_inspections", "30", None),
    ("日常管理", "隐患按期整改", "15", "hazards_on_time", "95", None),
    ("日常管理", "年末逾期隐患", "10", "overdue_hazards", None, "2"),
    ("日常管理", "事故按时报告", "10", "incidents_on_time", "100", None),
    ("应急与教育", "应急演练", "10", "drills_held", "2", None),
    ("应急与教育", "安全教育课时", "5", "education_hours", "4", None),
    ("应急与教育", "月报按时报送", "10", "monthly_on_time", "100", None),
]
LEDGER_REASON = "系统启用前的纸质台账已现场核实"
ON_SITE_ITEMS = [("现场检查", "校园安全现场检查", "20", "门卫值守、消防通道、食堂后厨现场查看")]


def _scheme(city: Organisation, official: User, year: int) -> Scheme:
    scheme = services.scheme_create(
        actor=official, city=city, year=year, title=f"{year}年度平安校园创建考核"
    )
    groups = {}
    for group, name, weight, rule, target, deduction in INDICATORS:
        if group not in groups:
            groups[group] = services.group_add(actor=official, scheme=scheme, name=group)
        services.indicator_add(
            actor=official,
            group=groups[group],
            name=name,
            weight=Decimal(weight),
            rule=rule,
            target=Decimal(target) if target else None,
            deduction=Decimal(deduction) if deduction else None,
        )
    for group, name, weight, guidance in ON_SITE_ITEMS:
        site = services.group_add(actor=official, scheme=scheme, name=group)
        services.indicator_add(
            actor=official,
            group=site,
            name=name,
            weight=Decimal(weight),
            rule=ON_SITE,
            guidance=guidance,
        )
    return scheme


def _finish(run, official: User) -> None:
    """Every bureau scores its schools on site (12 to 20 points) and, as SafeCampus came in
    during the year, verifies the computed items against the paper ledgers (an adjustment with
    its reason); each submits; publish; the best 优秀 school is named a model school."""
    for index, item in enumerate(
        SchoolAssessment.objects.filter(run=run).select_related("school").order_by("school_id")
    ):
        entries = {}
        for score in item.scores.select_related("indicator"):
            weight = score.indicator.weight
            if score.indicator.is_on_site:
                entries[score.pk] = (Decimal(20 - index % 9), "")
            elif score.computed_points is not None and score.computed_points < weight:
                entries[score.pk] = (weight - index % 3, LEDGER_REASON)
        services.county_score(actor=None, assessment=item, entries=entries)
    for scoring in CountyScoring.objects.filter(run=run):
        services.scoring_submit(actor=None, scoring=scoring)
    services.run_publish(actor=official, run=run)
    best = (
        SchoolAssessment.objects.filter(run=run, grade=Grade.EXCELLENT).order_by("-total").first()
    )
    if best is not None:
        services.model_school_name(actor=official, assessment=best)


def seed() -> None:
    city = Organisation.objects.filter(code="360800").first()
    official = User.objects.filter(username="city.official").first()
    if not (city and official) or Scheme.objects.filter(city=city).exists():
        return
    this_year = timezone.localdate().year
    past = services.run_open(actor=official, scheme=_scheme(city, official, this_year - 1))
    _finish(past, official)
    current = services.run_open(actor=official, scheme=_scheme(city, official, this_year))
    leader = User.objects.filter(username="school.leader").first()
    if leader is None:
        return
    item = SchoolAssessment.objects.filter(run=current, school=leader.unit).first()
    if item is not None:
        site = item.scores.get(indicator__rule=ON_SITE)
        services.self_assess(
            actor=leader,
            assessment=item,
            entries={site.pk: (Decimal("18"), "门卫24小时值守，消防通道每日巡查，后厨明厨亮灶。")},
            submit=True,
        )
