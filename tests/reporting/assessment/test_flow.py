"""The assessment's workflow (issue #19): open, self-assess, score, return, publish, veto,
freeze, model schools — through the services, with the personas of tests/personas.py."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from reporting.assessment import services
from reporting.assessment.models import (
    CountyScoring,
    Grade,
    Run,
    SchoolAssessment,
)
from safety.preparedness.models import Drill, Scenario

from . import factories

pytestmark = pytest.mark.django_db


def _assessment(run: Run, school) -> SchoolAssessment:
    return SchoolAssessment.objects.get(run=run, school=school)


_on_site = factories.on_site
_score_all = factories.score_all
_finish = factories.finish_run


def test_opening_freezes_the_scheme_and_gives_every_school_its_computed_values(city, people):
    Drill.objects.create(
        unit=city.school_a,
        scenario=Scenario.objects.get(key="fire"),
        planned_on=datetime.date(2026, 3, 1),
        status=Drill.Status.RECORDED,
        held_on=datetime.date(2026, 3, 1),
    )
    run = factories.open_run(city.city, people.city_official)
    assert run.scheme.is_frozen
    schools = SchoolAssessment.objects.filter(run=run)
    assert {a.school for a in schools} == {
        city.school_a,
        city.school_a2,
        city.school_b,
        city.city_school,
    }
    drills = _assessment(run, city.school_a).scores.get(indicator__rule="drills_held")
    assert (drills.computed_value, drills.computed_points) == (Decimal("1"), Decimal("20.0"))
    assert CountyScoring.objects.filter(run=run).count() == 3  # two counties and the city
    with pytest.raises(ValidationError, match="冻结|frozen"):
        services.group_add(actor=people.city_official, scheme=run.scheme, name="再加一组")


def test_weights_must_add_up_to_the_total_before_opening(city, people):
    scheme = factories.scheme(city.city, people.city_official)
    services.indicator_remove(actor=people.city_official, indicator=scheme.indicators.last())
    with pytest.raises(ValidationError) as error:
        services.run_open(actor=people.city_official, scheme=scheme)
    assert "60" in str(error.value) and "100" in str(error.value)


def test_bad_scheme_input_is_refused_with_the_field_named(city, people):
    official = people.city_official
    with pytest.raises(ValidationError) as error:
        services.scheme_create(
            actor=official,
            city=city.city,
            year=2026,
            title="x",
            excellent_from=Decimal("80"),
            good_from=Decimal("85"),
        )
    assert "good_from" in error.value.error_dict
    scheme = factories.scheme(city.city, official, year=2027)
    group = scheme.groups.first()
    cases = [
        ({"rule": "drills_held", "weight": Decimal("5")}, "target"),
        ({"rule": "letters_signed", "weight": Decimal("5"), "target": Decimal("120")}, "target"),
        ({"rule": "overdue_hazards", "weight": Decimal("5")}, "deduction"),
        ({"rule": "no_such_rule", "weight": Decimal("5")}, "rule"),
        ({"rule": "on_site", "weight": Decimal("1")}, "weight"),  # 101 > 100
    ]
    for kwargs, field in cases:
        with pytest.raises(ValidationError) as error:
            services.indicator_add(actor=official, group=group, name="新指标", **kwargs)
        assert field in error.value.error_dict, kwargs


def test_only_the_city_bureau_manages_schemes(city, people):
    with pytest.raises(PermissionDenied):
        services.scheme_create(actor=people.county_official, city=city.city, year=2026, title="x")
    with pytest.raises(PermissionDenied):
        services.scheme_create(actor=people.leader_a, city=city.city, year=2026, title="x")


def test_school_self_assesses_with_evidence_and_submits(city, people):
    run = factories.open_run(city.city, people.city_official)
    item = _assessment(run, city.school_a)
    site = _on_site(item)
    with pytest.raises(ValidationError) as error:
        services.self_assess(
            actor=people.leader_a, assessment=item, entries={site.pk: (Decimal("41"), "")}
        )
    assert f"points_{site.pk}" in error.value.error_dict
    with pytest.raises(ValidationError):
        services.self_assess(
            actor=people.leader_a, assessment=item, entries={site.pk: (None, "")}, submit=True
        )
    services.self_assess(
        actor=people.leader_a,
        assessment=item,
        entries={site.pk: (Decimal("36"), "门卫制度落实")},
        submit=True,
    )
    item.refresh_from_db()
    assert item.status == SchoolAssessment.Status.SELF_SUBMITTED
    # drills 0 of target 2 → 0; no overdue hazard → 20; on site 36.
    assert item.self_total == Decimal("56.0")
    with pytest.raises(PermissionDenied):
        services.self_assess(actor=people.staff_a2, assessment=item, entries={})


def test_county_adjusts_a_computed_item_only_with_a_reason(city, people):
    run = factories.open_run(city.city, people.city_official)
    item = _assessment(run, city.school_a)
    drills = item.scores.get(indicator__rule="drills_held")
    entries = {_on_site(item).pk: (Decimal("30"), ""), drills.pk: (Decimal("35"), "")}
    with pytest.raises(ValidationError) as error:
        services.county_score(actor=people.county_official, assessment=item, entries=entries)
    assert f"reason_{drills.pk}" in error.value.error_dict
    entries[drills.pk] = (Decimal("35"), "演练记录补录，现场核实两次")
    services.county_score(actor=people.county_official, assessment=item, entries=entries)
    item.refresh_from_db()
    assert item.county_total == Decimal("85.0")  # 35 + 20 + 30
    with pytest.raises(PermissionDenied):
        services.county_score(actor=people.other_county_official, assessment=item, entries=entries)


def test_the_city_returns_a_county_scoring_and_the_county_resubmits(city, people):
    run = factories.open_run(city.city, people.city_official)
    official = people.county_official
    scoring = CountyScoring.objects.get(run=run, county=city.county_a)
    with pytest.raises(ValidationError, match="1|2"):
        services.scoring_submit(actor=official, scoring=scoring)
    _score_all(run, official)
    services.scoring_submit(actor=official, scoring=scoring)
    with pytest.raises(ValidationError):
        services.scoring_return(actor=people.city_official, scoring=scoring, comment=" ")
    with pytest.raises(PermissionDenied):
        services.scoring_return(actor=official, scoring=scoring, comment="自己退回")
    services.scoring_return(actor=people.city_official, scoring=scoring, comment="现场分偏高")
    scoring.refresh_from_db()
    assert scoring.status == CountyScoring.Status.RETURNED
    assert scoring.return_comment == "现场分偏高"
    _score_all(run, official, Decimal("25"))
    services.scoring_submit(actor=official, scoring=scoring)
    scoring.refresh_from_db()
    assert scoring.status == CountyScoring.Status.SUBMITTED


def test_publishing_waits_for_every_bureau(city, people):
    run = factories.open_run(city.city, people.city_official)
    with pytest.raises(ValidationError, match="3"):
        services.run_publish(actor=people.city_official, run=run)


def test_publish_grades_and_the_veto_makes_a_school_fail_whatever_its_points(city, people):
    factories.liability_veto(people.staff_a, people.county_official)
    factories.concealed_serious(people.staff_a2, people.county_official)
    run = factories.open_run(city.city, people.city_official)
    run = _finish(run, city, people)
    assert run.is_published
    vetoed = _assessment(run, city.school_a)
    assert vetoed.total == Decimal("50.0")  # 0 drills + 20 + 30
    assert vetoed.grade == Grade.FAIL
    assert "学生实验课烫伤" in vetoed.veto_reason
    concealed = _assessment(run, city.school_a2)
    assert concealed.grade == Grade.FAIL and "校车侧翻未上报" in concealed.veto_reason
    school_b = _assessment(run, city.school_b)
    assert school_b.grade == Grade.FAIL and school_b.veto_reason == ""  # 50 < 60


def test_published_numbers_are_frozen(city, people):
    run = factories.open_run(city.city, people.city_official)
    run = _finish(run, city, people)
    item = _assessment(run, city.school_b)
    before = list(item.scores.values_list("computed_value", "final_points"))
    Drill.objects.create(
        unit=city.school_b,
        scenario=Scenario.objects.get(key="fire"),
        planned_on=datetime.date(2026, 4, 1),
        status=Drill.Status.RECORDED,
        held_on=datetime.date(2026, 4, 1),
    )
    with pytest.raises(ValidationError):
        services.run_recompute(actor=people.city_official, run=run)
    with pytest.raises(ValidationError):
        services.county_score(actor=people.other_county_official, assessment=item, entries={})
    assert list(item.scores.values_list("computed_value", "final_points")) == before


def test_recompute_takes_new_records_while_open(city, people):
    run = factories.open_run(city.city, people.city_official)
    Drill.objects.create(
        unit=city.school_b,
        scenario=Scenario.objects.get(key="fire"),
        planned_on=datetime.date(2026, 4, 1),
        status=Drill.Status.RECORDED,
        held_on=datetime.date(2026, 4, 1),
    )
    services.run_recompute(actor=people.city_official, run=run)
    drills = _assessment(run, city.school_b).scores.get(indicator__rule="drills_held")
    assert drills.computed_points == Decimal("20.0")


def test_model_school_only_from_excellent_schools(city, people):
    run = factories.open_run(city.city, people.city_official)
    for official in (people.county_official, people.other_county_official, people.city_official):
        for item in SchoolAssessment.objects.filter(run=run, scoring__county=official.unit):
            drills = item.scores.get(indicator__rule="drills_held")
            services.county_score(
                actor=official,
                assessment=item,
                entries={
                    _on_site(item).pk: (Decimal("40"), ""),
                    drills.pk: (Decimal("40"), "现场核实演练两次"),
                },
            )
        services.scoring_submit(
            actor=official, scoring=CountyScoring.objects.get(run=run, county=official.unit)
        )
    factories.liability_veto(people.staff_a, people.county_official)
    services.run_publish(actor=people.city_official, run=run)
    good = _assessment(run, city.school_b)
    assert good.grade == Grade.EXCELLENT
    with pytest.raises(PermissionDenied):
        services.model_school_name(actor=people.county_official, assessment=good)
    services.model_school_name(actor=people.city_official, assessment=good)
    good.refresh_from_db()
    assert good.is_model_school
    with pytest.raises(ValidationError):
        services.model_school_name(
            actor=people.city_official, assessment=_assessment(run, city.school_a)
        )
