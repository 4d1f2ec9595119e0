"""How to call each assessment service that names its change, for the one-row-per-change
table of tests/safety/test_audit_rows.py (issue #19)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from reporting.assessment import services
from reporting.assessment.models import CountyScoring, Indicator, SchoolAssessment

from . import factories


def _scheme_create(city, people):
    def call():
        return services.scheme_create(
            actor=people.city_official, city=city.city, year=2027, title="2027年度考核"
        )

    return people.city_official, call, "assessment.scheme_create", set()


def _group_add(city, people):
    scheme = services.scheme_create(
        actor=people.city_official, city=city.city, year=2027, title="2027年度考核"
    )

    def call():
        return services.group_add(actor=people.city_official, scheme=scheme, name="日常管理")

    return people.city_official, call, "assessment.group_add", set()


def _indicator_add(city, people):
    scheme = services.scheme_create(
        actor=people.city_official, city=city.city, year=2027, title="2027年度考核"
    )
    group = services.group_add(actor=people.city_official, scheme=scheme, name="日常管理")

    def call():
        return services.indicator_add(
            actor=people.city_official,
            group=group,
            name="演练",
            weight=Decimal("10"),
            rule="drills_held",
            target=Decimal("2"),
        )

    return people.city_official, call, "assessment.indicator_add", set()


def _indicator_remove(city, people):
    scheme = factories.scheme(city.city, people.city_official, year=2027)
    indicator = scheme.indicators.first()

    def call():
        pk = indicator.pk
        services.indicator_remove(actor=people.city_official, indicator=indicator)
        return Indicator(pk=pk)

    return people.city_official, call, "assessment.indicator_remove", set()


def _run_open(city, people):
    scheme = factories.scheme(city.city, people.city_official)

    def call():
        return services.run_open(actor=people.city_official, scheme=scheme)

    return people.city_official, call, "assessment.run_open", set()


def _run_recompute(city, people):
    run = factories.open_run(city.city, people.city_official)

    def call():
        return services.run_recompute(actor=people.city_official, run=run)

    return people.city_official, call, "assessment.run_recompute", set()


def _item(run, city) -> SchoolAssessment:
    return SchoolAssessment.objects.get(run=run, school=city.school_a)


def _self_assess(city, people):
    item = _item(factories.open_run(city.city, people.city_official), city)

    def call():
        return services.self_assess(
            actor=people.leader_a,
            assessment=item,
            entries={factories.on_site(item).pk: (Decimal("35"), "落实")},
            submit=True,
        )

    return people.leader_a, call, "assessment.self_assess", {"status"}


def _county_score(city, people):
    item = _item(factories.open_run(city.city, people.city_official), city)

    def call():
        return services.county_score(
            actor=people.county_official,
            assessment=item,
            entries={factories.on_site(item).pk: (Decimal("30"), "")},
        )

    return people.county_official, call, "assessment.county_score", {"status"}


def _submitted(city, people) -> CountyScoring:
    run = factories.open_run(city.city, people.city_official)
    factories.score_all(run, people.county_official)
    return CountyScoring.objects.get(run=run, county=city.county_a)


def _scoring_submit(city, people):
    scoring = _submitted(city, people)

    def call():
        return services.scoring_submit(actor=people.county_official, scoring=scoring)

    return people.county_official, call, "assessment.scoring_submit", {"status"}


def _scoring_return(city, people):
    scoring = _submitted(city, people)
    services.scoring_submit(actor=people.county_official, scoring=scoring)

    def call():
        return services.scoring_return(
            actor=people.city_official, scoring=scoring, comment="现场分偏高"
        )

    return people.city_official, call, "assessment.scoring_return", {"status"}


def _ready_to_publish(city, people):
    run = factories.open_run(city.city, people.city_official)
    for official in (people.county_official, people.other_county_official, people.city_official):
        factories.score_all(run, official)
        services.scoring_submit(
            actor=official, scoring=CountyScoring.objects.get(run=run, county=official.unit)
        )
    return run


def _run_publish(city, people):
    run = _ready_to_publish(city, people)

    def call():
        return services.run_publish(actor=people.city_official, run=run)

    return people.city_official, call, "assessment.run_publish", {"status"}


def _model_school(city, people):
    run = _ready_to_publish(city, people)
    services.run_publish(actor=people.city_official, run=run)
    item = _item(run, city)
    SchoolAssessment.objects.filter(pk=item.pk).update(grade="excellent")

    def call():
        return services.model_school_name(actor=people.city_official, assessment=item)

    return people.city_official, call, "assessment.model_school", {"is_model_school"}


ASSESSMENT_CASES: dict[str, Callable[[Any, Any], tuple]] = {
    "reporting.assessment.services.scheme_create": _scheme_create,
    "reporting.assessment.services.group_add": _group_add,
    "reporting.assessment.services.indicator_add": _indicator_add,
    "reporting.assessment.services.indicator_remove": _indicator_remove,
    "reporting.assessment.services.run_open": _run_open,
    "reporting.assessment.services.run_recompute": _run_recompute,
    "reporting.assessment.services.self_assess": _self_assess,
    "reporting.assessment.services.county_score": _county_score,
    "reporting.assessment.services.scoring_submit": _scoring_submit,
    "reporting.assessment.services.scoring_return": _scoring_return,
    "reporting.assessment.services.run_publish": _run_publish,
    "reporting.assessment.services.model_school_name": _model_school,
}
