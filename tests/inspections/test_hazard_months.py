"""The hazards of each month (inspections.models.HazardMonth, PostgreSQL triggers) always
equal a direct count of the hazards found and closed per local month, so the dashboards'
trends and "found in the period" figure read them instead of the hazard table (issue #23)."""

from __future__ import annotations

import datetime
from collections import Counter

import pytest
from django.utils import timezone

from inspections import services, tally
from inspections.models import Hazard, HazardMonth
from reporting.dashboards.forms import period_for
from reporting.dashboards.selectors import Scope, hazard_counts, hazard_figures, hazard_trend
from safety.models import Organisation, SafetyArea
from safety.services import organisation_save


def _month(value: datetime.datetime) -> datetime.date:
    return timezone.localtime(value).date().replace(day=1)


def direct() -> dict[tuple, tuple[int, int]]:
    found, closed = Counter(), Counter()
    for bureau, created, status, closed_at in Hazard.objects.values_list(
        "school__parent_id", "created_at", "status", "closed_at"
    ):
        found[(bureau, _month(created))] += 1
        if status == Hazard.Status.CLOSED and closed_at is not None:
            closed[(bureau, _month(closed_at))] += 1
    return {key: (found[key], closed[key]) for key in set(found) | set(closed)}


def kept() -> dict[tuple, tuple[int, int]]:
    rows = HazardMonth.objects.values_list("bureau_id", "month", "found", "closed")
    return {(b, m): (f, c) for b, m, f, c in rows if f or c}


def _close(hazard: Hazard, when: datetime.datetime, people) -> None:
    # The verification's effect on the row (the workflow's own tests cover its guards).
    Hazard.objects.filter(pk=hazard.pk).update(
        status=Hazard.Status.CLOSED,
        closed_at=when,
        owner=people.staff_a,
        supervisor=people.leader_a,
        deadline=timezone.localdate(),
    )


@pytest.mark.django_db
def test_months_follow_create_close_reopen_delete_and_moves(postgresql, city, people):
    fire = SafetyArea.objects.get(key="fire")
    report = {"actor": people.staff_a, "school": city.school_a, "area": fire}
    first = services.hazard_report(**report, description="灭火器过期")
    second = services.hazard_report(**report, description="通道堵塞", severity="major")
    services.hazard_report(
        actor=people.staff_a2, school=city.school_a2, area=fire, description="电线老化"
    )
    assert kept() == direct()
    assert sum(f for f, _c in kept().values()) == 3

    # Created last month (the created_at of an imported record), closed this month.
    last_month = timezone.now() - datetime.timedelta(days=40)
    Hazard.objects.filter(pk=second.pk).update(created_at=last_month)
    _close(first, timezone.now(), people)
    _close(second, timezone.now(), people)
    assert kept() == direct()
    assert sum(c for _f, c in kept().values()) == 2

    # Re-opened by the county: it leaves the month it was closed in.
    services.hazard_reopen(
        actor=people.county_official, hazard=Hazard.objects.get(pk=first.pk), reason="复查未改"
    )
    assert kept() == direct()
    assert sum(c for _f, c in kept().values()) == 1

    # A school moves to another county: its months move with it.
    school = Organisation.objects.get(pk=city.school_a.pk)
    school.parent = city.county_b
    organisation_save(actor=None, organisation=school)
    assert kept() == direct()

    Hazard.objects.filter(pk=second.pk).delete()
    assert kept() == direct()

    tally.rebuild()
    assert kept() == direct()


@pytest.mark.django_db
def test_dashboard_hazard_numbers_from_the_summaries_equal_the_hazards(
    postgresql, city, people, staff_b
):
    fire = SafetyArea.objects.get(key="fire")
    for staff, school in ((people.staff_a, city.school_a), (staff_b, city.school_b)):
        services.hazard_report(actor=staff, school=school, area=fire, description="灭火器过期")
    old = services.hazard_report(
        actor=people.staff_a, school=city.school_a, area=fire, description="门锁损坏"
    )
    Hazard.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=62), is_overdue=True
    )
    today = timezone.localdate()
    for user, county in (
        (people.city_official, None),
        (people.city_official, city.county_a),
        (people.county_official, None),
    ):
        scope = Scope(user=user, unit=user.unit, county=county)
        hazards = scope.hazards()
        for key in ("this_month", "quarter", "year"):
            period = period_for(key, today)
            figures = {f.key: f.value for f in hazard_figures(scope, period)}
            found = hazards.filter(
                created_at__date__gte=period.first, created_at__date__lte=period.last
            ).count()
            assert figures["hazards_found"] == found, (user, county, key)
            assert figures["open_hazards"] == hazards.exclude(status="closed").count()
            assert figures["overdue_hazards"] == hazards.filter(is_overdue=True).count()
        trend = hazard_trend(scope, today, hazard_counts(scope, today))
        assert sum(row["found"] for row in trend) == hazards.count()
