"""The risk point tally (models.RiskTally, issue #23): a bureau's register shows its level
figures from the tally, equal to counting the points, after points are added and regraded
through the service and after a school moves to another bureau; filters and school accounts
count the points."""

from __future__ import annotations

import pytest

from inspections.risks import selectors, services
from inspections.risks.models import RiskTally
from safety.services import organisation_save

pytestmark = pytest.mark.django_db

PERSONAS = ("city_official", "county_official", "other_county_official", "leader_a")


def _figures(user, filters=None):
    filters = filters or {}
    points = selectors.point_list(user=user, filters=filters)
    return selectors.level_counts_for(user, filters, points), selectors.level_counts(points)


def _check(people) -> dict[str, dict[str, int]]:
    """Each persona's figures, after checking that the tally's equal the counted ones."""
    shown = {}
    for persona in PERSONAS:
        kept, counted = _figures(getattr(people, persona))
        assert kept == counted, persona
        shown[persona] = kept
    return shown


def test_the_tally_follows_points_added_regraded_and_a_school_moved(
    city, people, leader_b, make_point, point_values
):
    red = make_point(4, 5)  # LS 20: red
    make_point(2, 2)  # 4: blue
    make_point(2, 2, school=city.school_b, actor=leader_b)
    figures = _check(people)
    assert figures["county_official"]["red"] == 1 and figures["county_official"]["blue"] == 1
    assert figures["city_official"]["blue"] == 2

    regraded = services.point_save(
        actor=people.leader_a, school=city.school_a, values=point_values(3, 3), point=red
    )
    assert regraded.level != "red"
    figures = _check(people)
    assert figures["county_official"]["red"] == 0
    assert figures["county_official"][regraded.level] == 1 + (regraded.level == "blue")

    # School A moves to county B: its points count there.
    city.school_a.parent = city.county_b
    organisation_save(actor=None, organisation=city.school_a, changed_fields=["parent"])
    figures = _check(people)
    assert sum(figures["county_official"].values()) == 0
    assert sum(figures["other_county_official"].values()) == 3


def test_a_bureau_without_filters_reads_the_tally_and_filters_count_the_points(
    city, people, make_point
):
    make_point(4, 5)
    RiskTally.objects.filter(bureau=city.county_a, level="red").update(count=9)
    kept, counted = _figures(people.county_official)
    assert (kept["red"], counted["red"]) == (9, 1)  # read, not counted
    kept, counted = _figures(people.county_official, {"level": "red"})
    assert kept == counted  # a filter counts the points
    kept, counted = _figures(people.leader_a)
    assert kept == counted  # a school counts its own
    assert services.risk_tally_refresh() == 1  # the repair rewrites it
    assert _figures(people.county_official)[0]["red"] == 1
